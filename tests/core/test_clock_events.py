"""The session clock and the event bus."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.core.clock import MonotonicClock, VirtualClock, parse_today
from kiosk.core.events import EventBus, EventLog


def test_virtual_clock_moves_only_when_told_and_dates_follow():
    clock = VirtualClock(today=date(2026, 12, 31))
    assert clock.now() == 0.0
    clock.advance(86_399.5)
    assert clock.today() == date(2026, 12, 31)
    clock.advance(1)
    assert clock.today() == date(2027, 1, 1)
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_parse_today():
    assert parse_today("20261124") == date(2026, 11, 24)
    assert parse_today(None) is None and parse_today("") is None
    for bad in ("2026-11-24", "20261324", "tomorrow"):
        with pytest.raises(ValueError, match="YYYYMMDD"):
            parse_today(bad)


def test_monotonic_clock_with_a_fixed_day():
    clock = MonotonicClock(today=date(2026, 1, 2))
    assert clock.today() == date(2026, 1, 2)
    assert 0 <= clock.now() < 5


def test_bus_stamps_time_keeps_order_and_survives_a_broken_listener():
    clock = VirtualClock()
    bus = EventBus(clock)
    log = EventLog()

    def broken(_event):
        raise RuntimeError("speech crashed")

    bus.subscribe(broken)
    bus.subscribe(log)
    clock.advance(1.23456)
    bus.publish({"event": "cue", "name": "move"})
    bus.publish({"event": "screen", "name": "attract"})
    assert log.events == [{"t": 1.235, "event": "cue", "name": "move"},
                          {"t": 1.235, "event": "screen", "name": "attract"}]
    unsubscribe = bus.subscribe(lambda e: None)
    unsubscribe()
    unsubscribe()  # twice is harmless
