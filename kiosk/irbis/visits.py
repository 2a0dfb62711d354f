"""Visits in RDR field 40, the way the IRBIS circulation workstation writes them.

A visit is a field-40 repeat without a shelfmark (^A), inventory number (^B) or barcode
(^H): ^D date, ^1 time, ^V place, ^I operator (ManagedIrbis VisitInfo: a repeat whose
^A is empty is a visit; RDR indexes it under VS=). kiosk.irbis.rules.is_loan therefore
never counts one as a loan.

A patron identified at the kiosk gets one visit per day per kiosk place. It is saved in
the same command 6 as the session's first write of the reader record (a loan or a
renewal), or on its own when the session ends without one (`VisitBook.pending`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from kiosk.core.domain import format_ymd
from kiosk.irbis import rules
from kiosk.irbis.record import Field, Record

log = logging.getLogger(__name__)


def visit_field(place: str, operator: str, today: date, now: datetime) -> Field:
    """A new visit repeat: ^D date, ^1 time, ^V place, ^I operator (no ^A, ^B, ^H)."""
    return Field.of(40, D=format_ymd(today), _1=now.strftime("%H%M%S"), V=place, I=operator)


def is_visit(f: Field) -> bool:
    return f.tag == 40 and not rules.is_loan(f) and bool(f.get("D").strip())


def visits(reader: Record) -> list[Field]:
    return [f for f in reader.all(40) if is_visit(f)]


def has_visit(reader: Record, today: date, place: str) -> bool:
    """True when the reader already has a visit dated today at this place."""
    day = format_ymd(today)
    return any(f.get("D").strip() == day and f.get("V").strip() == place for f in visits(reader))


def add_visit(reader: Record, place: str, operator: str, today: date, now: datetime) -> bool:
    """Append today's visit to `reader` unless it has one here already; True when added."""
    if has_visit(reader, today, place):
        return False
    reader.append(visit_field(place, operator, today, now))
    return True


class VisitBook:
    """Which identified cards still owe their visit to IRBIS this session (thread-safe:
    the worker thread saves, the UI thread ends sessions)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._owed: set[str] = set()
        self._lock = threading.Lock()

    def identified(self, card: str) -> None:
        if self.enabled:
            with self._lock:
                self._owed.add(card)

    def owed(self, card: str) -> bool:
        with self._lock:
            return card in self._owed

    def settled(self, card: str) -> None:
        with self._lock:
            self._owed.discard(card)

    def pending(self) -> list[str]:
        with self._lock:
            return sorted(self._owed)


class VisitOnLogout:
    """An event-bus listener: when a session ends, the reader's visit is saved on its own
    (on the worker, through `submit`) unless a loan or renewal already carried it.
    `circulation` is anything with IrbisCirculation.end_visit; the card comes from the
    session's login event and is forgotten at logout."""

    def __init__(self, circulation: Any, submit: Callable[[Callable[[], Any], Callable[[Any], None]], None],
                 today: Callable[[], date]) -> None:
        self.circulation = circulation
        self.submit = submit
        self.today = today
        self._card = ""

    def __call__(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == "login":
            self._card = str(event.get("reader") or "")
        elif kind == "logout" and self._card:
            card, self._card = self._card, ""
            end = getattr(self.circulation, "end_visit", None)
            if end is not None:
                day = self.today()
                self.submit(lambda: end(card, day), _logged)


def _logged(result: Any) -> None:
    if isinstance(result, Exception):
        log.warning("visit not saved at logout (%s)", type(result).__name__)
