"""Message id + params -> the words on the screen and the receipt (dates as DD.MM.YYYY,
nested "_msg" ids translated). Speech words the same ids itself (kiosk.speech.wording)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from kiosk.core.domain import parse_ymd
from kiosk.locale import tr


def format_date(day: date | str) -> str:
    if isinstance(day, str):
        parsed = parse_ymd(day)
        if parsed is None:
            return day
        day = parsed
    return day.strftime("%d.%m.%Y")


def display_params(params: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """Params ready for str.format on a screen or a receipt."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, date):
            out[key] = format_date(value)
        elif key.endswith("_msg") and isinstance(value, str):
            out[key] = tr(value, lang)
        elif isinstance(value, Mapping):  # one text written per language: {"kk": ..., "ru": ...}
            out[key] = value.get(lang) or next(iter(value.values()), "")
        else:
            out[key] = value
    return out


def display_text(msg_id: str, params: Mapping[str, Any] | None = None, lang: str = "kk") -> str:
    """The text of a message for the screen and the receipt."""
    return tr(msg_id, lang, **display_params(params or {}, lang))
