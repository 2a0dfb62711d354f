"""Random sessions against the real thing: the core session, IrbisCirculation and the
embedded IRBIS server with the demo data, driven by random scans (real cards and
barcodes, garbage), taps, keys, waits and a link that goes down and up.

Afterwards the server is read with cbsvibpyirbis, an independent client: every copy's
910^A agrees with the readers' field 40, nobody holds a copy twice, and every checkout
the patron was shown is on that patron's record."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.config import Config
from kiosk.irbis.gateway import open_gateway
from kiosk.tools.harness import Harness
from tests.fuzz.settings import EXAMPLES, FUZZ
from tests.journal.consistency import check

TODAY = date(2026, 11, 25)
GROUP_COPIES = ("000090101", "000090102")  # group records: one barcode, several copies
CARDS = ["100101", "100102", "100103", "100105", "100107", "100109", "100110", "100113", "100122", "100999"]
BOOKS = ["000010001", "000010002", "000010005", "000010012", "000010030", "000010040", "000010070",
         "000010110", "000010115", "000010150", "000010020", "999999999", "00001000"]

command = st.one_of(
    st.sampled_from(CARDS + BOOKS).map(lambda c: f"scan {c}"),
    st.sampled_from(BOOKS).map(lambda c: f"scan {c}"),
    st.sampled_from(["tap finish", "tap done", "tap renew_all", "tap receipt_no", "key back",
                     "key select", "key down", "wait 3", "wait 40", "wait 200", "gateway down",
                     "gateway up", "call", "staff ack"]),
)


@settings(FUZZ, max_examples=max(8, EXAMPLES // 15))
@given(st.sampled_from(CARDS), st.lists(command, min_size=1, max_size=25))
def test_random_sessions_keep_copies_and_loans_in_agreement(tmp_path_factory, first, rest) -> None:
    commands = [f"scan {first}", *rest]
    cfg = Config()
    cfg.gateway.password = "kiosk1"
    with open_gateway(cfg, today=TODAY, data_dir=tmp_path_factory.mktemp("sim")) as gw:
        result = Harness(gw.circulation, cfg, today=TODAY).run("\n".join(commands + ["gateway up"]),
                                                               stop_on_failure=False)
        server = gw.server
        loans, problems = check(server.host, server.tcp_port)
    assert [x for x in problems if not x.startswith(GROUP_COPIES)] == []
    card = None
    for event in result.events:
        if event["event"] == "login":
            card = event["reader"]
        elif event["event"] == "checkout" and event.get("ok", True):
            assert loans.get(event["barcode"]) == card, (event, card)
