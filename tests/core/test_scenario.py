"""Scenario files: parsing (good and bad lines), comments, event matching, expectations."""

from __future__ import annotations

import pytest

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
    match_event,
    parse_scenario,
)


def test_every_command_parses():
    text = """
    # a comment line

    scan 0001234   # trailing comment
    key volume_up
    tap language_kk
    call
    staff ack
    headphones in
    headphones out
    wait 2.5
    gateway down
    gateway up
    expect screen account
    expect event {"event":"say","text":"# not a comment"}
    expect no event {"event":"refused"}
    """
    assert parse_scenario(text) == [
        Scan(4, "0001234"), Key(5, "volume_up"), Tap(6, "language_kk"), Call(7), StaffAck(8),
        Headphones(9, True), Headphones(10, False), Wait(11, 2.5), Gateway(12, False),
        Gateway(13, True), ExpectScreen(14, "account"),
        ExpectEvent(15, {"event": "say", "text": "# not a comment"}, True),
        ExpectEvent(16, {"event": "refused"}, False),
    ]


@pytest.mark.parametrize("line,what", [
    ("jump 3", "unknown command 'jump'"),
    ("scan", "exactly one code"),
    ("scan a b", "exactly one code"),
    ("key enter", "unknown key 'enter'"),
    ("wait soon", "number of seconds"),
    ("wait -1", ">= 0"),
    ("wait nan", ">= 0"),
    ("headphones maybe", "headphones in"),
    ("gateway sideways", "gateway down"),
    ("staff", "staff ack"),
    ("call now", "nothing after"),
    ("expect", "expect what"),
    ("expect screen", "screen name"),
    ("expect event", "JSON object"),
    ("expect event {bad json}", "not valid JSON"),
    ('expect event ["event"]', "JSON object in braces"),
    ("expect no thing", "expect no event"),
])
def test_bad_lines_name_the_line_and_the_problem(line, what):
    with pytest.raises(ScenarioError) as info:
        parse_scenario("scan 1\n# fine\n" + line)
    assert info.value.line == 3
    assert what in str(info.value) and str(info.value).startswith("line 3:")


def test_match_event_is_a_recursive_subset_match():
    event = {"t": 1.0, "event": "checkout", "barcode": "B1", "ok": True, "n": 2,
             "extra": {"a": 1, "b": 2}}
    assert match_event(event, {"event": "checkout"})
    assert match_event(event, {"barcode": "B1", "ok": True, "n": 2.0})
    assert match_event(event, {"extra": {"a": 1}})
    assert not match_event(event, {"ok": 1})  # true is not 1
    assert not match_event(event, {"barcode": "B2"})
    assert not match_event(event, {"missing": None})
    assert not match_event(event, {"extra": {"c": 3}})


def test_expectations_look_at_events_since_the_previous_group(make):
    h = make()
    ok = h.run("""
        scan R001
        expect screen account
        expect event {"event":"login"}
        scan B001
        expect no event {"event":"login"}
        expect event {"event":"checkout"}
    """)
    assert ok.ok, ok.failures
    bad = make().run('scan R001\nexpect event {"event":"checkout"}')
    assert not bad.ok and "line 2" in bad.failures[0]
    bad = make().run('scan R001\nexpect screen summary')
    assert "expected screen 'summary'" in bad.failures[0]
