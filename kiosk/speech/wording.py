"""Numbers, counts and dates as words, per language, before espeak-ng sees the text.

espeak-ng reads "12.05.2025" as a decimal number and "24 ноября" as "двадцать четыре
ноября"; it also reads cardinals where a date needs an ordinal. So every number the kiosk
speaks is worded here, in kk, ru and en.

Dates: day (ordinal) and month; the year is added only when the date is more than
YEAR_WINDOW_DAYS away from today (a due date two weeks ahead across New Year needs no
year, an old overdue date from last spring does):
    kk  "жиырма төртінші қараша"        with year: "екі мың жиырма жетінші жылғы бесінші қаңтар"
    ru  "двадцать четвёртое ноября"     with year: "пятое января две тысячи двадцать седьмого года"
    en  "November twenty-fourth"        with year: "January fifth, twenty twenty-seven"
`format_date` gives the written form ("24 қараша", "24 ноября", "November 24").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from kiosk.core.domain import parse_ymd
from kiosk.locale import catalogue, tr
from kiosk.speech.mixed import FOREIGN_KEYS, SpokenText, mark, split_marked, value_language
from kiosk.speech.numbers import (
    en_cardinal,
    en_ordinal,
    en_year,
    kk_cardinal,
    kk_ordinal,
    ru_cardinal,
    ru_ordinal,
    ru_plural,
)

YEAR_WINDOW_DAYS = 180
MAX_WORDED = 999_999_999  # larger numbers (barcodes) are read digit by digit
DATE_KEYS = ("due", "date", "today")
CODE_KEYS = ("barcode", "code", "card", "inventory")  # read character by character
LONG_DIGITS = 7  # longer digit runs in free text are codes: read digit by digit

MONTHS: dict[str, tuple[str, ...]] = {
    "kk": ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
           "қыркүйек", "қазан", "қараша", "желтоқсан"),
    # Russian months in the genitive: "двадцать четвёртое ноября".
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
           "сентября", "октября", "ноября", "декабря"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}

# --- public API -------------------------------------------------------------------------
def _lang(lang: str) -> str:
    return lang if lang in MONTHS else "kk"


def say_number(n: int, lang: str, gender: str = "m") -> str:
    """An integer as words ("екі мың жиырма алты"); `gender` ("m", "f", "n") matters for
    Russian one/two. Negative numbers get a minus word; beyond MAX_WORDED digit by digit."""
    lang = _lang(lang)
    if n < 0:
        minus = {"kk": "минус", "ru": "минус", "en": "minus"}[lang]
        return f"{minus} {say_number(-n, lang, gender)}"
    if n > MAX_WORDED:
        return say_digits(str(n), lang)
    if lang == "ru":
        return ru_cardinal(n, gender)
    if lang == "en":
        return en_cardinal(n)
    return kk_cardinal(n)


def say_ordinal(n: int, lang: str) -> str:
    """An ordinal as words: бесінші / пятое / fifth (Russian in neuter, as dates need)."""
    lang = _lang(lang)
    try:
        if lang == "ru":
            return ru_ordinal(n, "nom_n")
        if lang == "en":
            return en_ordinal(n)
        return kk_ordinal(n)
    except (KeyError, IndexError):  # 0, negatives, huge: the cardinal is still understood
        return say_number(n, lang)


def say_digits(digits: str, lang: str) -> str:
    """Each digit as a word: for codes, PINs never (those are not spoken at all)."""
    return " ".join(say_number(int(d), lang) for d in digits if d.isdigit())


def say_code(code: str, lang: str) -> str:
    """A barcode or inventory number character by character: "AB12" -> "A B бір екі"."""
    return " ".join(say_number(int(c), lang) if c.isdigit() else c for c in str(code)
                    if not c.isspace())


def _as_date(value: date | str) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
        if m:
            try:
                return date(int(m[3]), int(m[2]), int(m[1]))
            except ValueError:
                return None
        return parse_ymd(text)
    return None


def _needs_year(day: date, today: date | None) -> bool:
    reference = today or date.today()
    return abs((day - reference).days) > YEAR_WINDOW_DAYS


def format_date(value: date | str, lang: str, today: date | None = None) -> str:
    """The written form: "24 қараша", "24 ноября", "November 24" (year added as in
    say_date). Unparseable input comes back unchanged."""
    day = _as_date(value)
    if day is None:
        return str(value)
    lang = _lang(lang)
    month = MONTHS[lang][day.month - 1]
    with_year = _needs_year(day, today)
    if lang == "kk":
        return (f"{day.year} жылғы " if with_year else "") + f"{day.day} {month}"
    if lang == "ru":
        return f"{day.day} {month}" + (f" {day.year} года" if with_year else "")
    return f"{month} {day.day}" + (f", {day.year}" if with_year else "")


def say_date(value: date | str, lang: str, today: date | None = None) -> str:
    """A date as words for speech (see the module doc). Accepts a date, "YYYYMMDD" or
    "DD.MM.YYYY"; anything else comes back unchanged (never raises)."""
    day = _as_date(value)
    if day is None:
        return str(value)
    lang = _lang(lang)
    month = MONTHS[lang][day.month - 1]
    with_year = _needs_year(day, today)
    if lang == "kk":
        text = f"{kk_ordinal(day.day)} {month}"
        return f"{kk_ordinal(day.year)} жылғы {text}" if with_year else text
    if lang == "ru":
        text = f"{ru_ordinal(day.day, 'nom_n')} {month}"
        return f"{text} {ru_ordinal(day.year, 'gen_m')} года" if with_year else text
    text = f"{month} {en_ordinal(day.day)}"
    return f"{text}, {en_year(day.year)}" if with_year else text


# Nouns for counts: msgid "speech.noun.<noun>" in speech.po. Russian: "f:книга|книги|книг"
# (gender, then forms for 1 / 2-4 / 5+); English: "book|books"; Kazakh: one form (no plural
# after a numeral).
def noun_form(n: int, noun: str, lang: str) -> tuple[str, str]:
    """(gender, noun form for n) from the catalogue; ("m", noun) when it is missing."""
    raw = catalogue(_lang(lang)).get(f"speech.noun.{noun}", noun)
    gender, _, forms_text = raw.partition(":") if ":" in raw else ("m", "", raw)
    forms = forms_text.split("|")
    lang = _lang(lang)
    if lang == "ru" and len(forms) >= 3:
        return gender, ru_plural(n, forms[0], forms[1], forms[2])
    if lang == "en" and len(forms) >= 2:
        return gender, forms[0] if n == 1 else forms[1]
    return gender, forms[0]


def say_count(n: int, noun: str, lang: str) -> str:
    """ "бес кітап", "пять книг", "five books"; noun is a key of speech.noun.*."""
    gender, form = noun_form(n, noun, lang)
    return f"{say_number(n, lang, gender)} {form}"


def write_count(n: int, noun: str, lang: str) -> str:
    """The same count with digits, for a screen: "5 кітап", "5 книг", "5 books"."""
    return f"{n} {noun_form(n, noun, lang)[1]}"


class SpokenNumber:
    """An int that formats as words. In a message, `{count}` becomes "бес" and
    `{count:book}` becomes "бес кітап" / "пять книг" / "five books" (noun from speech.noun.*)."""

    def __init__(self, value: int, lang: str) -> None:
        self.value = value
        self.lang = lang

    def __format__(self, spec: str) -> str:
        if spec and f"speech.noun.{spec}" in catalogue(_lang(self.lang)):
            return say_count(self.value, spec, self.lang)
        return say_number(self.value, self.lang)  # "{n:d}" and the like: just the words

    def __str__(self) -> str:
        return say_number(self.value, self.lang)


_DOTTED_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
# Written ordinals: kk "1-том" (бірінші том), ru "2-й", "3-е", "5-я", "1-го", en "21st".
_KK_ORD = re.compile(r"\b(\d{1,4})-(\w+)")
# "5-ке", "1-ден": a case ending after the hyphen, not an ordinal ("беске", "бірден")
_KK_CASE_ENDINGS = frozenset(
    "ге ке ға қа де те да та ден тен дан тан нен нан ның нің дың дің тың тің ны ні ды ді "
    "ты ті мен бен пен ы і сы сі на не а е ға ге ке".split())
_RU_ORD = re.compile(r"\b(\d{1,4})-(ый|ий|ой|й|ое|е|ая|я|ого|го)\b")
_RU_ORD_CASE = {"ый": "nom_m", "ий": "nom_m", "ой": "nom_m", "й": "nom_m", "ое": "nom_n",
                "е": "nom_n", "ая": "nom_f", "я": "nom_f", "ого": "gen_m", "го": "gen_m"}
_EN_ORD_WRITTEN = re.compile(r"\b(\d{1,4})(st|nd|rd|th)\b")


def _written_ordinals(text: str, lang: str) -> str:
    def ru(m: re.Match[str]) -> str:
        try:
            return ru_ordinal(int(m[1]), _RU_ORD_CASE[m[2]])
        except (KeyError, IndexError):
            return m[0]

    def kk(m: re.Match[str]) -> str:
        if m[2] in _KK_CASE_ENDINGS:
            return say_number(int(m[1]), "kk") + m[2]
        return say_ordinal(int(m[1]), "kk") + " " + m[2]

    if lang == "kk":
        return _KK_ORD.sub(kk, text)
    if lang == "ru":
        return _RU_ORD.sub(ru, text)
    return _EN_ORD_WRITTEN.sub(lambda m: say_ordinal(int(m[1]), "en"), text)
_NUMBER = re.compile(r"(\d+)")


def normalise_text(text: str, lang: str, today: date | None = None) -> str:
    """Free text made speakable: DD.MM.YYYY dates and digit runs become words."""

    def date_words(m: re.Match[str]) -> str:
        return say_date(m.group(0), lang, today)

    def number_words(m: re.Match[str]) -> str:
        digits = m.group(1)
        if len(digits) >= LONG_DIGITS or (len(digits) > 1 and digits.startswith("0")):
            words = say_digits(digits, lang)
        else:
            words = say_number(int(digits), lang)
        # "Том2", "A4": keep the words apart from the letters they were glued to
        before = " " if m.start() > 0 and m.string[m.start() - 1].isalpha() else ""
        after = " " if m.end() < len(m.string) and m.string[m.end()].isalpha() else ""
        return before + words + after

    text = _written_ordinals(_DOTTED_DATE.sub(date_words, text), _lang(lang))
    return _NUMBER.sub(number_words, text)


def _is_date_key(key: str) -> bool:
    return key in DATE_KEYS or key.endswith("_date") or key.endswith("_due")


def speakable_params(
    params: Mapping[str, Any], lang: str, today: date | None = None
) -> dict[str, Any]:
    """Params turned into words: dates (date objects, or YYYYMMDD under due/date/today keys),
    integers, nested message ids (keys ending in "_msg"), digits inside strings. Titles and
    names (mixed.FOREIGN_KEYS) are worded in their own language and marked with it."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, bool):
            out[key] = value
        elif key in CODE_KEYS and isinstance(value, (str, int)):
            out[key] = say_code(str(value), lang)
        elif isinstance(value, date):
            out[key] = say_date(value, lang, today)
        elif isinstance(value, int):
            out[key] = SpokenNumber(value, lang)
        elif isinstance(value, Mapping):  # the same text written per language ({"kk": ...})
            text = value.get(_lang(lang)) or next(iter(value.values()), "")
            out[key] = normalise_text(str(text), lang, today)
        elif isinstance(value, str) and key in FOREIGN_KEYS:
            own = value_language(value, params.get(f"{key}_lang"), _lang(lang))
            worded = normalise_text(value, own, today)
            out[key] = worded if own == _lang(lang) else mark(worded, own)
        elif isinstance(value, str) and key.endswith("_msg"):
            out[key] = spoken_text(value, {}, lang, today)
        elif isinstance(value, str) and _is_date_key(key) and _as_date(value) is not None:
            out[key] = say_date(value, lang, today)
        elif isinstance(value, str):
            out[key] = normalise_text(value, lang, today)
        else:
            out[key] = value
    return out


def spoken_text(
    msg_id: str, params: Mapping[str, Any] | None, lang: str, today: date | None = None
) -> SpokenText | str:
    """The text espeak-ng should say for a message: tr() with params worded, then any
    digits left in the template worded too. Never raises on odd params.

    This is `render_speech(msg_id, params, lang)` for the session; pass `today` (the
    session clock's date) with functools.partial to decide when a year is spoken.
    The result is a SpokenText: its .segments say the language of each part."""
    try:
        text = tr(msg_id, lang, **speakable_params(params or {}, lang, today))
        return split_marked(normalise_text(text, lang, today), _lang(lang))
    except Exception:  # noqa: BLE001 - speech must never break the session
        return tr(msg_id, lang)
