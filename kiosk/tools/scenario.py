"""Scenario files (contracts.md): one command per line, `#` starts a comment.

`parse_scenario(text)` -> list of typed commands; a bad line raises ScenarioError naming
the line number and what is wrong. `match_event(event, expected)` is the test behind
`expect event` / `expect no event`: every key of `expected` is in the event with an equal
value (nested objects match the same way, recursively).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kiosk.core.navigation import KEYS as KEY_NAMES


class ScenarioError(ValueError):
    def __init__(self, line: int, what: str) -> None:
        super().__init__(f"line {line}: {what}")
        self.line = line
        self.what = what


@dataclass(frozen=True)
class Command:
    line: int


@dataclass(frozen=True)
class Scan(Command):
    code: str


@dataclass(frozen=True)
class Garbled(Command):
    """`garbled`: the scanner delivers a broken read (characters dropped mid-code)."""


@dataclass(frozen=True)
class Key(Command):
    name: str


@dataclass(frozen=True)
class Tap(Command):
    widget_id: str


@dataclass(frozen=True)
class Call(Command):
    pass


@dataclass(frozen=True)
class StaffAck(Command):
    pass


@dataclass(frozen=True)
class Headphones(Command):
    plugged: bool


@dataclass(frozen=True)
class Wait(Command):
    seconds: float


@dataclass(frozen=True)
class Gateway(Command):
    up: bool


@dataclass(frozen=True)
class ExpectScreen(Command):
    name: str


@dataclass(frozen=True)
class ExpectEvent(Command):
    expected: dict[str, Any] = field(default_factory=dict)
    present: bool = True  # False for `expect no event`


def strip_comment(raw: str) -> str:
    """Drop a `#` comment, but not a `#` inside a JSON string."""
    in_string = escaped = False
    for i, ch in enumerate(raw):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "#":
            return raw[:i]
    return raw


def _json_object(text: str, line: int) -> dict[str, Any]:
    if not text:
        raise ScenarioError(line, 'expected a JSON object after it, e.g. {"event":"login"}')
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise ScenarioError(line, f"not valid JSON ({e.msg} at column {e.colno})") from None
    except ValueError:  # a number too long for int() (over 4300 digits)
        raise ScenarioError(line, "not valid JSON (a number is too long)") from None
    except RecursionError:
        raise ScenarioError(line, "not valid JSON (nested too deeply)") from None
    if not isinstance(value, dict):
        raise ScenarioError(line, 'expected a JSON object in braces, e.g. {"event":"login"}')
    return value


def _one_word(args: str, line: int, what: str) -> str:
    if not args or len(args.split()) != 1:
        raise ScenarioError(line, f"expected exactly one {what}")
    return args


def parse_line(raw: str, line: int) -> Command | None:
    text = strip_comment(raw).strip()
    if not text:
        return None
    word, _, args = text.partition(" ")
    args = args.strip()
    if word == "scan":
        return Scan(line, _one_word(args, line, "code after scan"))
    if word == "garbled":
        if args:
            raise ScenarioError(line, "garbled takes nothing after it")
        return Garbled(line)
    if word == "key":
        name = _one_word(args, line, "key name")
        if name not in KEY_NAMES:
            raise ScenarioError(line, f"unknown key {name!r}; keys: {', '.join(KEY_NAMES)}")
        return Key(line, name)
    if word == "tap":
        return Tap(line, _one_word(args, line, "widget id after tap"))
    if word == "call":
        if args:
            raise ScenarioError(line, "call takes nothing after it")
        return Call(line)
    if word == "staff":
        if args != "ack":
            raise ScenarioError(line, "expected `staff ack`")
        return StaffAck(line)
    if word == "headphones":
        if args not in ("in", "out"):
            raise ScenarioError(line, "expected `headphones in` or `headphones out`")
        return Headphones(line, args == "in")
    if word == "wait":
        try:
            seconds = float(args)
        except ValueError:
            raise ScenarioError(line, f"wait needs a number of seconds, got {args!r}") from None
        if not seconds >= 0 or seconds == float("inf"):
            raise ScenarioError(line, "wait needs a finite number of seconds >= 0")
        return Wait(line, seconds)
    if word == "gateway":
        if args not in ("up", "down"):
            raise ScenarioError(line, "expected `gateway down` or `gateway up`")
        return Gateway(line, args == "up")
    if word == "expect":
        what, _, rest = args.partition(" ")
        rest = rest.strip()
        if what == "screen":
            return ExpectScreen(line, _one_word(rest, line, "screen name"))
        if what == "event":
            return ExpectEvent(line, _json_object(rest, line), True)
        if what == "no":
            sub, _, rest2 = rest.partition(" ")
            if sub != "event":
                raise ScenarioError(line, "expected `expect no event {...}`")
            return ExpectEvent(line, _json_object(rest2.strip(), line), False)
        raise ScenarioError(line, "expect what? `expect screen`, `expect event`, `expect no event`")
    raise ScenarioError(line, f"unknown command {word!r}; commands: scan, garbled, key, tap, call, "
                              "staff ack, headphones, wait, gateway, expect")


# Only real line ends end a line: str.splitlines() would also split at U+0085, U+2028,
# 0x1C-0x1E..., which may stand inside a JSON string of an `expect event` line.
_LINE_END = re.compile(r"\r\n|\r|\n")


def parse_scenario(text: str) -> list[Command]:
    commands = []
    for number, raw in enumerate(_LINE_END.split(text), 1):
        command = parse_line(raw, number)
        if command is not None:
            commands.append(command)
    return commands


def _equal(actual: Any, expected: Any) -> bool:
    if isinstance(expected, Mapping):
        return isinstance(actual, Mapping) and match_event(actual, expected)
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return float(actual) == float(expected)
    return actual == expected


def match_event(event: Mapping[str, Any], expected: Mapping[str, Any]) -> bool:
    return all(k in event and _equal(event[k], v) for k, v in expected.items())
