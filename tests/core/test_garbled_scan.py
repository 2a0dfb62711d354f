"""A scan the scanner garbled (characters dropped) is never looked up: the patron hears
that it did not work and to scan again, in their language; the session goes on."""

from __future__ import annotations

from tests.core.conftest import names, says


def test_garbled_scan_is_spoken_and_not_looked_up(make, lib):
    h = make(lib)
    h.run("scan R001")
    calls_before = list(lib.calls)
    h.session.scan_garbled()
    assert lib.calls == calls_before
    assert says(h)[-1] == "scanner.scan_again"
    assert names(h, "cue")[-1]["name"] == "error"
    assert h.session.view.screen == "account"
    h.run("scan B001")
    assert len(names(h, "checkout")) == 1


def test_garbled_scan_message_in_every_language(make):
    h = make()
    for lang_key in ("language_ru", "language_en"):
        h.run(f"tap {lang_key}")
        h.session.scan_garbled()
        say = h.log.named("say")[-1]
        assert say["msg"] == "scanner.scan_again" and say["text"] != "scanner.scan_again"
