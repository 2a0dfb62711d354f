"""Fuzzing the IRBIS plain-text exchange format (kiosk/irbis/plaintext.py).

Arbitrary text parses into records or raises PlainTextError (nothing else); any text that
parses is written back byte for byte; generated files in every layout the format allows
(LF or CRLF, BOM, blank lines, last separator missing) read back to the records they hold.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.irbis.plaintext import (
    BOM,
    SEPARATOR,
    PlainTextError,
    format_plaintext,
    parse_plaintext,
)
from kiosk.irbis.record import GUID_TAG, Field, Record
from tests.fuzz.settings import FUZZ


def parse_or_typed_error(text: str) -> list[Record] | None:
    try:
        return parse_plaintext(text)
    except PlainTextError as exc:
        assert type(exc) is PlainTextError and exc.line_no >= 1
        return None


# line-shaped text: mostly things that look like the format, some that do not
line = st.one_of(
    st.builds(lambda tag, text: f"#{tag}: {text}", st.integers(-5, 3000), st.text(max_size=20)),
    st.builds(lambda tag, text: f"#{tag}:{text}", st.text("0123456789", max_size=6), st.text(max_size=10)),
    st.sampled_from([SEPARATOR, "", " ", "\t", BOM, "****", "******", "#", "#:", "#10", "# 10: x"]),
    st.text(max_size=20),  # the whole of Unicode, once in a while
)
newline = st.sampled_from(["\n", "\r\n", "\r", ""])
line_text = st.lists(st.tuples(line, newline), max_size=15).map(lambda xs: "".join(a + b for a, b in xs))


@FUZZ
@given(st.one_of(st.text(max_size=200), line_text))
def test_any_text_parses_or_raises_plain_text_error(text) -> None:
    records = parse_or_typed_error(text)
    if records is None:
        return
    if not records:  # nothing to remember: only blank lines (and a BOM) were there
        assert not text.strip(BOM + " \t\r\n\x1c\x1d\x1e\x1f\x85\u2028\u2029\x0b\x0c")
        return
    assert all(f.tag > 0 for rec in records for f in rec.fields)
    # the docstring's promise: whatever parses is written back verbatim
    assert format_plaintext(records) == text


# ------------------------------------------------------------------ generated valid files

tags = st.one_of(st.sampled_from([10, 11, 30, 40, 52, 910, GUID_TAG]), st.integers(1, 10**6))
# field text: anything on one line (a trailing CR would be read as a CRLF line ending).
# An explicit alphabet keeps generation cheap: Latin, Kazakh and Russian letters, digits,
# the format's own punctuation, tabs, the IRBIS delimiters 0x1E/0x1F, NUL, BOM, emoji.
ALPHABET = ("abcxyzABCXYZ0123456789 АаБбӘәҒғҚқҢңӨөҰұҮүІіЁёЩщЪъ#:*^.,;-_()/=+{}[]'\"\t"
            "\x00\x1e\x1f\u00a0\ufeff\u2028\u00b2\U0001f4da")
field_text = st.text(ALPHABET, max_size=40)
# "^" is in ALPHABET, so subfields come up by themselves; these make them common
subfield_text = st.lists(st.sampled_from(["^A", "^B1539325", "^H000010005", "^F******", "^a",
                                          "^", "^^", "АБ", "20261124", " "]),
                         max_size=6).map("".join)
record_fields = st.lists(st.tuples(tags, st.one_of(field_text, subfield_text)), min_size=1, max_size=6)


def layout(recs: list[list[tuple[int, str]]], nl: str, bom: bool, blank_lines: list[int],
           final_separator: bool) -> str:
    out = []
    for i, fields in enumerate(recs):
        for j, (tag, text) in enumerate(fields):
            if blank_lines and (i + j) % (blank_lines[0] + 2) == 0:
                out.append("")
            out.append(f"#{tag}: {text}")
        if i < len(recs) - 1 or final_separator:
            out.append(SEPARATOR)
    text = nl.join(out) + (nl if final_separator else "")
    return (BOM if bom else "") + text


@FUZZ
@given(st.lists(record_fields, min_size=1, max_size=3), st.sampled_from(["\n", "\r\n"]),
       st.booleans(), st.lists(st.integers(0, 5), max_size=1), st.booleans())
def test_generated_files_round_trip(recs, nl, bom, blank_lines, final_separator) -> None:
    text = layout(recs, nl, bom, blank_lines, final_separator)
    parsed = parse_plaintext(text)
    assert [list(r.content()) for r in parsed] == recs
    assert format_plaintext(parsed) == text


@FUZZ
@given(st.lists(record_fields, min_size=1, max_size=3), st.sampled_from(["\n", "\r\n"]), tags,
       subfield_text)
def test_changed_records_are_written_canonically_and_read_back(recs, nl, tag, text) -> None:
    parsed = parse_plaintext(layout(recs, nl, False, [], True))
    parsed[0].append(Field.parse(tag, text))
    written = format_plaintext(parsed)
    assert "\r\n" not in written.replace(nl, "") or nl == "\r\n"
    again = parse_plaintext(written)
    assert [r.content() for r in again] == [r.content() for r in parsed]


@FUZZ
@given(st.lists(record_fields, min_size=1, max_size=3))
def test_records_built_in_code_round_trip(recs) -> None:
    built = [Record.from_fields(fields) for fields in recs]
    assert [list(r.content()) for r in parse_plaintext(format_plaintext(built))] == recs


def test_a_huge_tag_is_a_plain_text_error() -> None:
    with pytest.raises(PlainTextError):
        parse_plaintext("#" + "1" * 5000 + ": x\n*****\n")
