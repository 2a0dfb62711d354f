"""A returned copy another reader reserved calls staff when [staff] needs_staff names
`reserved` (the same path as a needs-staff refusal), and only then."""

from __future__ import annotations

from kiosk.config import Config
from kiosk.staff.link import StaffLink
from kiosk.tools.harness import Harness
from tests.core.test_returns import waiting_library


def _kiosk(needs_staff: list[str]) -> tuple[Harness, StaffLink]:
    cfg = Config()
    cfg.session.returns = "any"
    cfg.staff.needs_staff = needs_staff
    h = Harness(waiting_library(), cfg)
    link = StaffLink.build(cfg, h.session, h.bus, h.clock,
                           health=lambda: {"scanner": "ok", "printer": "ok", "gateway": "ok"})
    return h, link


def test_a_reserved_return_raises_an_alert_the_patron_hears():
    h, link = _kiosk(["reserved"])
    try:
        r = h.run("""
            scan B400
            expect event {"event":"return","barcode":"B400","reserved":true}
            expect event {"event":"alert","state":"raised"}
            expect event {"event":"say","msg":"staff.raised"}
        """)
        assert r.ok, r.failures
        assert [a.reason for a in link.alerts.history] == ["reserved"]
    finally:
        link.close()


def test_an_ordinary_return_or_no_needs_staff_calls_nobody():
    h, link = _kiosk([])
    try:
        assert h.run("scan B400\nwait 3\nscan B100").ok
        assert not h.log.named("alert") and not link.alerts.history
    finally:
        link.close()
