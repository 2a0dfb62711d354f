"""Whole numbers as words in Kazakh, Russian and English: cardinals, ordinals, the English
year. The tables and rules behind kiosk.speech.wording's say_number and say_ordinal."""

from __future__ import annotations

# --- Kazakh -----------------------------------------------------------------------------
_KK_UNITS = ("", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз")
_KK_TENS = ("", "он", "жиырма", "отыз", "қырық", "елу", "алпыс", "жетпіс", "сексен", "тоқсан")
_KK_ORDINAL = {
    "бір": "бірінші", "екі": "екінші", "үш": "үшінші", "төрт": "төртінші", "бес": "бесінші",
    "алты": "алтыншы", "жеті": "жетінші", "сегіз": "сегізінші", "тоғыз": "тоғызыншы",
    "он": "оныншы", "жиырма": "жиырмасыншы", "отыз": "отызыншы", "қырық": "қырқыншы",
    "елу": "елуінші", "алпыс": "алпысыншы", "жетпіс": "жетпісінші", "сексен": "сексенінші",
    "тоқсан": "тоқсаныншы", "жүз": "жүзінші", "мың": "мыңыншы", "миллион": "миллионыншы",
    "нөл": "нөлінші",
}


def _kk_below_1000(n: int, leading: bool) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        # "жүз" alone reads better than "бір жүз" at the start of a number.
        if hundreds > 1 or not leading:
            words.append(_KK_UNITS[hundreds])
        words.append("жүз")
    tens, units = divmod(rest, 10)
    if tens:
        words.append(_KK_TENS[tens])
    if units:
        words.append(_KK_UNITS[units])
    return words


def kk_cardinal(n: int) -> str:
    if n == 0:
        return "нөл"
    words: list[str] = []
    millions, rest = divmod(n, 1_000_000)
    thousands, rest = divmod(rest, 1000)
    if millions:
        words += _kk_below_1000(millions, leading=True) + ["миллион"]
    if thousands:
        words += _kk_below_1000(thousands, leading=not millions)
        words.append("мың")
    if rest:
        words += _kk_below_1000(rest, leading=not words)
    return " ".join(words)


def kk_ordinal(n: int) -> str:
    words = kk_cardinal(n).split()
    words[-1] = _KK_ORDINAL[words[-1]]
    return " ".join(words)


# --- Russian ----------------------------------------------------------------------------
_RU_UNITS_M = ("", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")
_RU_TEENS = ("десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать",
             "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать")
_RU_TENS = ("", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят",
            "восемьдесят", "девяносто")
_RU_HUNDREDS = ("", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот",
                "восемьсот", "девятьсот")
# Ordinal stems for the last part of a number; endings added per case.
_RU_ORD_STEM = {
    1: "перв", 2: "втор", 3: "трет", 4: "четвёрт", 5: "пят", 6: "шест", 7: "седьм", 8: "восьм",
    9: "девят", 10: "десят", 11: "одиннадцат", 12: "двенадцат", 13: "тринадцат",
    14: "четырнадцат", 15: "пятнадцат", 16: "шестнадцат", 17: "семнадцат", 18: "восемнадцат",
    19: "девятнадцат", 20: "двадцат", 30: "тридцат", 40: "сороков", 50: "пятидесят",
    60: "шестидесят", 70: "семидесят", 80: "восьмидесят", 90: "девяност",
}
_RU_GEN_PREFIX = ("", "", "двух", "трёх", "четырёх", "пяти", "шести", "семи", "восьми", "девяти")
# case -> (regular ending, ending for "трет-")
_RU_ORD_END = {"nom_n": ("ое", "ье"), "gen_m": ("ого", "ьего"), "nom_m": ("ый", "ий"),
               "nom_f": ("ая", "ья")}


def ru_plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian noun form after the number n: 1 книга, 2 книги, 5 книг, 21 книга."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def _ru_below_1000(n: int, gender: str) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words.append(_RU_HUNDREDS[hundreds])
    if 10 <= rest < 20:
        words.append(_RU_TEENS[rest - 10])
        return words
    tens, units = divmod(rest, 10)
    if tens:
        words.append(_RU_TENS[tens])
    if units:
        if units in (1, 2) and gender == "f":
            words.append("одна" if units == 1 else "две")
        elif units == 1 and gender == "n":
            words.append("одно")
        else:
            words.append(_RU_UNITS_M[units])
    return words


def ru_cardinal(n: int, gender: str = "m") -> str:
    if n == 0:
        return "ноль"
    words: list[str] = []
    millions, rest = divmod(n, 1_000_000)
    thousands, rest = divmod(rest, 1000)
    if millions:
        words += _ru_below_1000(millions, "m")
        words.append(ru_plural(millions, "миллион", "миллиона", "миллионов"))
    if thousands:
        # "тысяча" alone, not "одна тысяча", when it leads the number.
        if not (thousands == 1 and not words):
            words += _ru_below_1000(thousands, "f")
        words.append(ru_plural(thousands, "тысяча", "тысячи", "тысяч"))
    if rest:
        words += _ru_below_1000(rest, gender)
    return " ".join(words)


def ru_ordinal(n: int, case: str = "nom_n") -> str:
    regular, third = _RU_ORD_END[case]
    if n % 1000 == 0 and n < 10_000:  # тысячное, двухтысячное
        return _RU_GEN_PREFIX[n // 1000] + "тысячн" + regular
    if n % 100 == 0 and n % 1000 != 0:  # сотое, двухсотое, ... after the thousands
        head = ru_cardinal(n - n % 1000) + " " if n >= 1000 else ""
        h = (n % 1000) // 100
        stem = "сот" if h == 1 else _RU_GEN_PREFIX[h] + "сот"
        return head + stem + regular
    rest = n % 100
    last = rest if rest < 20 or rest % 10 == 0 else rest % 10
    head = ru_cardinal(n - last) + " " if n - last else ""
    ending = third if last == 3 else regular
    if case == "nom_m" and last in (2, 6, 7, 8, 40):  # второй, шестой, седьмой, восьмой
        ending = "ой"
    return head + _RU_ORD_STEM[last] + ending


# --- English ----------------------------------------------------------------------------
_EN_UNITS = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
             "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
             "eighteen", "nineteen")
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_EN_ORD = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
           "nine": "ninth", "twelve": "twelfth"}


def _en_below_100(n: int) -> str:
    if n < 20:
        return _EN_UNITS[n]
    tens, units = divmod(n, 10)
    return _EN_TENS[tens] + ("-" + _EN_UNITS[units] if units else "")


def _en_below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        parts.append(_EN_UNITS[hundreds] + " hundred")
    if rest:
        parts.append(("and " if hundreds else "") + _en_below_100(rest))
    return " ".join(parts)


def en_cardinal(n: int) -> str:
    if n == 0:
        return "zero"
    parts = []
    millions, rest = divmod(n, 1_000_000)
    thousands, rest = divmod(rest, 1000)
    if millions:
        parts.append(_en_below_1000(millions) + " million")
    if thousands:
        parts.append(_en_below_1000(thousands) + " thousand")
    if rest:
        parts.append(("and " if parts and rest < 100 else "") + _en_below_1000(rest))
    return " ".join(parts)


def en_ordinal(n: int) -> str:
    words = en_cardinal(n)
    head, sep, last = max(
        ("", "", words), words.rpartition(" "), words.rpartition("-"), key=lambda p: len(p[0])
    )
    if last in _EN_ORD:
        last = _EN_ORD[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return head + sep + last


def en_year(year: int) -> str:
    if 2000 <= year < 2010 or year % 100 == 0 and year % 1000 == 0 or not 1100 <= year < 10000:
        return en_cardinal(year)
    high, low = divmod(year, 100)
    if low == 0:
        return _en_below_100(high) + " hundred"
    return _en_below_100(high) + " " + ("oh " + _EN_UNITS[low] if low < 10 else _en_below_100(low))
