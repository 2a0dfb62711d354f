"""Logout erases every trace of the reader; names and loans are spoken only in headphones."""

from __future__ import annotations

import dataclasses
from collections import deque
from datetime import date

import pytest

from tests.core.conftest import names

NEEDLES = ("R001", "Әлия", "Already mine", "B100", "Book 1", "B001")
NOT_SESSION_STATE = ("circ", "bus", "config", "clock", "executor", "_render", "_bus",
                     "_view_listeners", "_alert_handler")


def strings_in(obj, seen=None):
    """Every string reachable from obj (the session's own memory)."""
    seen = seen if seen is not None else set()
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from strings_in(k, seen)
            yield from strings_in(v, seen)
    elif isinstance(obj, list | tuple | set | frozenset | deque):
        for v in obj:
            yield from strings_in(v, seen)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from strings_in(getattr(obj, f.name), seen)
    elif hasattr(obj, "__dict__") and not callable(obj):
        for k, v in vars(obj).items():
            if k not in NOT_SESSION_STATE:
                yield from strings_in(v, seen)


@pytest.mark.parametrize("ending", ["key back\ntap finish\ntap done", "wait 60",
                                    "key back\ntap finish\nwait 20",
                                    "key back\nkey back\nkey back\nkey back", "scan R002"])
def test_logout_leaves_no_trace(make, ending):
    h = make()
    h.run("headphones in\nscan R001\nscan B001\nwait 3\nscan B100\nkey down\nkey down\n"
          "key down\nkey help\n" + ending)
    found = [s for s in strings_in(h.session) if any(n in s for n in NEEDLES)]
    assert found == []
    v = h.session.view
    assert v.reader_name in ("", "Данияр") and all(r.barcode != "B100" for r in v.loans)
    assert not any("Әлия" in str(f.params) for f in v.focus)


def test_loudspeaker_never_says_name_or_titles(make):
    h = make()
    h.run("scan R001\nscan B001\nwait 3\nscan B100\nkey down\nkey down\nkey down\n"
          "tap finish\ntap receipt_yes\nkey repeat")
    texts = [e["text"] for e in names(h, "say")]
    assert texts and not any("Әлия" in t or "Book 1" in t or "Already mine" in t for t in texts)
    assert all(e["private"] is False for e in names(h, "say"))


def test_headphones_get_name_and_titles_marked_private(make):
    h = make()
    h.run("headphones in\nscan R001\nscan B001")
    private = [e for e in names(h, "say") if e["private"]]
    assert any("Әлия" in e["text"] for e in private)
    assert any("Already mine" in e["text"] for e in private)  # loans read out
    assert any("Book 1" in e["text"] for e in private)
    public = [e for e in names(h, "say") if not e["private"]]
    assert not any("Әлия" in e["text"] or "Book" in e["text"] for e in public)


def test_repeat_never_moves_private_speech_to_the_loudspeaker():
    from kiosk.core.announcer import Announcer
    from kiosk.core.clock import VirtualClock
    from kiosk.core.events import EventBus, EventLog
    from kiosk.locale.display import display_text

    bus = EventBus(VirtualClock())
    log = EventLog()
    bus.subscribe(log)
    speaker = Announcer(bus, display_text, display_text)
    speaker.say("checkout.ok", "en", {"title": "Secret", "due": date(2026, 12, 8)}, private=True)
    speaker.say("account.hint", "en")
    assert speaker.repeat("en", headphones=False)
    assert [e["msg"] for e in log.events] == ["checkout.ok", "account.hint", "account.hint"]
    assert "Secret" in log.events[0]["text"] and "08.12.2026" in log.events[0]["text"]


def test_attract_tells_headphone_users_how_to_start_every_15s(make):
    h = make()
    r = h.run("""
        headphones in
        expect event {"event":"say","msg":"attract.headphones"}
        wait 15
        expect event {"event":"say","msg":"attract.headphones"}
        headphones out
        wait 60
        expect no event {"event":"say","msg":"attract.headphones"}
    """)
    assert r.ok, r.failures
    hints = [e["t"] for e in names(h, "say") if e["msg"] == "attract.headphones"]
    assert hints == [0.0, 15.0]


def test_hint_pauses_during_a_session_and_resumes_after(make):
    h = make()
    h.run("headphones in\nscan R001\nwait 30")
    assert [e["msg"] for e in names(h, "say")].count("attract.headphones") == 1
    h.run("tap finish\ntap done\nwait 15")
    assert [e["msg"] for e in names(h, "say")].count("attract.headphones") == 2


def test_headphone_hint_never_talks_over_the_patron(make):
    h = make()
    h.run("headphones in\nwait 10\nkey help\nwait 10")
    hints = [e["t"] for e in names(h, "say") if e["msg"] == "attract.headphones"]
    assert hints == [0.0]
    h.run("wait 20")  # help stays open: no hint over it
    hints = [e["t"] for e in names(h, "say") if e["msg"] == "attract.headphones"]
    assert hints == [0.0]
    h.run("key back\nwait 15")
    hints = [e["t"] for e in names(h, "say") if e["msg"] == "attract.headphones"]
    assert hints == [0.0, 55.0]


def test_a_reader_with_many_books_hears_the_overdue_ones_first_and_the_rest_by_keys(make, lib):
    lib.add_reader("R030", "Many")
    for n in range(1, 13):
        lib.add_item(f"M{n:03}", f"Title {n}")
        lib.lend(f"M{n:03}", "R030", "20261101" if n in (7, 11) else "20261215")
    h = make(lib)
    h.run("headphones in\nscan R030")
    said = [e for e in names(h, "say")]
    read = [e["text"] for e in said if e["msg"].startswith("focus.loan")]
    assert len(read) == 3
    assert "Title 7" in read[0] and "Title 11" in read[1]  # overdue first
    more = next(e for e in said if e["msg"] == "account.loans.more")
    assert more["private"] and said.index(more) < [e["msg"] for e in said].index("account.hint")
    h.run("\n".join(["key down"] * 14))  # finish and renew_all come first
    heard = " ".join(e["text"] for e in names(h, "say"))
    assert all(f"Title {n}" in heard for n in range(1, 13))  # every book one key away
