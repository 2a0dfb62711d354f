"""The inactivity timeout on the one session clock: warning, extensions, dialogs open."""

from __future__ import annotations

import pytest

from tests.core.conftest import names, says


def test_warning_20s_before_then_logout_at_60(make):
    h = make()
    r = h.run("""
        scan R001
        wait 39
        expect no event {"event":"warning"}
        wait 1
        expect event {"event":"warning","remaining_s":20}
        expect event {"event":"say","msg":"timeout.warning"}
        expect screen account
        wait 19
        expect no event {"event":"logout"}
        wait 1
        expect event {"event":"logout","why":"timeout"}
        expect screen attract
    """)
    assert r.ok, r.failures
    warning = names(h, "warning")[0]
    assert warning["t"] == 40.0
    assert names(h, "logout")[0]["t"] == 60.0


def test_warning_is_shown_and_counts_down(make):
    h = make()
    h.run("scan R001\nwait 41")
    assert h.session.view.warning_remaining_s == 19
    h.run("wait 10")
    assert h.session.view.warning_remaining_s == 9
    h.run("key up")
    assert h.session.view.warning_remaining_s is None


def test_one_big_wait_still_warns_and_logs_out_at_exact_times(make):
    h = make()
    h.run("scan R001\nwait 300")
    assert [(e["event"], e["t"]) for e in h.log.events
            if e["event"] in ("warning", "logout")] == [("warning", 40.0), ("logout", 60.0)]


@pytest.mark.parametrize("activity", ["key down", "tap help", "scan B001", "call", "key repeat"])
def test_any_activity_extends_at_least_ten_times(make, activity):
    h = make()
    h.run("scan R001")
    for i in range(12):
        h.run("wait 45")
        assert len(names(h, "warning")) == i + 1
        h.run(activity if activity != "scan B001" else f"scan B00{i % 9 + 1}")
        h.run("key back" if activity == "tap help" else "wait 0")
        assert names(h, "logout") == [], f"logged out after {i} extensions"
    assert h.session.inactivity.extensions >= 10
    h.run("wait 60")
    assert names(h, "logout")[0]["why"] == "timeout"


@pytest.mark.parametrize("dialog", ["tap help", "key help\nkey help", "tap language",
                                    "scan B200", "scan B001"])
def test_timeout_fires_with_a_dialog_open(make, dialog):
    """Koha bug 32921: the timeout did not fire while a dialog was open."""
    h = make(language_screen=True)
    h.run("scan R001\ntap language_en\n" + dialog)
    assert h.session.view.screen in ("help", "language") or h.session.view.notice is not None
    r = h.run("""
        wait 60
        expect event {"event":"logout","why":"timeout"}
        expect screen attract
    """)
    assert r.ok, r.failures
    v = h.session.view
    assert v.notice is None and v.help_layer == 0 and v.lang == "kk"  # defaults again


def test_no_timeout_on_attract(make):
    h = make()
    h.run("wait 600")
    assert names(h, "warning") == [] and names(h, "logout") == []


def test_timeout_waits_for_the_request_in_flight(make):
    from kiosk.core.executor import ManualExecutor

    h = make()
    h.run("scan R001")
    manual = ManualExecutor()
    h.session.executor = manual
    h.run("scan B001\nwait 100")
    assert names(h, "logout") == []  # never in the middle of a loan being written
    manual.run_all()
    h.run("wait 0")
    assert names(h, "checkout") and names(h, "logout")[0]["why"] == "timeout"


def test_timeout_speaks_in_the_patrons_language_then_resets(make):
    h = make()
    h.run("scan R001\ntap language_ru\nwait 60")
    last = names(h, "say")[-1]
    assert last["msg"] == "session.timeout" and last["lang"] == "ru"
    assert h.session.view.lang == "kk"
    assert "timeout.warning" in says(h)


def test_attract_left_changed_returns_to_defaults_for_the_next_patron(make):
    h = make()
    r = h.run("""
        tap language_ru
        tap contrast
        scan B001
        tap help
        wait 59
        expect screen help
        wait 1
        expect screen attract
        expect no event {"event":"say"}
    """)
    assert r.ok, r.failures
    v = h.session.view
    assert (v.lang, v.contrast, v.notice, v.help_layer) == ("kk", False, None, 0)


def test_touch_anywhere_extends_the_session(make):
    h = make()
    h.run("scan R001\nwait 45")
    assert h.session.view.warning_remaining_s == 15
    h.session.touch()
    assert h.session.view.warning_remaining_s is None
    h.run("wait 59")
    assert names(h, "logout") == []
