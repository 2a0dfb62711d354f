"""Utterances in more than one language: the sentence in the patron's language, each title
and name in its own.

The language of a title comes from the catalogue record (IBIS field 101: "kaz", "rus",
"eng") when the caller knows it (a param "<key>_lang" next to "<key>"), else from its
letters: any of ә ғ қ ң ө ұ ү һ і is Kazakh, other Cyrillic Russian, Latin English.

spoken_text() marks such params while it fills in the template (MARK ... MARK around a
value, its language after OPEN); split_marked() turns the result into segments, and
SpokenText carries them next to the plain text. to_ssml() gives espeak-ng one utterance
that switches voices inside (SSML <voice xml:lang>), so there is no gap between them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from kiosk.core.languages import LANGUAGES

# Params that hold a title or a person's name: spoken in their own language.
FOREIGN_KEYS = ("title", "name")
RECORD_LANGUAGES = {"kaz": "kk", "kk": "kk", "rus": "ru", "ru": "ru", "eng": "en", "en": "en"}
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
MARK, OPEN = "\x02", "\x03"

Segment = tuple[str, str]  # (lang, text)


class SpokenText(str):
    """Text for espeak-ng (a str, as before) that also knows its language segments."""

    segments: tuple[Segment, ...] = ()

    def __new__(cls, text: str, segments: Iterable[Segment] = ()) -> SpokenText:
        obj = super().__new__(cls, text)
        obj.segments = tuple(segments)
        return obj

    @property
    def mixed(self) -> bool:
        return len({lang for lang, _ in self.segments}) > 1


def letters_language(text: str) -> str | None:
    """kk, ru or en from the letters of `text`; None when it has no letters."""
    cyrillic = latin = False
    for ch in text:
        if ch in KAZAKH_LETTERS:
            return "kk"
        if "\u0400" <= ch <= "\u04ff":
            cyrillic = True
        elif ch.isascii() and ch.isalpha():
            latin = True
    if cyrillic:
        return "ru"
    return "en" if latin else None


def record_language(code: object) -> str | None:
    """The kiosk language of a catalogue language code ("kaz" -> "kk"); None if unknown."""
    if not isinstance(code, str):
        return None
    return RECORD_LANGUAGES.get(code.strip().lower())


def value_language(value: str, code: object, sentence_lang: str) -> str:
    """The language a title or name is spoken in."""
    return record_language(code) or letters_language(value) or sentence_lang


def mark(text: str, lang: str) -> str:
    return f"{MARK}{lang}{OPEN}{text}{MARK}"


def split_marked(text: str, sentence_lang: str) -> SpokenText:
    """Text with marked values -> SpokenText (plain text + segments, neighbours of the same
    language joined)."""
    segments: list[Segment] = []
    for i, part in enumerate(text.split(MARK)):
        lang = sentence_lang
        if i % 2 and OPEN in part:
            lang, _, part = part.partition(OPEN)
        if not part:
            continue
        if segments and segments[-1][0] == lang:
            segments[-1] = (lang, segments[-1][1] + part)
        else:
            segments.append((lang, part))
    plain = "".join(part for _, part in segments)
    return SpokenText(plain, segments)


def to_ssml(segments: Sequence[Segment], sentence_lang: str, rate_percent: int = 100) -> str:
    """One SSML document for espeak-ng -m: the sentence language outside, a <voice> per
    segment in another language; the rate as <prosody rate>."""
    body = "".join(
        escape(text) if lang == sentence_lang or lang not in LANGUAGES
        else f'<voice xml:lang="{lang}">{escape(text)}</voice>'
        for lang, text in segments)
    if rate_percent != 100:
        body = f'<prosody rate="{int(rate_percent)}%">{body}</prosody>'
    return f'<speak xml:lang="{sentence_lang}">{body}</speak>'
