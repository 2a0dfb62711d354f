"""Search expressions and dictionary terms of the embedded server (no network needed)."""

from __future__ import annotations

import pytest

from kiosk.irbis.plaintext import parse_plaintext
from kiosk.irbis.record import Field
from kiosk.irbis.server.index import terms_of
from kiosk.irbis.server.search import SearchSyntaxError, evaluate

DICTIONARY = {
    "RI=100101": {1},
    "RI=100102": {2},
    "A=СЕЙІТОВА": {1},
    "A=СЕЙФУЛЛИН": {3},
    "KAT=ОҚУШЫ": {1, 2, 3},
    "T=ҚАРА СӨЗ": {4},
}


def lookup(term: str, prefix: bool) -> set[int]:
    found: set[int] = set()
    for key, mfns in DICTIONARY.items():
        if key == term or (prefix and key.startswith(term)):
            found |= mfns
    return found


@pytest.mark.parametrize(
    "expr, expected",
    [
        ('"RI=100101"', {1}),
        ("RI=100101", {1}),
        ('"ri=100101"', {1}),
        ('"A=СЕЙ$"', {1, 3}),
        ('"A=$"', {1, 3}),
        ('"A=СЕЙ$"*"KAT=ОҚУШЫ"', {1, 3}),
        ('"KAT=ОҚУШЫ" ^ "A=СЕЙ$"', {2}),
        ('"RI=100101" + "RI=100102"', {1, 2}),
        ('"KAT=ОҚУШЫ" ^ ("RI=100101" + "RI=100102")', {3}),
        ('(("RI=100101"))', {1}),
        ('"T=ҚАРА СӨЗ"', {4}),  # spaces inside quotes
        ('"RI=100101" + "RI=100102" ^ "RI=100102"', {1}),  # ^ binds tighter than +
        ('"RI=000000"', set()),
    ],
)
def test_expressions(expr, expected):
    assert evaluate(expr, lookup) == expected


@pytest.mark.parametrize("expr", ["", "   ", '"RI=1', "(RI=1", "RI=1)", "+", "RI=1 +", '"$"', "RI=1 RI=2", '""'])
def test_syntax_errors(expr):
    with pytest.raises(SearchSyntaxError):
        evaluate(expr, lookup)


def test_reader_terms():
    (rec,) = parse_plaintext(
        "#10: Сейітова\n#30: 100101\n#50: оқушы\n"
        "#40: ^GIBIS^HE1^F******\n"  # on loan
        "#40: ^GIBIS^HE2^F\n"  # empty ^F: still on loan
        "#40: ^GIBIS^HE4\n"  # no ^F at all: still on loan
        "#40: ^GIBIS^HE3^F20261101\n"  # returned
        "#40: ^D20261101^VАБ\n"  # a visit
        "*****\n"
    )
    assert terms_of("RDR", rec) == {"RI=100101", "A=СЕЙІТОВА", "KAT=ОҚУШЫ", "H=E1", "H=E2", "H=E4"}


def test_catalogue_terms_skip_lost_copies():
    (rec,) = parse_plaintext(
        "#10: ^A978-601-02-0037-1\n#700: ^AҚұнанбаев\n#200: ^AҚара сөздер\n"
        "#910: ^A0^B10001^H000010001\n#910: ^A4^B10002^H000010002\n#910: ^A9^B10003\n*****\n"
    )
    terms = terms_of("IBIS", rec)
    assert {"IN=000010001", "IN=10001", "IN=10003", "HI=978-601-02-0037-1", "A=ҚҰНАНБАЕВ", "T=ҚАРА"} <= terms
    assert "IN=000010002" not in terms and "IN=10002" not in terms


def test_request_terms_and_deleted_records():
    (rec,) = parse_plaintext("#30: 100101\n#40: 20261120\n#903: 84/7\n#910: ^B10001^H000010001\n*****\n")
    assert terms_of("RQST", rec) == {"I=0", "RS=100101", "H=000010001", "H=10001", "IS=84/7", "DZ=20261120"}
    for tag, text, status in ((43, "20261121", "I=2"), (41, "20261122", "I=1"), (44, "^A01^B20261123", "I=3")):
        rec.fields.append(Field.parse(tag, text))
        assert status in terms_of("RQST", rec) and len([t for t in terms_of("RQST", rec) if t[:2] == "I="]) == 1
    rec.status = 1  # logically deleted
    assert terms_of("RQST", rec) == set()
    assert terms_of("OTHER", rec) == set()
