"""The event bus: every outcome of the session is a dict event (contracts.md transcript).

`publish` stamps the event with "t" (session clock seconds, 3 decimals) and hands it to
the listeners in subscription order. A failing listener is logged and skipped: speech or
a printer must never stop the session.

Listeners run on the thread that created the bus (the UI thread). Given `post` (the same
function the ThreadExecutor uses), an event published from another thread (e.g. the
journal reporting `queued`/`synced` from the gateway worker) is stamped at once and
delivered through `post`; without `post` it is delivered on the publishing thread.

Early events: a listener subscribed with `any_thread=True` promises to be safe on any
thread and never to block (speech: it only queues audio). `publish_early(event)` hands an
event to those listeners at once, on the calling thread (the session's success/error cue,
from the gateway worker the moment the answer is known). The same event published later
with `sent_early=True` reaches only the other listeners, in its usual place among the
events, so transcripts keep their order and speech does not hear the cue twice.
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
        self._any_thread: list[Listener] = []  # the subset that takes early events
        self._post = post
        self._owner = threading.get_ident()

    def subscribe(self, listener: Listener, *, any_thread: bool = False) -> Callable[[], None]:
        """Add a listener; returns a function that removes it again. `any_thread`: the
        listener is thread-safe and also takes early events (see the module docstring)."""
        self._listeners.append(listener)
        if any_thread:
            self._any_thread.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)
            if listener in self._any_thread:
                self._any_thread.remove(listener)

        return unsubscribe

    def publish(self, event: Event, *, sent_early: bool = False) -> Event:
        stamped: Event = {"t": round(self._clock.now(), 3), **event}
        skip = tuple(self._any_thread) if sent_early else ()
        if self._post is not None and threading.get_ident() != self._owner:
            self._post(lambda: self._deliver(stamped, skip))
        else:
            self._deliver(stamped, skip)
        return stamped

    def publish_early(self, event: Event) -> Event:
        """Deliver `event` now, on this thread, to the any-thread listeners only."""
        stamped: Event = {"t": round(self._clock.now(), 3), **event}
        self._deliver(stamped, (), only=tuple(self._any_thread))
        return stamped

    def _deliver(self, stamped: Event, skip: tuple[Listener, ...] = (),
                 only: tuple[Listener, ...] | None = None) -> None:
        for listener in list(self._listeners if only is None else only):
            if listener in skip:
                continue
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
