"""Staff call: tone + speech on press and again when staff answer; an external manager hook."""

from __future__ import annotations

from tests.core.conftest import names, says


def test_call_and_ack(make):
    h = make()
    r = h.run("""
        scan R001
        call
        expect event {"event":"alert","state":"raised"}
        expect event {"event":"cue","name":"attention"}
        expect event {"event":"say","msg":"staff.raised"}
        staff ack
        expect event {"event":"alert","state":"acknowledged"}
        expect event {"event":"cue","name":"attention"}
        expect event {"event":"say","msg":"staff.acknowledged"}
    """)
    assert r.ok, r.failures
    assert h.session.view.alert_state == "acknowledged"


def test_call_button_on_screen_and_by_keys(make):
    h = make()
    h.run("tap call_staff")
    assert h.session.view.alert_state == "raised"
    h.run("call")  # pressing again does not raise a second alert, but answers
    assert len(names(h, "alert")) == 1 and says(h)[-1] == "staff.raised"


def test_external_alert_manager_drives_the_states(make):
    h = make()
    calls = []
    h.session.set_alert_handler(lambda: calls.append("raise"))
    h.run("call")
    assert calls == ["raise"] and names(h, "alert") == []
    h.session.alert_changed("raised")
    h.session.alert_changed("escalated")
    h.session.alert_changed("resolved")
    assert [e["state"] for e in names(h, "alert")] == ["raised", "escalated", "resolved"]
    assert says(h) == ["staff.raised", "staff.escalated", "staff.resolved"]
    assert h.session.view.alert_state is None


def test_alert_survives_the_patron_logging_out(make):
    h = make()
    h.run("scan R001\ncall\nwait 60")
    assert h.session.view.alert_state == "raised" and h.session.view.screen == "attract"
