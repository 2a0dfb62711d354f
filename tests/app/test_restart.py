"""Maintenance "Restart" through the real wiring: the kiosk is stopped with 75 and
`kiosk run` (run_main) returns that code, so kiosk.service starts it again."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import pytest

from kiosk.app import Kiosk
from kiosk.config import config_from_dict
from kiosk.core.clock import VirtualClock
from kiosk.core.executor import SyncExecutor
from kiosk.maintenance import RESTART_EXIT_CODE, hash_pin

CARD, PIN = "900999", "2468"


class FakeApp:
    """Stands in for the Kivy app: records what is shown and whether it was stopped."""

    def __init__(self) -> None:
        self.on_started = None
        self.stopped = False
        self.shown: list[object] = []

    def show(self, view: object) -> None:
        self.shown.append(view)

    def stop(self) -> None:
        self.stopped = True

    def run(self) -> None:
        assert self.on_started is not None


def _kiosk(tmp_path: Path) -> Kiosk:
    cfg = config_from_dict({"maintenance": {"staff": [
        {"card": CARD, "pin": hash_pin(PIN, iterations=1000), "name": "Айгүл"}]}})
    kiosk = Kiosk(cfg, VirtualClock(date(2026, 11, 25)), SyncExecutor(), lambda fn: fn(),
                  scripted=True, data_dir=str(tmp_path / "sim"), persistent=False,
                  journal_path=str(tmp_path / "journal.sqlite3"))
    kiosk.build()
    kiosk.app = FakeApp()  # type: ignore[assignment]
    return kiosk


def test_maintenance_restart_stops_the_kiosk_with_exit_code_75(tmp_path: Path) -> None:
    kiosk = _kiosk(tmp_path)
    try:
        kiosk.start()
        kiosk.devices.scanner.push(CARD)  # through the scripted scanner's decoder
        for digit in PIN:
            kiosk.tap(f"pin_{digit}")
        kiosk.tap("pin_ok")
        assert kiosk.maintenance is not None and kiosk.maintenance.stage == "open"
        kiosk.tap("m_restart")
        assert kiosk.app.stopped and kiosk.exit_code == RESTART_EXIT_CODE == 75
    finally:
        kiosk.close()


def test_run_main_returns_the_code_the_kiosk_stopped_with(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    import kiosk.app.run as run_module
    import kiosk.ui.kivy_setup as kivy_setup

    built: list[Kiosk] = []

    class RestartingKiosk(Kiosk):
        def build(self) -> Kiosk:
            self.app = FakeApp()  # type: ignore[assignment]
            built.append(self)
            return self

        def close(self) -> None:
            pass

    monkeypatch.setattr(kivy_setup, "configure_kivy", lambda *a, **k: None)
    monkeypatch.setattr(run_module, "setup_logging", lambda *a, **k: None)
    monkeypatch.setattr(run_module, "Kiosk", RestartingKiosk)
    monkeypatch.setattr(FakeApp, "run", lambda self: built[0].stop_app(RESTART_EXIT_CODE))
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[kiosk]\ndata_dir = "{tmp_path}"\n', encoding="utf-8")
    assert run_module.run_main(argparse.Namespace(config=str(cfg))) == 75
