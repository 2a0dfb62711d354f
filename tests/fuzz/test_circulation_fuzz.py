"""Whatever a scanner types is matched exactly: arbitrary codes (search syntax, quotes,
truncation, prefixes of real numbers) against IrbisCirculation and the real embedded
server with the demo data never identify another reader, never lend another copy, and
leave the databases unchanged when refused."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.config import Config
from kiosk.core.domain import Refused
from kiosk.irbis.gateway import open_gateway
from tests.fuzz.settings import FUZZ_NET
from tests.fuzz.test_server_fuzz import snapshot
from tests.security.demo import demo_readers

TODAY = date(2026, 11, 25)
CARDS, _ = demo_readers()
# what a US-layout scanner can type (hardware.decoder.US_KEYMAP)
TYPABLE = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ !@#$%^&*()-_=+[]{};:'\",.<>/?`~\\|"
TRICKS = ["$", '"', '" + "RI=$', '"+"IN=$', "*", "^", " ", "RI=", "IN=", "H=", "(", ")", "\\"]
real = st.sampled_from(sorted(CARDS) + ["000010001", "000010005", "10060", "000090101", "Г-0101"])
SAME_COPY = {"Г-0101": "000090101"}  # group copy: inventory number -> its barcode (demo README)
codes = st.one_of(
    real,
    st.text(TYPABLE, min_size=1, max_size=20),
    st.builds(lambda r, t, cut: (r[:cut] + t) if cut % 2 else (t + r[cut % len(r):]),
              real, st.sampled_from(TRICKS), st.integers(0, 12)),
    st.builds(lambda r, t: r + t, real, st.sampled_from(TRICKS)),
)


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    cfg = Config()
    cfg.gateway.password = "kiosk1"
    with open_gateway(cfg, today=TODAY, data_dir=tmp_path_factory.mktemp("sim")) as gw:
        yield gw


@FUZZ_NET
@given(codes)
def test_a_card_is_matched_exactly(gateway, code) -> None:
    try:
        reader = gateway.circulation.identify(code, TODAY)
    except Refused as refused:
        assert code not in CARDS or refused.reason in ("registration_expired", "reader_blocked")
        return
    assert reader.card == code and code in CARDS


@FUZZ_NET
@given(codes)
def test_a_book_code_lends_only_that_copy_or_nothing(gateway, code) -> None:
    server = gateway.server
    before = snapshot(server)
    try:
        result = gateway.circulation.checkout("100101", code, TODAY)
    except Refused as refused:
        assert refused.reason in ("unknown_item", "item_unavailable", "on_loan_to_other", "reserved")
        assert snapshot(server) == before
        return
    # only an exact barcode, or the exact inventory number of that copy, lends
    assert result.barcode == SAME_COPY.get(code, code)
    gateway.circulation.return_item(code, TODAY)
