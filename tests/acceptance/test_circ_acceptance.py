"""Issue 2, "What I will check": `kiosk circ` against `kiosk sim` loaded with unseen records,
over the Web-IRBIS HTTP tunnel and over tcp://, then the records read back by cbsvibpyirbis
over TCP, field by field (field 40 and 910 layout of irbis.md, GUID first, unknown fields kept).

Every `kiosk circ` call is a subprocess; to stay fast the calls run up front in waves of
parallel calls (each wave only after the one before it), with the records read back by
cbsvibpyirbis after every wave. The tests then judge the answers and the snapshots. Each
reader and copy has one job (tests/acceptance/data), so calls in one wave never depend on
each other.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from tests.acceptance.conftest import (
    GUID_TAG,
    TODAY,
    Answer,
    Peer,
    Sim,
    circ,
    source,
    sub,
    subfields,
)

DUE = "20261209"  # TODAY + period_days (14)
LOAN_CODES = ["G", "A", "B", "H", "K", "D", "1", "E", "F", "V", "I", "C"]
UNREACHABLE_HTTP = "http://127.0.0.1:9/cgi-bin/irbis64r/WebToIrbisServer.exe"
UNREACHABLE_TCP = "tcp://127.0.0.1:9"
SECRET = "Wr0ngSecret!"

# every refusal reachable with the data: (action args, reason)
REFUSALS = [
    (("checkout", "799999", "790008"), "unknown_card"),
    (("checkout", "700002", "790008"), "registration_expired"),  # field 52 of 2025 only
    (("checkout", "700003", "790008"), "reader_blocked"),
    (("checkout", "700004", "790008"), "overdue_block"),
    (("checkout", "710002", "99999"), "unknown_item"),
    (("checkout", "710002", "790001"), "item_unavailable"),  # 910^A 5
    (("checkout", "710002", "780078"), "item_unavailable"),  # group C, ^1 2 ^2 2
    (("checkout", "710002", "790004"), "on_loan_to_other"),
    (("checkout", "700005", "790008"), "loan_limit"),
    (("renew", "700006", "460001"), "renew_limit"),
    (("renew", "700006", "460002"), "reserved"),  # RQST by 700001
    (("checkout", "710002", "790003"), "reserved"),  # reserve shelf, held for 700001
    (("checkout", "710002", "900001"), "reserved"),  # available, requested by 700006
    (("checkout", "710002", "790012"), "reserved"),  # reserve shelf, held for 700009
    (("loans", "799999"), "unknown_card"),
    (("checkout", "700001", "1234"), "unknown_item"),  # prefix of 12345, 123456, 1234567
    (("checkout", "700001", "12345678"), "unknown_item"),  # extension of 1234567
    (("loans", "70000"), "unknown_card"),  # prefix of card 700001
    (("loans", "7000012"), "unknown_card"),
]
RACERS = ["700008", "7000011", "700009", "700010"]  # all want 790013 at once

# (gateway, password, args) per call; a call's name is its key
WAVES: list[dict[str, tuple[str, str, tuple[str, ...]]]] = [
    {
        "co_http": ("http", "", ("checkout", "700001", "12345")),
        "co_lower": ("http", "", ("checkout", "700008", "1234567")),
        "co_inventory": ("tcp", "", ("checkout", "710002", "550004")),
        "co_group": ("http", "", ("checkout", "710002", "770077")),
        "renew": ("tcp", "", ("renew", "700006", "460003")),
        "renew_all": ("http", "", ("renew", "700007", "all")),
        "co_return": ("http", "", ("checkout", "700008", "790007")),
        "ret_blocked": ("tcp", "", ("return", "790009")),
        "loans_nof": ("http", "", ("loans", "700009")),
        "loans_overdue": ("tcp", "", ("loans", "700004")),
        "co_noguid": ("http", "", ("checkout", "700010", "790006")),
        "lost": ("http", "", ("checkout", "710002", "790002")),
        "down_http": ("unreachable_http", "", ("checkout", "710002", "790008")),
        "down_tcp": ("unreachable_tcp", "", ("checkout", "710002", "790008")),
        "badpw_http": ("http", SECRET, ("loans", "700001")),
        "badpw_tcp": ("tcp", SECRET, ("loans", "700001")),
        "usage": ("http", "", ("checkout", "700001")),
        **{f"refusal{i}": ("http", "", args) for i, (args, _) in enumerate(REFUSALS)},
    },
    {
        "co_tcp": ("tcp", "", ("checkout", "7000011", "123456")),
        "ret_inventory": ("http", "", ("return", "550004")),
        "ret_group": ("tcp", "", ("return", "770077")),
        "ret": ("http", "", ("return", "790007")),
        "ret_lower": ("tcp", "", ("return", "1234567")),
        "co_history": ("tcp", "", ("checkout", "700001", "550009")),
        "co_reserve": ("http", "", ("checkout", "700009", "790012")),
        "renew_lower": ("http", "", ("renew", "700009", "790011")),
        "loans_renewed": ("http", "", ("loans", "700006")),
    },
    {
        "ret_history": ("http", "", ("return", "550009")),
        "ret_again": ("http", "", ("return", "790007")),
        "ret_nof": ("http", "", ("return", "790010")),
        "loans_returned": ("tcp", "", ("loans", "700008")),
        "loans_other": ("tcp", "", ("loans", "7000011")),
        **{f"race_{c}": ("http", "", ("checkout", c, "790013")) for c in RACERS},
    },
]
READS = [("RDR", c) for c in ("700001", "7000011", "700003", "700006", "700007", "700008", "700009",
                              "700010", "710002")] + \
        [("IBIS", c) for c in ("12345", "770077", "790013", "790008", "900001", "790003", "790012")] + \
        [("RQST", "790012")]


@dataclass
class Done:
    answers: dict[str, Answer]
    snaps: list[dict[tuple[str, str], list[tuple[int, str]]]]  # after each wave

    def __getitem__(self, name: str) -> Answer:
        return self.answers[name]

    def rec(self, wave: int, db: str, key: str) -> list[tuple[int, str]]:
        return self.snaps[wave][(db, key)]


def read_all(peer: Peer) -> dict[tuple[str, str], list[tuple[int, str]]]:
    out = {}
    for db, key in READS:
        query = f'"RI={key}"' if db == "RDR" else f'"H={key}"' if db == "RQST" else f'"IN={key}"'
        out[(db, key)] = peer.one(db, query)
    return out


@pytest.fixture(scope="module")
def done(sim: Sim, peer: Peer) -> Done:
    urls = {"http": sim.http_url, "tcp": sim.tcp_url, "unreachable_http": UNREACHABLE_HTTP,
            "unreachable_tcp": UNREACHABLE_TCP}
    answers: dict[str, Answer] = {}
    snaps = [read_all(peer)]
    with ThreadPoolExecutor(6) as pool:
        for wave in WAVES:
            calls = [(name, *spec) for name, spec in wave.items()]
            results = pool.map(lambda c: circ(urls[c[1]], *c[3], **({"password": c[2]} if c[2] else {})), calls)
            answers.update(zip(wave, results, strict=True))
            snaps.append(read_all(peer))
    return Done(answers, snaps)


def unchanged_except(before: list[tuple[int, str]], after: list[tuple[int, str]], changed: set[int]) -> None:
    """Every field kept, in order and byte for byte, except the positions in `changed`."""
    assert len(after) >= len(before)
    for i, (old, new) in enumerate(zip(before, after, strict=False)):
        if i not in changed:
            assert new == old, f"field #{i} changed: {old!r} -> {new!r}"


def copy_field(fields: list[tuple[int, str]], code: str) -> tuple[int, str]:
    hits = [(i, text) for i, (tag, text) in enumerate(fields)
            if tag == 910 and (sub(text, "H") == code or (not sub(text, "H") and sub(text, "B") == code))]
    assert len(hits) == 1, hits
    return hits[0]


def open_loans(fields: list[tuple[int, str]], code: str) -> list[str]:
    return [text for tag, text in fields if tag == 40 and sub(text, "H") == code and sub(text, "F").startswith("*")]



def check_new_loan(reader: list[tuple[int, str]], card: str, code: str, inventory: str) -> None:
    before = source("RDR", 30, card)
    assert reader[0] == before[0] and reader[0][0] == GUID_TAG
    unchanged_except(before, reader, set())
    assert len(reader) == len(before) + 1
    tag, loan = reader[-1]
    assert tag == 40 and not loan.split("^")[0]
    assert [c for c, _ in subfields(loan)] == LOAN_CODES
    got = dict(subfields(loan))
    assert re.fullmatch(r"\d{6}", got.pop("1"))
    assert got == {"G": "IBIS", "A": "84(5Каз)/Ә79", "B": inventory, "H": code, "K": "АБ", "D": TODAY,
                   "E": DUE, "F": "******", "V": "КИОСК1", "I": "kiosk1", "C": "Әуезов М. Көксерек"}


def test_checkout_over_http_tunnel(done: Done) -> None:
    answer = done["co_http"]
    assert answer.rc == 0 and answer.out == {"ok": True, "barcode": "12345", "title": "Әуезов М. Көксерек",
                                             "due": DUE, "renewed": False}, answer
    check_new_loan(done.rec(1, "RDR", "700001"), "700001", "12345", "550001")
    book, original = done.rec(1, "IBIS", "12345"), source("IBIS", 910, "12345")
    assert book[0] == original[0] and len(book) == len(original)
    i, copy = copy_field(book, "12345")
    assert copy == original[i][1].replace("^A0", "^A1", 1)
    # exact match: 123456 and 1234567 share the prefix; only co_lower touched 1234567
    assert copy_field(book, "123456")[1] == copy_field(original, "123456")[1]
    unchanged_except(original, book, {i, copy_field(book, "1234567")[0], copy_field(book, "550004")[0]})
    assert [t for t, _ in book] == [t for t, _ in original]  # 907, 920, 999 kept in place


def test_checkout_over_tcp(done: Done) -> None:
    answer = done["co_tcp"]
    assert answer.rc == 0 and answer.out["due"] == DUE and answer.out["barcode"] == "123456", answer
    check_new_loan(done.rec(2, "RDR", "7000011"), "7000011", "123456", "550002")
    book = done.rec(2, "IBIS", "12345")
    assert sub(copy_field(book, "123456")[1], "A") == "1" and sub(copy_field(book, "12345")[1], "A") == "1"
    assert [x["barcode"] for x in done["loans_other"].out["loans"]] == ["123456"]  # not 700001's


def test_prefix_codes_never_match(done: Done) -> None:
    for i, (args, reason) in enumerate(REFUSALS):
        if args[-1] in ("1234", "12345678", "70000", "7000012"):
            assert (done[f"refusal{i}"].rc, done[f"refusal{i}"].out) == (3, {"ok": False, "reason": reason})


def test_lower_case_copy_gets_one_status(done: Done) -> None:
    """910 written with lower-case codes (^a0^b...^h...): one status subfield, issued then free."""
    assert done["co_lower"].rc == 0, done["co_lower"]
    for wave, status in ((1, "1"), (2, "0")):
        _, copy = copy_field(done.rec(wave, "IBIS", "12345"), "1234567")
        codes = [c for c, _ in subfields(copy)]
        assert codes.count("A") == 1 and sub(copy, "A") == status, copy
        assert sub(copy, "B") == "550003" and sub(copy, "D") == "АБ"
    assert done["ret_lower"].rc == 0, done["ret_lower"]


def test_copy_known_only_by_inventory_number(done: Done) -> None:
    assert done["co_inventory"].rc == 0 and done["co_inventory"].out["due"] == DUE, done["co_inventory"]
    loan = next(t for tag, t in done.rec(1, "RDR", "710002") if tag == 40 and sub(t, "B") == "550004")
    assert sub(loan, "K") == "ЧЗ" and sub(loan, "F") == "******"
    assert sub(copy_field(done.rec(1, "IBIS", "12345"), "550004")[1], "A") == "1"
    assert done["ret_inventory"].rc == 0 and done["ret_inventory"].out["ok"] is True
    assert sub(copy_field(done.rec(2, "IBIS", "12345"), "550004")[1], "A") == "0"
    loan = next(t for tag, t in done.rec(2, "RDR", "710002") if tag == 40 and sub(t, "B") == "550004")
    assert sub(loan, "F") == TODAY


def test_group_copy_counts_issued(done: Done) -> None:
    assert done["co_group"].rc == 0, done["co_group"]
    original = source("IBIS", 910, "770077")
    book = done.rec(1, "IBIS", "770077")
    i, copy = copy_field(book, "770077")
    assert dict(subfields(copy)) == {"A": "U", "B": "770077", "D": "АБ", "1": "5", "2": "2"}
    unchanged_except(original, book, {i})
    # co_inventory wrote the same reader record in the same wave: both loans must be there
    loans = [t for tag, t in done.rec(1, "RDR", "710002") if tag == 40 and sub(t, "B") in ("770077", "550004")]
    assert len(loans) == 2 and all(sub(t, "F") == "******" for t in loans), loans
    assert done["ret_group"].rc == 0, done["ret_group"]
    _, copy = copy_field(done.rec(2, "IBIS", "770077"), "770077")
    assert sub(copy, "2") == "1" and sub(copy, "A") == "U"


def test_renew_writes_e_l_4(done: Done) -> None:
    assert done["renew"].rc == 0 and done["renew"].out["due"] == DUE, done["renew"]
    before, after = source("RDR", 30, "700006"), done.rec(1, "RDR", "700006")
    i = next(k for k, (tag, t) in enumerate(after) if tag == 40 and sub(t, "H") == "460003")
    unchanged_except(before, after, {i})
    assert len(after) == len(before) and after[-1] == (920, "tail-field") and after[0][0] == GUID_TAG
    old, new = dict(subfields(before[i][1])), dict(subfields(after[i][1]))
    assert new.pop("E") == DUE and new.pop("L") == TODAY and new.pop("4") == "1"
    old.pop("E")
    assert new == old
    loans = {x["barcode"]: x for x in done["loans_renewed"].out["loans"]}
    assert loans["460003"]["due"] == DUE and loans["460003"]["renewals"] == 1
    assert loans["460001"]["renewals"] == 2


def test_renew_all_mixed(done: Done) -> None:
    answer = done["renew_all"]
    assert answer.rc == 0, answer
    assert [(r["barcode"], r["due"]) for r in answer.out["renewed"]] == [("480001", DUE)]
    assert answer.out["refused"] == [{"barcode": "480002", "reason": "renew_limit"}]
    loans = [t for tag, t in done.rec(1, "RDR", "700007") if tag == 40]
    assert sub(loans[0], "E") == DUE and sub(loans[0], "4") == "1" and sub(loans[0], "L") == TODAY
    assert sub(loans[1], "E") == "20261126" and sub(loans[1], "4") == "2"


def test_return_closes_loan_and_frees_copy(done: Done) -> None:
    assert done["co_return"].rc == 0
    answer = done["ret"]
    assert (answer.rc, answer.out["ok"], answer.out["barcode"]) == (0, True, "790007"), answer
    before, after = done.rec(1, "RDR", "700008"), done.rec(2, "RDR", "700008")
    i = next(k for k, (tag, t) in enumerate(before) if tag == 40 and sub(t, "H") == "790007")
    loan = dict(subfields(after[i][1]))
    assert loan.pop("F") == TODAY and re.fullmatch(r"\d{6}", loan.pop("2"))
    old = dict(subfields(before[i][1]))
    old.pop("F")
    assert loan == old
    assert [x["barcode"] for x in done["loans_returned"].out["loans"] if x["barcode"] == "790007"] == []
    assert done["ret_again"].rc == 3 and done["ret_again"].out["ok"] is False, done["ret_again"]


def test_history_and_visits_are_not_loans(done: Done) -> None:
    """700001 has a visit (40 without ^A) and a returned loan written with lower-case codes."""
    assert done["co_history"].rc == 0 and done["co_history"].out["renewed"] is False, done["co_history"]
    assert done["ret_history"].rc == 0, done["ret_history"]
    before = source("RDR", 30, "700001")
    for wave in (2, 3):  # the lower-case history loan stays byte-identical
        unchanged_except(before, done.rec(wave, "RDR", "700001"), set())


def test_every_refusal(done: Done) -> None:
    got = [(args, done[f"refusal{i}"].rc, done[f"refusal{i}"].out) for i, (args, _) in enumerate(REFUSALS)]
    want = [(args, 3, {"ok": False, "reason": reason}) for args, reason in REFUSALS]
    assert got == want
    for key in ("790008", "900001", "790003"):  # refusals write nothing
        assert copy_field(done.rec(1, "IBIS", key), key) == copy_field(done.rec(0, "IBIS", key), key)
    assert done.rec(1, "RDR", "700006")[:-1] != [] and \
        [f for f in done.rec(1, "RDR", "700006") if sub(f[1], "H") != "460003"] == \
        [f for f in done.rec(0, "RDR", "700006") if sub(f[1], "H") != "460003"]


def test_lost_copy_is_refused(done: Done) -> None:
    answer = done["lost"]  # 910^A 4: not in IN=
    assert answer.rc == 3 and answer.out["reason"] in ("unknown_item", "item_unavailable"), answer


def test_unreachable_gateway_is_a_refusal(done: Done) -> None:
    for name in ("down_http", "down_tcp"):
        assert (done[name].rc, done[name].out) == (3, {"ok": False, "reason": "gateway_unavailable"}), done[name]


def test_wrong_password_never_shown(done: Done) -> None:
    for name in ("badpw_http", "badpw_tcp"):
        answer = done[name]
        assert answer.rc in (1, 3)
        assert SECRET not in answer.stdout + answer.stderr
        assert answer.out is None or answer.out["ok"] is False


def test_wrong_password_is_an_error_not_an_outage(done: Done) -> None:
    for name in ("badpw_http", "badpw_tcp"):
        assert done[name].rc == 1 and done[name].stderr.strip(), done[name]


def test_reserve_shelf_copy_goes_to_its_requester(done: Done) -> None:
    answer = done["co_reserve"]
    assert answer.rc == 0 and answer.out["due"] == DUE, answer
    request, before = done.rec(2, "RQST", "790012"), source("RQST", 910, "790012")
    assert done.rec(1, "RQST", "790012") == before
    assert request[: len(before)] == before  # GUID first, unknown 920 kept
    assert request[len(before):] == [(41, TODAY)]  # fulfilled in IRBIS's layout; 44 is a refusal
    assert sub(copy_field(done.rec(2, "IBIS", "790012"), "790012")[1], "A") == "1"


def test_only_one_of_four_simultaneous_checkouts_wins(done: Done) -> None:
    answers = [done[f"race_{c}"] for c in RACERS]
    winners = [c for c, a in zip(RACERS, answers, strict=True) if a.rc == 0]
    assert len(winners) == 1, [(a.rc, a.out, a.stderr[-200:]) for a in answers]
    assert sorted(a.out["reason"] for a in answers if a.rc != 0) == ["on_loan_to_other"] * 3
    for card in RACERS:
        held = open_loans(done.rec(3, "RDR", card), "790013")
        assert len(held) == (1 if card in winners else 0), (card, held)
    assert sub(copy_field(done.rec(3, "IBIS", "790013"), "790013")[1], "A") == "1"


def test_return_from_a_blocked_reader(done: Done) -> None:
    assert done["ret_blocked"].rc == 0, done["ret_blocked"]  # 700003 is blocked; returns are always taken
    loan = [t for tag, t in done.rec(1, "RDR", "700003") if tag == 40][0]
    assert sub(loan, "F") == TODAY


def test_loan_without_return_subfield_and_lower_case_loan(done: Done) -> None:
    assert {"790010", "790011"} <= {x["barcode"] for x in done["loans_nof"].out["loans"]}  # no ^F = on loan
    renew = done["renew_lower"]  # written ^g^a^b^h...^e^f
    assert renew.rc == 0 and renew.out["due"] == DUE, renew
    loan = next(t for tag, t in done.rec(2, "RDR", "700009") if tag == 40 and sub(t, "H") == "790011")
    codes = [c for c, _ in subfields(loan)]
    assert all(codes.count(c) == 1 for c in codes), loan
    assert (sub(loan, "E"), sub(loan, "L"), sub(loan, "4"), sub(loan, "F")) == (DUE, TODAY, "1", "******")
    assert done["ret_nof"].rc == 0, done["ret_nof"]
    loan = next(t for tag, t in done.rec(3, "RDR", "700009") if tag == 40 and sub(t, "H") == "790010")
    assert sub(loan, "F") == TODAY and re.fullmatch(r"\d{6}", sub(loan, "2"))


def test_reader_loaded_without_guid(done: Done) -> None:
    assert done["co_noguid"].rc == 0, done["co_noguid"]
    reader = done.rec(1, "RDR", "700010")
    assert [r for r in reader if r[0] != GUID_TAG][:4] == source("RDR", 30, "700010")
    assert sub(reader[-1][1], "H") == "790006"


def test_usage_error_exits_1(done: Done) -> None:
    assert done["usage"].rc == 1


def test_loans_marks_overdue(done: Done) -> None:
    answer = done["loans_overdue"]
    assert answer.rc == 0 and answer.out == {"ok": True, "card": "700004", "loans": [
        {"barcode": "790004", "title": "Пушкин А. С. Сказки", "due": "20261101", "overdue": True, "renewals": 0}]}
