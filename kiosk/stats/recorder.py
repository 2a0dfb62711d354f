"""Writing the statistics: what the kiosk did, as facts in kiosk.stats.store.

`StatsCirculation` wraps the circulation the session talks to (it is a Circulation
itself, like kiosk.journal.journaled): each identified reader is a session fact with their
category (RDR 50) and age band (RDR 21); each loan, renewal and return a fact with the
book's language (IBIS 101). `StatsEvents` listens to the session's event bus: refusals
(every reason code, including those the session decides itself, such as card_first),
staff-call response times (raised -> acknowledged) and out-of-order time.

No card, name or title is ever written: a reader is a salted hash (StatsStore.reader_key).
A failure to write statistics is logged and never stops a loan.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from kiosk.core.domain import (
    Circulation,
    Loan,
    LoanResult,
    Reader,
    RenewAllResult,
    ReturnResult,
)
from kiosk.stats.ages import DEFAULT_BOUNDS, age_band
from kiosk.stats.store import StatsStore

log = logging.getLogger(__name__)

Wall = Callable[[], datetime]


class _Writer:
    def __init__(self, store: StatsStore, wall: Wall) -> None:
        self.store = store
        self.wall = wall

    def fact(self, kind: str, **attrs: Any) -> None:
        try:
            self.store.add(self.wall(), kind, **attrs)
        except Exception:  # noqa: BLE001 - statistics never stop a loan
            log.exception("statistics: a %s fact was not written", kind)


class StatsCirculation(_Writer):
    def __init__(self, inner: Circulation, store: StatsStore, wall: Wall,
                 bounds: Sequence[int] = DEFAULT_BOUNDS) -> None:
        super().__init__(store, wall)
        self.inner = inner
        self.bounds = tuple(bounds)
        self._profile: dict[str, dict[str, str]] = {}  # card -> category, age, reader key

    def __getattr__(self, name: str) -> Any:  # anything else the inner layer offers
        return getattr(self.inner, name)

    def identify(self, card: str, today: date) -> Reader:
        reader = self.inner.identify(card, today)
        profile = {"category": reader.category, "age": age_band(reader.birth, today, self.bounds),
                   "reader": self.store.reader_key(card)}
        self._profile = {card: profile}  # one patron at a time
        self.fact("session", **profile)
        return reader

    def is_item(self, code: str) -> bool:
        return self.inner.is_item(code)

    def is_reader(self, code: str) -> bool:
        return self.inner.is_reader(code)

    def loans(self, card: str, today: date) -> list[Loan]:
        return self.inner.loans(card, today)

    def _loan(self, card: str, result: LoanResult) -> LoanResult:
        profile = self._profile.get(card) or {"reader": self.store.reader_key(card)}
        self.fact("renew" if result.renewed else "loan", language=result.language, **profile)
        return result

    def checkout(self, card: str, barcode: str, today: date) -> LoanResult:
        return self._loan(card, self.inner.checkout(card, barcode, today))

    def renew(self, card: str, barcode: str, today: date) -> LoanResult:
        return self._loan(card, self.inner.renew(card, barcode, today))

    def renew_all(self, card: str, today: date) -> RenewAllResult:
        result = self.inner.renew_all(card, today)
        for renewed in result.renewed:
            self._loan(card, renewed)
        return result

    def return_item(self, barcode: str, today: date) -> ReturnResult:
        result = self.inner.return_item(barcode, today)
        self.fact("return", language=result.language)
        return result


class StatsEvents(_Writer):
    """A bus listener: refusals, staff-call response times, out-of-order minutes. The
    open call and the start of an outage are kept in the file, so a restart between the
    raise and the acknowledgement (or during an outage) still counts them."""

    def __init__(self, store: StatsStore, wall: Wall) -> None:
        super().__init__(store, wall)

    def __call__(self, event: dict[str, Any]) -> None:
        try:
            self._on(event)
        except Exception:  # noqa: BLE001 - statistics never stop the kiosk
            log.exception("statistics: event not counted")

    def _on(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == "refused":
            self.fact("refusal", reason=str(event.get("reason", "")))
        elif kind == "alert":
            self._alert(str(event.get("state", "")))
        elif kind == "screen":
            self._screen(str(event.get("name", "")))

    def _alert(self, state: str) -> None:
        now = self.wall().timestamp()
        if state == "raised" and not self.store.meta("call_raised"):
            self.store.set_meta("call_raised", repr(now))
        elif state in ("acknowledged", "resolved"):
            raised = self.store.meta("call_raised")
            self.store.set_meta("call_raised", None)
            if raised and state == "acknowledged":
                self.fact("call", value=max(0.0, now - float(raised)))

    def _screen(self, name: str) -> None:
        now = self.wall().timestamp()
        since = self.store.meta("out_of_order_since")
        if name == "out_of_order":
            if not since:
                self.store.set_meta("out_of_order_since", repr(now))
        elif since:
            self.store.set_meta("out_of_order_since", None)
            self.fact("outage", value=max(0.0, now - float(since)) / 60.0)
