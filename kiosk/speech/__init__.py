"""Speech and sound cues: wording, cues, espeak-ng, recorded prompts, one audio queue.

Public entry points:
    Speaker(config, sink=None)        kiosk.speech.speaker: subscribe handle_event to the bus
    spoken_text(msg_id, params, lang) kiosk.speech.wording: the session's render_speech
"""
