"""The reader record a kiosk just read (identify) or saved (checkout) stands in for a fresh
search in the next checkout. Changes made meanwhile at another kiosk must still decide:
a stale record may neither let a loan through nor refuse one."""

from __future__ import annotations

from kiosk.config import Config
from tests.irbis.test_circulation import TODAY, Library, demo, lib, refused  # noqa: F401 - fixtures


def _one_item() -> Config:
    cfg = Config()
    cfg.loans.max_items = 1
    return cfg


def test_a_loan_made_elsewhere_after_identify_counts(lib: Library) -> None:  # noqa: F811
    here, there = lib.circulation(_one_item()), lib.circulation(_one_item())
    here.identify("100101", TODAY)
    there.checkout("100101", "000010001", TODAY)
    assert refused(here.checkout, "100101", "000010003", TODAY) == "loan_limit"
    assert lib.copy("000010003").startswith("^A0")  # the copy stays on the shelf


def test_a_return_elsewhere_after_identify_frees_the_limit(lib: Library) -> None:  # noqa: F811
    here, there = lib.circulation(_one_item()), lib.circulation(_one_item())
    there.checkout("100101", "000010001", TODAY)
    here.identify("100101", TODAY)  # remembered at the limit
    there.return_item("000010001", TODAY)
    result = here.checkout("100101", "000010003", TODAY)
    assert result.barcode == "000010003"
    loans = [f.get("H") for f in lib.reader("100101").all(40) if f.get("F").startswith("*")]
    assert loans == ["000010003"]


def test_consecutive_checkouts_each_saved_once(lib: Library) -> None:  # noqa: F811
    circ = lib.circulation()
    circ.identify("100101", TODAY)
    for code in ("000010001", "000010003"):
        assert circ.checkout("100101", code, TODAY).barcode == code
    loans = [f.get("H") for f in lib.reader("100101").all(40) if f.get("F").startswith("*")]
    assert loans == ["000010001", "000010003"]
