"""The kiosk's languages: one table for the session, the catalogues and the configuration."""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "kk"


def next_language(lang: str) -> str:
    """The language the `language` key switches to after `lang` (kk -> ru -> en -> kk)."""
    i = LANGUAGES.index(lang) if lang in LANGUAGES else -1
    return LANGUAGES[(i + 1) % len(LANGUAGES)]


def known_or_default(lang: str) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE
