"""Speech and sound cues: wording, cues, espeak-ng, recorded prompts, one audio queue.

Public entry points:
    Speaker(config, sink=None)        kiosk.speech.speaker: subscribe handle_event to the bus
    spoken_text(msg_id, params, lang) kiosk.speech.wording: the session's render_speech
"""

from __future__ import annotations

from typing import Any


def attach_speech(bus: Any, config: Any, simulated: bool = False, sink: Any = None,
                  headphones_sink: Any = None) -> Any:
    """Build the Speaker and subscribe it to the session's EventBus; returns it (the app
    closes it, calls interrupt() on every input and set_headphones() from the jack).
    simulated: no sound card is used and no espeak-ng processes wait ahead (scripts, CI).
    sink / headphones_sink: device doubles (tests)."""
    from kiosk.speech.output import NullSink
    from kiosk.speech.speaker import Speaker

    if sink is not None:
        speaker = Speaker(config, sink=sink, headphones_sink=headphones_sink)
    elif simulated:
        speaker = Speaker(config, sink=NullSink("loudspeaker"), warm=False)
    else:
        speaker = Speaker(config)
    bus.subscribe(speaker.handle_event, any_thread=True)  # cues at the gateway's answer
    return speaker
