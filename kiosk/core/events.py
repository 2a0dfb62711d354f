"""The event bus: every outcome of the session is a dict event (contracts.md transcript).

`publish` stamps the event with "t" (session clock seconds, 3 decimals) and hands it to
the listeners in subscription order. A failing listener is logged and skipped: speech or
a printer must never stop the session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kiosk.core.clock import Clock

log = logging.getLogger(__name__)

Event = dict[str, Any]
Listener = Callable[[Event], None]

# Event names of the transcript (contracts.md) plus the ones the core adds.
EVENT_NAMES: tuple[str, ...] = (
    "screen", "say", "cue", "login", "logout", "checkout", "renew", "return", "refused",
    "warning", "alert", "print", "queued", "synced", "volume", "contrast", "language",
)
CUES: tuple[str, ...] = ("move", "success", "error", "attention", "edge")


class EventBus:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns a function that removes it again."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def publish(self, event: Event) -> Event:
        stamped: Event = {"t": round(self._clock.now(), 3), **event}
        for listener in list(self._listeners):
            try:
                listener(stamped)
            except Exception:  # noqa: BLE001 - one broken consumer must not stop the kiosk
                log.exception("event listener %r failed on %s", listener, event.get("event"))
        return stamped


class EventLog:
    """A listener that keeps every event (transcripts, tests, the script runner)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def named(self, name: str) -> list[Event]:
        return [e for e in self.events if e.get("event") == name]
