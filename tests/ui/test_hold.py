"""Holding the Repeat key pauses speech and holding it again resumes it (EN 301 549
5.1.3.4: pause works); the real audio queue behind a recording sound-card double."""

from __future__ import annotations

from datetime import date

from kiosk.app import Kiosk
from kiosk.config import Config
from kiosk.core.clock import VirtualClock
from kiosk.core.executor import SyncExecutor
from kiosk.speech.output import RecordingSink
from kiosk.speech.speaker import Speaker


def test_holding_repeat_pauses_and_resumes_speech() -> None:
    cfg = Config()
    kiosk = Kiosk(cfg, VirtualClock(date(2026, 11, 25)), SyncExecutor(), lambda fn: fn())
    kiosk.speech = Speaker(cfg, sink=RecordingSink())
    try:
        kiosk.hold("repeat")
        assert kiosk.speech.queue.paused
        kiosk.hold("volume_up")  # other holds do nothing
        assert kiosk.speech.queue.paused
        kiosk.hold("repeat")
        assert not kiosk.speech.queue.paused
    finally:
        kiosk.speech.close()
