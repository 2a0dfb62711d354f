"""What the patron sees: an immutable snapshot of the session, drawn by the UI and
described by speech. The session is the only producer; the UI never keeps its own copy
of patron data (so logout clears the screen by publishing an empty View).

Contract between kiosk.core (producer) and kiosk.ui / kiosk.speech (consumers):
add fields freely, never rename or remove one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Every screen the session produces: the three of contracts.md, then help and language.
# (out_of_order and maintenance are the app's modes: kiosk.app.modes, kiosk.maintenance.)
SCREENS: tuple[str, ...] = (
    "attract",  # idle, waiting for a card
    "account",  # reader identified: loans and actions
    "summary",  # end of session: what happened, due dates, receipt offer
    "help",  # context help (layered)
    "language",  # choose kk / ru / en
)


@dataclass(frozen=True)
class FocusItem:
    """One stop of the EZ-Access focus order. `id` is the stable widget id (contracts.md:
    finish, renew_all, receipt_yes, receipt_no, done, call_staff, help, language_kk,
    language_ru, language_en, contrast; loans are "loan:<barcode>"). `msg`/`params` are
    what speech says when it gets focus; `private` = only in headphones."""

    id: str
    msg: str
    params: dict[str, Any] = field(default_factory=dict)
    private: bool = False


@dataclass(frozen=True)
class LoanRow:
    barcode: str
    title: str
    due: str  # YYYYMMDD
    overdue: bool
    renewals: int
    status: str = ""  # "" (older loan) | "new" (checked out now) | "renewed" (renewed now)


@dataclass(frozen=True)
class WaitingRow:
    """A book the reader reserved, put aside for them: shown to the patron only."""

    barcode: str
    title: str
    place: str  # where to collect it ("" when the library did not say)


@dataclass(frozen=True)
class Notice:
    """The overlay after a scan or action: a refusal (reason code) or a confirmation."""

    kind: str  # "refused" | "success" | "info"
    msg: str  # message id, e.g. "reason.loan_limit", "checkout.ok"
    params: dict[str, Any] = field(default_factory=dict)
    code: str = ""  # the card or barcode concerned (never shown for cards)


@dataclass(frozen=True)
class SummaryLine:
    kind: str  # "checkout" | "renew" | "refused" | "return" | "waiting"
    barcode: str
    title: str
    due: str = ""  # YYYYMMDD
    reason: str = ""  # for "refused"
    place: str = ""  # for "waiting": where to collect it


@dataclass(frozen=True)
class View:
    screen: str = "attract"
    lang: str = "kk"
    contrast: bool = False
    reader_name: str = ""  # first name of the logged-in reader, "" when nobody
    loans: tuple[LoanRow, ...] = ()
    notice: Notice | None = None
    busy: bool = False  # a gateway request is in flight
    pending_scans: int = 0
    warning_remaining_s: int | None = None  # inactivity warning on screen
    summary: tuple[SummaryLine, ...] = ()
    receipt_offered: bool = False
    focus: tuple[FocusItem, ...] = ()
    focus_index: int = -1  # -1 = nothing focused yet
    alert_state: str | None = None  # None | "raised" | "acknowledged" | "escalated"
    headphones: bool = False
    help_layer: int = 0
    today: str = ""  # YYYYMMDD, the session clock's date
    waiting: tuple[WaitingRow, ...] = ()  # the reader's reserved books, put aside for them
    returning: bool = False  # "Return a book" chosen: scanned own loans are returned

    @property
    def focused(self) -> FocusItem | None:
        if 0 <= self.focus_index < len(self.focus):
            return self.focus[self.focus_index]
        return None
