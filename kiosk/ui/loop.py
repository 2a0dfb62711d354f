"""Kivy's main loop seen from the app: hand work to the UI thread, repeat work on it, and
stop it from a signal handler. The only place outside the widgets that touches Kivy's Clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def post(fn: Callable[[], None]) -> None:
    """Run fn on the UI thread at the next frame (safe from any thread)."""
    from kivy.clock import Clock

    Clock.schedule_once(lambda _dt: fn(), 0)


def later(seconds: float, fn: Callable[[], None]) -> None:
    from kivy.clock import Clock

    Clock.schedule_once(lambda _dt: fn(), seconds)


def every(seconds: float, fn: Callable[[], None]) -> Any:
    """Run fn on the UI thread every `seconds`; fn's return value is ignored, so a callback
    returning False cannot unschedule itself by accident."""
    from kivy.clock import Clock

    def on_clock(_dt: float) -> None:
        fn()

    return Clock.schedule_interval(on_clock, seconds)


def kivy_clock() -> Any:
    """Kivy's Clock itself, for the systemd watchdog which schedules its own pings."""
    from kivy.clock import Clock

    return Clock
