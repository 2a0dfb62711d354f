"""The health the staff console sees never calls the gateway fine before it has answered."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kiosk.app import Kiosk
from kiosk.config import Config
from kiosk.core.clock import VirtualClock
from kiosk.core.executor import SyncExecutor
from tests.app.test_restart import FakeApp


def test_gateway_health_is_unknown_until_the_first_probe_answers(tmp_path: Path) -> None:
    kiosk = Kiosk(Config(), VirtualClock(date(2026, 11, 25)), SyncExecutor(), lambda fn: fn(),
                  scripted=True, data_dir=str(tmp_path / "sim"), persistent=False,
                  journal_path=str(tmp_path / "journal.sqlite3"))
    kiosk.build()
    kiosk.app = FakeApp()  # type: ignore[assignment]
    try:
        before = {f.name: f for f in kiosk.findings()}["gateway"]
        assert (before.state, before.detail) == ("unreachable", "not checked yet")
        kiosk.start()  # the embedded demo server answers the probe
        after = {f.name: f for f in kiosk.findings()}["gateway"]
        assert after.state == "ok"
    finally:
        kiosk.close()
