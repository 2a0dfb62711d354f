"""The main flows through a Session: attract -> account -> checkout/renew -> summary -> attract."""

from __future__ import annotations

from tests.core.conftest import names, says


def test_checkout_flow_to_summary_and_back(make, lib):
    h = make(lib)
    r = h.run("""
        expect screen attract
        scan R001
        expect screen account
        expect event {"event":"login","reader":"R001"}
        scan B001
        expect event {"event":"checkout","barcode":"B001","due":"20261208","ok":true}
        expect event {"event":"cue","name":"success"}
        tap finish
        expect screen summary
        expect event {"event":"logout","why":"user"}
        tap done
        expect screen attract
    """)
    assert r.ok, r.failures
    assert lib.items["B001"].loaned_to == "R001"


def test_account_shows_loans_with_due_and_overdue(make, lib):
    h = make(lib)
    h.session.scan("R005")
    v = h.session.view
    assert v.screen == "account" and v.reader_name == "Late"
    assert [(r.barcode, r.due, r.overdue) for r in v.loans] == [("B101", "20261101", True)]
    assert "loan:B101" in [f.id for f in v.focus]


def test_new_checkout_appears_in_loans_marked_new(make):
    h = make()
    h.run("scan R001\nscan B002")
    rows = {r.barcode: r for r in h.session.view.loans}
    assert rows["B002"].status == "new" and rows["B002"].due == "20261208"
    assert rows["B100"].status == ""
    assert h.session.view.notice.msg == "checkout.ok"


def test_rescanning_own_book_renews_it(make, lib):
    h = make(lib)
    r = h.run("""
        scan R001
        scan B100
        expect event {"event":"renew","barcode":"B100","due":"20261208","ok":true}
        expect no event {"event":"checkout"}
    """)
    assert r.ok, r.failures
    row = next(x for x in h.session.view.loans if x.barcode == "B100")
    assert row.status == "renewed" and row.renewals == 1
    assert lib.items["B100"].renewals == 1


def test_renew_all(make, lib):
    lib.add_item("B500", "Second")
    lib.lend("B500", "R001", "20261130", renewals=2)
    h = make(lib)
    r = h.run("""
        scan R001
        tap renew_all
        expect event {"event":"renew","barcode":"B100","ok":true}
        expect event {"event":"refused","code":"B500","reason":"renew_limit"}
    """)
    assert r.ok, r.failures
    assert h.session.view.notice.msg == "renew_all.done"
    assert "reason.renew_limit" in says(h)


def test_book_on_attract_is_refused_card_first(make):
    h = make()
    r = h.run("""
        scan B001
        expect event {"event":"refused","code":"B001","reason":"card_first"}
        expect screen attract
        expect no event {"event":"checkout"}
    """)
    assert r.ok, r.failures
    assert h.session.view.notice.msg == "reason.card_first"


def test_card_mid_session_logs_out_new_card_and_logs_in_the_other(make):
    h = make()
    h.run("scan R001\nscan B001")
    h.run("scan R002")
    logins = names(h, "login")
    assert [e["reader"] for e in logins] == ["R001", "R002"]
    assert names(h, "logout") == [{"t": 0.0, "event": "logout", "why": "new_card"}]
    v = h.session.view
    assert v.reader_name == "Данияр"
    assert [r.barcode for r in v.loans] == ["B400"]  # nothing of the first reader
    assert v.summary == ()


def test_refused_new_card_mid_session_still_logs_the_first_out(make):
    h = make()
    h.run("scan R001\nscan R003")
    assert names(h, "logout")[0]["why"] == "new_card"
    assert names(h, "refused")[-1]["reason"] == "registration_expired"
    assert h.session.view.screen == "attract" and h.session.view.loans == ()


def test_own_card_again_keeps_the_session(make):
    h = make()
    h.run("scan R001\nwait 3\nscan R001")
    assert names(h, "logout") == [] and h.session.view.screen == "account"
    assert says(h)[-1] == "account.same_card"


def test_unknown_code_in_session_is_a_checkout_attempt(make, lib):
    h = make(lib)
    h.run("scan R001\nscan XYZ")
    assert names(h, "refused")[-1] == {"t": 0.0, "event": "refused", "code": "XYZ",
                                        "reason": "unknown_item"}
    assert "checkout" in lib.calls


def test_summary_lists_what_happened_and_receipt_prints_it(make, lib):
    h = make(lib)
    h.run("scan R001\nscan B001\nwait 3\nscan B100\nscan B200\ntap finish")
    v = h.session.view
    assert v.screen == "summary" and v.receipt_offered
    assert [(s.kind, s.barcode) for s in v.summary] == [
        ("checkout", "B001"), ("renew", "B100"), ("refused", "B200")]
    assert v.reader_name == "" and v.loans == ()
    h.run("tap receipt_yes")
    (printed,) = names(h, "print")
    lines = printed["lines"]
    assert lines[0] == h.session.settings.library_name
    assert "24.11.2026" in lines[1]
    assert any("Book 1" in x and "08.12.2026" in x for x in lines)
    assert any("Already mine" in x and "08.12.2026" in x for x in lines)
    assert any("B200" in x for x in lines)
    assert not any("R001" in x or "Әлия" in x for x in lines)  # no card, no name
    assert h.session.view.receipt_offered is False


def test_receipt_always_prints_without_asking(make):
    h = make(session={"receipt": "always"})
    h.run("scan R001\nscan B001\ntap finish")
    assert len(names(h, "print")) == 1 and not h.session.view.receipt_offered


def test_receipt_never(make):
    h = make(session={"receipt": "never"})
    r = h.run("scan R001\nscan B001\ntap finish\ntap receipt_yes")
    assert r.ok and names(h, "print") == [] and not h.session.view.receipt_offered


def test_summary_returns_to_attract_by_itself(make):
    h = make()
    r = h.run("""
        scan R001
        tap finish
        wait 19
        expect screen summary
        wait 1
        expect screen attract
    """)
    assert r.ok, r.failures
    assert h.session.view == make().session.view  # exactly the view of a fresh kiosk


def test_summary_timeout_is_stamped_at_its_time(make):
    h = make()
    h.run("scan R001\ntap finish\nwait 100")
    screens = names(h, "screen")
    assert screens[-1]["name"] == "attract" and screens[-1]["t"] == 20.0


def test_book_scanned_on_summary_is_card_first(make):
    h = make()
    h.run("scan R001\ntap finish\nscan B001")
    assert names(h, "refused")[-1]["reason"] == "card_first"


def test_card_on_summary_starts_a_new_session(make):
    h = make()
    h.run("scan R001\ntap finish\nscan R002")
    assert h.session.view.screen == "account" and h.session.view.summary == ()


def test_view_listeners_see_every_change(make):
    h = make()
    seen: list[str] = []
    h.session.on_view(lambda v: seen.append(v.screen))
    h.run("scan R001\ntap finish\ntap done")
    assert seen[0] == "account" and "summary" in seen and seen[-1] == "attract"


def test_bench_measures_every_scan(lib):
    from kiosk.tools.bench.session import measure_scans
    from tests.core.conftest import TODAY

    lib.max_items = 100
    result = measure_scans(lib, "R001", ["B001", "B002", "B003"], repeats=3, today=TODAY)
    assert result["n"] == 12 and 0 <= result["median_ms"] <= result["p95_ms"] <= result["max_ms"]
    assert lib.items["B003"].loaned_to == "R001" and lib.items["B003"].renewals == 2
