"""Putting the statistics into a kiosk: the recording layer around the circulation, the
bus listener, and the wall clock the facts are stamped with."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from kiosk.core.clock import Clock
from kiosk.stats.recorder import StatsCirculation, StatsEvents
from kiosk.stats.store import StatsStore

SCRIPT_DAY_STARTS = time(10, 0)  # a scripted run's virtual t = 0 is 10:00 on its --today


def wall_clock(clock: Clock, scripted: bool) -> Callable[[], datetime]:
    """Date from the session clock (so --today holds); time of day from the computer, or
    for a scripted run 10:00 plus the virtual seconds (the same numbers on every run)."""
    if scripted:
        def virtual() -> datetime:
            start = datetime.combine(clock.today(), SCRIPT_DAY_STARTS)
            return start + timedelta(seconds=min(clock.now() % 86400, 13 * 3600))
        return virtual

    def real() -> datetime:
        return datetime.combine(clock.today(), datetime.now().time())
    return real


def attach_stats(circulation: Any, bus: Any, path: str | Path, wall: Callable[[], datetime],
                 bounds: Sequence[int]) -> tuple[StatsCirculation, StatsStore]:
    """The circulation the session should talk to, and the open store (close it at exit)."""
    store = StatsStore(path)
    bus.subscribe(StatsEvents(store, wall))
    return StatsCirculation(circulation, store, wall, bounds), store
