"""IRBIS search expressions.

    "RI=100234"            a term (quotes optional when the term has no spaces or operators)
    "A=ПУШКИН$"            `$` at the end: right truncation (every term with that start)
    a + b   a * b   a ^ b  or, and, and-not;  `*` and `^` bind tighter than `+`
    ( ... )                grouping
Terms are compared upper-cased.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kiosk.irbis.errors import ProtocolError

Lookup = Callable[[str, bool], set[int]]  # (term, is_prefix) -> MFNs
OPERATORS = "+*^()"


class SearchSyntaxError(ProtocolError):
    pass


@dataclass
class _Tok:
    kind: str  # "term" or an operator character
    text: str = ""


def tokenize(expr: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(expr)
    while i < n:
        c = expr[i]
        if c.isspace():
            i += 1
        elif c in OPERATORS:
            toks.append(_Tok(c))
            i += 1
        elif c == '"':
            end = expr.find('"', i + 1)
            if end < 0:
                raise SearchSyntaxError("unterminated quote")
            toks.append(_Tok("term", expr[i + 1 : end]))
            i = end + 1
        else:
            j = i
            while j < n and not expr[j].isspace() and expr[j] not in OPERATORS and expr[j] != '"':
                j += 1
            toks.append(_Tok("term", expr[i:j]))
            i = j
    return toks


MAX_NESTING = 32  # parentheses deeper than any real query; guards the recursive parser


class _Parser:
    def __init__(self, toks: list[_Tok], lookup: Lookup) -> None:
        self.toks, self.pos, self.lookup = toks, 0, lookup
        self.depth = 0

    def peek(self) -> str | None:
        return self.toks[self.pos].kind if self.pos < len(self.toks) else None

    def parse(self) -> set[int]:
        if not self.toks:
            raise SearchSyntaxError("empty expression")
        result = self.or_expr()
        if self.pos != len(self.toks):
            raise SearchSyntaxError("unexpected token")
        return result

    def or_expr(self) -> set[int]:
        result = self.and_expr()
        while self.peek() == "+":
            self.pos += 1
            result = result | self.and_expr()
        return result

    def and_expr(self) -> set[int]:
        result = self.atom()
        while self.peek() in ("*", "^"):
            op = self.toks[self.pos].kind
            self.pos += 1
            other = self.atom()
            result = result & other if op == "*" else result - other
        return result

    def atom(self) -> set[int]:
        kind = self.peek()
        if kind == "(":
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise SearchSyntaxError("parentheses nested too deep")
            self.pos += 1
            result = self.or_expr()
            if self.peek() != ")":
                raise SearchSyntaxError("missing )")
            self.pos += 1
            self.depth -= 1
            return result
        if kind != "term":
            raise SearchSyntaxError("term expected")
        text = self.toks[self.pos].text.strip().upper()
        self.pos += 1
        if text.endswith("$"):
            stem = text.rstrip("$")
            if not stem:
                raise SearchSyntaxError("empty truncated term")
            return self.lookup(stem, True)
        if not text:
            raise SearchSyntaxError("empty term")
        return self.lookup(text, False)


def evaluate(expr: str, lookup: Lookup) -> set[int]:
    """MFNs matching `expr`; SearchSyntaxError when it does not parse."""
    return _Parser(tokenize(expr), lookup).parse()
