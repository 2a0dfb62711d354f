"""The EZ-Access focus order of every screen: which items up/down visit, and what each says.

Pure function of the session state. Message ids: "focus.<id>" (spoken when focused) and
"label.<id>" (the button's short text on screen). Loans are "loan:<barcode>"; their
speech carries the title only in headphones (private); on the loudspeaker a generic
variant without the title is used.
"""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.core.domain import parse_ymd
from kiosk.core.view import FocusItem, LoanRow

LANGUAGE_IDS: tuple[str, ...] = ("language_kk", "language_ru", "language_en")
COMMON_TAIL: tuple[str, ...] = ("call_staff", "help", *LANGUAGE_IDS, "contrast")

# Every fixed widget id the session can put in a focus list (loans come on top).
WIDGET_IDS: tuple[str, ...] = (
    "finish", "renew_all", "return_book", "receipt_yes", "receipt_no", "done", "back", "language", *COMMON_TAIL,
)


def _item(widget_id: str) -> FocusItem:
    return FocusItem(id=widget_id, msg=f"focus.{widget_id}")


def loan_item(row: LoanRow, n: int, count: int, headphones: bool) -> FocusItem:
    due = parse_ymd(row.due) or row.due
    state = ".overdue" if row.overdue else ""
    if headphones:
        params = {"n": n, "count": count, "title": row.title, "due": due}
        return FocusItem(id=f"loan:{row.barcode}", msg=f"focus.loan{state}", params=params,
                         private=True)
    # the due date is on screen for anyone to see: said on the loudspeaker too, the title not
    return FocusItem(id=f"loan:{row.barcode}", msg=f"focus.loan{state}.public",
                     params={"n": n, "count": count, "due": due})


def focus_items(
    screen: str,
    *,
    loans: Sequence[LoanRow] = (),
    headphones: bool = False,
    receipt_offered: bool = False,
    language_screen: bool = False,
    return_book: bool = False,
) -> tuple[FocusItem, ...]:
    """`language_screen`: also offer "language" (a globe button opening the language
    screen) after the three language_* buttons, which switch at once. `return_book`:
    the account offers "Return a book" ([session] returns = own or any)."""
    tail = list(COMMON_TAIL)
    if language_screen:
        tail.insert(tail.index("language_en") + 1, "language")
    if screen == "account":
        ids: list[str] = ["finish"]
        if loans:
            ids.append("renew_all")
        if return_book:
            ids.append("return_book")
        items = [_item(i) for i in ids]
        items += [loan_item(r, n, len(loans), headphones) for n, r in enumerate(loans, 1)]
        return tuple(items + [_item(i) for i in tail])
    if screen == "summary":
        ids = ["receipt_yes", "receipt_no"] if receipt_offered else []
        return tuple(_item(i) for i in [*ids, "done", *tail])
    if screen == "help":
        return tuple(_item(i) for i in ("back", "help", "call_staff"))
    if screen == "language":
        return tuple(_item(i) for i in (*LANGUAGE_IDS, "back"))
    # attract (and any screen without its own list)
    head = ["help", *LANGUAGE_IDS] + (["language"] if language_screen else [])
    return tuple(_item(i) for i in (*head, "contrast", "call_staff"))
