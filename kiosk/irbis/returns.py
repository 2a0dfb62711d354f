"""Giving a book back (IrbisCirculation.return_item): who has the copy, closing the loan and
releasing the copy in one save, and whether a waiting request now holds it for someone."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime

from kiosk.config import Config
from kiosk.core.domain import Refused, ReturnResult
from kiosk.irbis import rules
from kiosk.irbis.lookup import IrbisLookups
from kiosk.irbis.record import Record
from kiosk.irbis.saving import gateway_errors, save

log = logging.getLogger("kiosk.irbis.circulation")


class IrbisReturns(IrbisLookups):
    cfg: Config
    _now: Callable[[], datetime]
    _recent: tuple[str, Record, float] | None

    def return_item(self, barcode: str, today: date) -> ReturnResult:
        with gateway_errors(self.client, self.cfg.irbis.give_up_s):
            self._recent = None
            if not rules.is_valid_code(barcode):
                raise Refused("unknown_item", barcode)
            # who has it, the copy and the requests naming it: independent reads, one round trip
            found, scanned, named = self.client.parallel(
                lambda: self._borrower(barcode), lambda: self._copy(barcode),
                lambda: self._requests_or_none([barcode]))
            if found is None and scanned is not None and scanned.barcode != barcode:
                found = self._borrower(scanned.barcode)  # an inventory number: the loan has the barcode
            if found is None:  # a copy nobody has on loan, or no copy at all
                raise Refused("unknown_item" if scanned is None else "not_on_loan", barcode)
            reader, loan = found
            code = rules.loan_code(loan)
            db = loan.get("G") or self.catalog_db
            same = scanned is not None and scanned.barcode == code and db == self.catalog_db
            copy = scanned if same else self._copy(code, db)
            keys = [(self.readers_db, reader.mfn)]
            first = [reader]
            if copy is not None:
                keys.append((copy.record.database or db, copy.record.mfn))
                first.append(copy.record)
            now = self._now()

            def give_back(records: list[Record]) -> list[Record]:
                fresh_reader, *books = records
                fresh_loan = rules.find_open_loan(fresh_reader, code)
                if fresh_loan is None:
                    # read back after an unconfirmed save (ours, or a desk's meanwhile):
                    # either way the book is back, which is what the patron is told
                    return []
                rules.close_loan(fresh_loan, today, now)
                for book in books:
                    fresh_copy = rules.find_copy([book], code)
                    if fresh_copy is not None:
                        rules.release_copy(fresh_copy.field)
                return [fresh_reader, *books]

            if copy is None or barcode not in (copy.field.get("H"), copy.field.get("B")):
                named = None  # found by another code than the copy's own: asked again after
            others = [] if named is None or copy is None else \
                [c for c in (copy.field.get("H"), copy.field.get("B")) if c and c != barcode]
            # the requests naming the copy's other code do not decide the return: asked with the save
            _, more = self.client.parallel(lambda: save(self.client, keys, first, give_back),
                                           lambda: self._requests_or_none(others) if others else [])
            log.info("return saved (reader mfn %s)", reader.mfn)
            if named is not None and more is not None:
                named = named + [r for r in more if r.mfn not in {n.mfn for n in named}]
                others = []  # every code of the copy asked
            else:
                named = None
            reserved = (self._wanted(copy, rules.card_of(reader), named, barcode, complete=not others)
                        if copy is not None else None)
            language = rules.language(copy.record) if copy is not None else ""
            return ReturnResult(code, loan.get("C"), reserved, language=language)
