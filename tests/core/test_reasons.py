"""Every reason code: provoked through a session, refused, shown and spoken in kk, ru, en."""

from __future__ import annotations

import pytest

from kiosk.core.domain import REASONS, Refused
from kiosk.locale import LANGUAGES, catalogue, tr
from tests.core.conftest import names
from tests.core.fakes import demo_library

# reason -> (setup of the library, scenario, the code the refusal names)
CASES: dict[str, tuple[str, str]] = {
    "card_first": ("scan B001", "B001"),
    "unknown_card": ("scan NOSUCH", "NOSUCH"),
    "registration_expired": ("scan R003", "R003"),
    "reader_blocked": ("scan R004", "R004"),
    "overdue_block": ("scan R005\nscan B001", "B001"),
    "unknown_item": ("scan R001\nscan NOSUCH", "NOSUCH"),
    "item_unavailable": ("scan R001\nscan B200", "B200"),
    "on_loan_to_other": ("scan R001\nscan B400", "B400"),
    "loan_limit": ("scan R001\nscan B001\nscan B002", "B002"),
    "renew_limit": ("scan R001\nscan B100\nwait 3\nscan B100\nwait 3\nscan B100", "B100"),
    "reserved": ("scan R001\nscan B300", "B300"),
    "gateway_unavailable": ("scan R001\ngateway down\nscan B001", "B001"),
    "offline_limit": ("scan R001\nscan B009", "B009"),
    "out_of_service": ("scan R001\nscan B009", "B009"),
    "not_on_loan": ("scan B001", "B001"),  # a book drop ([session] returns = "any")
}
CONFIG: dict[str, dict] = {"not_on_loan": {"session": {"returns": "any"}}}
RAISED_BY_OTHER_LAYERS = ("offline_limit", "out_of_service")  # journal


def _library(reason: str):
    lib = demo_library()
    lib.max_items = 2
    if reason in RAISED_BY_OTHER_LAYERS:
        # The journal layer refuses like this (offline cap reached, journal unusable).
        original = lib.checkout

        def checkout(card, barcode, today):
            if barcode == "B009":
                raise Refused(reason, barcode)
            return original(card, barcode, today)

        lib.checkout = checkout  # type: ignore[method-assign]
    return lib


def test_every_reason_has_a_case():
    assert set(CASES) == set(REASONS)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("reason", REASONS)
def test_reason_is_refused_shown_and_spoken(make, reason, lang):
    h = make(_library(reason), **CONFIG.get(reason, {}))
    h.session.lang = lang
    h.session.default_lang = lang
    script, code = CASES[reason]
    r = h.run(script + f'\nexpect event {{"event":"refused","reason":"{reason}","code":"{code}"}}')
    assert r.ok, r.failures
    notice = h.session.view.notice
    assert notice is not None and notice.kind == "refused" and notice.msg == f"reason.{reason}"
    assert names(h, "cue")[-1]["name"] == "error"
    said = names(h, "say")[-1]
    assert said["msg"] == f"reason.{reason}" and said["lang"] == lang
    assert said["text"] == tr(f"reason.{reason}", lang) != f"reason.{reason}"
    assert h.session.view.screen in ("attract", "account")


def test_reason_texts_exist_and_differ_per_language():
    for reason in REASONS:
        texts = [catalogue(lang).get(f"reason.{reason}") for lang in LANGUAGES]
        assert all(texts), reason
        assert len(set(texts)) == 3, reason
        assert all(catalogue(lang).get(f"reason.{reason}.short") for lang in LANGUAGES)


def test_a_broken_gateway_is_gateway_unavailable_not_a_crash(make, lib):
    def broken(card, barcode, today):
        raise ConnectionResetError("peer went away")

    lib.checkout = broken  # type: ignore[method-assign]
    h = make(lib)
    r = h.run('scan R001\nscan B001\nexpect event {"event":"refused","reason":"gateway_unavailable"}')
    assert r.ok, r.failures
    assert h.session.view.screen == "account" and not h.session.view.busy


def test_gateway_down_at_login_then_up_again(make):
    h = make()
    r = h.run("""
        gateway down
        scan R001
        expect event {"event":"refused","reason":"gateway_unavailable"}
        expect screen attract
        gateway up
        wait 3
        scan R001
        expect screen account
    """)
    assert r.ok, r.failures


def test_a_malformed_gateway_answer_is_refused_not_a_crash(make, lib):
    lib.identify = lambda card, today: None  # type: ignore[method-assign]
    h = make(lib)
    r = h.run('scan R001\nexpect event {"event":"refused","reason":"gateway_unavailable"}')
    assert r.ok, r.failures
    assert h.session.view.screen == "attract" and h.session.view.reader_name == ""
