"""Alerts across machines through a real mosquitto broker: two kiosks and the console hub."""

from __future__ import annotations

import json
import time

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from kiosk.staff.hub import ConsoleHub
from tests.staff.broker import Broker
from tests.staff.helpers import Kiosk, wait_for


def hub_for(broker: Broker) -> ConsoleHub:
    hub = ConsoleHub(broker.url, reconnect_min_s=0.2, reconnect_max_s=1)
    hub.start()
    assert hub.connected.wait(5)
    return hub


def alert_on(hub: ConsoleHub, kiosk: str, state: str | None = None):
    for a in hub.snapshot()["alerts"]:
        if a["kiosk"] == kiosk and (state is None or a["state"] == state):
            return a
    return None


def test_call_on_one_of_two_kiosks_reaches_console_and_ack_comes_back(broker: Broker):
    a = Kiosk(broker.url, "kiosk-a", "Оқу залы").start()
    b = Kiosk(broker.url, "kiosk-b", "Кіреберіс").start()
    hub = hub_for(broker)
    try:
        wait_for(lambda: len([k for k in hub.snapshot()["kiosks"] if k["state"] == "online"]) == 2)
        kiosks = {k["kiosk"]: k for k in hub.snapshot()["kiosks"]}
        assert kiosks["kiosk-a"]["health"] == {"scanner": "ok", "printer": "paper_low", "gateway": "ok"}
        assert kiosks["kiosk-b"]["place"] == "Кіреберіс"

        alert = a.alerts.raise_alert()
        seen = wait_for(lambda: alert_on(hub, "kiosk-a", "raised"))
        assert seen["id"] == alert.id and seen["place"] == "Оқу залы"
        assert alert_on(hub, "kiosk-b") is None

        a.clock.advance(30)  # nobody answered in escalate_after_s
        a.pump()
        assert wait_for(lambda: alert_on(hub, "kiosk-a", "escalated"))

        beat = kiosks["kiosk-b"]["last_seen"]  # the heartbeat keeps coming (every 0.5 s here)
        wait_for(lambda: {k["kiosk"]: k for k in hub.snapshot()["kiosks"]}["kiosk-b"]["last_seen"] > beat + 0.4)

        hub.command(alert.id, "ack", by="aigerim")
        wait_for(lambda: "acknowledged" in a.states(), pump=a.pump)
        assert a.events[-1]["by"] == "aigerim"
        assert wait_for(lambda: alert_on(hub, "kiosk-a", "acknowledged"))
        b.pump()
        assert b.events == []  # the other kiosk heard nothing

        hub.command(alert.id, "resolve", by="aigerim")
        wait_for(lambda: "resolved" in a.states(), pump=a.pump)
        wait_for(lambda: alert_on(hub, "kiosk-a", "resolved"))
        summary = hub.snapshot()["responses"]
        assert summary["count"] == 1 and summary["max_s"] >= 0
    finally:
        hub.stop()
        a.mqtt.stop()
        b.mqtt.stop()


def test_broker_restart_mid_alert_loses_nothing(broker: Broker):
    a = Kiosk(broker.url, "kiosk-a", "Оқу залы").start()
    b = Kiosk(broker.url, "kiosk-b", "Кіреберіс").start()
    hub = hub_for(broker)
    try:
        assert a.mqtt.connected.wait(5) and b.mqtt.connected.wait(5)
        first = a.alerts.raise_alert()
        wait_for(lambda: alert_on(hub, "kiosk-a", "raised"))

        broker.stop()
        wait_for(lambda: not a.mqtt.connected.is_set() and not hub.connected.is_set())
        second = b.alerts.raise_alert("reader_blocked")  # raised while the broker is down
        hub.command(first.id, "ack", by="dana")  # staff click while the broker is down
        time.sleep(0.3)
        broker.start()

        wait_for(lambda: alert_on(hub, "kiosk-b", "raised"), timeout_s=15)
        assert alert_on(hub, "kiosk-b")["id"] == second.id
        assert alert_on(hub, "kiosk-b")["reason"] == "reader_blocked"
        wait_for(lambda: "acknowledged" in a.states(), pump=a.pump, timeout_s=15)
        wait_for(lambda: alert_on(hub, "kiosk-a", "acknowledged"), timeout_s=15)
    finally:
        hub.stop()
        a.mqtt.stop()
        b.mqtt.stop()


def test_broker_without_persistence_still_delivers_pending_ack(tmp_path):
    """A broker restarted with no memory: the console repeats what the kiosk has not confirmed."""
    from tests.staff.broker import Broker as B

    broker = B(tmp_path / "plain", persistence=False)
    broker.start()
    a = Kiosk(broker.url, "kiosk-a", "Оқу залы").start()
    hub = hub_for(broker)
    try:
        first = a.alerts.raise_alert()
        wait_for(lambda: alert_on(hub, "kiosk-a", "raised"))
        broker.stop()
        wait_for(lambda: not a.mqtt.connected.is_set() and not hub.connected.is_set())
        hub.command(first.id, "ack", by="dana")
        broker.start()
        wait_for(lambda: "acknowledged" in a.states(), pump=a.pump, timeout_s=15)
        wait_for(lambda: alert_on(hub, "kiosk-a", "acknowledged"), timeout_s=15)
        assert a.states().count("acknowledged") == 1
    finally:
        hub.stop()
        a.mqtt.stop()
        broker.stop()


def test_console_started_later_sees_retained_alert_and_status(broker: Broker):
    a = Kiosk(broker.url, "kiosk-a", "Оқу залы").start()
    try:
        assert a.mqtt.connected.wait(5)
        alert = a.alerts.raise_alert()
        time.sleep(0.2)
        hub = hub_for(broker)
        try:
            seen = wait_for(lambda: alert_on(hub, "kiosk-a", "raised"))
            assert seen["id"] == alert.id
            assert {k["kiosk"]: k["state"] for k in hub.snapshot()["kiosks"]} == {"kiosk-a": "online"}
        finally:
            hub.stop()
    finally:
        a.mqtt.stop()


def test_ack_for_a_kiosk_that_was_away_waits_at_the_broker(broker: Broker):
    a = Kiosk(broker.url, "kiosk-a", "Оқу залы").start()
    hub = hub_for(broker)
    try:
        assert a.mqtt.connected.wait(5)
        alert = a.alerts.raise_alert()
        wait_for(lambda: alert_on(hub, "kiosk-a", "raised"))
        a.mqtt.client.disconnect()  # the kiosk's network drops (session kept at the broker)
        a.mqtt.client.loop_stop()
        wait_for(lambda: not a.mqtt.connected.is_set())
        hub.command(alert.id, "ack", by="dana")
        time.sleep(0.2)
        a.mqtt.client.reconnect()
        a.mqtt.client.loop_start()
        wait_for(lambda: "acknowledged" in a.states(), pump=a.pump)
    finally:
        hub.stop()
        a.mqtt.stop()


def test_malformed_commands_and_messages_are_ignored(broker: Broker):
    a = Kiosk(broker.url, "kiosk-a", "Оқу залы").start()
    hub = hub_for(broker)
    raw = mqtt.Client(CallbackAPIVersion.VERSION2)
    raw.connect("127.0.0.1", broker.port)
    raw.loop_start()
    try:
        assert a.mqtt.connected.wait(5)
        alert = a.alerts.raise_alert()
        for payload in (b"\xff\xfe", b"[]", b'{"action":"explode","id":"x"}', b'{"action":"ack"}'):
            raw.publish("kiosk/kiosk-a/ack", payload, qos=1).wait_for_publish(2)
        raw.publish("kiosk/kiosk-z/alert", b"not json", qos=1).wait_for_publish(2)
        raw.publish("kiosk/kiosk-a/ack", json.dumps({"action": "ack", "id": "other"}), qos=1)
        raw.publish("kiosk/kiosk-a/ack", json.dumps({"action": "ack", "id": alert.id, "by": "x"}), qos=1)
        wait_for(lambda: "acknowledged" in a.states(), pump=a.pump)
        assert a.states() == ["raised", "acknowledged"]
        assert all(k["kiosk"] != "kiosk-z" for k in hub.snapshot()["kiosks"])
    finally:
        raw.loop_stop()
        raw.disconnect()
        hub.stop()
        a.mqtt.stop()


def die(kiosk: Kiosk) -> None:
    """The kiosk's process dies: the connection drops without a goodbye."""
    kiosk.mqtt.client.loop_stop()
    kiosk.mqtt.client.socket().close()


def test_a_kiosk_that_died_with_an_open_alert(broker: Broker):
    a = Kiosk(broker.url, "kiosk-a", "Оқу залы").start()
    b = Kiosk(broker.url, "kiosk-b", "Кіреберіс").start()
    hub = hub_for(broker)
    try:
        assert a.mqtt.connected.wait(5) and b.mqtt.connected.wait(5)
        first = a.alerts.raise_alert()
        other = b.alerts.raise_alert()
        wait_for(lambda: alert_on(hub, "kiosk-a", "raised") and alert_on(hub, "kiosk-b", "raised"))
        die(a)
        die(b)
        wait_for(lambda: all(k["state"] == "offline" for k in hub.snapshot()["kiosks"]))

        # staff can still close the alert of a kiosk that is gone
        hub.command(other.id, "resolve", by="dana")
        closed = wait_for(lambda: alert_on(hub, "kiosk-b", "resolved"))
        assert closed["resolved_by"] == "dana"

        # kiosk A comes back as a new process: its old alert is over, a new press is new
        a2 = Kiosk(broker.url, "kiosk-a", "Оқу залы").start()
        try:
            gone = wait_for(lambda: [x for x in hub.snapshot()["alerts"]
                                     if x["id"] == first.id and x["state"] == "resolved"])
            assert gone[0]["why"] == "restarted"
            fresh = a2.alerts.raise_alert()
            wait_for(lambda: alert_on(hub, "kiosk-a", "raised"))
            assert alert_on(hub, "kiosk-a", "raised")["id"] == fresh.id
        finally:
            a2.mqtt.stop()
        # a console started now sees no stale open alert for either kiosk
        late = hub_for(broker)
        try:
            wait_for(lambda: late.snapshot()["kiosks"])
            time.sleep(0.2)
            open_ids = {x["id"] for x in late.snapshot()["alerts"] if x["state"] != "resolved"}
            assert first.id not in open_ids and other.id not in open_ids
        finally:
            late.stop()
    finally:
        hub.stop()
