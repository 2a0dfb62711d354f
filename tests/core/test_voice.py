"""Issue 17 in the session: the speech rate the patron sets (in help, with the volume keys),
the guidance to the scanner, the tick on every read, titles in their own language."""

from __future__ import annotations

from kiosk.config import Config
from kiosk.core.rate import RATE_DEFAULT
from kiosk.speech.wording import spoken_text
from kiosk.tools.harness import Harness
from tests.core.conftest import TODAY, names, says
from tests.core.fakes import demo_library

GUIDANCE = {"guidance_kk": "Сканер оң жақта, жасыл жиектің астында.",
            "guidance_ru": "Сканер справа, под зелёной рамкой.",
            "guidance_en": "The scanner is on the right, under the green frame."}


def test_rate_in_help_with_the_volume_keys_and_volume_outside(make):
    h = make()
    h.run("scan R001\nkey help")
    h.run("key volume_down")
    assert names(h, "rate") == [{"t": 0.0, "event": "rate", "step": RATE_DEFAULT - 1}]
    assert says(h)[-1] == "rate.slower" and not names(h, "volume")
    h.run("key volume_up\nkey volume_up")
    assert [e["step"] for e in names(h, "rate")] == [3, 4, 5] and says(h)[-1] == "rate.faster"
    h.run("key back\nkey volume_down")
    assert names(h, "volume")[-1]["level"] == 5 and len(names(h, "rate")) == 3


def test_rate_ends_at_slowest_and_fastest_and_resets_after_the_session(make):
    h = make()
    h.run("scan R001\nkey help\n" + "key volume_down\n" * 5)
    assert [e["step"] for e in names(h, "rate")] == [3, 2, 1]
    assert says(h)[-2:] == ["rate.slowest", "rate.slowest"]
    h.run("key volume_up\n" * 8)
    assert names(h, "rate")[-1]["step"] == 7 and says(h)[-1] == "rate.fastest"
    h.run("key back\ntap finish\ntap done")
    assert names(h, "rate")[-1]["step"] == RATE_DEFAULT
    assert h.session.rate == RATE_DEFAULT


def test_rate_resets_after_a_timeout_too(make):
    h = make()
    h.run("scan R001\nkey help\nkey volume_up\nwait 70")
    assert names(h, "logout")[-1]["why"] == "timeout"
    assert names(h, "rate")[-1]["step"] == RATE_DEFAULT


def test_guidance_when_no_scan_came_after_login(make):
    h = make(speech={"guidance_after_s": 10.0})
    h.run("scan R001\nwait 9")
    assert "guidance.scanner" not in says(h)
    h.run("wait 2")
    assert says(h)[-1] == "guidance.scanner"
    assert says(h).count("guidance.scanner") == 1
    h.run("wait 20")  # said once, not nagging
    assert says(h).count("guidance.scanner") == 1


def test_no_guidance_when_a_book_was_scanned_or_when_off(make):
    h = make(speech={"guidance_after_s": 10.0})
    h.run("scan R001\nwait 5\nscan B001\nwait 30")
    assert "guidance.scanner" not in says(h)
    h = make(speech={"guidance_after_s": 0.0})
    h.run("scan R001\nwait 50")
    assert "guidance.scanner" not in says(h)


def test_guidance_is_the_first_help_layer_on_the_account_screen(make):
    h = make()
    h.run("key help")
    assert says(h)[-2:] == ["help.attract.1", "help.rate"]
    h.run("key back\nscan R001\nkey help")
    assert says(h)[-3:] == ["guidance.scanner", "help.account.1", "help.rate"]
    h.run("key help")
    assert says(h)[-1] == "help.account.2"


def test_the_cabinets_guidance_in_each_language():
    config = Config()
    for key, text in GUIDANCE.items():
        setattr(config.speech, key, text)
    h = Harness(demo_library(), config, today=TODAY, render_speech=spoken_text)
    h.run("headphones in")
    said = h.log.named("say")
    assert (said[-1]["msg"], said[-1]["text"]) == ("guidance.custom", GUIDANCE["guidance_kk"])
    h.run("tap language_ru\nscan R001\nkey help")
    first = [e for e in h.log.named("say") if e["msg"] == "guidance.custom"][-1]
    assert (first["lang"], first["text"]) == ("ru", GUIDANCE["guidance_ru"])
    h.run("key back\ntap language_en\nkey help")
    first = [e for e in h.log.named("say") if e["msg"] == "guidance.custom"][-1]
    assert (first["lang"], first["text"]) == ("en", GUIDANCE["guidance_en"])


def test_a_tick_on_every_read_before_anything_else(make):
    h = make()
    h.run("scan R001")
    events = [e["event"] if e["event"] != "cue" else e["name"] for e in h.log.events]
    assert events.index("scan") < events.index("login")
    h.run("scan B001\nscan B001")  # the double read ticks too (the aim was right)
    assert [e["name"] for e in names(h, "cue")].count("scan") == 3
    h.session.scan_garbled()
    assert [e["name"] for e in names(h, "cue")][-2:] == ["scan", "error"]


def test_a_russian_title_in_a_kazakh_sentence_is_its_own_segment(lib):
    lib.add_item("B500", "Носов Н. Приключения Незнайки")
    h = Harness(lib, Config(), today=TODAY, render_speech=spoken_text)
    h.run("headphones in\nscan R001\nscan B500")
    ok = [e for e in h.log.named("say") if e["msg"] == "checkout.ok"][-1]
    assert ok["lang"] == "kk" and ok["private"] is True
    assert [s["lang"] for s in ok["segments"]] == ["ru", "kk"]
    assert ok["segments"][0]["text"] == "Носов Н. Приключения Незнайки"
    # the greeting names Әлия in Kazakh: one language, no segments
    greeting = [e for e in h.log.named("say") if e["msg"] == "account.greeting"][-1]
    assert "segments" not in greeting
