"""The "one moment" of a slow gateway: armed when a request goes out, due once when no
answer came within `after_s` (on the session clock, checked on tick, so the UI never waits
for it), disarmed by the answer. The session says and shows it; the answer follows as usual.
"""

from __future__ import annotations


class SlowAnswer:
    def __init__(self, after_s: float = 1.0) -> None:
        self.after_s = after_s
        self.at: float | None = None  # when "one moment" is due; None = not (or said)

    def start(self, now: float) -> None:
        """A request went out."""
        self.at = now + self.after_s if self.after_s > 0 else None

    def stop(self) -> None:
        """Its answer came."""
        self.at = None

    def due(self, now: float) -> bool:
        """True once per request that is still unanswered after `after_s`."""
        if self.at is None or now < self.at:
            return False
        self.at = None
        return True
