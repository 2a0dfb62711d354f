"""Circulation that writes every transaction to the journal before sending it, and an
explicit offline policy when the gateway is down.

Wraps any `Circulation` (kiosk.core.domain) and is one itself, so the session does not know
it is there. Offline policy (config [journal] offline_policy):
- refuse (default): a checkout while the gateway is down is refused (gateway_unavailable);
- queue: patrons seen online within offline_recent_days may take up to offline_max_items
  books; due dates are computed here; the loans are sent when the gateway returns.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta

from kiosk.config import JournalSection, LoansSection
from kiosk.core.domain import (
    Circulation,
    Loan,
    LoanResult,
    Reader,
    Refused,
    RenewAllResult,
    ReturnResult,
    format_ymd,
    parse_ymd,
)
from kiosk.journal.store import Entry, Journal, JournalUnavailable

log = logging.getLogger(__name__)

EventSink = Callable[[dict], None]


def _offline(e: Refused) -> bool:
    return e.reason == "gateway_unavailable"


class JournaledCirculation:
    def __init__(
        self,
        inner: Circulation,
        journal: Journal,
        loans: LoansSection,
        policy: JournalSection,
        emit: EventSink | None = None,
    ) -> None:
        self.inner = inner
        self.journal = journal
        self.loan_rules = loans
        self.policy = policy
        self.emit = emit or (lambda event: None)

    # --- reading ---------------------------------------------------------------------
    def identify(self, card: str, today: date) -> Reader:
        try:
            reader = self.inner.identify(card, today)
        except Refused as e:
            if not _offline(e):
                self._remember(card, today, allowed=False)
                raise
            if self._may_borrow_offline(card, today):
                return Reader(card=card, first_name="", surname="", mfn=0, loans=())
            raise
        self._remember(card, today, allowed=True)
        return reader

    def _remember(self, card: str, today: date, allowed: bool) -> None:
        try:
            self.journal.remember_patron(card, format_ymd(today), allowed)
        except JournalUnavailable:
            log.warning("journal unavailable: patron cache not updated")

    def _may_borrow_offline(self, card: str, today: date) -> bool:
        if self.policy.offline_policy != "queue":
            return False
        seen = self.journal.patron_seen(card)
        if not seen or not seen[1]:
            return False
        seen_day = parse_ymd(seen[0])
        return seen_day is not None and (today - seen_day).days <= self.policy.offline_recent_days

    def is_item(self, code: str) -> bool:
        try:
            return self.inner.is_item(code)
        except Refused:
            return True

    def is_reader(self, code: str) -> bool:
        try:
            return self.inner.is_reader(code)
        except Refused:
            return self.journal.patron_seen(code) is not None

    def loans(self, card: str, today: date) -> list[Loan]:
        return self.inner.loans(card, today)

    # --- writing ---------------------------------------------------------------------
    def _begin(self, kind: str, card: str, barcode: str, today: date) -> int:
        days = self.loan_rules.renewal_days if kind == "renew" else self.loan_rules.period_days
        due = format_ymd(today + timedelta(days=days)) if kind != "return" else ""
        try:
            return self.journal.begin(kind, card, barcode, format_ymd(today), due)
        except JournalUnavailable as e:
            log.error("journal unavailable, transaction refused: %s", e)
            raise Refused("out_of_service", barcode, "journal unavailable") from e

    def _close(self, tx: int, state: str, due: str = "", reason: str = "") -> None:
        try:
            self.journal.finish(tx, state, due, reason)
        except JournalUnavailable as e:  # the write happened in IRBIS; reconcile will see it
            log.error("journal could not close entry %s: %s", tx, e)

    def checkout(self, card: str, barcode: str, today: date) -> LoanResult:
        tx = self._begin("checkout", card, barcode, today)
        try:
            result = self.inner.checkout(card, barcode, today)
        except Refused as e:
            if _offline(e):
                return self._queue_or_refuse(tx, card, barcode, today, e)
            self._close(tx, "refused", reason=e.reason)
            raise
        self._close(tx, "done", due=result.due)
        return result

    def _queue_or_refuse(
        self, tx: int, card: str, barcode: str, today: date, error: Refused
    ) -> LoanResult:
        if not self._may_borrow_offline(card, today):
            # The outcome is unknown (the request may have been applied): reconcile decides.
            raise error
        if self.journal.queued_count(card) >= self.policy.offline_max_items:
            self._close(tx, "refused", reason="offline_limit")
            raise Refused("offline_limit", barcode) from error
        due = format_ymd(today + timedelta(days=self.loan_rules.period_days))
        self.journal.mark(tx, "queued", due=due)
        self.emit({"event": "queued", "barcode": barcode})
        return LoanResult(barcode=barcode, title="", due=due)

    def renew(self, card: str, barcode: str, today: date) -> LoanResult:
        tx = self._begin("renew", card, barcode, today)
        try:
            result = self.inner.renew(card, barcode, today)
        except Refused as e:
            if not _offline(e):
                self._close(tx, "refused", reason=e.reason)
            raise
        self._close(tx, "done", due=result.due)
        return result

    def renew_all(self, card: str, today: date) -> RenewAllResult:
        renewed: list[LoanResult] = []
        refused: list[Refused] = []
        for loan in self.inner.loans(card, today):
            try:
                renewed.append(self.renew(card, loan.barcode, today))
            except Refused as e:
                if _offline(e):
                    raise
                refused.append(e)
        return RenewAllResult(tuple(renewed), tuple(refused))

    def return_item(self, barcode: str, today: date) -> ReturnResult:
        tx = self._begin("return", "", barcode, today)
        try:
            result = self.inner.return_item(barcode, today)
        except Refused as e:
            if not _offline(e):
                self._close(tx, "refused", reason=e.reason)
            raise
        # a copy someone has requested goes to the reserved box: the entry says so (no card)
        self._close(tx, "done", reason="reserved" if result.reserved is not None else "")
        return result

    # --- reconciliation and sync -----------------------------------------------------
    def sync(self, today: date) -> dict[str, int]:
        """Settle every unfinished entry against IRBIS. Returns counts by outcome.

        pending (the patron saw no confirmation): applied -> done, else -> abandoned.
        queued (the patron was told it is theirs): applied -> done, else sent now ->
        done, or conflict when IRBIS refuses (reported to staff).
        """
        counts: dict[str, int] = {}
        for entry in self.journal.unfinished():
            try:
                outcome = self._settle(entry, today)
            except Refused as e:
                if _offline(e):
                    counts["offline"] = counts.get("offline", 0) + 1
                    break
                raise
            counts[outcome] = counts.get(outcome, 0) + 1
        return counts

    def _settle(self, entry: Entry, today: date) -> str:
        if entry.kind == "return":
            # A return knows no card (a book drop, or `kiosk circ return`), so whether an
            # interrupted one was applied cannot be asked safely (the copy may be lent
            # again by then): it is left for staff to check at the desk.
            self._close(entry.id, "abandoned", reason="check_copy")
            return "abandoned"
        card = entry.card or ""
        loans = {loan.barcode: loan for loan in self.inner.loans(card, today)}
        loan = loans.get(entry.barcode)
        applied = loan is not None and (entry.kind == "checkout" or loan.due >= entry.due)
        if applied and loan is not None:
            self._close(entry.id, "done", due=loan.due)
            if entry.state == "queued":
                self.emit({"event": "synced", "barcode": entry.barcode, "ok": True})
            return "done"
        if entry.state != "queued":
            self._close(entry.id, "abandoned", reason="not_applied")
            return "abandoned"
        try:
            result = self.inner.checkout(card, entry.barcode, today)
        except Refused as e:
            if _offline(e):
                raise
            self._close(entry.id, "conflict", reason=e.reason)
            self.emit({"event": "synced", "barcode": entry.barcode, "ok": False, "reason": e.reason})
            return "conflict"
        self._close(entry.id, "done", due=result.due)
        self.emit({"event": "synced", "barcode": entry.barcode, "ok": True})
        return "done"
