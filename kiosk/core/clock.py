"""The one session clock: seconds for deadlines and the date for due dates.

`now()` is seconds since the clock started (monotonic, or virtual in scripts and tests);
`today()` is the date the library rules use (a fixed `--today` overrides the calendar).
Nothing in the session reads time from anywhere else.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Protocol

from kiosk.core.domain import parse_ymd


class Clock(Protocol):
    def now(self) -> float: ...

    def today(self) -> date: ...


def parse_today(text: str | None) -> date | None:
    """`YYYYMMDD` (the --today option) -> date; None for None/""; ValueError when invalid."""
    if not text:
        return None
    day = parse_ymd(text)
    if day is None:
        raise ValueError(f"--today {text!r}: expected a date as YYYYMMDD, e.g. 20261124")
    return day


class MonotonicClock:
    """Real time: time.monotonic() for deadlines; the calendar (or a fixed day) for dates."""

    def __init__(self, today: date | None = None) -> None:
        self._start = time.monotonic()
        self._today = today

    def now(self) -> float:
        return time.monotonic() - self._start

    def today(self) -> date:
        return self._today or date.today()


class VirtualClock:
    """Time that moves only when told to (scripts, tests). The date advances with it
    past midnight of virtual time, counted from `today` at t = 0."""

    def __init__(self, today: date | None = None, start: float = 0.0) -> None:
        self._t = float(start)
        self._today = today or date.today()

    def now(self) -> float:
        return self._t

    def today(self) -> date:
        return self._today + timedelta(days=int(self._t // 86400))

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock never goes back")
        self._t += seconds

    def advance_to(self, t: float) -> None:
        if t > self._t:
            self._t = t
