"""An alert nobody answers in time escalates everywhere: desk lamp, patron, console."""

from __future__ import annotations

import json
import time

from kiosk.config import Config
from kiosk.locale import tr
from kiosk.staff.hub import ConsoleHub
from kiosk.staff.lamps import BoardLamp
from kiosk.staff.link import StaffLink
from kiosk.tools.harness import Harness, advance
from tests.core.fakes import demo_library


class RecordingBoard:
    """hardware.board.Board' lamp interface, remembering what each lamp was told."""

    def __init__(self) -> None:
        self.desk: list[tuple] = []
        self.call: list[tuple] = []

    def desk_lamp(self, state: str, on_time: float | None = None, off_time: float | None = None) -> None:
        self.desk.append((state, on_time, off_time))

    def call_lamp(self, state: str) -> None:
        self.call.append((state,))


def test_nobody_answers_the_desk_lamp_blinks_faster_and_the_patron_hears_it():
    cfg = Config()
    cfg.kiosk.id, cfg.kiosk.place = "kiosk-1", "Оқу залы"
    cfg.staff.escalate_after_s = 45.0
    h = Harness(demo_library(), cfg)
    keys = RecordingBoard()
    link = StaffLink.build(cfg, h.session, h.bus, h.clock, desk_lamp=BoardLamp(keys, "desk"))
    try:
        h.session.call()
        raised = keys.desk[-1]
        advance(h.session, h.clock, 44)
        link.tick()
        assert keys.desk[-1] == raised  # not yet
        advance(h.session, h.clock, 1)
        link.tick()
        escalated = keys.desk[-1]
        assert raised[0] == escalated[0] == "blinking"
        assert escalated[1] + escalated[2] < raised[1] + raised[2]  # faster
        says = [e["msg"] for e in h.log.named("say")]
        assert says[-1] == "staff.escalated"
        assert [e["state"] for e in h.log.named("alert")] == ["raised", "escalated"]
        for lang in ("kk", "ru", "en"):
            assert tr("staff.escalated", lang) not in ("", "staff.escalated", tr("staff.raised", lang))
        h.session.staff_ack()
        assert keys.desk[-1][0] == "off"
    finally:
        link.close()


def test_real_keys_take_the_faster_rate():
    from hardware.board import Board

    keys = Board(call_button_pin=17, call_lamp_pin=27, desk_lamp_pin=22, pin_factory="mock")
    try:
        lamp = BoardLamp(keys, "desk")
        lamp.blink(0.15, 0.15)
        assert keys.lamp_state("desk") == "blinking"
        lamp.off()
        assert keys.lamp_state("desk") == "off"
    finally:
        keys.close()


def test_console_escalates_a_call_whose_kiosk_went_quiet():
    """A call point that died after the press never sends "escalated": the console does."""
    now = [time.time()]
    hub = ConsoleHub("mqtt://127.0.0.1:1", wall=lambda: now[0], escalate_after_s=60)
    alert = {"id": "callpoint-wc-1", "reason": "call_button", "state": "raised", "raised_at": now[0],
             "place": "Дәретхана", "sent_at": now[0]}
    hub.receive("kiosk/callpoint-wc/alert", json.dumps(alert).encode())
    seen = hub.version
    now[0] += 59
    assert hub.snapshot()["alerts"][0]["state"] == "raised"
    now[0] += 1
    assert hub.wait_change(hub.version, 0.5) != seen  # the event stream wakes up
    shown = hub.snapshot()["alerts"][0]
    assert shown["state"] == "escalated" and shown["escalated_by"] == "console"
    for lang in ("kk", "ru", "en"):
        assert tr("staff.console.state.escalated", lang) != tr("staff.console.state.raised", lang)
    hub.command("callpoint-wc-1", "ack", by="dana")  # still answerable
