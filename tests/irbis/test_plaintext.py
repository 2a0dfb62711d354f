"""The plain-text exchange format: byte-identical round trips and typed errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.irbis.plaintext import PlainTextError, format_plaintext, parse_plaintext
from kiosk.irbis.record import Field, Record

SAMPLE = (
    "#2147483647: {0016FABB-B26C-5479-9494-77894646FE33}\n"
    "#10: Сейітова\n"
    "#11: Айгерім\n"
    "#30: 100234\n"
    "#50: оқушы\n"
    "#51: 20200110^CАБ\n"
    "#40: ^GIBIS^A84(5Каз)^B4471^H000004471^KАБ^D20261110^1104512^E20261124^F******^VКИОСК1^Ikiosk1^CЕсенберлин І. Көшпенділер\n"
    "*****\n"
    "#10: Жұмабеков\n"
    "#30: 100235\n"
    "*****\n"
)


@pytest.mark.parametrize(
    "text",
    [
        SAMPLE,
        SAMPLE.replace("\n", "\r\n"),  # CRLF
        "\ufeff" + SAMPLE,  # BOM
        SAMPLE[:-1],  # no newline after the last separator
        SAMPLE[: -len("*****\n")],  # last record without a separator
        SAMPLE + "\n\n",  # blank lines at the end
        "\n" + SAMPLE.replace("*****\n#10", "*****\n\n#10"),  # blank lines between records
        "#910: ^a0^b1539325^c20121107^dФКХ^e3.00^hE00401004C75DB57\n*****\n",  # lower-case codes
        "#910: ^A0^^B1^\n*****\n",  # empty subfield codes and a trailing ^
        "#10:без пробела\n*****\n",  # no space after the colon
        "#10: \n*****\n",  # empty field
        "#10: a\n*****\r\n#11: b\r\n*****\n",  # mixed line endings
        "#10: a\n******\n#11: b\n***** \n",  # separators with more stars or a trailing space
        "",
    ],
)
def test_round_trip_is_byte_identical(text):
    assert format_plaintext(parse_plaintext(text)) == text


def test_fields_are_parsed():
    records = parse_plaintext("\ufeff" + SAMPLE.replace("\n", "\r\n"))
    assert len(records) == 2
    first = records[0]
    assert first.fields[0].tag == 2147483647
    assert first.fm(10) == "Сейітова"
    loan = first.first(40)
    assert loan.get("H") == "000004471" and loan.get("F") == "******" and loan.get("1") == "104512"
    assert records[1].fm(30) == "100235"


def test_changed_record_is_written_in_the_file_style():
    records = parse_plaintext("\ufeff#10: a\r\n*****\r\n#10: b\r\n*****\r\n")
    records[1].first(10).value = "c"
    records[1].append(Field.of(40, G="IBIS", H="1"))
    assert format_plaintext(records) == "\ufeff#10: a\r\n*****\r\n#10: c\r\n#40: ^GIBIS^H1\r\n*****\r\n"


def test_new_records_use_the_canonical_layout():
    rec = Record()
    rec.add(30, "100234")
    rec.add(910, "^A0^H123")
    assert format_plaintext([rec, rec]) == "#30: 100234\n#910: ^A0^H123\n*****\n" * 2


@pytest.mark.parametrize(
    "text, line_no",
    [
        ("#10: a\nnot a field\n*****\n", 2),
        ("#10: a\n*****\n#x: b\n", 3),
        ("#0: zero tag\n", 1),
        ("10: no hash\n", 1),
        ("#10: a\r\n#10 b\r\n", 2),
        ("****\n", 1),
        ("#10: a\n*****x\n", 2),
    ],
)
def test_malformed_input_names_the_line(text, line_no):
    with pytest.raises(PlainTextError) as err:
        parse_plaintext(text)
    assert err.value.line_no == line_no
    assert f"line {line_no}" in str(err.value)


def test_demo_files_round_trip():
    demo = Path(__file__).resolve().parents[2] / "kiosk" / "irbis" / "demo"
    files = sorted(demo.glob("*.txt"))
    for path in files:
        text = path.read_bytes().decode("utf-8")
        assert format_plaintext(parse_plaintext(text)) == text, path.name


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"), max_size=30
)
_field = st.tuples(st.integers(min_value=1, max_value=2147483647), _text)
_records = st.lists(st.lists(_field, min_size=1, max_size=6), max_size=5)


@settings(max_examples=50, deadline=None)
@given(_records, st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_any_file_round_trips(records, newline, bom):
    lines = []
    for fields in records:
        lines += [f"#{tag}: {text}" for tag, text in fields] + ["*****"]
    text = ("\ufeff" if bom and lines else "") + "".join(line + newline for line in lines)
    parsed = parse_plaintext(text)
    assert format_plaintext(parsed) == text
    assert [[(f.tag, f.text()) for f in r.fields] for r in parsed] == [
        [(tag, t) for tag, t in fields] for fields in records
    ]
