"""From message id + params to text, for the screen and (by default) for speech.

Params cross layers as values, not words: dates are `datetime.date`, counts are `int`,
titles are `str`. The screen shows dates as DD.MM.YYYY (`display_text`); speech gets the
same id and params through `render_speech(msg_id, params, lang)` so that the speech layer
can word dates and numbers for espeak ("24 қараша"). The default renderer is the screen's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from kiosk.core.domain import parse_ymd
from kiosk.locale import tr

RenderSpeech = Callable[[str, Mapping[str, Any], str], str]


def format_date(day: date | str) -> str:
    if isinstance(day, str):
        parsed = parse_ymd(day)
        if parsed is None:
            return day
        day = parsed
    return day.strftime("%d.%m.%Y")


def display_params(params: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """Params ready for str.format on a screen or a receipt: dates as DD.MM.YYYY,
    nested message ids (keys ending in "_msg") translated."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, date):
            out[key] = format_date(value)
        elif key.endswith("_msg") and isinstance(value, str):
            out[key] = tr(value, lang)
        else:
            out[key] = value
    return out


def display_text(msg_id: str, params: Mapping[str, Any] | None = None, lang: str = "kk") -> str:
    """The text of a message for the screen (D's UI uses this for notices and labels)."""
    return tr(msg_id, lang, **display_params(params or {}, lang))


def default_render_speech(msg_id: str, params: Mapping[str, Any], lang: str) -> str:
    return display_text(msg_id, params, lang)
