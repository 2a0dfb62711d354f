"""One health table: the same fault reads the same in `kiosk hw-check`, on the maintenance
screen and in the staff console (the heartbeat through a real mosquitto to the console
hub). The fault: the configured gateway does not answer."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from kiosk.app import Kiosk
from kiosk.config import config_from_dict
from kiosk.core.clock import VirtualClock
from kiosk.core.executor import SyncExecutor
from kiosk.maintenance import hash_pin
from kiosk.staff.hub import ConsoleHub
from kiosk.tools.hwcheck import run_checks
from tests.app.test_modes import Window, closed_port
from tests.staff.broker import Broker
from tests.staff.conftest import broker  # noqa: F401 - the real mosquitto fixture
from tests.staff.helpers import wait_for

STAFF, PIN = "900999", "2468"


def test_an_unreachable_gateway_reads_the_same_in_hw_check_maintenance_and_console(
        tmp_path: Path, broker: Broker) -> None:  # noqa: F811
    url = f"tcp://127.0.0.1:{closed_port()}"
    cfg = config_from_dict({
        "kiosk": {"id": "kiosk-h"}, "gateway": {"url": url, "password": "x"},
        "staff": {"broker_url": broker.url, "heartbeat_s": 0.2},
        "maintenance": {"staff": [{"card": STAFF, "pin": hash_pin(PIN, iterations=1000)}]}})

    printed: list[str] = []
    assert run_checks(cfg, printed.append) == 1
    missing = [line.strip() for line in printed if line.strip().startswith("MISSING: ")]
    assert missing == [f"MISSING: {url} unreachable (Connection refused)"]

    kiosk = Kiosk(cfg, VirtualClock(date(2026, 11, 25)), SyncExecutor(), lambda fn: fn(),
                  scripted=True, persistent=False, data_dir=str(tmp_path / "sim"),
                  journal_path=str(tmp_path / "journal.sqlite3"))
    hub = ConsoleHub(broker.url, reconnect_min_s=0.2, reconnect_max_s=1)
    try:
        kiosk.build()
        window = Window()
        kiosk.app = window
        kiosk.start()
        assert window.screen == "out_of_order"
        kiosk.scan(STAFF)
        for digit in PIN:
            kiosk.tap(f"pin_{digit}")
        kiosk.tap("pin_ok")
        lines = {name: (ok, detail) for name, ok, detail in window.shown[-1].lines}
        assert lines["gateway"] == (False, f"{url} unreachable (Connection refused)")

        hub.start()
        assert hub.connected.wait(5)

        def console_health() -> dict[str, Any]:
            kiosks = {k["kiosk"]: k for k in hub.snapshot()["kiosks"]}
            return kiosks.get("kiosk-h", {}).get("health", {})

        health = wait_for(lambda: console_health().get("gateway") and console_health())
        assert health["gateway"] == "unreachable"
        shown = {name for name, ok, _ in window.shown[-1].lines if not ok}
        assert shown - {"config"} == {k for k, v in health.items()
                                      if v not in ("ok", "off")}  # the same faults
    finally:
        hub.stop()
        kiosk.close()
