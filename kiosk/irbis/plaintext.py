"""The IRBIS plain-text exchange format: `#<tag>: <text>` lines, `*****` after each record.

`format_plaintext(parse_plaintext(text)) == text` for every text that parses: each record
remembers the exact lines it came from (line endings, BOM, blank lines, missing final
separator) and is written back verbatim while its fields are unchanged. Changed or new
records are written in the canonical layout with the newline the file used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kiosk.irbis.record import Field, Record

SEPARATOR = "*****"
BOM = "\ufeff"
_FIELD_LINE = re.compile(r"#([0-9]+): ?(.*)", re.DOTALL)


class PlainTextError(ValueError):
    """A line that is neither a field line nor a record separator."""

    def __init__(self, line_no: int, line: str, why: str = "not a '#<tag>: <text>' line") -> None:
        self.line_no = line_no
        self.line = line
        # the text stays out of the message: it may hold a reader's name
        super().__init__(f"line {line_no}: {why}")


@dataclass(frozen=True)
class _Layout:
    source: str  # the exact text of this record's lines
    content: tuple[tuple[int, str], ...]  # the fields when read
    newline: str


def _split_lines(text: str) -> list[tuple[str, str]]:
    """(line, ending) pairs; only \\n and \\r\\n end a line (0x1E/0x1F stay inside lines)."""
    out: list[tuple[str, str]] = []
    start = 0
    while start < len(text):
        nl = text.find("\n", start)
        if nl < 0:
            out.append((text[start:], ""))
            break
        line = text[start:nl]
        if line.endswith("\r"):
            out.append((line[:-1], "\r\n"))
        else:
            out.append((line, "\n"))
        start = nl + 1
    return out


def parse_plaintext(text: str) -> list[Record]:
    """Records of a plain-text exchange file (already decoded to str)."""
    records: list[Record] = []
    lines = _split_lines(text)
    default_nl = next((end for _, end in lines if end), "\n")
    pending: list[str] = []  # raw text of the current record's lines
    fields: list[Field] = []
    nl = ""
    for no, (line, end) in enumerate(lines, start=1):
        body = line[1:] if no == 1 and line.startswith(BOM) else line
        pending.append(line + end)
        nl = nl or end
        if body.startswith(SEPARATOR) and not body.strip("* \t"):  # "*****", tolerating more stars
            records.append(_finish(fields, pending, nl or default_nl))
            pending, fields, nl = [], [], ""
            continue
        if not body.strip():
            continue
        m = _FIELD_LINE.fullmatch(body)
        if m is None:
            raise PlainTextError(no, body)
        if len(m.group(1)) > 10:
            raise PlainTextError(no, body, "tag too long")
        tag = int(m.group(1))
        if tag <= 0:
            raise PlainTextError(no, body, "tag must be a positive number")
        fields.append(Field.parse(tag, m.group(2)))
    if fields:
        records.append(_finish(fields, pending, nl or default_nl))
    elif pending and records:
        # blank lines after the last separator belong to the last record
        last = records[-1]
        lay: _Layout = last._layout  # type: ignore[attr-defined]
        last._layout = _Layout(lay.source + "".join(pending), lay.content, lay.newline)  # type: ignore[attr-defined]
    elif pending and "".join(pending).strip(BOM + " \t\r\n"):
        raise PlainTextError(1, pending[0], "no record")
    return records


def _finish(fields: list[Field], pending: list[str], newline: str) -> Record:
    rec = Record(fields=list(fields))
    rec._layout = _Layout("".join(pending), rec.content(), newline)  # type: ignore[attr-defined]
    return rec


def format_record(record: Record, newline: str = "\n") -> str:
    """One record in the canonical layout, separator included."""
    lines = [f"#{f.tag}: {f.text()}" for f in record.fields]
    lines.append(SEPARATOR)
    return newline.join(lines) + newline


def format_plaintext(records: Iterable[Record]) -> str:
    out: list[str] = []
    newline = "\n"
    for rec in records:
        lay: _Layout | None = getattr(rec, "_layout", None)
        if lay is not None:
            newline = lay.newline
            if rec.content() == lay.content:
                out.append(lay.source)
                continue
            bom = BOM if lay.source.startswith(BOM) else ""
            out.append(bom + format_record(rec, newline))
        else:
            out.append(format_record(rec, newline))
    return "".join(out)


def load_file(path: str) -> list[Record]:
    """Records of a plain-text file (UTF-8, with or without BOM; cp1251 as a fallback)."""
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1251")
    return parse_plaintext(text)
