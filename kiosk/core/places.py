"""Where a patron collects or leaves a book, as a message param (`place_msg`, `where_msg`):
either a catalogue message id or words given per language ({"kk": ..., "ru": ..., "en":
...}), which both the screen and speech renderers take as they are."""

from __future__ import annotations

from kiosk.core.languages import LANGUAGES

Words = str | dict[str, str]

DESK_MSG = "place.desk"  # the library gave no place for a reserved copy
RETURN_BOX_MSG = "return.where.box"
RESERVED_BOX_MSG = "return.where.reserved"


def place_words(place: str) -> Words:
    """A place from the library system (RQST 102, 910^D: "ЧЗ", "Абонемент"), said as
    written in every language; the library desk when it named none."""
    place = (place or "").strip()
    return {lang: place for lang in LANGUAGES} if place else DESK_MSG


def configured_words(texts: tuple[tuple[str, str], ...], default_msg: str) -> Words:
    """This cabinet's words per language ([session] return_place_kk ...), else the
    catalogue's message."""
    return dict(texts) if texts else default_msg
