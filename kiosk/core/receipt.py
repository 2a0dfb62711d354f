"""The receipt's lines: library name, date, each title with its due date, renewals, refusals.

Plain text lines in the session's language, for the `print` event (the printer adapter
prints them; the card number and the reader's name are never on it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from kiosk.core.domain import parse_ymd
from kiosk.core.messages import RenderText
from kiosk.core.places import place_words
from kiosk.core.view import SummaryLine


def receipt_lines(library_name: str, today: date, summary: Sequence[SummaryLine],
                  lang: str, display_text: RenderText) -> list[str]:
    lines = [library_name, display_text("receipt.date", {"date": today}, lang), ""]
    for kind, heading in (("checkout", "receipt.checkouts"), ("renew", "receipt.renewals"),
                          ("return", "receipt.returns"), ("waiting", "receipt.waiting"),
                          ("refused", "receipt.refusals")):
        items = [s for s in summary if s.kind == kind]
        if not items:
            continue
        lines.append(display_text(heading, {"count": len(items)}, lang))
        for s in items:
            title = s.title or display_text("receipt.item", {"barcode": s.barcode}, lang)
            if kind == "return":
                lines.append(display_text("receipt.return_line", {"title": title}, lang))
            elif kind == "waiting":
                lines.append(display_text("receipt.waiting_line",
                                          {"title": title, "place_msg": place_words(s.place)},
                                          lang))
            elif kind == "refused":
                lines.append(display_text("receipt.refused_line",
                                          {"title": title, "reason_msg": f"reason.{s.reason}.short"},
                                          lang))
            else:
                lines.append(display_text("receipt.loan_line",
                                          {"title": title, "due": _as_date(s.due)}, lang))
        lines.append("")
    if not summary:
        lines += [display_text("receipt.nothing", {}, lang), ""]
    lines.append(display_text("receipt.thanks", {}, lang))
    return lines


def _as_date(due: date | str) -> date | str:
    """A due date as a date, so the renderer words it; an unreadable one stays as it came."""
    if isinstance(due, date):
        return due
    return parse_ymd(due) or due
