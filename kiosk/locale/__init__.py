"""Message catalogues: kk (default), ru, en.

Every patron-facing string is looked up here by message id. Catalogues are gettext
`.po` files, one folder per language: `kiosk/locale/<lang>/LC_MESSAGES/*.po`. Each
area of the kiosk keeps its own file (a gettext domain: ui.po, reasons.po, speech.po,
staff.po, ...); all files of a language are merged. msgid is the message id, msgstr the
text; placeholders use str.format syntax: `{title}`, `{due}`.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from kiosk.core.languages import DEFAULT_LANGUAGE, LANGUAGES, next_language

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "catalogue", "has", "next_language", "parse_po", "tr"]
LOCALE_DIR = Path(__file__).parent


class MissingMessage(KeyError):
    pass


def parse_po(text: str) -> dict[str, str]:
    """msgid -> msgstr for the non-empty, non-fuzzy entries of a .po file."""
    messages: dict[str, str] = {}
    current: dict[str, list[str]] = {}
    key: str | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal current, key, fuzzy
        msgid = "".join(current.get("msgid", []))
        msgstr = "".join(current.get("msgstr", []))
        if msgid and msgstr and not fuzzy:
            messages[msgid] = msgstr
        current, key, fuzzy = {}, None, False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            if current:
                flush()
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        if line.startswith('"'):
            if key is not None:
                current[key].append(ast.literal_eval(line))
            continue
        word, _, rest = line.partition(" ")
        if word in ("msgid", "msgctxt") and "msgid" in current and "msgstr" in current:
            flush()
        key = word
        current[key] = [ast.literal_eval(rest.strip())]
    if current:
        flush()
    return messages


@cache
def catalogue(lang: str) -> dict[str, str]:
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    merged: dict[str, str] = {}
    for po in sorted(folder.glob("*.po")):
        merged.update(parse_po(po.read_text(encoding="utf-8")))
    return merged


def has(msg_id: str, lang: str) -> bool:
    return msg_id in catalogue(lang)


def tr(msg_id: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The text of `msg_id` in `lang`, with {placeholders} filled in.

    A message missing in `lang` is a defect caught by the catalogue tests; at run time
    it falls back to Russian, then Kazakh, never to the raw id on a patron's screen
    unless no language has it.
    """
    for candidate in (lang, "ru", "kk", "en"):
        text = catalogue(candidate).get(msg_id) if candidate in LANGUAGES else None
        if text is not None:
            try:
                return text.format(**params)
            except (KeyError, IndexError, ValueError):
                return text
    return msg_id
