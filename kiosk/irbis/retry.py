"""When the IRBIS client sends a request again: -6666 (server overloaded, nothing executed)
and a dropped connection are retried, with a pause that doubles up to a cap, but only for
requests that are safe to repeat. A save is never sent again as it was: circulation reads the
records back and decides again (the records' versions make that idempotent: a save that did
happen shows in the fresh records, and a stale one is refused with -608).

A deadline (the [irbis] give_up_s of one patron's action) stops the retries early, so the
patron hears gateway_unavailable within the configured limit.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from kiosk.irbis import protocol as p

# Commands that change nothing on the server (registration draws a fresh id on -3337).
SAFE_COMMANDS = frozenset({p.REGISTER, p.NOP, p.READ_RECORD, p.SEARCH, p.MAX_MFN})
SAVE_COMMANDS = frozenset({p.WRITE_RECORD, p.SAVE_RECORD_GROUP})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # tries of a safe request in all (1 = no retry)
    backoff_s: float = 0.05  # the first pause; doubled after each try
    max_backoff_s: float = 1.0
    read_timeout_s: float = 3.0  # one read request
    save_timeout_s: float = 10.0  # one save: waited for longer, since it may be executing

    def pause(self, attempt: int) -> float:
        """The pause before try `attempt + 2`, with jitter so kiosks do not retry in step."""
        base = min(self.max_backoff_s, self.backoff_s * (2 ** attempt))
        return base * random.uniform(0.5, 1.0)

    def timeout(self, command: str) -> float:
        return self.save_timeout_s if command in SAVE_COMMANDS else self.read_timeout_s


class Deadline:
    """The moment the current action must give up by (None = no limit)."""

    def __init__(self) -> None:
        self.at: float | None = None

    def allows(self, pause: float) -> bool:
        return self.at is None or time.monotonic() + pause < self.at
