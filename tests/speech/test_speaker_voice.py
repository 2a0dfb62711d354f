"""The speaker and issue 17: a say event's language segments are one utterance in several
voices; the rate event makes speech slower or faster and logout sets it back. Real
espeak-ng and the real queue; only the sound card is a double (RecordingSink)."""

from __future__ import annotations

import shutil

import pytest

from kiosk.config import SpeechSection
from kiosk.core.rate import RATE_DEFAULT, RATE_MAX, RATE_MIN
from kiosk.speech.output import RecordingSink
from kiosk.speech.pcm import duration_s
from kiosk.speech.speaker import Speaker

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                reason="espeak-ng not installed")

TEXT = "Сіз алдыңыз Приключения Незнайки кітабын"
SEGMENTS = [{"lang": "kk", "text": "Сіз алдыңыз "}, {"lang": "ru", "text": "Приключения Незнайки"},
            {"lang": "kk", "text": " кітабын"}]


@pytest.fixture
def fast():
    out = RecordingSink("loudspeaker", realtime=False)
    sp = Speaker(SpeechSection(), sink=out, warm=False)
    assert sp.wait_ready()
    yield sp, out
    sp.close()


def _said(sp: Speaker, out: RecordingSink, **event) -> bytes:
    out.clear()
    sp.handle_event({"event": "say", "lang": "kk", "text": TEXT, "private": False, **event})
    assert sp.queue.wait_idle(timeout=20)
    return out.pcm()


def test_segments_change_the_voice_of_the_title(fast):
    sp, out = fast
    plain = _said(sp, out)
    mixed = _said(sp, out, segments=SEGMENTS)
    assert duration_s(mixed) > 1.0
    assert mixed != plain  # the Russian voice read the title, not the Kazakh one
    # malformed segments are ignored: the plain text is still said
    assert _said(sp, out, segments=[{"lang": "xx", "text": "?"}]) == plain


def test_rate_steps_slow_down_and_speed_up_and_logout_resets(fast):
    sp, out = fast
    normal = duration_s(_said(sp, out))
    sp.handle_event({"event": "rate", "step": RATE_MIN})
    slowest = duration_s(_said(sp, out))
    sp.handle_event({"event": "rate", "step": RATE_MAX + 5})
    assert sp.rate_step == RATE_MAX  # clamped
    fastest = duration_s(_said(sp, out))
    assert slowest > 1.4 * normal and fastest < 0.75 * normal
    sp.handle_event({"event": "logout", "why": "user"})
    assert sp.rate_step == RATE_DEFAULT
    assert abs(duration_s(_said(sp, out)) - normal) < 0.05 * normal


def test_default_rate_per_language_from_the_config():
    out = RecordingSink("loudspeaker", realtime=False)
    slow_kk = Speaker(SpeechSection(rate_kk=100), sink=out, warm=False)
    try:
        assert slow_kk.wait_ready()
        slow = duration_s(_said(slow_kk, out))
        ru = slow_kk.synth._command("ru")
    finally:
        slow_kk.close()
    assert "150" in ru  # other languages keep rate_wpm
    out2 = RecordingSink("loudspeaker", realtime=False)
    normal_sp = Speaker(SpeechSection(), sink=out2, warm=False)
    try:
        assert normal_sp.wait_ready()
        assert slow > 1.2 * duration_s(_said(normal_sp, out2))
    finally:
        normal_sp.close()
