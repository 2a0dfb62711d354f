"""The searches of IrbisCirculation (a mixin): the reader by card, the copy by its exact
code, who has a copy, the RQST requests naming it, and the reader's reserved books. One
search-and-read request each; none of them writes."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from kiosk.core.domain import Reservation
from kiosk.irbis import reservations, rules
from kiosk.irbis.client import IrbisClient
from kiosk.irbis.errors import GatewayUnavailable, IrbisError, ProtocolError, ServerOverloaded
from kiosk.irbis.record import Field, Record

log = logging.getLogger("kiosk.irbis.circulation")

# Every live request (open or reserved), read in the same round trip as the copy while there
# are at most LIVE_REQUESTS_MAX of them: the requests naming the copy by either of its codes
# are then known without a second search by the code the copy turns out to have. A library
# with more live requests is searched by the copy's codes instead (asked again hourly).
LIVE_REQUESTS = f'"I={reservations.REQUEST_OPEN}" + "I={reservations.REQUEST_RESERVED}"'
LIVE_REQUESTS_MAX = 60
LIVE_RECHECK_S = 3600.0


@dataclass(frozen=True)
class RequestsAhead:
    """What RQST said before the copy was read: every live request (`complete`), or what H=
    found for the scanned code (None when that was not asked)."""

    complete: bool
    found: list[Record] | None


class IrbisLookups:
    client: IrbisClient
    readers_db: str
    catalog_db: str
    requests_db: str
    _many_live_requests_until = 0.0  # monotonic time; until then the live set is not read

    def _reader(self, card: str) -> Record | None:
        """The reader whose field 30 is exactly `card` (None when there is none)."""
        if not rules.is_valid_code(card):
            return None
        for rec in self.client.search_records(self.readers_db, f'"RI={card}"'):
            if not rec.status & 1 and rules.card_of(rec) == card:
                return rec
        return None

    def _copy(self, code: str, db: str | None = None) -> rules.CopyRef | None:
        """The copy whose 910^H (else 910^B) is exactly `code`."""
        if not rules.is_valid_code(code):
            return None
        db = db or self.catalog_db
        records = self.client.search_records(db, f'"IN={code}"')
        return rules.find_copy([r for r in records if not r.status & 1], code)

    def _borrower(self, code: str) -> tuple[Record, Field] | None:
        """The reader with an open loan of this copy, and that loan."""
        for rec in self.client.search_records(self.readers_db, f'"H={code}"'):
            loan = rules.find_open_loan(rec, code)
            if loan is not None:
                return rec, loan
        return None

    def _holder(self, code: str) -> str | None:
        found = self._borrower(code)
        return rules.card_of(found[0]) if found else None

    def _requests(self, copy: Field, named: list[Record] | None = None, scanned: str = "") -> list[Record]:
        """Live RQST requests (open or reserved) naming this copy (910 of a copy or 40 of a
        loan). H= indexes the request's 910 inventory number and barcode apart, so both of
        the copy's codes are searched (one request); `named`: what a search by `scanned`
        (one of them) already found, so only the other code is asked."""
        codes = [c for c in (copy.get("H"), copy.get("B")) if c and (named is None or c != scanned)]
        found = list(named or [])
        if codes:
            seen = {r.mfn for r in found}
            found += [r for r in self._requests_by_codes(codes) if r.mfn not in seen]
        return reservations.requests_for(found, copy)

    def _loan_requests(self, loans: list[Field]) -> dict[str, list[Record]]:
        """The live requests naming each loan's copy, by loan code: one RQST search for all."""
        if not loans:
            return {}
        found = self._requests_by_codes([c for f in loans for c in (f.get("H"), f.get("B")) if c])
        return {rules.loan_code(f): reservations.requests_for(found, f) for f in loans}

    def _requests_ahead(self, scanned: str) -> RequestsAhead:
        """The RQST look-up sent alongside the copy's search, before its codes are known."""
        if not self.requests_db:
            return RequestsAhead(True, [])
        if time.monotonic() < self._many_live_requests_until:
            return RequestsAhead(False, self._requests_by_code(scanned))
        total, live = self._search_requests(LIVE_REQUESTS, LIVE_REQUESTS_MAX)
        if total <= len(live):
            return RequestsAhead(True, live)
        self._many_live_requests_until = time.monotonic() + LIVE_RECHECK_S
        return RequestsAhead(False, None)

    def _requests_of_copy(self, copy: Field, ahead: RequestsAhead, scanned: str) -> list[Record]:
        """Live requests naming this copy, from what `_requests_ahead(scanned)` brought and,
        where that was not everything, one more search by the copy's codes."""
        if ahead.complete:
            return reservations.requests_for(ahead.found or [], copy)
        if ahead.found is not None and scanned in (copy.get("H"), copy.get("B")):
            return self._requests(copy, ahead.found, scanned)  # only the copy's other code asked
        return self._requests(copy)

    def _requests_by_code(self, code: str) -> list[Record]:
        """The RQST records H= finds for `code` (not yet matched to a copy)."""
        return self._requests_by_codes([code])

    def _requests_by_codes(self, codes: list[str]) -> list[Record]:
        """The RQST records H= finds for any of `codes`, in one search-and-read."""
        codes = sorted({c for c in codes if rules.is_valid_code(c)})
        if not self.requests_db or not codes:
            return []
        return self._search_requests(" + ".join(f'"H={c}"' for c in codes))[1]

    def _search_requests(self, expression: str, limit: int = 0) -> tuple[int, list[Record]]:
        """An RQST search-and-read: (how many matched, the records read)."""
        try:
            return self.client.search_records_counted(self.requests_db, expression, limit)
        except ServerOverloaded:
            raise  # busy, not missing: the reservations must not be skipped
        except IrbisError as exc:
            # a server without the RQST database must not stop every loan: reservations
            # simply cannot be honoured there ([gateway] requests_db = "" says so quietly)
            log.warning("requests database %s not searchable (%s): reservations not checked",
                        self.requests_db, exc.code)
            return 0, []

    def _requests_or_none(self, codes: list[str]) -> list[Record] | None:
        """_requests_by_codes, or None when it failed (for a look-up sent alongside that must
        not stop what it accompanies: the caller asks again later)."""
        try:
            return self._requests_by_codes(codes)
        except (GatewayUnavailable, ProtocolError, IrbisError):
            return None

    def _wanted(self, copy: rules.CopyRef, borrower: str, named: list[Record] | None = None,
                scanned: str = "", complete: bool = False) -> Reservation | None:
        """The oldest live request of someone else naming a just-returned copy (it goes to
        the reserved box), or None. `named`: the requests already found by the copy's own
        code (asked with the return's first look-ups); else asked now, after the save, where
        a failure loses nothing."""
        try:
            found = (reservations.requests_for(named, copy.field) if complete and named is not None
                     else self._requests(copy.field, named, scanned))
            waiting = [r for r in found if reservations.requester(r) != borrower]
        except (GatewayUnavailable, ProtocolError, IrbisError) as exc:
            log.warning("requests not checked after a return (%s)", type(exc).__name__)
            return None
        if not waiting:
            return None
        req = min(waiting, key=lambda r: (r.fm(40).strip() or "99999999", r.mfn))
        log.info("returned copy is requested (request mfn %s): reserved box", req.mfn)
        return self._reservation(req, copy)

    def _waiting(self, card: str) -> tuple[Reservation, ...]:
        """The reader's reserved requests (RQST status 2) whose copy is on the reserve shelf
        (910^A 9): one RQST search-and-read, and one catalogue search only when there are
        any. A failure here never stops a login: the list is simply empty."""
        if not self.requests_db:
            return ()
        try:
            found = self.client.search_records(self.requests_db, f'"RS={card}" * "I=2"')
            reqs = [
                r for r in found
                if reservations.requester(r) == card and reservations.is_live_request(r)
                and reservations.request_status(r) == reservations.REQUEST_RESERVED and reservations.request_copy_code(r)
            ]
            by_db: dict[str, list[Record]] = {}
            for r in reqs:
                by_db.setdefault(r.fm(1).strip() or self.catalog_db, []).append(r)
            out: list[Reservation] = []
            for db, group in by_db.items():
                codes = sorted({reservations.request_copy_code(r) for r in group if rules.is_valid_code(reservations.request_copy_code(r))})
                if not codes:
                    continue
                books = [b for b in self.client.search_records(db, " + ".join(f'"IN={c}"' for c in codes))
                         if not b.status & 1]
                for r in group:
                    copy = rules.find_copy(books, reservations.request_copy_code(r))
                    if copy is not None and rules.status(copy.field) == rules.RESERVE_SHELF:
                        out.append(self._reservation(r, copy))
            return tuple(out)
        except (GatewayUnavailable, ProtocolError, IrbisError) as exc:
            log.warning("waiting requests not checked at login (%s)", type(exc).__name__)
            return ()

    @staticmethod
    def _reservation(req: Record, copy: rules.CopyRef) -> Reservation:
        place = req.fm(102).strip()
        if place in ("", "*"):
            place = copy.field.get("D").strip()
        return Reservation(
            barcode=copy.barcode,
            title=req.fm(201).strip() or rules.brief(copy.record),
            place=place,
            since=req.fm(43).strip(),
            card=rules.card_of(req),
            request=req.mfn,
        )


def request_code(copy: Field) -> str:
    """The code RQST's H= is searched by for a copy (910) or a loan (40): ^H, else ^B."""
    return copy.get("H") or copy.get("B")
