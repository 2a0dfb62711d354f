"""A slow gateway: after about a second the patron hears and sees "one moment", once; the
scans made meanwhile wait in order, and the answer comes as usual."""

from __future__ import annotations

from kiosk.core.executor import ManualExecutor
from tests.core.conftest import names, says


def test_a_slow_answer_says_one_moment_once_then_the_answer(make, lib):
    h = make(lib)
    h.run("scan R001")
    manual = ManualExecutor()
    h.session.executor = manual
    h.run("scan B001\nwait 0.5")
    assert "gateway.slow" not in says(h)
    h.run("wait 0.7\nscan B002\nwait 5")
    assert says(h).count("gateway.slow") == 1  # said once, not repeated while waiting
    v = h.session.view
    assert v.notice.msg == "gateway.slow" and v.busy and v.pending_scans == 1
    manual.run_all()
    assert [e["barcode"] for e in names(h, "checkout")] == ["B001", "B002"]
    assert h.session.view.notice.msg == "checkout.ok"
    assert says(h).count("gateway.slow") == 1


def test_a_quick_answer_never_says_one_moment(make, lib):
    h = make(lib)
    h.run("scan R001\nscan B001\nwait 3\nscan B002\nwait 3")
    assert "gateway.slow" not in says(h)
