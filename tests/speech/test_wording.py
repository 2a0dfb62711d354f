"""Numbers, counts and dates are worded per language before espeak-ng sees them."""

import re
from datetime import date

import pytest

from kiosk.locale import LANGUAGES, catalogue
from kiosk.speech.wording import (
    format_date,
    normalise_text,
    say_code,
    say_count,
    say_date,
    say_number,
    spoken_text,
    write_count,
)

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("kk", "жиырма төртінші қараша"), ("ru", "двадцать четвёртое ноября"),
     ("en", "November twenty-fourth")],
)
def test_date_this_year_without_year(lang, expected):
    assert say_date("20261124", lang, TODAY) == expected
    assert say_date(date(2026, 11, 24), lang, TODAY) == expected
    assert say_date("24.11.2026", lang, TODAY) == expected


@pytest.mark.parametrize(
    ("lang", "expected"), [("kk", "24 қараша"), ("ru", "24 ноября"), ("en", "November 24")]
)
def test_written_date(lang, expected):
    assert format_date("20261124", lang, TODAY) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("kk", "екі мың жиырма бесінші жылғы бірінші наурыз"),
     ("ru", "первое марта две тысячи двадцать пятого года"),
     ("en", "March first, twenty twenty-five")],
)
def test_date_far_away_says_the_year(lang, expected):
    assert say_date("20250301", lang, TODAY) == expected


def test_due_date_across_new_year_needs_no_year():
    assert say_date("20270108", "ru", date(2026, 12, 25)) == "восьмое января"


@pytest.mark.parametrize(
    ("lang", "day", "expected"),
    [("ru", "20261103", "третье ноября"), ("ru", "20261231", "тридцать первое декабря"),
     ("ru", "20260222", "двадцать второе февраля"), ("kk", "20260906", "алтыншы қыркүйек"),
     ("kk", "20260530", "отызыншы мамыр"), ("kk", "20260109", "тоғызыншы қаңтар"),
     ("en", "20260902", "September second"), ("en", "20260312", "March twelfth"),
     ("en", "20260320", "March twentieth"), ("en", "20260423", "April twenty-third")],
)
def test_day_ordinals(lang, day, expected):
    same_day = date(int(day[:4]), int(day[4:6]), int(day[6:]))
    assert say_date(day, lang, same_day) == expected


def test_year_2000_in_russian_and_1999():
    assert say_date("20000101", "ru", TODAY).endswith("двухтысячного года")
    assert say_date("19990101", "ru", TODAY).endswith(
        "тысяча девятьсот девяносто девятого года")


@pytest.mark.parametrize("bad", ["", "2026", "20261340", "abc", None, 5])
def test_bad_date_is_returned_not_raised(bad):
    assert say_date(bad, "kk", TODAY) == str(bad)


NUMBERS = {
    "kk": {0: "нөл", 7: "жеті", 15: "он бес", 40: "қырық", 100: "жүз", 111: "жүз он бір",
           1000: "бір мың", 2026: "екі мың жиырма алты",
           9999: "тоғыз мың тоғыз жүз тоқсан тоғыз", 100000: "жүз мың"},
    "ru": {0: "ноль", 7: "семь", 15: "пятнадцать", 40: "сорок", 100: "сто",
           111: "сто одиннадцать", 1000: "тысяча", 2026: "две тысячи двадцать шесть",
           9999: "девять тысяч девятьсот девяносто девять", 5000: "пять тысяч",
           21000: "двадцать одна тысяча"},
    "en": {0: "zero", 7: "seven", 15: "fifteen", 40: "forty", 100: "one hundred",
           111: "one hundred and eleven", 1000: "one thousand",
           2026: "two thousand and twenty-six",
           9999: "nine thousand nine hundred and ninety-nine"},
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_numbers_as_words(lang):
    for n, words in NUMBERS[lang].items():
        assert say_number(n, lang) == words, n


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_number_up_to_9999_is_words_only(lang):
    for n in range(0, 10000, 7):
        text = say_number(n, lang)
        assert text and not re.search(r"\d", text)


COUNTS = {
    "ru": {1: "одна книга", 2: "две книги", 4: "четыре книги", 5: "пять книг",
           11: "одиннадцать книг", 12: "двенадцать книг", 14: "четырнадцать книг",
           21: "двадцать одна книга", 22: "двадцать две книги", 25: "двадцать пять книг",
           101: "сто одна книга", 111: "сто одиннадцать книг"},
    "kk": {1: "бір кітап", 2: "екі кітап", 5: "бес кітап", 21: "жиырма бір кітап"},
    "en": {1: "one book", 2: "two books", 5: "five books", 21: "twenty-one books"},
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_counts_of_books(lang):
    for n, words in COUNTS[lang].items():
        assert say_count(n, "book", lang) == words


def test_russian_gender_follows_the_noun():
    assert say_count(1, "day", "ru") == "один день"
    assert say_count(2, "day", "ru") == "два дня"
    assert say_count(5, "day", "ru") == "пять дней"
    assert say_count(1, "renewal", "ru") == "одно продление"
    assert write_count(3, "book", "ru") == "3 книги"


def test_normalise_text_words_digits_and_dotted_dates():
    assert normalise_text("Срок 24.11.2026", "ru", TODAY) == "Срок двадцать четвёртое ноября"
    assert normalise_text("Гарри Поттер 2", "kk") == "Гарри Поттер екі"
    assert normalise_text("код 007", "en") == "код zero zero seven"


def test_written_ordinals_are_read_as_ordinals():
    assert normalise_text("Абай жолы. 1-том, 3-сынып", "kk") == "Абай жолы. бірінші том, үшінші сынып"
    assert normalise_text("1-ден 5-ке дейін", "kk") == "бірден беске дейін"  # case endings
    assert normalise_text("2-й том, 3-е издание, 5-я глава, до 1-го числа", "ru") == (
        "второй том, третье издание, пятая глава, до первого числа")
    assert normalise_text("the 21st century, 3rd edition", "en") == (
        "the twenty-first century, third edition")


def test_codes_are_read_character_by_character():
    assert say_code("0042A", "ru") == "ноль ноль четыре два A"
    assert normalise_text("Книга 12345678", "en") == (
        "Книга one two three four five six seven eight")
    assert normalise_text("20000 лье", "ru") == "двадцать тысяч лье"


def test_spoken_text_words_params(monkeypatch):
    from kiosk import locale

    fake = {"t.due": "{title}: қайтару күні {due}. Кітаптар: {count:book}",
            "t.nested": "{reason_msg}", "t.plain": "Бетте {n} кітап",
            "t.inner": "Кітап саны 5.", "t.code": "Кітап {barcode}",
            "t.spec": "Осталось {n:d}"}
    real = locale.catalogue("kk")
    monkeypatch.setattr("kiosk.speech.wording.tr", lambda msg, lang, **p: (
        fake.get(msg) or real.get(msg, msg)).format(**p))
    text = spoken_text("t.due", {"title": "Абай 1", "title_lang": "kaz", "due": date(2026, 12, 9),
                                 "count": 3}, "kk", TODAY)
    assert text == "Абай бір: қайтару күні тоғызыншы желтоқсан. Кітаптар: үш кітап"
    # without field 101 the letters decide: no Kazakh letter, so Russian, worded in Russian
    assert spoken_text("t.due", {"title": "Абай 1", "due": date(2026, 12, 9), "count": 3},
                       "kk", TODAY).startswith("Абай один: қайтару")
    assert spoken_text("t.due", {"title": "A", "due": "20261209", "count": 1}, "kk",
                       TODAY).endswith("тоғызыншы желтоқсан. Кітаптар: бір кітап")
    assert spoken_text("t.plain", {"n": 12}, "kk") == "Бетте он екі кітап"
    assert spoken_text("t.spec", {"n": 5}, "ru") == "Осталось пять"
    assert spoken_text("t.nested", {"reason_msg": "t.inner"}, "kk") == "Кітап саны бес."
    assert spoken_text("t.code", {"barcode": "1007"}, "kk") == "Кітап бір нөл нөл жеті"


def test_spoken_text_with_real_catalogue_and_bad_params_never_raises():
    assert spoken_text("speech.noun.day", {"x": object()}, "en") == "day|days"
    assert spoken_text("no.such.message", {"due": "junk"}, "kk") == "no.such.message"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_speech_catalogue_complete_in_every_language(lang):
    ids = {k for k in catalogue("kk") if k.startswith("speech.")}
    assert ids
    assert ids == {k for k in catalogue(lang) if k.startswith("speech.")}


def _params_for(text):
    params = {}
    for name in re.findall(r"\{(\w+)[^}]*\}", text):
        if name in ("due", "date", "today") or name.endswith("_date"):
            params[name] = date(2026, 12, 9)
        elif name in ("barcode", "code", "card", "inventory"):
            params[name] = "4009001"
        elif name.endswith("_msg"):
            params[name] = "speech.noun.book"
        elif name in ("title", "name", "user", "month", "reason", "place"):
            params[name] = "Абай 2"
        else:
            params[name] = 21
    return params


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalogue_message_renders_speakable(lang):
    """The project's own messages, with their params: no placeholder and no digit is
    left for espeak-ng to guess at."""
    for msg_id, text in catalogue(lang).items():
        if msg_id.startswith("speech.noun."):
            continue
        spoken = spoken_text(msg_id, _params_for(text), lang, TODAY)
        assert "{" not in spoken, msg_id
        assert not re.search(r"\d", spoken), (msg_id, spoken)
