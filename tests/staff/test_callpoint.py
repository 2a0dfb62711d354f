"""`kiosk callpoint` processes: a button and a lamp on the same alert software."""

from __future__ import annotations

import signal
from pathlib import Path

from kiosk.staff.hub import ConsoleHub
from tests.staff.broker import Broker
from tests.staff.helpers import CallpointProcess, wait_for


def kiosks(hub: ConsoleHub) -> dict[str, dict]:
    return {k["kiosk"]: k for k in hub.snapshot()["kiosks"]}


def test_press_ack_resolve_and_a_dead_callpoint_shows_offline(tmp_path: Path, broker: Broker):
    hub = ConsoleHub(broker.url, reconnect_min_s=0.2, reconnect_max_s=1)
    hub.start()
    entrance = CallpointProcess(tmp_path, broker.url, "callpoint-entrance", "Кіреберіс")
    toilet = CallpointProcess(tmp_path, broker.url, "callpoint-toilet", "Дәретхана")
    try:
        entrance.ready()
        toilet.ready()
        wait_for(lambda: {k: v.get("state") for k, v in kiosks(hub).items()}
                 == {"callpoint-entrance": "online", "callpoint-toilet": "online"}, timeout_s=15)
        assert kiosks(hub)["callpoint-entrance"]["kind"] == "callpoint"

        entrance.press()
        wait_for(lambda: entrance.states() == ["raised"])
        alert_id = entrance.alert_ids()[0]
        seen = wait_for(lambda: [a for a in hub.snapshot()["alerts"] if a["id"] == alert_id])
        assert seen[0]["place"] == "Кіреберіс" and seen[0]["reason"] == "call_button"
        entrance.press()  # pressed again while waiting: the same alert, announced again
        wait_for(lambda: len(entrance.states()) == 2)
        assert set(entrance.alert_ids()) == {alert_id}
        wait_for(lambda: [a for a in hub.snapshot()["alerts"] if a["presses"] == 2])

        hub.command(alert_id, "ack", by="aigerim")
        wait_for(lambda: entrance.states()[-1] == "acknowledged")
        hub.command(alert_id, "resolve", by="aigerim")
        wait_for(lambda: entrance.states()[-1] == "resolved")
        assert toilet.states() == []

        toilet.proc.send_signal(signal.SIGKILL)  # dies without a word: the last will speaks
        toilet.proc.wait(5)
        wait_for(lambda: kiosks(hub)["callpoint-toilet"]["state"] == "offline", timeout_s=10)
        assert kiosks(hub)["callpoint-toilet"]["why"] == "lost"

        entrance.stop()  # a clean stop says so
        wait_for(lambda: kiosks(hub)["callpoint-entrance"]["state"] == "offline", timeout_s=10)
        assert kiosks(hub)["callpoint-entrance"]["why"] == "stopped"
        assert entrance.proc.returncode == 0
    finally:
        entrance.stop()
        toilet.stop()
        hub.stop()
