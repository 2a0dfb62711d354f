"""What the session asks the library system for (actions) and what comes back (results),
as small frozen dataclasses; plus the jobs that turn an action into a result on the
worker thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.core.domain import Circulation, LoanResult, Reader, Refused, RenewAllResult, ReturnResult


@dataclass(frozen=True)
class Scan:
    code: str


@dataclass(frozen=True)
class Renew:
    barcode: str


@dataclass(frozen=True)
class RenewAll:
    pass


@dataclass(frozen=True)
class Finish:
    pass


Action = Scan | Renew | RenewAll | Finish


def action_code(action: Action) -> str:
    """The card or barcode an action is about ("" for renew_all and finish)."""
    if isinstance(action, Scan):
        return action.code
    if isinstance(action, Renew):
        return action.barcode
    return ""


@dataclass(frozen=True)
class LoggedIn:
    reader: Reader


@dataclass(frozen=True)
class NewCard:
    reader: Reader


@dataclass(frozen=True)
class NewCardRefused:
    refused: Refused


@dataclass(frozen=True)
class SameCard:
    pass


@dataclass(frozen=True)
class Lent:
    loan: LoanResult


@dataclass(frozen=True)
class RenewedAll:
    result: RenewAllResult


@dataclass(frozen=True)
class Returned:
    result: ReturnResult


Result = LoggedIn | NewCard | NewCardRefused | SameCard | Lent | RenewedAll | Returned


def cue_for(result: object) -> str | None:
    """The cue an answer of the gateway gets (the first cue its outcome emits)."""
    if isinstance(result, (BaseException, NewCardRefused)):
        return "error"
    if isinstance(result, (LoggedIn, NewCard, Lent, Returned)):
        return "success"
    if isinstance(result, RenewedAll):
        return "success" if result.result.renewed else "error"
    return None


# -------------------------------------------------------------------- jobs (worker thread)
def identify_or_card_first(circ: Circulation, code: str, today: date) -> Result:
    try:
        return LoggedIn(circ.identify(code, today))
    except Refused as e:
        if e.reason == "unknown_card" and circ.is_item(code):
            raise Refused("card_first", code) from None
        raise


def identify_or_return(circ: Circulation, code: str, today: date) -> Result:
    """On attract with [session] returns = "any": a card logs in, a book is returned (a
    book drop)."""
    try:
        return LoggedIn(circ.identify(code, today))
    except Refused as e:
        if e.reason == "unknown_card" and circ.is_item(code):
            return Returned(circ.return_item(code, today))
        raise


def return_scan(circ: Circulation, card: str, own: frozenset[str], code: str, today: date,
                own_only: bool) -> Result:
    """A scan after "Return a book": the patron's own loan is returned; another card logs
    in as usual; with `own_only` any other book is refused not_on_loan unasked."""
    if code == card:
        return SameCard()
    if code not in own:
        if circ.is_reader(code):
            return _new_card(circ, code, today)
        if own_only:
            raise Refused("not_on_loan", code)
    return Returned(circ.return_item(code, today))


def _new_card(circ: Circulation, code: str, today: date) -> Result:
    try:
        return NewCard(circ.identify(code, today))
    except Refused as e:
        return NewCardRefused(e)


def session_scan(circ: Circulation, card: str, own: frozenset[str], code: str,
                 today: date) -> Result:
    if code == card:
        return SameCard()
    if code in own:
        return Lent(circ.renew(card, code, today))
    if circ.is_reader(code):
        return _new_card(circ, code, today)
    return Lent(circ.checkout(card, code, today))


def renew(circ: Circulation, card: str, barcode: str, today: date) -> Result:
    return Lent(circ.renew(card, barcode, today))


def renew_all(circ: Circulation, card: str, today: date) -> Result:
    return RenewedAll(circ.renew_all(card, today))
