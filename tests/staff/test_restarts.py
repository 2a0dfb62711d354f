"""Alerts survive restarts: kill -9 of a call point while the broker is down, of the console."""

from __future__ import annotations

import signal
from pathlib import Path

from kiosk.config import Config
from kiosk.staff.hub import ConsoleHub
from kiosk.staff.link import StaffLink
from kiosk.tools.harness import Harness
from tests.core.fakes import demo_library
from tests.staff.broker import Broker
from tests.staff.helpers import CallpointProcess, ConsoleProcess, Kiosk, wait_for
from tests.staff.test_console_http import Http


def hub_alerts(hub: ConsoleHub) -> dict[str, dict]:
    return {a["id"]: a for a in hub.snapshot()["alerts"]}


def test_call_raised_with_the_broker_down_survives_kill_9_of_the_call_point(tmp_path: Path, broker: Broker):
    broker.stop()  # the network is down when the patron presses
    point = CallpointProcess(tmp_path, broker.url, "callpoint-wc", "Дәретхана").ready()
    try:
        point.press()
        wait_for(lambda: point.states() == ["raised"])
        alert_id = point.alert_ids()[0]
        point.proc.send_signal(signal.SIGKILL)  # power cut: paho's queue is gone
        point.proc.wait(10)

        again = CallpointProcess(tmp_path, broker.url, "callpoint-wc", "Дәретхана").ready()
        point = again
        restored = [e for e in again.lines if e.get("event") == "alert"]
        assert restored and restored[0]["id"] == alert_id and restored[0].get("restored")

        broker.start()  # the network is back: staff see the call
        hub = ConsoleHub(broker.url, reconnect_min_s=0.2, reconnect_max_s=1)
        hub.start()
        try:
            seen = wait_for(lambda: hub_alerts(hub).get(alert_id), timeout_s=20)
            assert seen["state"] == "raised" and seen["place"] == "Дәретхана"
            hub.command(alert_id, "ack", by="dana")
            wait_for(lambda: "acknowledged" in again.states(), timeout_s=20)
        finally:
            hub.stop()
    finally:
        point.stop()


def kiosk_link(h: Harness, cfg: Config, state: Path) -> StaffLink:
    return StaffLink.build(cfg, h.session, h.bus, h.clock, state_path=state,
                           health=lambda: {"scanner": "ok", "printer": "ok", "gateway": "ok"})


def test_kiosk_link_keeps_the_open_alert_beside_the_journal(tmp_path: Path, broker: Broker):
    """As kiosk.app wires it: a call while the broker is down, the app dies, starts again."""
    cfg = Config()
    cfg.kiosk.id, cfg.kiosk.place = "kiosk-1", "Оқу залы"
    cfg.staff.broker_url, cfg.staff.heartbeat_s, cfg.staff.escalate_after_s = broker.url, 0.5, 45.0
    state = tmp_path / "staff-alerts.sqlite3"
    broker.stop()
    h = Harness(demo_library(), cfg)
    link = kiosk_link(h, cfg, state)
    link.start()
    h.session.call()
    alert = link.alerts.current
    assert alert is not None
    link.mqtt.client.loop_stop()  # the process dies: no clean stop, nothing sent

    h2 = Harness(demo_library(), cfg)
    link2 = kiosk_link(h2, cfg, state)
    try:
        assert link2.alerts.current is not None and link2.alerts.current.id == alert.id
        assert h2.log.named("say") == []  # nobody to tell at the attract screen
        broker.start()
        link2.start()
        hub = ConsoleHub(broker.url, reconnect_min_s=0.2, reconnect_max_s=1)
        hub.start()
        try:
            assert wait_for(lambda: hub_alerts(hub).get(alert.id, {}).get("state") == "raised", timeout_s=20)
            hub.command(alert.id, "resolve", by="dana")
            wait_for(lambda: link2.alerts.current is None, pump=link2.tick, timeout_s=20)
        finally:
            hub.stop()
    finally:
        link2.close()
    # resolved: a third start has nothing to restore
    h3 = Harness(demo_library(), cfg)
    link3 = kiosk_link(h3, cfg, state)
    assert link3.alerts.current is None
    link3.close()


def test_console_kill_9_loses_no_open_alert_and_no_response_time(tmp_path: Path, broker: Broker):
    kiosk = Kiosk(broker.url, "kiosk-a", "Оқу залы").start()
    console = ConsoleProcess(tmp_path, broker.url)
    try:
        staff = Http(int(console.url.rstrip("/").rsplit(":", 1)[1]))
        assert staff.login("aigerim", "kitap-2024!")[0].status == 200
        first = kiosk.alerts.raise_alert()
        wait_for(lambda: first.id in ids(staff))
        assert staff.request("POST", f"/api/alerts/{first.id}/ack")[0].status == 202
        wait_for(lambda: "acknowledged" in kiosk.states(), pump=kiosk.pump)
        assert staff.request("POST", f"/api/alerts/{first.id}/resolve")[0].status == 202
        wait_for(lambda: "resolved" in kiosk.states(), pump=kiosk.pump)
        second = kiosk.alerts.raise_alert()  # the retained message now holds only this one
        wait_for(lambda: ids(staff).get(second.id) == "raised" and ids(staff).get(first.id) == "resolved")
        console.kill()

        console = ConsoleProcess(tmp_path, broker.url)
        staff = Http(int(console.url.rstrip("/").rsplit(":", 1)[1]))
        assert staff.login("dana", "oqu-zaly-7")[0].status == 200
        wait_for(lambda: ids(staff).get(second.id) == "raised")
        snap = staff.request("GET", "/api/state")[1]
        old = {a["id"]: a for a in snap["alerts"]}[first.id]
        assert old["state"] == "resolved" and old["acked_by"] == "aigerim"
        assert snap["responses"]["count"] == 1
        # and the open one can still be answered after the restart
        assert staff.request("POST", f"/api/alerts/{second.id}/ack")[0].status == 202
        wait_for(lambda: kiosk.states()[-1] == "acknowledged", pump=kiosk.pump)
    finally:
        console.stop()
        kiosk.mqtt.stop()


def ids(staff: Http) -> dict[str, str]:
    resp, snap = staff.request("GET", "/api/state")
    return {a["id"]: a["state"] for a in snap["alerts"]} if resp.status == 200 else {}


def test_broker_killed_before_it_saved_gets_the_open_alert_again(tmp_path: Path):
    broker = Broker(tmp_path / "forgetful", persistence=False)  # = kill -9 before its autosave
    broker.start()
    kiosk = Kiosk(broker.url, "kiosk-a", "Оқу залы").start()
    try:
        assert kiosk.mqtt.connected.wait(5)
        alert = kiosk.alerts.raise_alert()
        wait_for(lambda: kiosk.mqtt._in_flight == {})  # the broker confirmed it
        broker.proc.kill()
        broker.proc.wait(5)
        broker.proc = None
        wait_for(lambda: not kiosk.mqtt.connected.is_set())
        broker.start()  # empty: no retained alert any more
        hub = ConsoleHub(broker.url, reconnect_min_s=0.2, reconnect_max_s=1)
        hub.start()
        try:
            seen = wait_for(lambda: hub_alerts(hub).get(alert.id), timeout_s=20)
            assert seen["state"] == "raised"
        finally:
            hub.stop()
    finally:
        kiosk.mqtt.stop()
        broker.stop()
