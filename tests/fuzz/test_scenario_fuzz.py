"""Fuzzing the scenario parser (kiosk/core/scenario.py).

Any text gives a list of commands or a ScenarioError naming a line of the text; scenarios
generated from the grammar in contracts.md parse to the commands they were made from,
whatever the spacing and comments; one bad line among good ones is reported by its number.
"""

from __future__ import annotations

import json
import re

from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.navigation import KEYS
from kiosk.tools.scenario import (
    Call,
    ExpectEvent,
    ExpectScreen,
    Gateway,
    Headphones,
    Key,
    Scan,
    ScenarioError,
    StaffAck,
    Tap,
    Wait,
    parse_scenario,
)
from tests.fuzz.settings import FUZZ

WORDS = ["scan", "key", "tap", "call", "staff", "ack", "headphones", "in", "out", "wait",
         "gateway", "up", "down", "expect", "screen", "event", "no", "#", "{", "}", '"', "[",
         "]", ":", "1e999", "nan", "-1", "0x10", "{}", '{"event":"login"}', "\t", "\x00"]
scenario_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=5)
             .map(" ".join), max_size=10).map("\n".join),
)


def lines_of(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


@FUZZ
@given(scenario_text)
def test_any_text_gives_commands_or_a_scenario_error(text) -> None:
    try:
        commands = parse_scenario(text)
    except ScenarioError as exc:
        assert type(exc) is ScenarioError
        assert 1 <= exc.line <= len(lines_of(text))
        assert str(exc).startswith(f"line {exc.line}: ")
        return
    lines = lines_of(text)
    assert all(1 <= c.line <= len(lines) for c in commands)
    assert [c.line for c in commands] == sorted({c.line for c in commands})


# ------------------------------------------------------------ generated valid scenarios

word = st.text("abcdefghijklmnopqrstuvwxyz0123456789_-.АБӘҚ", min_size=1, max_size=12)
json_scalar = st.one_of(st.none(), st.booleans(), st.integers(-10**9, 10**9), st.text(max_size=10),
                        st.floats(allow_nan=False, allow_infinity=False))
json_object = st.dictionaries(
    st.text(max_size=6),
    st.one_of(json_scalar, st.lists(json_scalar, max_size=2), st.dictionaries(st.text(max_size=4), json_scalar,
                                                                             max_size=2)),
    max_size=3)
command = st.one_of(
    st.builds(lambda c: (f"scan {c}", Scan(0, c)), word),
    st.builds(lambda k: (f"key {k}", Key(0, k)), st.sampled_from(KEYS)),
    st.builds(lambda w: (f"tap {w}", Tap(0, w)), word),
    st.just(("call", Call(0))),
    st.just(("staff ack", StaffAck(0))),
    st.builds(lambda b: (f"headphones {'in' if b else 'out'}", Headphones(0, b)), st.booleans()),
    st.builds(lambda s: (f"wait {s!r}", Wait(0, s)),
              st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)),
    st.builds(lambda b: (f"gateway {'up' if b else 'down'}", Gateway(0, b)), st.booleans()),
    st.builds(lambda n: (f"expect screen {n}", ExpectScreen(0, n)), word),
    st.builds(lambda o, a: (f"expect {'' if a else 'no '}event {json.dumps(o, ensure_ascii=False)}",
                            ExpectEvent(0, o, a)), json_object, st.booleans()),
)
# what may surround a command on its line without changing it
decoration = st.tuples(st.sampled_from(["", " ", "  ", "\t"]), st.sampled_from(["", " ", "\t "]),
                       st.sampled_from(["", "# comment", "#", " # ескерту: #scan 1", "#{\"a\":1}"]))
filler = st.sampled_from(["", "   ", "# just a comment", "\t#"])


def with_line(cmd, line: int):
    fields = {k: getattr(cmd, k) for k in cmd.__dataclass_fields__}
    fields["line"] = line
    return type(cmd)(**fields)


@FUZZ
@given(st.lists(st.tuples(command, decoration, filler), max_size=8), st.sampled_from(["\n", "\r\n"]))
def test_generated_scenarios_parse_to_their_commands(items, nl) -> None:
    lines, expected = [], []
    for (text, cmd), (lead, trail, comment), extra in items:
        if extra:
            lines.append(extra)
        lines.append(f"{lead}{text}{trail}{comment}")
        expected.append(with_line(cmd, len(lines)))
    assert parse_scenario(nl.join(lines)) == expected


bad_line = st.one_of(
    st.sampled_from(["scan", "scan a b", "key", "key left", "tap", "call now", "staff", "staff nack",
                     "headphones", "headphones maybe", "wait", "wait -1", "wait nan", "wait 1e999",
                     "wait soon", "gateway", "gateway sideways", "expect", "expect screen",
                     "expect screen a b", "expect event", "expect event [1]", "expect event {",
                     "expect no", "expect no events {}", "expect event " + "[" * 5000,
                     'expect event {"a": ' + "9" * 5000 + "}", "jump", "SCAN 1"]),
    st.text("xyz!?@", min_size=1, max_size=8),
)


@FUZZ
@given(st.lists(command, min_size=1, max_size=8), st.integers(min_value=0), bad_line)
def test_one_bad_line_is_reported_by_its_number(commands, where, bad) -> None:
    lines = [text for text, _ in commands]
    at = where % (len(lines) + 1)
    lines.insert(at, bad)
    try:
        parse_scenario("\n".join(lines))
    except ScenarioError as exc:
        assert exc.line == at + 1
    else:
        raise AssertionError(f"{bad!r} was accepted")


def test_regressions_found_by_fuzzing() -> None:
    # each of these escaped as RecursionError, ValueError or a wrong line split before
    for text, line in (("scan 1\nexpect event " + "[" * 100_000, 2),
                       ('expect event {"a": ' + "1" * 5000 + "}", 1)):
        try:
            parse_scenario(text)
        except ScenarioError as exc:
            assert exc.line == line
        else:
            raise AssertionError("accepted")
    commands = parse_scenario('expect event {"title": "a\u2028b\x85c"}\nscan 1')
    assert commands == [ExpectEvent(1, {"title": "a\u2028b\x85c"}, True), Scan(2, "1")]
