"""The library's loan rules as pure functions over IRBIS records, the [loans] config and today.

Nothing here talks to a server: circulation.py fetches the records, asks these functions
what the rules say (a reason code or None) and applies the record edits defined here.

Conventions (also in kiosk/irbis/demo/README.md):
- A field-40 repeat is a loan when it names a copy (^A, ^B or ^H); otherwise it is a visit.
  It is not returned while ^F is empty or starts with `*`.
- A reader is blocked when a field 29 (right to use the library) contains one of
  BLOCK_MARKERS, or a field 57 (places where issue is forbidden) names the kiosk's place.
- Registration counts when a field 52 (re-registration) or 51 (enrolment) is dated in the
  current year.
- Reserve shelf (910^A 9): the copy is held for a reader; only the reader with an open RQST
  request for it may take it, everyone else is refused with `reserved`.
- RQST requests (who holds a copy, and which request a checkout fulfils): reservations.py.
- An overdue loan may still be renewed (renewing is how a patron puts it right); the
  overdue block stops new checkouts only.
- A renewal never shortens a loan: new due = max(current due, today + renewal_days); one that
  would not move the due date writes nothing and does not count against max_renewals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kiosk.config import LoansSection
from kiosk.core.domain import Loan, format_ymd, parse_ymd
from kiosk.irbis.record import GUID_TAG, Field, Record
from kiosk.irbis.reservations import own_requests, reserved_by_other

# Field 29 texts that block a reader (case-insensitive): Russian "заблокирован", Kazakh
# "бұғатталған", and a lost or stolen card.
BLOCK_MARKERS: tuple[str, ...] = ("блок", "бұғат", "утер", "жоғал", "украден", "ұрлан")

ISSUED = "1"
AVAILABLE = "0"
GROUP_STATUSES = ("U", "C")
RESERVE_SHELF = "9"
NOT_RETURNED = "******"

# codes a scanner could deliver that are safe inside a quoted IRBIS search term
_FORBIDDEN_IN_CODE = set('"$^#\\') | {chr(i) for i in range(32)} | {chr(127)}


def is_valid_code(code: str) -> bool:
    """A scanned card or barcode we are willing to search for (no quote, truncation or
    control characters, not empty, not absurdly long)."""
    return 0 < len(code) <= 64 and not (set(code) & _FORBIDDEN_IN_CODE) and code.strip() == code


# ---------------------------------------------------------------- readers and loans


def is_loan(f: Field) -> bool:
    # ^H (barcode) first: nearly every loan has one, so one look usually decides
    return f.tag == 40 and bool(f.get("H") or f.get("B") or f.get("A"))


def is_returned(f: Field) -> bool:
    ret = f.get("F")
    return bool(ret) and not ret.startswith("*")


def open_loans(reader: Record) -> list[Field]:
    return [f for f in reader.all(40) if is_loan(f) and not is_returned(f)]


def loan_code(f: Field) -> str:
    return f.get("H") or f.get("B")


def loan_matches(f: Field, code: str) -> bool:
    """Exact match on the loan's barcode (^H) or inventory number (^B)."""
    return bool(code) and (f.get("H") == code or f.get("B") == code)


def find_open_loan(reader: Record, code: str) -> Field | None:
    # the code first: a reader's record keeps every loan ever made, and few match
    for f in reader.all(40):
        if loan_matches(f, code) and is_loan(f) and not is_returned(f):
            return f
    return None


def renewals(f: Field) -> int:
    text = f.get("4").strip()
    return int(text) if text.isdigit() else 0


def is_overdue(f: Field, today: date) -> bool:
    due = parse_ymd(f.get("E"))
    return due is not None and due < today and not is_returned(f)


def loan_view(f: Field, today: date) -> Loan:
    return Loan(
        barcode=loan_code(f),
        title=f.get("C"),
        due=f.get("E"),
        overdue=is_overdue(f, today),
        renewals=renewals(f),
        issued=f.get("D"),
    )


def card_of(reader: Record) -> str:
    return reader.fm(30).strip()


def registered_in(reader: Record, year: int) -> bool:
    for f in reader.all(52) + reader.all(51):
        day = parse_ymd(f.value[:8])
        if day is not None and day.year == year:
            return True
    return False


def is_blocked(reader: Record, place: str = "") -> bool:
    for f in reader.all(29):
        text = f.text().casefold()
        if any(marker in text for marker in BLOCK_MARKERS):
            return True
    if place:
        for f in reader.all(57):
            places = {p.strip().casefold() for p in f.text().replace("^", ",").split(",")}
            if place.casefold() in places:
                return True
    return False


def identify_refusal(
    reader: Record | None, today: date, loans: LoansSection, place: str = ""
) -> str | None:
    """Why this card may not use the kiosk at all (None = welcome). Blocked comes before
    expired: a lost card must never be told to re-register."""
    if reader is None:
        return "unknown_card"
    if is_blocked(reader, place):
        return "reader_blocked"
    if loans.require_reregistration and not registered_in(reader, today.year):
        return "registration_expired"
    return None


def checkout_refusal(reader: Record, today: date, loans: LoansSection) -> str | None:
    """Why this reader may not take one more book, whatever the book."""
    held = open_loans(reader)
    if loans.block_on_overdue and any(is_overdue(f, today) for f in held):
        return "overdue_block"
    if len(held) >= loans.max_items:
        return "loan_limit"
    return None


def renew_refusal(loan: Field, loans: LoansSection, reserved_by_other: bool) -> str | None:
    if renewals(loan) >= loans.max_renewals:
        return "renew_limit"
    if reserved_by_other:
        return "reserved"
    return None


# ---------------------------------------------------------------- copies


@dataclass
class CopyRef:
    """One copy (a 910 repeat) inside a catalogue record."""

    record: Record
    position: int  # index into record.fields

    @property
    def field(self) -> Field:
        return self.record.fields[self.position]

    @property
    def barcode(self) -> str:
        """The code loans carry in 40^H: the copy's barcode, or its inventory number when
        the copy has no barcode (so that `H=` still finds the loan)."""
        return self.field.get("H") or self.field.get("B")


def find_copy(records: list[Record], code: str) -> CopyRef | None:
    """The copy whose 910^H equals the code exactly, else the one whose 910^B does."""
    if not code:
        return None
    for sub in ("H", "B"):
        for rec in records:
            for i, f in enumerate(rec.fields):
                if f.tag == 910 and f.get(sub) == code:
                    return CopyRef(rec, i)
    return None


def status(copy: Field) -> str:
    return copy.get("A").strip().upper()


def _num(copy: Field, code: str) -> int:
    text = copy.get(code).strip()
    return int(text) if text.isdigit() else 0


def group_free(copy: Field) -> int:
    return _num(copy, "1") - _num(copy, "2")


def copy_refusal(
    copy: Field, card: str, holder: str | None, requests: list[Record]
) -> str | None:
    """Why this copy cannot be lent to reader `card` (None = it can).

    `holder` is the card of the reader whose open loan names the copy (None when nobody's does).
    """
    st = status(copy)
    if st == ISSUED:
        return "on_loan_to_other" if holder and holder != card else "item_unavailable"
    if st in GROUP_STATUSES:
        if group_free(copy) <= 0:
            return "item_unavailable"
    elif st == RESERVE_SHELF:
        if not own_requests(requests, copy, card):
            return "reserved"
        return None
    elif st != AVAILABLE:
        return "item_unavailable"  # 2 expected, 3 bindery, 4 lost, 5 not issued, 6 written off, ...
    if reserved_by_other(requests, copy, card):
        return "reserved"
    return None


def refuse_checkout(
    reader: Record | None,
    copy: CopyRef | None,
    holder: str | None,
    requests: list[Record],
    today: date,
    loans: LoansSection,
    place: str = "",
) -> str | None:
    """The whole checkout decision, in the order the patron should hear about it.
    (A copy already on this reader's loans is a renewal: see refuse_renewal.)"""
    return (
        identify_refusal(reader, today, loans, place)
        or checkout_refusal(reader, today, loans)  # type: ignore[arg-type]
        or ("unknown_item" if copy is None else None)
        or copy_refusal(copy.field, card_of(reader), holder, requests)  # type: ignore[union-attr,arg-type]
    )


def refuse_renewal(
    reader: Record | None,
    loan: Field | None,
    requests: list[Record],
    today: date,
    loans: LoansSection,
    place: str = "",
) -> str | None:
    """Why this loan cannot be renewed (None = it can). `loan` is the reader's open field-40
    repeat for the copy (None when the reader does not have it)."""
    refusal = identify_refusal(reader, today, loans, place)
    if refusal:
        return refusal
    if loan is None:
        return "unknown_item"
    return renew_refusal(loan, loans, reserved_by_other(requests, loan, card_of(reader)))  # type: ignore[arg-type]


# ---------------------------------------------------------------- record edits


def language(book: Record) -> str:
    """The language code of the catalogue record (IBIS field 101, e.g. "kaz"), "" if none."""
    return book.fm(101).strip().lower()


def brief(book: Record) -> str:
    """"Author I. Title" as field 40^C carries it."""
    title = book.fm(200, "A").strip()
    surname, initials = book.fm(700, "A").strip(), book.fm(700, "B").strip()
    author = f"{surname} {initials}".strip()
    if not (author and title):
        return title or author
    return f"{author} {title}" if author.endswith(".") else f"{author}. {title}"


def checkout_due(today: date, loans: LoansSection) -> date:
    return today + timedelta(days=loans.period_days)


def renewal_due(loan: Field, today: date, loans: LoansSection) -> date:
    new = today + timedelta(days=loans.renewal_days)
    current = parse_ymd(loan.get("E"))
    return max(new, current) if current else new


def loan_field(
    copy: CopyRef, catalog_db: str, place: str, operator: str, today: date, now: datetime, due: date
) -> Field:
    """A new field-40 repeat in the order of irbis.md."""
    book, c = copy.record, copy.field
    return Field.of(
        40,
        G=catalog_db,
        A=book.fm(903).strip(),
        B=c.get("B"),
        H=copy.barcode,
        K=c.get("D"),
        D=format_ymd(today),
        _1=now.strftime("%H%M%S"),
        E=format_ymd(due),
        F=NOT_RETURNED,
        V=place,
        I=operator,
        C=brief(book),
    )


def issue_copy(copy: Field) -> None:
    if status(copy) in GROUP_STATUSES:
        copy.set("2", str(_num(copy, "2") + 1))
    else:
        copy.set("A", ISSUED)


def release_copy(copy: Field) -> None:
    if status(copy) in GROUP_STATUSES:
        copy.set("2", str(max(0, _num(copy, "2") - 1)))
    elif status(copy) == ISSUED:
        copy.set("A", AVAILABLE)


def extends(loan: Field, due: date) -> bool:
    """Would renewing to `due` move the loan's due date? (If not, nothing is written and no
    renewal is counted: a patron rescanning a book just borrowed loses nothing.)"""
    current = parse_ymd(loan.get("E"))
    return current is None or due > current


def renew_loan(loan: Field, due: date, today: date) -> None:
    loan.set("E", format_ymd(due))
    loan.set("L", format_ymd(today))
    loan.set("4", str(renewals(loan) + 1))


def close_loan(loan: Field, today: date, now: datetime) -> None:
    loan.set("F", format_ymd(today))
    loan.set("2", now.strftime("%H%M%S"))


def has_guid_first(rec: Record) -> bool:
    return bool(rec.fields) and rec.fields[0].tag == GUID_TAG
