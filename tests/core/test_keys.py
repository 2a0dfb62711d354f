"""EZ-Access navigation: everything by up/down/select, edges, help layers, back, repeat,
language, volume, contrast."""

from __future__ import annotations

import pytest

from kiosk.tools.harness import Harness
from tests.core.conftest import names, says


def focus_to(h: Harness, widget_id: str) -> None:
    for direction in ("down", "up"):
        for _ in range(30):
            if h.session.view.focused and h.session.view.focused.id == widget_id:
                return
            h.session.key(direction)
    raise AssertionError(f"{widget_id} not reachable with up/down on {h.session.view.screen}")


@pytest.mark.parametrize("presses,lang", [(0, "kk"), (1, "ru"), (2, "en")])
def test_keys_only_checkout_renew_finish_receipt(make, lib, presses, lang):
    h = make(lib)
    r = h.run("key language\n" * presses + """
        scan R001
        scan B001
        expect event {"event":"checkout","barcode":"B001"}
        key down
        expect event {"event":"say","msg":"focus.finish"}
        expect event {"event":"cue","name":"move"}
        key down
        key down
        key down
        expect event {"event":"say","msg":"focus.loan.public"}
        key select
        expect event {"event":"renew","barcode":"B100","ok":true}
        key up
        key up
        key up
        key select
        expect screen summary
        key down
        expect event {"event":"say","msg":"focus.receipt_yes"}
        key select
        expect event {"event":"print"}
        key select
        expect screen attract
    """)
    assert r.ok, r.failures
    assert [f.id for f in h.session.view.focus][0] == "help"
    spoken = [e for e in names(h, "say") if e["t"] == 0 and e["msg"] != "language.current"]
    assert {e["lang"] for e in spoken} == {lang}
    assert all(e["text"] and e["text"] != e["msg"] for e in spoken)


def test_focus_speech_matches_the_focused_item(make):
    h = make()
    h.run("headphones in\nscan R001")
    for _ in range(len(h.session.view.focus)):
        h.session.key("down")
        focused = h.session.view.focused
        said = names(h, "say")[-1]
        assert said["msg"] == focused.msg
        assert said["private"] == focused.private


def test_edge_cue_and_escalating_hint(make):
    h = make()
    h.run("key up\nkey up\nkey up\nkey up\nkey up")
    assert h.session.view.focused.id == "help"
    assert says(h)[-4:] == ["edge.top.1", "edge.top.2", "edge.top.3", "edge.top.3"]
    assert [c["name"] for c in names(h, "cue")][-4:] == ["edge"] * 4
    n = len(h.session.view.focus)
    for _ in range(n - 1):
        h.session.key("down")
    h.run("key down\nkey down")
    assert says(h)[-2:] == ["edge.bottom.1", "edge.bottom.2"]
    h.run("key up\nkey down\nkey down")  # moving away resets the escalation
    assert says(h)[-1] == "edge.bottom.1"


def test_select_with_nothing_focused_says_how(make):
    h = make()
    h.run("key select")
    assert says(h) == ["nav.nothing_focused"]


def test_help_layers_and_back_leaves_help(make):
    h = make()
    r = h.run("""
        scan R001
        key help
        expect screen help
        expect event {"event":"say","msg":"help.account.1"}
        key help
        expect event {"event":"say","msg":"help.account.2"}
        key help
        key help
        expect event {"event":"say","msg":"help.account.1"}
        key back
        expect screen account
    """)
    assert r.ok, r.failures
    assert h.session.view.help_layer == 0


def test_help_screen_is_usable_by_select_alone(make):
    h = make()
    h.run("tap help")
    focus_to(h, "help")
    h.run("key select")
    assert h.session.view.help_layer == 2 and says(h)[-1] == "help.attract.2"
    focus_to(h, "back")
    h.run("key select")
    assert h.session.view.screen == "attract"


@pytest.mark.parametrize("start", ["", "scan R001\n", "scan R001\ntap finish\n"])
def test_back_is_never_a_trap(make, start):
    h = make(language_screen=True)
    h.run(start + "tap language")
    assert h.session.view.screen == "language"
    for _ in range(4):
        h.session.key("back")
    assert h.session.view.screen == "attract"


def test_back_on_account_closes_the_notice_first_then_finishes(make):
    h = make()
    h.run("scan R001\nscan B200\nkey back")
    assert h.session.view.notice is None and h.session.view.screen == "account"
    h.run("key back")
    assert h.session.view.screen == "summary"


def test_repeat_says_the_last_utterance_again_in_the_current_language(make):
    h = make()
    h.run("scan R001\nscan B200")
    h.run("key repeat")
    assert says(h)[-2:] == ["reason.item_unavailable", "reason.item_unavailable"]
    h.run("key language\nkey repeat")
    last = names(h, "say")[-1]
    assert last["msg"] == "language.current" and last["lang"] == "ru"


def test_language_key_cycles_and_speaks_in_the_new_language(make):
    h = make()
    langs = []
    for _ in range(3):
        h.session.key("language")
        said = names(h, "say")[-1]
        assert said["msg"] == "language.current"
        langs.append((h.session.view.lang, said["lang"]))
    assert langs == [("ru", "ru"), ("en", "en"), ("kk", "kk")]


def test_language_buttons_and_screen(make):
    h = make(language_screen=True)
    h.run("scan R001\ntap language_en")
    assert h.session.view.lang == "en"
    h.run("tap language")
    assert h.session.view.screen == "language"
    focus_to(h, "language_ru")
    h.run("key select")
    assert h.session.view.lang == "ru" and h.session.view.screen == "account"
    h.run("tap language\nkey back")
    assert h.session.view.lang == "ru" and h.session.view.screen == "account"


def test_volume_steps_never_zero_and_reset_after_the_session(make):
    h = make()
    h.run("scan R001")
    for _ in range(6):
        h.session.key("volume_up")
    assert [e["level"] for e in names(h, "volume")] == [7, 8, 9, 10]
    assert says(h)[-4:] == ["volume.louder", "volume.loudest", "volume.loudest", "volume.loudest"]
    for _ in range(15):
        h.session.key("volume_down")
    levels = [e["level"] for e in names(h, "volume")]
    assert min(levels) == 1 and says(h)[-1] == "volume.quietest"
    h.run("tap finish\ntap done")
    assert names(h, "volume")[-1]["level"] == 6


def test_contrast_by_keys(make):
    h = make()
    focus_to(h, "contrast")
    h.run("key select")
    assert h.session.view.contrast and says(h)[-1] == "contrast.on"
    h.run("key select")
    assert not h.session.view.contrast


def test_taps_not_on_the_screen_are_ignored(make, lib):
    h = make(lib)
    h.run("tap finish\ntap receipt_yes\ntap loan:B100\ntap nonsense\ntap renew_all")
    assert h.log.events == [{"t": 0.0, "event": "screen", "name": "attract"}]
    h.run("scan R001\ntap done\ntap receipt_yes")
    assert h.session.view.screen == "account" and names(h, "print") == []


def _states():
    return {
        "attract": "",
        "account": "scan R001\nscan B001",
        "summary": "scan R001\nscan B001\ntap finish",
        "help": "scan R001\ntap help",
        "language": "scan R001\ntap language",
    }


@pytest.mark.parametrize("screen", list(_states()))
def test_every_item_of_every_screen_is_reachable_and_does_something(make, screen):
    """Checklist 1: every function works from the keys alone."""
    probe = make(language_screen=True)
    probe.run(_states()[screen])
    ids = [f.id for f in probe.session.view.focus]
    assert ids
    for widget_id in ids:
        h = make(language_screen=True)
        h.run(_states()[screen])
        focus_to(h, widget_id)
        before = len(h.log.events)
        h.run("key select")
        assert len(h.log.events) > before, f"select on {widget_id} did nothing"


def test_language_screen_opener_is_offered_only_when_the_ui_draws_it(make):
    h = make()
    h.run("scan R001")
    assert "language" not in [f.id for f in h.session.view.focus]
    h.run("tap language")
    assert h.session.view.screen == "account"
    h.session.offer_language_screen = True
    h.run("tap language")
    assert h.session.view.screen == "language"


@pytest.mark.parametrize("choice,first", [("receipt_yes", "receipt.printing"),
                                          ("receipt_no", "receipt.none")])
def test_after_the_receipt_choice_the_focus_moves_to_done_and_says_so(make, lib, choice, first):
    # the chosen button disappears; the patron must hear where the focus went (item 6)
    h = make(lib)
    h.run("scan R001\nscan B001\nkey down\nkey select")
    focus_to(h, choice)
    before = len(says(h))
    h.session.key("select")
    assert h.session.view.focused is not None and h.session.view.focused.id == "done"
    assert says(h)[before:] == [first, "focus.done"]
    h.session.key("select")
    assert h.session.view.screen == "attract"


def test_summary_names_a_refused_unnamed_book_by_its_place_not_its_digits(make, lib):
    # R005 has an overdue loan: B001 is refused before it is looked up, so it has no title
    h = make(lib)
    h.run("headphones in\nscan R005\nscan B001\nscan B002\nkey back\nkey back")
    assert h.session.view.screen == "summary"
    said = [e for e in names(h, "say") if e["msg"].startswith("summary.refused")]
    assert [e["msg"] for e in said] == ["summary.refused.public"] * 2
    assert not any("B00" in e["text"] for e in names(h, "say"))
