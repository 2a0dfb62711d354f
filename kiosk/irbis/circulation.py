"""IrbisCirculation: the kiosk's one way into IRBIS64 (kiosk.core.domain.Circulation).

It finds records (kiosk.irbis.lookup: one search-and-read request each), asks kiosk.irbis.rules
and kiosk.irbis.reservations what the library's rules say, and saves every change atomically
(kiosk.irbis.saving): the reader's field 40 and the copy's 910 (plus a
fulfilled RQST request) go in one command 6, so no loan exists without its copy marked
issued, or the reverse. When the server reports a lock or version conflict the records
are read again (IrbisClient.update_records) and the rules checked again before retrying,
so two kiosks can never lend one copy twice. Returns live in kiosk.irbis.returns.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, datetime

from kiosk.config import Config
from kiosk.core.domain import (
    Loan,
    LoanResult,
    Reader,
    Refused,
    RenewAllResult,
    Reservation,
    format_ymd,
)
from kiosk.irbis import reservations, rules
from kiosk.irbis.client import IrbisClient
from kiosk.irbis.record import Record
from kiosk.irbis.returns import IrbisReturns
from kiosk.irbis.saving import gateway_errors, save
from kiosk.irbis.visits import VisitBook, add_visit

log = logging.getLogger(__name__)

# How long a reader record this kiosk just read or saved may stand in for a fresh search in
# checkout (about one patron's visit). Safe because the save carries the record's version:
# if it changed meanwhile the server refuses (-608) and the rules are checked again on a
# fresh read; and any refusal decided on a remembered record is decided again on a fresh one.
RECENT_READER_S = 60.0


class IrbisCirculation(IrbisReturns):
    def __init__(
        self, client: IrbisClient, cfg: Config, now: Callable[[], datetime] = datetime.now
    ) -> None:
        self.client = client
        self.cfg = cfg
        self.loans_cfg = cfg.loans
        self.readers_db = cfg.gateway.readers_db
        self.catalog_db = cfg.gateway.catalog_db
        self.requests_db = cfg.gateway.requests_db  # "" = the library keeps no RQST database
        self.place = cfg.kiosk.place
        self.operator = cfg.kiosk.operator
        self._now = now
        self._recent: tuple[str, Record, float] | None = None  # (card, reader, monotonic time)
        self.visits = VisitBook(getattr(cfg.kiosk, "record_visits", True))

    # ------------------------------------------------------------------ Circulation

    def identify(self, card: str, today: date) -> Reader:
        with self._gateway():
            self._recent = None
            # the waiting list needs only the card: asked at the same time as the reader
            rec, waiting = self.client.parallel(lambda: self._reader(card), lambda: self._waiting(card))
            self._refuse(rules.identify_refusal(rec, today, self.loans_cfg, self.place), card)
            assert rec is not None
            self._remember(card, rec)
            self.visits.identified(card)
            return self._reader_view(rec, today, waiting)

    def is_item(self, code: str) -> bool:
        with self._gateway():
            return self._copy(code) is not None

    def is_reader(self, code: str) -> bool:
        with self._gateway():
            return self._reader(code) is not None

    def loans(self, card: str, today: date) -> list[Loan]:
        """Current loans. Only an unknown card is refused: a blocked or expired reader may
        still see what they have."""
        with self._gateway():
            rec = self._reader(card)
            if rec is None:
                raise Refused("unknown_card", card)
            return [rules.loan_view(f, today) for f in rules.open_loans(rec)]

    def checkout(self, card: str, barcode: str, today: date) -> LoanResult:
        with self._gateway():
            recent = self._recent_reader(card)
            self._recent = None
            if recent is not None:
                try:
                    return self._checkout(card, barcode, today, recent)
                except Refused:
                    pass  # decided on a remembered record: decide again on a fresh one
            # no reader at hand: it is read at the same time as the copy and the requests
            reader, *ahead = self.client.parallel(
                lambda: self._reader(card), lambda: self._copy(barcode), lambda: self._requests_ahead(barcode))
            return self._checkout(card, barcode, today, reader, tuple(ahead))

    def _checkout(self, card: str, barcode: str, today: date, reader: Record | None,
                  ahead: tuple = ()) -> LoanResult:
        """`ahead`: (copy, RequestsAhead) when already read with the reader.
        (long because the decision and its re-check inside the save on fresh records read
        best as one sequence)."""
        self._refuse(rules.identify_refusal(reader, today, self.loans_cfg, self.place), card)
        assert reader is not None
        if rules.find_open_loan(reader, barcode):
            return self._renew(reader, barcode, today)
        self._refuse(rules.checkout_refusal(reader, today, self.loans_cfg), barcode)
        # RQST is asked at the same time as the copy (one round trip for both): every live
        # request when there are few, else those naming the scanned code (kiosk.irbis.lookup)
        copy, requests_ahead = ahead or self.client.parallel(
            lambda: self._copy(barcode), lambda: self._requests_ahead(barcode))
        if copy is None:
            raise Refused("unknown_item", barcode)
        holder = self._holder(copy.barcode) if rules.status(copy.field) == rules.ISSUED else None
        if rules.status(copy.field) == rules.ISSUED:
            requests: list[Record] = []  # refused whatever the requests say
        else:
            requests = self._requests_of_copy(copy.field, requests_ahead, barcode)
        self._refuse(
            rules.refuse_checkout(reader, copy, holder, requests, today, self.loans_cfg, self.place),
            barcode,
        )
        own = reservations.own_requests(requests, copy.field, card)
        due = rules.checkout_due(today, self.loans_cfg)
        keys = [(self.readers_db, reader.mfn), (copy.record.database or self.catalog_db, copy.record.mfn)]
        keys += [(self.requests_db, r.mfn) for r in own]
        now = self._now()
        result = [LoanResult(copy.barcode, rules.brief(copy.record), format_ymd(due),
                              language=rules.language(copy.record))]

        def lend(records: list[Record]) -> list[Record]:
            fresh_reader, book, *reqs = records
            fresh = rules.find_copy([book], barcode)
            already = rules.find_open_loan(fresh_reader, barcode)
            if already is not None:  # saved by an earlier attempt whose answer was lost
                result[0] = LoanResult(copy.barcode, already.get("C"), already.get("E"),
                                       language=rules.language(book))
                return []
            self._refuse(
                rules.refuse_checkout(
                    fresh_reader, fresh, holder, requests, today, self.loans_cfg, self.place
                ),
                barcode,
            )
            assert fresh is not None
            fresh_reader.append(
                rules.loan_field(fresh, self.catalog_db, self.place, self.operator, today, now, due)
            )
            rules.issue_copy(fresh.field)
            self._owed_visit(fresh_reader, today, now)
            fulfilled = [req for req in reqs if reservations.fulfil_request(req, today)]
            return [fresh_reader, book, *fulfilled]

        saved = save(self.client, keys, [reader, copy.record, *own], lend)
        if saved:
            self.visits.settled(card)
            self._remember(card, saved[0])
        log.info("checkout saved (reader mfn %s, copy mfn %s)", reader.mfn, copy.record.mfn)
        return result[0]

    def renew(self, card: str, barcode: str, today: date) -> LoanResult:
        with self._gateway():
            recent = self._recent_reader(card)
            self._recent = None
            if recent is not None and rules.find_open_loan(recent, barcode) is not None:
                try:  # as in checkout: the save carries the version, a refusal is re-decided
                    return self._renew(recent, barcode, today)
                except Refused:
                    pass
            reader = self._reader(card)
            self._refuse(rules.identify_refusal(reader, today, self.loans_cfg, self.place), card)
            assert reader is not None
            if rules.find_open_loan(reader, barcode) is None and rules.is_valid_code(barcode):
                holder = self._holder(barcode)
                if holder and holder != card:
                    raise Refused("on_loan_to_other", barcode)
            return self._renew(reader, barcode, today)

    def renew_all(self, card: str, today: date) -> RenewAllResult:
        with self._gateway():
            # a remembered reader stands in as in checkout: the save carries its version, and
            # loans it lacks are looked up in renew_each; a refusal is decided on a fresh read
            reader = self._recent_reader(card)
            self._recent = None
            if reader is None or rules.identify_refusal(reader, today, self.loans_cfg, self.place):
                reader = self._reader(card)
            self._refuse(rules.identify_refusal(reader, today, self.loans_cfg, self.place), card)
            assert reader is not None
            requests = self._loan_requests(rules.open_loans(reader))
            renewed: list[LoanResult] = []
            refused: list[Refused] = []

            changed: list[str] = []

            def renew_each(records: list[Record]) -> list[Record]:
                renewed.clear()
                refused.clear()
                changed.clear()
                fresh = records[0]
                unseen = [f for f in rules.open_loans(fresh) if rules.loan_code(f) not in requests]
                requests.update(self._loan_requests(unseen))  # lent meanwhile (at the desk)
                for loan in rules.open_loans(fresh):
                    code = rules.loan_code(loan)
                    why = rules.refuse_renewal(
                        fresh, loan, requests.get(code, []), today, self.loans_cfg, self.place
                    )
                    if why:
                        refused.append(Refused(why, code))
                        continue
                    due = rules.renewal_due(loan, today, self.loans_cfg)
                    renewed.append(LoanResult(code, loan.get("C"), format_ymd(due), renewed=True))
                    if rules.extends(loan, due):
                        rules.renew_loan(loan, due, today)
                        changed.append(code)
                if changed:
                    self._owed_visit(fresh, today, self._now())
                return [fresh] if changed else []

            saved = save(self.client, [(self.readers_db, reader.mfn)], [reader], renew_each)
            if saved:
                self.visits.settled(card)
                self._remember(card, saved[0])
            return RenewAllResult(tuple(renewed), tuple(refused))

    # ------------------------------------------------------------------ helpers

    def _renew(self, reader: Record, barcode: str, today: date) -> LoanResult:
        loan = rules.find_open_loan(reader, barcode)
        # requests only matter to a renewal the rules would otherwise allow
        can = loan is not None and not rules.refuse_renewal(reader, loan, [], today, self.loans_cfg, self.place)
        requests = self._requests(loan) if can and loan is not None else []
        self._refuse(
            rules.refuse_renewal(reader, loan, requests, today, self.loans_cfg, self.place), barcode
        )
        result: list[LoanResult] = []

        def extend(records: list[Record]) -> list[Record]:
            fresh = records[0]
            fresh_loan = rules.find_open_loan(fresh, barcode)
            self._refuse(
                rules.refuse_renewal(fresh, fresh_loan, requests, today, self.loans_cfg, self.place),
                barcode,
            )
            assert fresh_loan is not None
            due = rules.renewal_due(fresh_loan, today, self.loans_cfg)
            result[:] = [
                LoanResult(rules.loan_code(fresh_loan), fresh_loan.get("C"), format_ymd(due), renewed=True)
            ]
            if not rules.extends(fresh_loan, due):
                return []
            rules.renew_loan(fresh_loan, due, today)
            self._owed_visit(fresh, today, self._now())
            return [fresh]

        saved = save(self.client, [(self.readers_db, reader.mfn)], [reader], extend)
        if saved:
            self.visits.settled(rules.card_of(reader))
            self._remember(rules.card_of(reader), saved[0])
        return result[0]

    def end_visit(self, card: str, today: date) -> bool:
        """At the end of a session: save the reader's visit on its own when no loan or
        renewal carried it (kiosk.irbis.visits). True when a visit was written."""
        if not self.visits.owed(card):
            return False
        with self._gateway():
            reader = self._reader(card)
            self.visits.settled(card)
            if reader is None:
                return False
            now = self._now()

            def visit(records: list[Record]) -> list[Record]:
                fresh = records[0]
                return [fresh] if add_visit(fresh, self.place, self.operator, today, now) else []

            return bool(save(self.client, [(self.readers_db, reader.mfn)], [reader], visit))

    def _owed_visit(self, reader: Record, today: date, now: datetime) -> None:
        """Add the session's visit to a reader record about to be saved, if still owed."""
        if self.visits.owed(rules.card_of(reader)):
            add_visit(reader, self.place, self.operator, today, now)

    def _remember(self, card: str, reader: Record) -> None:
        self._recent = (card, reader, time.monotonic())

    def _recent_reader(self, card: str) -> Record | None:
        """The reader record this kiosk read or saved for `card` in the last
        RECENT_READER_S seconds, or None."""
        recent = self._recent
        if recent is None or recent[0] != card or time.monotonic() - recent[2] > RECENT_READER_S:
            return None
        return recent[1]

    def _reader_view(self, rec: Record, today: date, waiting: tuple[Reservation, ...] = ()) -> Reader:
        return Reader(
            card=rules.card_of(rec),
            first_name=rec.fm(11).strip(),
            surname=rec.fm(10).strip(),
            mfn=rec.mfn,
            loans=tuple(rules.loan_view(f, today) for f in rules.open_loans(rec)),
            category=rec.fm(50).strip(),
            waiting=waiting,
            birth=rec.fm(21).strip(),
        )

    @staticmethod
    def _refuse(reason: str | None, code: str) -> None:
        if reason:
            raise Refused(reason, code)

    def _gateway(self) -> AbstractContextManager[None]:
        return gateway_errors(self.client, self.cfg.irbis.give_up_s)
