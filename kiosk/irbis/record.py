"""IRBIS64 records: MFN, status, version and repeatable fields with subfields.

A field's text is an optional value before the first `^` followed by subfields
`^<code><text>`. Fields keep the order they were read in (the IRBIS64+ GUID field,
tag 2147483647, stays first); nothing unknown is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

GUID_TAG = 2147483647


class SubField:
    """`^<code><value>`; the code is kept upper-case. Made only when a field's
    `subfields` are asked for (to be edited in place or listed); reading goes through
    Field.get."""

    __slots__ = ("code", "value")

    def __init__(self, code: str, value: str) -> None:
        self.code = code.upper()
        self.value = value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SubField):
            return NotImplemented
        return self.code == other.code and self.value == other.value

    __hash__ = None  # mutable, like the fields that hold it

    def __repr__(self) -> str:
        return f"SubField(code={self.code!r}, value={self.value!r})"


# A caret followed by another, by nothing, by a lower-case ASCII letter or by any
# non-ASCII character: only such a field can have an empty part or a code to upper-case.
_MAYBE_UNUSUAL = re.compile(r"\^(?:\^|$|[a-z]|[^\x00-\x7f])")


def _upper_code(code: str) -> str:
    up = code.upper()
    return up if len(up) == 1 else code  # "ß".upper() is two letters: such a code is kept


class Field:
    """A field: its tag, the text before the first `^` (`value`) and its subfields.

    The subfields are kept as the strings between the carets, code first and upper-case
    ("A0", "HE004..."), with a dict of each code's first value made at the first `get`:
    a reader's record has hundreds of subfields and every scan reads one or two such
    records, so no object is made per subfield. `subfields` turns them into SubField
    objects, which are from then on what the field holds (they may be edited in place)."""

    __slots__ = ("tag", "value", "_parts", "_first", "_subs", "_raw", "_snap")

    def __init__(self, tag: int, value: str = "", subfields: Iterable[SubField] | None = None) -> None:
        self.tag = tag
        self.value = value
        self._parts: list[str] | None = [] if subfields is None else None
        self._first: dict[str, str] | None = None
        self._subs: list[SubField] | None = None if subfields is None else list(subfields)
        # The text as read, kept while the field is unchanged, so that a record read and
        # written back keeps its exact bytes (lower-case codes, empty subfields, "^^").
        self._raw: str | None = None
        self._snap: tuple | None = None

    @classmethod
    def parse(cls, tag: int, text: str) -> Field:
        head, *parts = text.split("^")
        f = cls(tag, head)
        # Rendering gives back the text unless a part was empty ("^^", trailing "^") or a
        # code was lower-case; only then is the raw text worth keeping.
        keep_raw = False
        if _MAYBE_UNUSUAL.search(text) is not None:  # one C-speed look rules out most fields
            for part in parts:
                if not part or part[0].upper() != part[0]:
                    keep_raw = True
                    break
        if keep_raw:
            parts = [_upper_code(part[0]) + part[1:] for part in parts if part]
        f._parts = parts
        if keep_raw:
            f._raw = text
            f._snap = f._state()
        return f

    @classmethod
    def of(cls, tag: int, value: str = "", **subs: str) -> Field:
        """Field.of(40, G="IBIS", H="123") — keyword order is subfield order.
        Digit codes can be given as `_1="..."`."""
        f = cls(tag, value)
        f._parts = [_upper_code(k.lstrip("_")) + v for k, v in subs.items()]
        return f

    @property
    def subfields(self) -> list[SubField]:
        if self._subs is None:
            self._subs = [SubField(part[0], part[1:]) for part in self._parts or ()]
            self._parts = self._first = None
        return self._subs

    def items(self) -> list[tuple[str, str]]:
        """(code, value) of every subfield, in order."""
        if self._subs is not None:
            return [(s.code, s.value) for s in self._subs]
        return [(part[0], part[1:]) for part in self._parts or ()]

    def _state(self) -> tuple:
        if self._subs is not None:
            return (self.value, tuple(s.code + s.value for s in self._subs))
        return (self.value, tuple(self._parts or ()))

    def _render(self) -> str:
        if self._subs is not None:
            return self.value + "".join(f"^{s.code}{s.value}" for s in self._subs)
        parts = self._parts
        return self.value + "^" + "^".join(parts) if parts else self.value

    def copy(self) -> Field:
        f = Field(self.tag, self.value)
        if self._subs is not None:
            f._parts = None
            f._subs = [SubField(s.code, s.value) for s in self._subs]
        else:
            f._parts = list(self._parts or ())
            f._first = self._first  # never edited in place: dropped on any change
        f._raw, f._snap = self._raw, self._snap
        return f

    def text(self) -> str:
        if self._raw is not None and self._state() == self._snap:
            return self._raw
        return self._render()

    def get(self, code: str, default: str = "") -> str:
        code = code.upper()
        if self._subs is None:
            first = self._first
            if first is None:
                first = self._first = {part[0]: part[1:] for part in reversed(self._parts or ())}
            return first.get(code, default)
        for s in self._subs:
            if s.code == code:
                return s.value
        return default

    def set(self, code: str, value: str | None) -> None:
        """Replace the first subfield with this code (append if absent); None removes it."""
        code = _upper_code(code)
        if self._subs is not None:
            for i, s in enumerate(self._subs):
                if s.code == code:
                    if value is None:
                        del self._subs[i]
                    else:
                        s.value = value
                    return
            if value is not None:
                self._subs.append(SubField(code, value))
            return
        parts = self._parts if self._parts is not None else []
        self._parts, self._first = parts, None
        for i, part in enumerate(parts):
            if part[0] == code:
                if value is None:
                    del parts[i]
                else:
                    parts[i] = code + value
                return
        if value is not None:
            parts.append(code + value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Field):
            return NotImplemented
        return self.tag == other.tag and self.value == other.value and self.items() == other.items()

    __hash__ = None  # type: ignore[assignment] # mutable

    def __repr__(self) -> str:
        subs = ", ".join(f"{c}={v!r}" for c, v in self.items())
        return f"Field(tag={self.tag!r}, value={self.value!r}, subfields=[{subs}])"

    def __str__(self) -> str:
        return f"{self.tag}#{self.text()}"


@dataclass
class Record:
    mfn: int = 0
    status: int = 0
    version: int = 0
    fields: list[Field] = field(default_factory=list)
    database: str = ""

    def all(self, tag: int) -> list[Field]:
        return [f for f in self.fields if f.tag == tag]

    def first(self, tag: int) -> Field | None:
        for f in self.fields:
            if f.tag == tag:
                return f
        return None

    def fm(self, tag: int, code: str | None = None, default: str = "") -> str:
        """Text of the first field `tag` (or its subfield `code`)."""
        f = self.first(tag)
        if f is None:
            return default
        if code is None:
            return f.text()
        return f.get(code, default)

    def add(self, tag: int, text: str = "") -> Field:
        f = Field.parse(tag, text)
        self.fields.append(f)
        return f

    def append(self, f: Field) -> Field:
        self.fields.append(f)
        return f

    def remove(self, tag: int) -> None:
        self.fields = [f for f in self.fields if f.tag != tag]

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields)

    def copy(self) -> Record:
        rec = Record(self.mfn, self.status, self.version, [f.copy() for f in self.fields], self.database)
        layout = getattr(self, "_layout", None)
        if layout is not None:
            rec._layout = layout  # type: ignore[attr-defined]
        return rec

    def content(self) -> tuple[tuple[int, str], ...]:
        """The fields as (tag, text) pairs: what two records must share to be equal in content."""
        return tuple((f.tag, f.text()) for f in self.fields)

    @classmethod
    def from_fields(cls, items: Iterable[tuple[int, str]], **kw: int | str) -> Record:
        rec = cls(**kw)  # type: ignore[arg-type]
        for tag, text in items:
            rec.add(tag, text)
        return rec
