"""Screen text: message ids -> words in the displayed language, dates as the loans list
shows them ('9 желтоқсан')."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from kiosk.core.domain import parse_ymd
from kiosk.locale import tr
from kiosk.locale.display import display_text


def text(msg_id: str, lang: str, params: Mapping[str, Any] | None = None) -> str:
    """The words of a message on screen; dates (datetime.date or YYYYMMDD in a `due`
    param) are shown as '9 желтоқсан', the same as in the loans list."""
    params = {k: _screen_value(k, v, lang) for k, v in (params or {}).items()}
    return display_text(msg_id, params, lang)


def _screen_value(key: str, value: Any, lang: str) -> Any:
    if isinstance(value, date):
        return due_text(value.strftime("%Y%m%d"), lang)
    if key == "due" and isinstance(value, str) and parse_ymd(value):
        return due_text(value, lang)
    return value


def due_text(due: str, lang: str) -> str:
    """YYYYMMDD -> '24 қараша' / '24 ноября' / '24 November': children read words better
    than 24.11.2026. The pattern (and whether it shows the year) is the catalogue's."""
    day = parse_ymd(due)
    if day is None:
        return due
    month = tr(f"ui.month.{day.month}", lang)
    return tr("ui.date", lang, day=day.day, month=month, year=day.year)


def button_words(tap_id: str, fallback_msg: str, lang: str) -> str:
    """A button's words: the session's `label.<id>` (what speech calls the button), else
    the UI's own message."""
    from kiosk.locale import has

    msg = f"label.{tap_id}"
    return tr(msg, lang) if has(msg, lang) else tr(fallback_msg, lang)
