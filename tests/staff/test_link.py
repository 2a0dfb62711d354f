"""The staff layer wired to the real session (the kiosk side of issue 6)."""

from __future__ import annotations

import paho.mqtt.client as mqtt
from gpiozero import LED
from gpiozero.pins.mock import MockFactory
from paho.mqtt.enums import CallbackAPIVersion

from kiosk.config import Config
from kiosk.staff.hub import ConsoleHub
from kiosk.staff.link import StaffLink
from kiosk.tools.harness import Harness, advance
from tests.core.fakes import demo_library
from tests.staff.broker import Broker
from tests.staff.helpers import wait_for


def kiosk(needs_staff: tuple[str, ...] = (), broker_url: str = "", lamp: LED | None = None):
    cfg = Config()
    cfg.kiosk.id, cfg.kiosk.place = "kiosk-1", "Оқу залы"
    cfg.staff.escalate_after_s = 45.0
    cfg.staff.needs_staff = list(needs_staff)
    cfg.staff.broker_url = broker_url
    cfg.staff.heartbeat_s = 0.5
    h = Harness(demo_library(), cfg)
    link = StaffLink.build(cfg, h.session, h.bus, h.clock, desk_lamp=lamp,
                           health=lambda: {"scanner": "ok", "printer": "ok", "gateway": "ok"})
    return h, link


def alerts(h: Harness) -> list[str]:
    return [e["state"] for e in h.log.named("alert")]


def says(h: Harness) -> list[str]:
    return [e["msg"] for e in h.log.named("say")]


def test_call_reannounce_escalate_and_ack_through_the_session():
    desk = LED(5, pin_factory=MockFactory())
    h, link = kiosk(lamp=desk)
    try:
        r = h.run("""
            call
            expect event {"event":"alert","state":"raised"}
            expect event {"event":"cue","name":"attention"}
            expect event {"event":"say","msg":"staff.raised"}
        """)
        assert r.ok, r.failures
        assert desk._blink_thread is not None  # the desk lamp calls staff with no network
        h.run("call")  # pressed again while waiting: said again, still one alert
        assert alerts(h) == ["raised", "raised"] and len(link.alerts.history) == 1
        assert says(h).count("staff.raised") == 2

        advance(h.session, h.clock, 45)
        link.tick()
        assert alerts(h)[-1] == "escalated" and says(h)[-1] == "staff.escalated"
        r = h.run("""
            staff ack
            expect event {"event":"alert","state":"acknowledged"}
            expect event {"event":"say","msg":"staff.acknowledged"}
        """)
        assert r.ok, r.failures
        assert link.alerts.current is not None and link.alerts.current.state == "acknowledged"
        assert says(h).count("staff.acknowledged") == 1  # said once, not echoed back
        assert not desk.is_lit and desk._blink_thread is None
        assert h.session.view.alert_state == "acknowledged"
    finally:
        link.close()
        desk.close()


def test_needs_staff_refusal_calls_staff_others_do_not():
    h, link = kiosk(needs_staff=("registration_expired",))
    try:
        h.run("scan R003")  # registration expired: the library wants staff to come
        assert alerts(h) == ["raised"]
        assert link.alerts.current is not None and link.alerts.current.reason == "registration_expired"
        h2, link2 = kiosk(needs_staff=("registration_expired",))
        h2.run("scan R004")  # blocked: not configured as needs-staff
        assert alerts(h2) == []
        link2.close()
    finally:
        link.close()


def test_console_ack_reaches_the_patron_and_no_patron_data_leaves(broker: Broker):
    h, link = kiosk(broker_url=broker.url, needs_staff=("loan_limit",))
    hub = ConsoleHub(broker.url, reconnect_min_s=0.2, reconnect_max_s=1)
    hub.start()
    wire: list[bytes] = []  # everything that crosses the broker
    spy = mqtt.Client(CallbackAPIVersion.VERSION2)
    spy.on_message = lambda _c, _u, m: wire.append(m.topic.encode() + b" " + m.payload)
    spy.connect("127.0.0.1", broker.port)
    spy.subscribe("#", qos=1)
    spy.loop_start()
    link.start()
    try:
        assert link.mqtt is not None and link.mqtt.connected.wait(5)
        h.run("scan R001\ncall")  # a signed-in patron calls
        seen = wait_for(lambda: [a for a in hub.snapshot()["alerts"] if a["state"] == "raised"])
        assert seen[0]["kiosk"] == "kiosk-1" and seen[0]["place"] == "Оқу залы"
        assert "name" not in seen[0] and "reader" not in seen[0]
        hub.command(seen[0]["id"], "ack", by="aigerim")
        wait_for(lambda: "acknowledged" in alerts(h), pump=link.tick)
        assert says(h)[-1] == "staff.acknowledged"
        hub.command(seen[0]["id"], "resolve", by="aigerim")
        wait_for(lambda: "resolved" in alerts(h), pump=link.tick)
        assert h.session.view.alert_state is None
        wait_for(lambda: any(b"resolved" in w for w in wire))
        blob = b"\n".join(wire)
        assert b"R001" not in blob and "Әлия".encode() not in blob
    finally:
        spy.loop_stop()
        spy.disconnect()
        link.close()
        hub.stop()


def test_lamps_on_the_kiosk_keys_follow_the_alert():
    """As kiosk.app wires it: the desk lamp and the call button's lamp on hardware.board.Board."""
    from hardware.board import Board
    from kiosk.staff.lamps import BoardLamp

    keys = Board(call_button_pin=17, call_lamp_pin=27, desk_lamp_pin=22, pin_factory="mock")
    cfg = Config()
    h = Harness(demo_library(), cfg)
    link = StaffLink.build(cfg, h.session, h.bus, h.clock, desk_lamp=BoardLamp(keys, "desk"),
                           call_lamp=BoardLamp(keys, "call"))
    try:
        h.run("call")
        assert keys.lamp_state("call") == "blinking" and keys.lamp_state("desk") == "blinking"
        h.run("staff ack")
        assert keys.lamp_state("call") == "steady"  # a librarian is coming
        assert keys.lamp_state("desk") == "off"
        link.alerts.resolve(None, by="aigerim")
        assert keys.lamp_state("call") == "off" and h.session.view.alert_state is None
    finally:
        link.close()
        keys.close()
