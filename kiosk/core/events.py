"""The event bus: every outcome of the session is a dict event (contracts.md transcript).

`publish` stamps the event with "t" (session clock seconds, 3 decimals) and hands it to
the listeners in subscription order. A failing listener is logged and skipped: speech or
a printer must never stop the session.

Listeners run on the thread that created the bus (the UI thread). Given `post` (the same
function the ThreadExecutor uses), an event published from another thread (e.g. the
journal reporting `queued`/`synced` from the gateway worker) is stamped at once and
delivered through `post`; without `post` it is delivered on the publishing thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from kiosk.core.clock import Clock

log = logging.getLogger(__name__)

Event = dict[str, Any]
Listener = Callable[[Event], None]

# Event names of the transcript (contracts.md) plus the ones the core adds.
EVENT_NAMES: tuple[str, ...] = (
    "screen", "say", "cue", "login", "logout", "checkout", "renew", "return", "refused",
    "warning", "alert", "print", "queued", "synced", "volume",
)
CUES: tuple[str, ...] = ("move", "success", "error", "attention", "edge")


class EventBus:
    def __init__(self, clock: Clock,
                 post: Callable[[Callable[[], None]], None] | None = None) -> None:
        self._clock = clock
        self._listeners: list[Listener] = []
        self._post = post
        self._owner = threading.get_ident()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns a function that removes it again."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def publish(self, event: Event) -> Event:
        stamped: Event = {"t": round(self._clock.now(), 3), **event}
        if self._post is not None and threading.get_ident() != self._owner:
            self._post(lambda: self._deliver(stamped))
        else:
            self._deliver(stamped)
        return stamped

    def _deliver(self, stamped: Event) -> None:
        for listener in list(self._listeners):
            try:
                listener(stamped)
            except Exception:  # noqa: BLE001 - one broken consumer must not stop the kiosk
                log.exception("event listener %r failed on %s", listener, stamped.get("event"))


class EventLog:
    """A listener that keeps every event (transcripts, tests, the script runner)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def named(self, name: str) -> list[Event]:
        return [e for e in self.events if e.get("event") == name]
