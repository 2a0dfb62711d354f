"""The speaker end to end: events in, samples out at the device edge (RecordingSink).

Real espeak-ng and the real queue; only the sound card is a double. Assertions are about
order and absence of samples, never about wall-clock budgets."""

import shutil
import threading
import time

import pytest

from kiosk.config import SpeechSection
from kiosk.speech.cues import generate_cues
from kiosk.speech.output import RecordingSink, SinkError
from kiosk.speech.pcm import SAMPLE_BYTES, duration_s, scale, write_wav
from kiosk.speech.speaker import Speaker

from .analysis import peak

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="espeak-ng not installed")

LONG_KK = ("Сәлеметсіз бе. Кітапты алу үшін штрих кодты қызыл жарыққа әкеліңіз. "
           "Содан кейін келесі кітапты алыңыз. Аяқтау үшін жасыл түймені басыңыз.")
# After an interrupt only the one 10 ms block already past the device's wait may still
# arrive (whatever the machine's load); a queue that kept playing would deliver dozens.
IN_FLIGHT = 1


def config(**kw):
    c = SpeechSection(volume_steps=[0.25, 0.5, 1.0], default_volume_step=3)
    for k, v in kw.items():
        setattr(c, k, v)
    return c


@pytest.fixture
def loud():
    return RecordingSink("loudspeaker")


@pytest.fixture
def phones():
    return RecordingSink("headphones")


@pytest.fixture
def speaker(loud, phones):
    sp = Speaker(config(), sink=loud, headphones_sink=phones)
    assert sp.wait_ready()
    yield sp
    sp.close()


@pytest.fixture
def fast():
    """A speaker whose device doubles take audio as fast as it comes (content tests)."""
    loud, phones = RecordingSink("loudspeaker", realtime=False), RecordingSink(
        "headphones", realtime=False)
    sp = Speaker(config(), sink=loud, headphones_sink=phones, warm=False)
    sp.clock = ManualClock()  # event groups decided by this clock, not by the machine's load
    assert sp.wait_ready()
    yield sp, loud, phones
    sp.close()


class ManualClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


def say(text, lang="kk", private=False, msg="", **kw):
    return {"event": "say", "lang": lang, "text": text, "private": private, "msg": msg, **kw}


def test_cue_event_reaches_the_sink_as_the_generated_cue(speaker, loud):
    speaker.handle_event({"event": "cue", "name": "success"})
    assert speaker.queue.wait_idle()
    assert loud.pcm() == generate_cues()["success"]


def test_cues_play_in_order(speaker, loud):
    for name in ("move", "edge", "move"):
        speaker.handle_event({"event": "cue", "name": name})
    assert speaker.queue.wait_idle()
    cues = generate_cues()
    assert loud.pcm() == cues["move"] + cues["edge"] + cues["move"]


def test_unknown_cue_and_garbage_events_do_not_raise(speaker, loud):
    speaker.handle_event({"event": "cue", "name": "fanfare"})
    speaker.handle_event({"event": "volume", "level": "loud"})
    speaker.handle_event({"event": "say"})
    speaker.handle_event({})
    speaker.handle_event(None)
    speaker.handle_event({"event": "say", "text": 5, "lang": "xx", "private": "no"})
    speaker.handle_event({"event": "cue", "name": "move"})
    assert speaker.queue.wait_idle()
    assert loud.pcm() == generate_cues()["move"]


@needs_espeak
def test_interrupt_stops_speech_and_nothing_arrives_after(speaker, loud):
    speaker.handle_event(say(LONG_KK))
    assert loud.wait_audio(timeout=5) is not None
    time.sleep(0.15)
    t_interrupt = time.perf_counter()
    speaker.interrupt()
    assert speaker.queue.wait_idle(timeout=5)
    time.sleep(0.3)
    late = [t for t in loud.times() if t > t_interrupt]
    assert len(late) <= IN_FLIGHT
    assert duration_s(loud.pcm()) < 3  # far less than the ~10 s utterance


@needs_espeak
def test_new_speech_replaces_current_speech(speaker, loud):
    speaker.handle_event(say(LONG_KK))
    assert loud.wait_audio(timeout=5) is not None
    time.sleep(0.3)  # a later event: not part of the same burst
    speaker.handle_event(say("Рахмет.", "ru"))
    assert speaker.queue.wait_idle(timeout=10)
    assert duration_s(loud.pcm()) < 3  # the long sentence did not play out


@needs_espeak
def test_queued_say_appends_instead_of_replacing(fast):
    speaker, loud, _ = fast
    speaker.handle_event(say("Бір.", "kk"))
    speaker.handle_event(say("Екі.", "kk", queue=True))
    assert speaker.queue.wait_idle(timeout=10)
    one = _synth_duration("Бір.", "kk")
    two = _synth_duration("Екі.", "kk")
    assert abs(duration_s(loud.pcm()) - (one + two)) < 0.05


@needs_espeak
def test_a_burst_of_events_from_one_input_plays_in_full_and_in_order():
    fast = RecordingSink(realtime=False)
    sp = Speaker(config(), sink=fast)
    try:
        # what the session publishes for one key press: cue, then two sentences
        sp.handle_event({"event": "cue", "name": "move"})
        sp.handle_event(say("Бір.", "kk"))
        sp.handle_event(say("Екі.", "kk"))
        assert sp.queue.wait_idle(timeout=10)
        move = generate_cues()["move"]
        pcm = fast.pcm()
        assert pcm.startswith(move)
        expected = _synth_duration("Бір.", "kk") + _synth_duration("Екі.", "kk")
        assert abs(duration_s(pcm[len(move):]) - expected) < 0.05
    finally:
        sp.close()


@needs_espeak
def test_the_sessions_headphone_announcements_set_the_routing(fast):
    speaker, loud, phones = fast
    speaker.handle_event(say("Құлаққап қосылды.", "kk", msg="headphones.in"))
    speaker.handle_event(say("Айгүл", "kk", private=True, msg="account.greeting"))
    assert phones.wait_audio(timeout=5) is not None
    assert speaker.headphones
    speaker.clock.advance(5)  # a later input
    speaker.handle_event(say("Құлаққап ажыратылды.", "kk", msg="headphones.out"))
    assert not speaker.headphones
    speaker.handle_event(say("Айгүл", "kk", private=True, msg="account.greeting"))
    assert speaker.queue.wait_idle(timeout=10)
    # the loudspeaker played the public announcement and nothing else
    assert abs(duration_s(loud.pcm()) - _synth_duration("Құлаққап ажыратылды.", "kk")) < 0.05


def _synth_duration(text, lang):
    from kiosk.speech.synth import EspeakSynth
    s = EspeakSynth(warm=False)
    return duration_s(b"".join(s.stream(text, lang)))


@needs_espeak
def test_cue_before_speech_is_not_cut_by_it(fast):
    speaker, loud, _ = fast
    speaker.handle_event({"event": "cue", "name": "success"})
    speaker.handle_event(say("Рахмет.", "kk"))
    assert speaker.queue.wait_idle(timeout=10)
    assert loud.pcm().startswith(generate_cues()["success"])
    assert duration_s(loud.pcm()) > duration_s(generate_cues()["success"]) + 0.3


@needs_espeak
def test_private_speech_never_reaches_the_loudspeaker(speaker, loud, phones):
    speaker.handle_event(say("Айгүл, сіздің үш кітабыңыз бар.", private=True))
    time.sleep(0.3)
    assert not speaker.queue.busy()
    assert loud.pcm() == b"" and phones.pcm() == b""

    speaker.handle_event({"event": "headphones", "state": "in"})
    speaker.handle_event(say("Айгүл, сіздің үш кітабыңыз бар.", private=True))
    assert phones.wait_audio(timeout=5) is not None
    time.sleep(0.2)
    speaker.handle_event({"event": "logout", "why": "user"})  # drops private audio too
    assert speaker.queue.wait_idle(timeout=2)
    assert loud.pcm() == b""
    assert duration_s(phones.pcm()) > 0.1


@needs_espeak
def test_unplugging_headphones_cuts_private_speech_at_once(speaker, loud, phones):
    speaker.handle_event({"event": "headphones", "state": "in"})
    speaker.handle_event(say(LONG_KK, private=True))
    assert phones.wait_audio(timeout=5) is not None
    t_out = time.perf_counter()
    speaker.handle_event({"event": "headphones", "state": "out"})
    time.sleep(0.3)
    assert len([t for t in phones.times() if t > t_out]) <= IN_FLIGHT
    assert loud.pcm() == b""


def test_headphones_in_mutes_the_loudspeaker(speaker, loud, phones):
    speaker.handle_event({"event": "headphones", "plugged": True})
    speaker.handle_event({"event": "cue", "name": "move"})
    assert speaker.queue.wait_idle()
    assert loud.pcm() == b"" and phones.pcm() == generate_cues()["move"]
    speaker.handle_event({"event": "headphones", "state": "out"})
    speaker.handle_event({"event": "cue", "name": "move"})
    assert speaker.queue.wait_idle()
    assert loud.pcm() == generate_cues()["move"]


def test_private_only_policy_keeps_public_audio_on_the_loudspeaker(loud, phones):
    sp = Speaker(config(headphones="private_only"), sink=loud, headphones_sink=phones)
    try:
        sp.set_headphones(True)
        sp.cue("move")
        sp.cue("edge", private=True)
        assert sp.queue.wait_idle()
        assert loud.pcm() == generate_cues()["move"]
        assert phones.pcm() == generate_cues()["edge"]
    finally:
        sp.close()


def test_volume_steps_never_silent_and_reset_at_logout(speaker, loud):
    move = generate_cues()["move"]
    speaker.handle_event({"event": "volume", "level": 0})
    assert speaker.volume_level == 1
    speaker.handle_event({"event": "cue", "name": "move"})
    assert speaker.queue.wait_idle()
    quiet = loud.pcm()
    assert quiet == scale(move, 0.25)
    assert peak(quiet) > 0.2 * peak(move)  # clearly audible at the lowest step
    speaker.handle_event({"event": "volume", "change": "down"})
    assert speaker.volume_level == 1  # already the quietest: stays there
    speaker.handle_event({"event": "volume", "change": "up"})
    assert speaker.volume_level == 2
    speaker.handle_event({"event": "volume", "level": 99})
    assert speaker.volume_level == 3
    speaker.handle_event({"event": "volume", "level": 1})
    speaker.handle_event({"event": "logout", "why": "timeout"})
    assert speaker.volume_level == 3
    loud.clear()
    speaker.handle_event({"event": "cue", "name": "move"})
    assert speaker.queue.wait_idle()
    assert loud.pcm() == move


def test_volume_change_applies_to_sound_already_playing():
    stalled = StalledSink()
    sp = Speaker(config(), sink=stalled)
    try:
        sp.set_volume(1)
        sp.cue("attention")
        assert stalled.entered.wait(5)  # the first block is scaled and at the device
        sp.set_volume(3)
        stalled.release.set()
        assert sp.queue.wait_idle()
        pcm = stalled.pcm()
        first, last = pcm[: 220 * SAMPLE_BYTES], pcm[-4400 * SAMPLE_BYTES :]
        assert peak(last) > 3 * peak(first)
    finally:
        stalled.release.set()
        sp.close()


@needs_espeak
def test_recorded_prompt_overrides_synthesis(tmp_path, monkeypatch):
    monkeypatch.setattr("kiosk.speech.speaker.catalogue", lambda lang: {
        "attract.start": "Сәлем! Кітап алу үшін картаңызды сканерлеңіз.",
        "checkout.ok": "{title} берілді."})
    recording = generate_cues()["success"]  # stands in for a staff recording
    (tmp_path / "kk").mkdir()
    write_wav(tmp_path / "kk" / "attract.start.wav", recording)
    # a message with {placeholders} must never be replaced by a fixed recording
    write_wav(tmp_path / "kk" / "checkout.ok.wav", recording)
    out = RecordingSink(realtime=False)
    sp = Speaker(config(prompts_dir=str(tmp_path)), sink=out)
    try:
        sp.say("Сәлем! Кітап алу үшін картаңызды сканерлеңіз.", "kk", msg="attract.start")
        assert sp.queue.wait_idle(timeout=10)
        assert out.pcm() == recording  # the recording, not espeak
        for lang, text, msg in [("ru", "Здравствуйте!", "attract.start"),  # no ru clip
                                ("kk", "Абай жолы берілді.", "checkout.ok"),
                                ("kk", "Сәлем!", "no.clip.for.this")]:
            out.clear()
            sp.say(text, lang, msg=msg)
            assert sp.queue.wait_idle(timeout=10)
            spoken = out.pcm()
            assert spoken != recording and duration_s(spoken) > 0.3, msg
    finally:
        sp.close()



@needs_espeak
def test_pause_holds_speech_and_resume_continues(speaker, loud):
    speaker.handle_event(say(LONG_KK))
    assert loud.wait_audio(timeout=5) is not None
    speaker.pause()
    t_pause = time.perf_counter()
    time.sleep(0.3)
    assert len([t for t in loud.times() if t > t_pause]) <= IN_FLIGHT
    assert speaker.queue.busy()
    speaker.resume()
    assert loud.wait_audio(since=time.perf_counter(), timeout=2) is not None
    speaker.interrupt()


def test_without_espeak_cues_still_play_and_nothing_raises(loud, caplog):
    from kiosk.speech.synth import EspeakSynth
    sp = Speaker(config(), sink=loud, synth=EspeakSynth(binary="/nonexistent/espeak-ng"))
    try:
        assert sp.wait_ready()
        sp.handle_event(say("Сәлем"))
        sp.handle_event(say("Сәлем"))
        sp.handle_event({"event": "cue", "name": "error"})
        assert sp.queue.wait_idle()
        assert loud.pcm() == generate_cues()["error"]
        assert sum("espeak" in r.getMessage() for r in caplog.records) <= 2
    finally:
        sp.close()


class BrokenSink(RecordingSink):
    def write(self, pcm, abort=None):
        raise SinkError("sound card unplugged")


def test_failing_sound_card_is_logged_once_and_the_kiosk_goes_on(caplog):
    sp = Speaker(config(), sink=BrokenSink())
    try:
        for _ in range(3):
            sp.handle_event({"event": "cue", "name": "move"})
        assert sp.queue.wait_idle()
        assert sum("unplugged" in r.getMessage() for r in caplog.records) == 1
    finally:
        sp.close()


class StalledSink(RecordingSink):
    """A sound card that stops taking audio until released."""

    def __init__(self):
        super().__init__(realtime=False)
        self.release = threading.Event()
        self.entered = threading.Event()

    def write(self, pcm, abort=None):
        self.entered.set()
        self.release.wait(10)
        return super().write(pcm, abort)


def test_handle_event_never_blocks_the_caller_even_when_the_device_hangs():
    stalled = StalledSink()
    sp = Speaker(config(), sink=stalled)
    try:
        sp.handle_event({"event": "cue", "name": "error"})
        assert stalled.entered.wait(5)
        # the audio thread is stuck in the device; the caller must still get through
        for i in range(100):
            sp.handle_event(say(f"сөз {i}"))
            sp.handle_event({"event": "cue", "name": "move"})
            sp.handle_event({"event": "volume", "change": -1})
            sp.interrupt()
        assert sp.volume_level == 1
    finally:
        stalled.release.set()
        sp.close()
