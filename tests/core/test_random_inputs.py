"""Random input sequences: the session never crashes and keeps its promises."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.core.navigation import KEYS
from kiosk.core.view import SCREENS
from kiosk.tools.harness import Harness
from tests.core.conftest import TODAY
from tests.core.fakes import demo_library

CODES = ["R001", "R002", "R003", "R005", "B001", "B002", "B100", "B200", "B400", "??", "B300"]
TAPS = ["finish", "renew_all", "receipt_yes", "receipt_no", "done", "help", "back", "contrast",
        "call_staff", "language_ru", "language_en", "language", "loan:B100", "loan:B001", "x"]

command = st.one_of(
    st.sampled_from(CODES).map(lambda c: f"scan {c}"),
    st.sampled_from(KEYS).map(lambda k: f"key {k}"),
    st.sampled_from(TAPS).map(lambda t: f"tap {t}"),
    st.sampled_from(["call", "staff ack", "headphones in", "headphones out", "gateway down",
                     "gateway up"]),
    st.sampled_from([0.5, 2.5, 15, 45]).map(lambda s: f"wait {s}"),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(command, max_size=40))
def test_random_sequences_keep_the_promises(commands):
    h = Harness(demo_library(), today=TODAY)
    h.session.offer_language_screen = True
    headphones = False
    for line in commands:
        before = len(h.log.events)
        assert h.run(line).ok
        if line.startswith("headphones"):
            headphones = line.endswith("in")
        v = h.session.view
        assert v.screen in SCREENS
        assert -1 <= v.focus_index < len(v.focus)
        assert not v.busy and v.pending_scans == 0
        for e in h.log.events[before:]:
            if e["event"] == "say":
                assert e["text"] and e["text"] != e["msg"], e
                assert not (e["private"] and not headphones), e
                if not headphones:
                    assert "Әлия" not in e["text"] and "Данияр" not in e["text"]
    h.run("gateway up\nwait 200")
    v = h.session.view
    assert v.screen == "attract" and v.reader_name == "" and v.loans == () and v.summary == ()
    assert v.lang == "kk" and not v.contrast
