"""The session's one typed state, owned by the Session and handed explicitly to its
collaborators (outcomes, navigation, ends, voice, alerts). Nothing else keeps a copy: the
View is a snapshot built from it after every input."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from kiosk.core.actions import Action
from kiosk.core.domain import Reader, Reservation
from kiosk.core.rate import RATE_DEFAULT
from kiosk.core.view import LoanRow, Notice, SummaryLine

VOLUME_DEFAULT = 6


@dataclass
class Patron:
    """What belongs to the patron at the kiosk now: replaced by a fresh one at every login
    and when the summary goes; the reader, loans and waiting books go at logout already."""

    reader: Reader | None = None
    loans: list[LoanRow] = field(default_factory=list)
    waiting: tuple[Reservation, ...] = ()  # their reserved books on the reserve shelf
    summary: list[SummaryLine] = field(default_factory=list)
    notice: Notice | None = None
    receipt_offered: bool = False
    returning: bool = False  # "Return a book" chosen on the account screen
    recent: dict[str, float] = field(default_factory=dict)  # code -> last accepted scan


@dataclass
class InFlight:
    """What is waiting for the gateway."""

    busy: bool = False
    pending: deque[Action] = field(default_factory=deque)
    heard_cue: str | None = None  # the worker sent this cue early for the answer


@dataclass
class Focus:
    """Where the patron is: the screen, the overlay, the focused widget, the edge count."""

    base: str = "attract"
    overlay: str | None = None
    focus_id: str | None = None
    edge: tuple[str, int] = ("", 0)
    help_layer: int = 0
    shown: str = ""  # the screen the last screen event named

    @property
    def screen(self) -> str:
        return self.overlay or self.base


@dataclass
class Prefs:
    """Kiosk-wide state that outlives a patron; lang, contrast, volume and rate go back to
    the defaults between patrons."""

    lang: str = "kk"
    contrast: bool = False
    volume: int = VOLUME_DEFAULT
    rate: int = RATE_DEFAULT
    default_lang: str = "kk"  # every patron starts in it
    headphones_in: bool = False
    alert_state: str | None = None


@dataclass
class SessionState:
    patron: Patron = field(default_factory=Patron)
    flight: InFlight = field(default_factory=InFlight)
    focus: Focus = field(default_factory=Focus)
    prefs: Prefs = field(default_factory=Prefs)

    def clear_patron(self) -> None:
        """Forget everything that belongs to one patron (preferences are reset separately)."""
        self.patron = Patron()
        self.focus.focus_id = None
        self.focus.edge = ("", 0)
