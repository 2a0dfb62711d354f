"""Speech on the session's real EventBus: the core's say/cue/volume/logout events, rendered
by spoken_text, reach the device doubles as sound."""

import shutil
from datetime import date

import pytest

from kiosk.config import Config
from kiosk.core.announcer import Announcer
from kiosk.core.clock import VirtualClock
from kiosk.core.events import EventBus
from kiosk.locale.display import display_text
from kiosk.speech import attach_speech
from kiosk.speech.cues import generate_cues
from kiosk.speech.output import RecordingSink
from kiosk.speech.pcm import duration_s, scale
from kiosk.speech.wording import spoken_text

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")

TODAY = date(2026, 11, 24)


@pytest.fixture
def wired():
    clock = VirtualClock(today=TODAY)
    bus = EventBus(clock)
    said = []
    bus.subscribe(lambda e: said.append(e) if e["event"] == "say" else None)
    loud = RecordingSink("loudspeaker", realtime=False)
    phones = RecordingSink("headphones", realtime=False)
    speech = attach_speech(bus, Config(), sink=loud, headphones_sink=phones)
    core = Announcer(bus, lambda m, p, lang: spoken_text(m, p, lang, clock.today()), display_text)
    yield bus, core, speech, loud, phones, said
    speech.close()


def test_core_events_become_sound(wired):
    bus, core, speech, loud, phones, said = wired
    bus.publish({"event": "cue", "name": "success"})
    core.say("summary.checkout", "ru", {"title": "Абай жолы 2", "due": date(2026, 12, 8)})
    assert speech.queue.wait_idle(timeout=10)
    assert said[-1]["text"] == "Абай жолы два: срок возврата — восьмое декабря."
    pcm = loud.pcm()
    assert pcm.startswith(scale(generate_cues()["success"], speech.volume_steps[5]))
    assert duration_s(pcm) > 1.5 and phones.pcm() == b""


def test_private_core_speech_only_in_headphones_and_volume_reset(wired):
    bus, core, speech, loud, phones, said = wired
    core.say("focus.loan", "kk", {"n": 1, "count": 2, "title": "Абай жолы",
                                  "due": date(2026, 12, 8)}, private=True)
    assert speech.queue.wait_idle(timeout=10)
    assert loud.pcm() == b"" and phones.pcm() == b""  # headphones out: never played
    speech.set_headphones(True)
    core.say("focus.loan", "kk", {"n": 1, "count": 2, "title": "Абай жолы",
                                  "due": date(2026, 12, 8)}, private=True)
    assert speech.queue.wait_idle(timeout=10)
    assert loud.pcm() == b"" and duration_s(phones.pcm()) > 1
    bus.publish({"event": "volume", "level": 1})
    assert speech.volume_level == 1
    bus.publish({"event": "logout", "why": "user"})
    assert speech.volume_level == Config().speech.default_volume_step
