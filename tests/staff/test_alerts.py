"""The alert lifecycle on a virtual clock: no network, no threads."""

from __future__ import annotations

import pytest
from gpiozero import LED
from gpiozero.pins.mock import MockFactory

from kiosk.staff.alerts import AlertError, AlertManager
from kiosk.staff.lamps import ButtonLampNotifier, DeskLampNotifier
from tests.staff.helpers import VirtualClock


def make(escalate_after_s: float = 60.0, needs_staff: tuple[str, ...] = ()):
    clock = VirtualClock()
    ids = iter(f"a{i}" for i in range(1, 100))
    mgr = AlertManager(clock, "kiosk-1", "Оқу залы", escalate_after_s, needs_staff,
                       wall=lambda: 1_700_000_000 + clock.t, new_id=lambda _k: next(ids))
    events: list[dict] = []
    mgr.on_change(events.append)
    return clock, mgr, events


def test_raise_ack_resolve_carries_place_and_reason_but_no_patron():
    clock, mgr, events = make()
    alert = mgr.raise_alert()
    clock.advance(12)
    mgr.acknowledge(alert.id, by="aigerim")
    clock.advance(60)
    mgr.resolve(alert.id, by="aigerim")
    assert [e["state"] for e in events] == ["raised", "acknowledged", "resolved"]
    raised = events[0]
    assert raised["event"] == "alert" and raised["id"] == "a1"
    assert raised["kiosk"] == "kiosk-1" and raised["place"] == "Оқу залы"
    assert raised["reason"] == "call_button" and raised["raised_at"] == 1_700_000_000
    assert events[1]["acked_at"] - events[1]["raised_at"] == 12
    assert events[1]["by"] == "aigerim"
    assert set(raised) <= {"event", "id", "kiosk", "place", "reason", "state", "raised_at", "presses"}
    assert mgr.current is None


def test_escalates_when_nobody_acknowledges_in_time_and_only_once():
    clock, mgr, events = make(escalate_after_s=30)
    mgr.raise_alert()
    clock.advance(29.9)
    mgr.tick()
    assert [e["state"] for e in events] == ["raised"]
    clock.advance(0.1)
    mgr.tick()
    clock.advance(100)
    mgr.tick()
    assert [e["state"] for e in events] == ["raised", "escalated"]
    mgr.acknowledge(None, by="staff")
    assert events[-1]["state"] == "acknowledged"


def test_acknowledged_in_time_never_escalates():
    clock, mgr, events = make(escalate_after_s=30)
    a = mgr.raise_alert()
    clock.advance(10)
    mgr.acknowledge(a.id, "staff")
    clock.advance(100)
    mgr.tick()
    assert "escalated" not in [e["state"] for e in events]


def test_second_press_while_waiting_reannounces_instead_of_duplicating():
    clock, mgr, events = make(escalate_after_s=30)
    first = mgr.raise_alert()
    clock.advance(20)
    second = mgr.raise_alert()
    assert second is first
    assert len(mgr.history) == 1
    assert events[-1]["id"] == first.id and events[-1]["repeat"] is True
    assert events[-1]["state"] == "raised" and events[-1]["presses"] == 2
    # the re-announce does not restart the escalation timer: the patron has waited 30 s
    clock.advance(10)
    mgr.tick()
    assert events[-1]["state"] == "escalated"
    mgr.acknowledge(first.id, "staff")
    mgr.raise_alert()  # pressing again after the answer repeats "coming"
    assert events[-1]["state"] == "acknowledged" and events[-1]["repeat"] is True
    mgr.resolve(first.id, "staff")
    third = mgr.raise_alert()  # after resolution a press is a new alert
    assert third.id != first.id and len(mgr.history) == 2


def test_needs_staff_refusals_call_staff_others_do_not():
    _clock, mgr, events = make(needs_staff=("reader_blocked", "gateway_unavailable"))
    assert mgr.refused("loan_limit") is None
    assert events == []
    alert = mgr.refused("reader_blocked")
    assert alert is not None and events[-1]["reason"] == "reader_blocked"


def test_bad_input_is_a_typed_error():
    clock = VirtualClock()
    with pytest.raises(AlertError) as e:
        AlertManager(clock, "k", "p", needs_staff=["no_such_reason"])
    assert e.value.code == "alert.bad_reason"
    _c, mgr, _e = make()
    with pytest.raises(AlertError) as e:
        mgr.acknowledge("nope", "staff")
    assert e.value.code == "alert.none_open"
    a = mgr.raise_alert()
    with pytest.raises(AlertError) as e:
        mgr.acknowledge("other", "staff")
    assert e.value.code == "alert.unknown"
    mgr.resolve(a.id, "staff")
    assert mgr.resolve(a.id, "staff").state == "resolved"  # a replayed resolve is harmless
    with pytest.raises(AlertError):
        mgr.raise_alert("not a reason")


def test_duplicate_ack_emits_once():
    _c, mgr, events = make()
    a = mgr.raise_alert()
    mgr.acknowledge(a.id, "x")
    mgr.acknowledge(a.id, "y")
    assert [e["state"] for e in events] == ["raised", "acknowledged"]
    assert mgr.current is not None and mgr.current.acked_by == "x"


def blinking(led: LED) -> bool:
    return led._blink_thread is not None  # gpiozero's own blink thread runs


def test_lamps_follow_the_alert_on_gpio_without_network():
    factory = MockFactory()
    desk = LED(5, pin_factory=factory)
    button = LED(6, pin_factory=factory)
    clock, mgr, _events = make(escalate_after_s=30)
    mgr.on_change(DeskLampNotifier(desk))
    button_lamp = ButtonLampNotifier(button)
    mgr.on_change(button_lamp)
    try:
        a = mgr.raise_alert()
        assert blinking(desk)
        assert blinking(button) and button_lamp.mode == "blink"
        clock.advance(30)
        mgr.tick()
        assert blinking(desk)
        mgr.acknowledge(a.id, "staff")
        assert button.is_lit and not blinking(button)  # steady: a librarian is coming
        assert not desk.is_lit and not blinking(desk)
        mgr.resolve(a.id, "staff")
        assert not button.is_lit
    finally:
        desk.close()
        button.close()
