"""IRBIS64 records: MFN, status, version and repeatable fields with subfields.

A field's text is an optional value before the first `^` followed by subfields
`^<code><text>`. Fields keep the order they were read in (the IRBIS64+ GUID field,
tag 2147483647, stays first); nothing unknown is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

GUID_TAG = 2147483647


class SubField:
    """`^<code><value>`; the code is kept upper-case. A plain slotted class: a reader's
    record holds hundreds of these and every scan parses one or two such records."""

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


@dataclass(slots=True)
class Field:
    tag: int
    value: str = ""  # text before the first ^
    subfields: list[SubField] = field(default_factory=list)
    # The text as read, kept while the field is unchanged, so that a record read and
    # written back keeps its exact bytes (lower-case codes, empty subfields, "^^").
    _raw: str | None = field(default=None, init=False, repr=False, compare=False)
    _snap: tuple | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def parse(cls, tag: int, text: str) -> Field:
        head, *parts = text.split("^")
        subs = []
        # Rendering gives back the text unless a part was empty ("^^", trailing "^") or a
        # code was lower-case; only then is the raw text worth keeping.
        keep_raw = False
        for part in parts:
            if not part:
                keep_raw = True
                continue
            sub = SubField(part[0], part[1:])
            keep_raw = keep_raw or sub.code != part[0]
            subs.append(sub)
        f = cls(tag, head, subs)
        if keep_raw:
            f._raw = text
            f._snap = f._state()
        return f

    def _state(self) -> tuple:
        return (self.value, tuple((s.code, s.value) for s in self.subfields))

    def _render(self) -> str:
        return self.value + "".join(f"^{s.code}{s.value}" for s in self.subfields)

    def copy(self) -> Field:
        f = Field(self.tag, self.value, [SubField(s.code, s.value) for s in self.subfields])
        f._raw, f._snap = self._raw, self._snap
        return f

    @classmethod
    def of(cls, tag: int, value: str = "", **subs: str) -> Field:
        """Field.of(40, G="IBIS", H="123") — keyword order is subfield order.
        Digit codes can be given as `_1="..."`."""
        return cls(tag, value, [SubField(k.lstrip("_"), v) for k, v in subs.items()])

    def text(self) -> str:
        if self._raw is not None and self._state() == self._snap:
            return self._raw
        return self._render()

    def get(self, code: str, default: str = "") -> str:
        code = code.upper()
        for s in self.subfields:
            if s.code == code:
                return s.value
        return default

    def set(self, code: str, value: str | None) -> None:
        """Replace the first subfield with this code (append if absent); None removes it."""
        code = code.upper()
        for i, s in enumerate(self.subfields):
            if s.code == code:
                if value is None:
                    del self.subfields[i]
                else:
                    s.value = value
                return
        if value is not None:
            self.subfields.append(SubField(code, value))

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
