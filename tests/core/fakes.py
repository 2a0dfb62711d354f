"""A small in-memory library that keeps the Circulation protocol's rules, for core unit
tests only (end-to-end scenarios run against the real IRBIS server)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from kiosk.core.domain import (
    Loan,
    LoanResult,
    Reader,
    Refused,
    RenewAllResult,
    ReturnResult,
    format_ymd,
)


@dataclass
class FakeReader:
    card: str
    first_name: str
    surname: str = "Testov"
    expired: bool = False
    blocked: bool = False


@dataclass
class FakeItem:
    barcode: str
    title: str
    available: bool = True  # False = lost / in processing
    reserved_for: str = ""  # card of another reader holding it
    loaned_to: str = ""
    due: str = ""
    renewals: int = 0


@dataclass
class FakeLibrary:
    readers: dict[str, FakeReader] = field(default_factory=dict)
    items: dict[str, FakeItem] = field(default_factory=dict)
    max_items: int = 5
    max_renewals: int = 2
    period_days: int = 14
    up: bool = True
    calls: list[str] = field(default_factory=list)

    def add_reader(self, card: str, name: str, **kw: bool) -> FakeReader:
        self.readers[card] = FakeReader(card, name, **kw)
        return self.readers[card]

    def add_item(self, barcode: str, title: str, **kw: object) -> FakeItem:
        self.items[barcode] = FakeItem(barcode, title, **kw)  # type: ignore[arg-type]
        return self.items[barcode]

    def lend(self, barcode: str, card: str, due: str, renewals: int = 0) -> None:
        item = self.items[barcode]
        item.loaned_to, item.due, item.renewals = card, due, renewals

    def _check(self, name: str) -> None:
        self.calls.append(name)
        if not self.up:
            raise Refused("gateway_unavailable")

    def _loans(self, card: str, today: date) -> list[Loan]:
        return [Loan(i.barcode, i.title, i.due, i.due < format_ymd(today), i.renewals)
                for i in self.items.values() if i.loaned_to == card]

    def identify(self, card: str, today: date) -> Reader:
        self._check("identify")
        r = self.readers.get(card)
        if r is None:
            raise Refused("unknown_card", card)
        if r.expired:
            raise Refused("registration_expired", card)
        if r.blocked:
            raise Refused("reader_blocked", card)
        return Reader(card, r.first_name, r.surname, 1, tuple(self._loans(card, today)))

    def is_item(self, code: str) -> bool:
        self._check("is_item")
        return code in self.items

    def is_reader(self, code: str) -> bool:
        self._check("is_reader")
        return code in self.readers

    def checkout(self, card: str, barcode: str, today: date) -> LoanResult:
        self._check("checkout")
        item = self.items.get(barcode)
        if item is None:
            raise Refused("unknown_item", barcode)
        if item.loaned_to == card:
            return self.renew(card, barcode, today)
        if item.loaned_to:
            raise Refused("on_loan_to_other", barcode)
        if not item.available:
            raise Refused("item_unavailable", barcode)
        if item.reserved_for and item.reserved_for != card:
            raise Refused("reserved", barcode)
        loans = self._loans(card, today)
        if any(loan.overdue for loan in loans):
            raise Refused("overdue_block", barcode)
        if len(loans) >= self.max_items:
            raise Refused("loan_limit", barcode)
        item.loaned_to, item.renewals = card, 0
        item.due = format_ymd(today + timedelta(days=self.period_days))
        return LoanResult(barcode, item.title, item.due)

    def renew(self, card: str, barcode: str, today: date) -> LoanResult:
        self._check("renew")
        item = self.items.get(barcode)
        if item is None or item.loaned_to != card:
            raise Refused("unknown_item", barcode)
        if item.renewals >= self.max_renewals:
            raise Refused("renew_limit", barcode)
        if item.reserved_for and item.reserved_for != card:
            raise Refused("reserved", barcode)
        item.renewals += 1
        item.due = format_ymd(today + timedelta(days=self.period_days))
        return LoanResult(barcode, item.title, item.due, renewed=True)

    def renew_all(self, card: str, today: date) -> RenewAllResult:
        self._check("renew_all")
        done, refused = [], []
        for loan in self._loans(card, today):
            try:
                done.append(self.renew(card, loan.barcode, today))
            except Refused as e:
                refused.append(e)
        return RenewAllResult(tuple(done), tuple(refused))

    def return_item(self, barcode: str, today: date) -> ReturnResult:
        self._check("return_item")
        item = self.items.get(barcode)
        if item is None:
            raise Refused("unknown_item", barcode)
        if not item.loaned_to:
            raise Refused("not_on_loan", barcode)
        item.loaned_to = ""
        return ReturnResult(barcode, item.title)

    def loans(self, card: str, today: date) -> list[Loan]:
        self._check("loans")
        return self._loans(card, today)


def demo_library() -> FakeLibrary:
    lib = FakeLibrary()
    lib.add_reader("R001", "Әлия")
    lib.add_reader("R002", "Данияр")
    lib.add_reader("R003", "Expired", expired=True)
    lib.add_reader("R004", "Blocked", blocked=True)
    lib.add_reader("R005", "Late")
    for n in range(1, 10):
        lib.add_item(f"B00{n}", f"Book {n}")
    lib.add_item("B100", "Already mine")
    lib.lend("B100", "R001", "20261201")
    lib.add_item("B101", "Overdue one")
    lib.lend("B101", "R005", "20261101")
    lib.add_item("B200", "Lost book", available=False)
    lib.add_item("B300", "Reserved book", reserved_for="R002")
    lib.add_item("B400", "Other's book")
    lib.lend("B400", "R002", "20261210")
    return lib
