"""Domain types shared by every layer: readers, loans, outcomes and reason codes.

Pure Python. The circulation adapter (kiosk.irbis) produces these; the session consumes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Protocol

# The reason codes of contracts.md: the key of every patron-facing refusal message.
REASONS: tuple[str, ...] = (
    "card_first",
    "unknown_card",
    "registration_expired",
    "reader_blocked",
    "overdue_block",
    "unknown_item",
    "item_unavailable",
    "on_loan_to_other",
    "loan_limit",
    "renew_limit",
    "reserved",
    "gateway_unavailable",
    "offline_limit",
    "out_of_service",  # the kiosk itself cannot record a loan (e.g. its disk is full)
    "not_on_loan",  # a return that matches no open loan
)


class Refused(Exception):
    """A circulation request the library's rules (or the situation) refuse.

    `reason` is always one of REASONS; `code` is the card or barcode concerned.
    """

    def __init__(self, reason: str, code: str = "", detail: str = "") -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown reason code {reason!r}")
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.code = code
        self.detail = detail


def format_ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


def parse_ymd(text: str) -> date | None:
    """`YYYYMMDD` -> date; None when the text is not a valid IRBIS date."""
    return _parse_ymd(text or "")


@lru_cache(maxsize=4096)  # a reader's loans repeat a few dates; every scan rereads them
def _parse_ymd(text: str) -> date | None:
    text = text.strip()
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


@dataclass(frozen=True)
class Loan:
    barcode: str
    title: str  # brief description "Author. Title" (field 40^C)
    due: str  # YYYYMMDD
    overdue: bool
    renewals: int
    issued: str = ""  # YYYYMMDD
    language: str = ""  # the book's IBIS 101 as the record has it ("kaz", "rus"); "" unknown


@dataclass(frozen=True)
class Reservation:
    """A request (IRBIS RQST) holding a copy for a reader: at login, the reader's own books
    waiting on the reserve shelf; on a return, the request the returned copy is wanted for."""

    barcode: str
    title: str  # brief description (RQST 201, else the catalogue's)
    place: str  # where it is collected (RQST 102, else the copy's 910^D)
    since: str = ""  # YYYYMMDD the copy was put aside (RQST 43); "" while only requested
    card: str = ""  # the requester (a card number, never a name)
    request: int = 0  # the RQST record's MFN


@dataclass(frozen=True)
class Reader:
    card: str
    first_name: str  # shown and spoken only to the patron (headphones for speech)
    surname: str
    mfn: int
    loans: tuple[Loan, ...] = ()
    category: str = ""
    waiting: tuple[Reservation, ...] = ()
    birth: str = ""  # RDR 21 as the record has it (YYYYMMDD or YYYY): statistics' age band only  # requested copies on the reserve shelf for them


@dataclass(frozen=True)
class LoanResult:
    """A successful checkout or renewal."""

    barcode: str
    title: str
    due: str  # YYYYMMDD
    renewed: bool = False
    language: str = ""  # the book's IBIS 101 ("kaz", "rus", "eng"); "" when not read


@dataclass(frozen=True)
class ReturnResult:
    barcode: str
    title: str
    reserved: Reservation | None = None  # someone's request waits for it: the reserved box
    language: str = ""  # the book's IBIS 101 ("kaz", "rus", "eng"); "" when not read


@dataclass(frozen=True)
class RenewAllResult:
    renewed: tuple[LoanResult, ...] = ()
    refused: tuple[Refused, ...] = field(default_factory=tuple)


class Circulation(Protocol):
    """The one interface the rest of the kiosk uses to reach the library system.

    Every method raises Refused (with a reason code) when the rules refuse, and
    Refused("gateway_unavailable") when the library system cannot be reached.
    `today` is the session clock's date (due dates and overdue checks use it).
    """

    def identify(self, card: str, today: date) -> Reader:
        """The reader with this card, with current loans; raises Refused for
        unknown_card, registration_expired, reader_blocked (overdue_block is a
        checkout refusal, not a login refusal)."""
        ...

    def is_item(self, code: str) -> bool:
        """True when the code is the barcode (910^H) or inventory number (910^B) of a copy."""
        ...

    def is_reader(self, code: str) -> bool:
        """True when the code is a reader card (RDR field 30)."""
        ...

    def checkout(self, card: str, barcode: str, today: date) -> LoanResult:
        """Lend the copy; if it is already on this reader's loans, renew it instead
        (LoanResult.renewed = True)."""
        ...

    def renew(self, card: str, barcode: str, today: date) -> LoanResult: ...

    def renew_all(self, card: str, today: date) -> RenewAllResult: ...

    def return_item(self, barcode: str, today: date) -> ReturnResult: ...

    def loans(self, card: str, today: date) -> list[Loan]: ...
