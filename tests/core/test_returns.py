"""Returns at the kiosk ([session] returns = off | own | any) and "your book is waiting",
through the session with the in-memory library, in every language."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from kiosk.core.domain import Reader, Reservation, ReturnResult
from kiosk.locale import LANGUAGES
from tests.core.conftest import names, says
from tests.core.fakes import FakeLibrary, demo_library

WAITING = Reservation("B300", "Reserved book", "ЧЗ", since="20261120", card="R002")


class WaitingLibrary(FakeLibrary):
    """R002 has B300 waiting on the reserve shelf; B400 (R002's) is wanted by R001."""

    def identify(self, card: str, today: date) -> Reader:
        reader = super().identify(card, today)
        return dataclasses.replace(reader, waiting=(WAITING,)) if card == "R002" else reader

    def return_item(self, barcode: str, today: date) -> ReturnResult:
        result = super().return_item(barcode, today)
        if barcode == "B400":
            return dataclasses.replace(result, reserved=Reservation("B400", "", "", card="R001"))
        return result


def waiting_library() -> WaitingLibrary:
    lib = WaitingLibrary()
    lib.__dict__.update(demo_library().__dict__)
    return lib


def ids(h) -> list[str]:
    return [f.id for f in h.session.view.focus]


def start(make, lang: str, returns: str, lib: FakeLibrary | None = None):
    h = make(lib or waiting_library(), session={"returns": returns})
    h.session.lang = h.session.default_lang = lang
    return h


@pytest.mark.parametrize("lang", LANGUAGES)
def test_returns_off_offers_nothing_and_a_book_on_attract_needs_a_card(make, lang):
    h = start(make, lang, "off")
    assert h.run('scan B100\nexpect event {"event":"refused","reason":"card_first"}').ok
    r = h.run("wait 3\nscan R001\ntap return_book\nscan B100")
    assert r.ok and "return_book" not in ids(h)
    assert not names(h, "return") and [e["barcode"] for e in names(h, "renew")] == ["B100"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_own_return_takes_the_book_off_the_loans_and_onto_the_summary(make, lang):
    lib = waiting_library()
    h = start(make, lang, "own", lib)
    r = h.run("""
        scan R001
        tap return_book
        expect event {"event":"say","msg":"return.prompt"}
        scan B100
        expect event {"event":"return","barcode":"B100","ok":true}
        expect event {"event":"cue","name":"success"}
        expect event {"event":"say","msg":"return.ok.public"}
        scan B400
        expect event {"event":"refused","code":"B400","reason":"not_on_loan"}
    """)
    assert r.ok, r.failures
    view = h.session.view
    assert view.loans == () and view.returning
    assert view.notice.msg == "reason.not_on_loan"
    assert lib.items["B400"].loaned_to == "R002"  # someone else's loan is never returned
    assert lib.calls.count("return_item") == 1
    assert h.run("tap finish").ok
    kinds = [(s.kind, s.barcode) for s in h.session.view.summary]
    assert ("return", "B100") in kinds and ("refused", "B400") in kinds
    assert "summary.returns" in says(h) and "summary.return.public" in says(h)


def test_back_ends_returning_and_a_rescan_renews_again(make):
    h = start(make, "en", "own")
    r = h.run("scan R001\ntap return_book\nkey back\nscan B100")
    assert r.ok and "return.off" in says(h)
    assert [e["barcode"] for e in names(h, "renew")] == ["B100"] and not names(h, "return")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_book_drop_on_attract_returns_without_a_card(make, lang):
    h = start(make, lang, "any")
    r = h.run("""
        scan B100
        expect event {"event":"return","barcode":"B100","ok":true}
        expect screen attract
        expect no event {"event":"login"}
        wait 3
        scan B001
        expect event {"event":"refused","code":"B001","reason":"not_on_loan"}
        expect no event {"event":"return"}
    """)
    assert r.ok, r.failures
    assert h.session.view.notice.msg == "reason.not_on_loan"
    assert h.run("wait 3\nscan R001\nexpect screen account").ok  # a card still logs in


def test_a_reserved_copy_goes_to_the_reserved_box(make):
    h = start(make, "en", "any")
    assert h.run('scan B400\nexpect event {"event":"return","barcode":"B400","reserved":true}').ok
    notice = h.session.view.notice
    assert notice.msg == "return.ok" and notice.params["where_msg"] == "return.where.reserved"


def test_the_cabinet_words_say_where_a_returned_book_goes(make):
    words = {"return_place_kk": "Сөреге.", "return_place_ru": "На полку.",
             "return_place_en": "On the trolley."}
    h = make(waiting_library(), session={"returns": "any", **words})
    h.session.lang = "ru"
    assert h.run("scan B100").ok
    said = [e for e in h.log.named("say") if e["msg"] == "return.ok.public"][0]
    assert "На полку." in said["text"]


def test_a_waiting_book_is_named_only_in_headphones(make):
    h = start(make, "en", "off")
    assert h.run("headphones in\nscan R002").ok
    private = [e for e in h.log.named("say") if e["msg"] == "account.waiting"]
    assert private and private[0]["private"] and "Reserved book" in private[0]["text"]
    assert "ЧЗ" in private[0]["text"]
    assert h.session.view.waiting[0].title == "Reserved book"
    h2 = start(make, "en", "off")
    assert h2.run("scan R002").ok
    public = [e for e in h2.log.named("say") if e["msg"] == "account.waiting.public"]
    assert public and not public[0]["private"] and "ЧЗ" in public[0]["text"]
    assert not [e for e in h2.log.named("say") if "Reserved book" in e["text"]]


def test_the_summary_and_receipt_repeat_the_waiting_book_then_it_is_gone(make):
    h = start(make, "en", "off")
    assert h.run("scan R002\ntap finish\ntap receipt_yes").ok
    view = h.session.view
    assert [(s.kind, s.title, s.place) for s in view.summary] == [("waiting", "Reserved book", "ЧЗ")]
    assert "summary.empty" in says(h) and "summary.counts" not in says(h)  # nothing done today
    assert "summary.waiting.public" in says(h)
    printed = h.log.named("print")[0]["lines"]
    assert any("Reserved book" in line and "ЧЗ" in line for line in printed), printed
    assert h.run("tap done").ok
    assert h.session.view.summary == () and h.session.view.waiting == ()


def test_the_waiting_titles_vanish_at_a_timeout(make):
    h = start(make, "en", "off")
    assert h.run("headphones in\nscan R002\nwait 61").ok
    view = h.session.view
    assert view.screen == "attract" and view.waiting == () and view.summary == ()
    assert not h.session.speaker.last or all("Reserved" not in str(u.params)
                                             for u in h.session.speaker.last)


def test_taking_the_waiting_copy_removes_it_from_the_summary(make):
    h = start(make, "en", "off")  # B300 is kept for R002: his to take, R001 hears `reserved`
    assert h.run('scan R001\nscan B300\nexpect event {"event":"refused","reason":"reserved"}').ok
    assert h.run("tap finish\ntap done\nwait 3\nscan R002\nscan B300\ntap finish").ok
    assert [s.kind for s in h.session.view.summary] == ["checkout"]


def test_help_on_the_account_tells_how_to_return_only_when_returns_are_on(make):
    on, off = start(make, "kk", "own"), start(make, "kk", "off")
    for h in (on, off):
        assert h.run("scan R001\nkey help").ok
    assert "help.return" in says(on) and "help.return" not in says(off)
