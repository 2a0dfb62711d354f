"""Deadlines on the session clock. No threads: the session checks them on every tick()."""

from __future__ import annotations

import math


class Deadline:
    def __init__(self) -> None:
        self.at: float | None = None

    def set(self, at: float) -> None:
        self.at = at

    def clear(self) -> None:
        self.at = None

    def due(self, now: float) -> bool:
        return self.at is not None and now >= self.at


class InactivityTimer:
    """Logout after `timeout_s` without activity; a warning `warning_s` before that.

    Activity during the warning counts as an extension (WCAG 2.2.1 asks for at least ten;
    the kiosk never refuses one, so `extensions` is only counted for statistics).
    """

    def __init__(self, timeout_s: float, warning_s: float) -> None:
        self.timeout_s = max(float(timeout_s), 1.0)
        self.warning_s = min(max(float(warning_s), 0.0), self.timeout_s)
        self.deadline: float | None = None
        self.warned = False
        self.extensions = 0

    @property
    def active(self) -> bool:
        return self.deadline is not None

    @property
    def warn_at(self) -> float | None:
        return None if self.deadline is None else self.deadline - self.warning_s

    def start(self, now: float) -> None:
        self.deadline = now + self.timeout_s
        self.warned = False
        self.extensions = 0

    def stop(self) -> None:
        self.deadline = None
        self.warned = False

    def touch(self, now: float) -> bool:
        """Activity: push the deadline back. True when this ended a warning (an extension)."""
        if self.deadline is None:
            return False
        was_warned = self.warned
        self.deadline = now + self.timeout_s
        self.warned = False
        if was_warned:
            self.extensions += 1
        return was_warned

    def due(self, now: float) -> str | None:
        """"timeout", "warning" (once per warning period) or None."""
        if self.deadline is None:
            return None
        if now >= self.deadline:
            return "timeout"
        warn_at = self.warn_at
        if not self.warned and warn_at is not None and now >= warn_at:
            self.warned = True
            return "warning"
        return None

    def remaining(self, now: float) -> int:
        if self.deadline is None:
            return 0
        return max(0, math.ceil(self.deadline - now - 1e-9))

    def next_deadline(self) -> float | None:
        if self.deadline is None:
            return None
        return self.deadline if self.warned else self.warn_at


class SessionTimers:
    """Every deadline of the session in one place: inactivity (with its warning), the
    summary's stay, the headphone hint on attract, attract left changed, the scanner
    guidance after a login."""

    def __init__(self, timeout_s: float, warning_s: float) -> None:
        self.inactivity = InactivityTimer(timeout_s, warning_s)
        self.summary = Deadline()
        self.hint = Deadline()
        self.attract_idle = Deadline()  # attract left changed (help, language, notice)
        self.guidance = Deadline()

    def next_deadline(self) -> float | None:
        times = [t for t in (self.inactivity.next_deadline(), self.summary.at, self.hint.at,
                             self.attract_idle.at, self.guidance.at) if t is not None]
        return min(times) if times else None
