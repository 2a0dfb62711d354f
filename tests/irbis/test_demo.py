"""The demo databases: size, consistency between loans and copies, the documented
situations, and re-dating for another day."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from kiosk.config import LoansSection
from kiosk.core.domain import parse_ymd
from kiosk.irbis import reservations, rules
from kiosk.irbis.gateway import DEMO_ANCHOR, DEMO_DIR, write_demo
from kiosk.irbis.plaintext import format_plaintext, parse_plaintext
from kiosk.irbis.record import GUID_TAG, Record


def load(db: str, folder: Path = DEMO_DIR) -> list[Record]:
    return parse_plaintext((folder / f"{db}.txt").read_text(encoding="utf-8"))


RDR, IBIS, RQST = load("RDR"), load("IBIS"), load("RQST")
COPIES = [f for rec in IBIS for f in rec.all(910)]


def test_sizes_and_languages() -> None:
    assert len(RDR) >= 30
    assert len(COPIES) >= 200
    titles = {rec.fm(200, "A") for rec in IBIS}
    for title in ("Қара сөздер", "Менің атым Қожа", "Гарри Поттер және пәлсапа тасы", "Ұшқан ұя",
                  "Приключения Незнайки и его друзей", "Сказка о царе Салтане", "Доктор Айболит"):
        assert title in titles
    statuses = Counter(rules.status(f) for f in COPIES)
    for st in ("0", "1", "2", "3", "4", "5", "6", "9", "U", "C"):
        assert statuses[st] >= 1, st


@pytest.mark.parametrize("db", ["RDR", "IBIS", "RQST"])
def test_files_round_trip_and_start_with_guid(db: str) -> None:
    text = (DEMO_DIR / f"{db}.txt").read_text(encoding="utf-8")
    records = parse_plaintext(text)
    assert format_plaintext(records) == text
    assert all(rec.fields[0].tag == GUID_TAG for rec in records)
    guids = [rec.fields[0].value for rec in records]
    assert len(set(guids)) == len(guids)


def test_codes_have_their_shapes_and_never_collide() -> None:
    cards = [rules.card_of(r) for r in RDR]
    barcodes = [f.get("H") for f in COPIES if f.get("H")]
    inventory = [f.get("B") for f in COPIES]
    assert all(re.fullmatch(r"\d{6}", c) for c in cards)
    assert all(re.fullmatch(r"\d{9}", b) for b in barcodes)
    everything = cards + barcodes + inventory
    assert len(set(everything)) == len(everything)


def test_every_issued_copy_is_on_exactly_one_readers_loans() -> None:
    open_loans = Counter(rules.loan_code(f) for r in RDR for f in rules.open_loans(r))
    for copy in COPIES:
        code = copy.get("H") or copy.get("B")
        st = rules.status(copy)
        if st in rules.GROUP_STATUSES:
            assert open_loans[code] == int(copy.get("2")), code
        else:
            assert open_loans[code] == (1 if st == rules.ISSUED else 0), code


def test_loans_describe_their_copies_as_a_workstation_writes_them() -> None:
    for reader in RDR:
        for loan in [f for f in reader.all(40) if rules.is_loan(f)]:
            copy = rules.find_copy(IBIS, loan.get("H"))
            assert copy is not None
            assert loan.get("G") == "IBIS"
            assert loan.get("A") == copy.record.fm(903)
            assert loan.get("B") == copy.field.get("B")
            assert loan.get("C") == rules.brief(copy.record)
            assert [s.code for s in loan.subfields][:9] == list("GABHKD1EF")


def test_requests_name_real_copies_and_real_readers() -> None:
    cards = {rules.card_of(r) for r in RDR}
    for req in RQST:
        assert rules.card_of(req) in cards
        assert rules.find_copy(IBIS, req.fm(910, "H")) is not None
        assert req.fm(1) == "IBIS" and req.fm(40) and req.fm(201) and req.fm(903)


def test_requests_are_in_irbis_layout_and_match_the_shelf() -> None:
    """Status from 40/41/43/44 as IRBIS's I= index; every reserve-shelf copy is held by
    exactly one reserved request; nothing marks a request in field 44 but a refusal."""
    statuses = Counter(reservations.request_status(r) for r in RQST)
    assert statuses == Counter({"0": 2, "1": 1, "2": 3, "3": 1})
    for req in RQST:
        for f in req.all(44):
            assert f.get("A") and parse_ymd(f.get("B")), f.text()
    shelf = {f.get("H") for f in COPIES if rules.status(f) == rules.RESERVE_SHELF}
    reserved = [reservations.request_copy_code(r) for r in RQST if reservations.request_status(r) == "2"]
    assert sorted(reserved) == sorted(shelf)


def test_readme_lists_every_reader_and_only_real_codes() -> None:
    readme = (DEMO_DIR / "README.md").read_text(encoding="utf-8")
    cards = {rules.card_of(r) for r in RDR}
    codes = {f.get("H") for f in COPIES} | {f.get("B") for f in COPIES}
    mentioned = set(re.findall(r"\b\d{6}\b", readme)) | set(re.findall(r"\b\d{9}\b", readme))
    ranges = re.findall(r"\b(\d{6})–(\d{6})\b", readme)
    covered = {str(n) for a, b in ranges for n in range(int(a), int(b) + 1)}
    assert cards <= mentioned | covered
    assert mentioned - {"100999", "999999999"} <= cards | codes


# ---------------------------------------------------------------- situations on any day

CFG = LoansSection()


def situations(records: list[Record], today: date) -> dict[str, str | None]:
    by_card = {rules.card_of(r): r for r in records}

    def login(card: str) -> str | None:
        return rules.identify_refusal(by_card[card], today, CFG, "КИОСК1")

    def lend(card: str) -> str | None:
        return login(card) or rules.checkout_refusal(by_card[card], today, CFG)

    return {
        "100101 checkout": lend("100101"),
        "100102 checkout": lend("100102"),
        "100103 checkout": lend("100103"),
        "100104 login": login("100104"),
        "100105 checkout": lend("100105"),
        "100107 login": login("100107"),
        "100110 due today": str(
            [rules.is_overdue(f, today) or parse_ymd(f.get("E")) == today for f in rules.open_loans(by_card["100110"])]
        ),
        "100112 checkout": lend("100112"),
        "100113 checkout": lend("100113"),
        "100120 login": login("100120"),
        "100131 login": login("100131"),
    }


EXPECTED = {
    "100101 checkout": None,
    "100102 checkout": None,
    "100103 checkout": "overdue_block",
    "100104 login": "registration_expired",
    "100105 checkout": "loan_limit",
    "100107 login": "reader_blocked",
    "100110 due today": "[True]",
    "100112 checkout": "overdue_block",
    "100113 checkout": None,
    "100120 login": None,
    "100131 login": "registration_expired",
}


@pytest.mark.parametrize(
    "today",
    [DEMO_ANCHOR, date(2027, 1, 5), date(2027, 3, 10), date(2026, 2, 1), date(2028, 2, 29), date(2031, 7, 1)],
)
def test_demo_situations_hold_on_any_day(tmp_path: Path, today: date) -> None:
    write_demo(tmp_path, today)
    readers = load("RDR", tmp_path)
    assert situations(readers, today) == EXPECTED
    # the copies are untouched; only dates move (IBIS carries none)
    assert (tmp_path / "IBIS.txt").read_text(encoding="utf-8") == (DEMO_DIR / "IBIS.txt").read_text(encoding="utf-8")
    for req in load("RQST", tmp_path):
        assert parse_ymd(req.fm(40)) <= today
        assert [reservations.request_status(r) for r in load("RQST", tmp_path)] == [reservations.request_status(r) for r in RQST]


def test_anchor_day_copies_files_unchanged(tmp_path: Path) -> None:
    write_demo(tmp_path, DEMO_ANCHOR)
    for db in ("RDR", "IBIS", "RQST"):
        assert (tmp_path / f"{db}.txt").read_bytes() == (DEMO_DIR / f"{db}.txt").read_bytes()
