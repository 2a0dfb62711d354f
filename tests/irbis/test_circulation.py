"""IrbisCirculation against the real embedded IRBIS64 server over the Web-IRBIS HTTP tunnel,
with the demo databases dated for TODAY. Records are read back with a second client and
compared field by field with what irbis.md prescribes."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk.config import Config
from kiosk.core.domain import Refused
from kiosk.irbis.circulation import IrbisCirculation
from kiosk.irbis.client import IrbisClient
from kiosk.irbis.gateway import write_demo
from kiosk.irbis.record import GUID_TAG, Field, Record
from kiosk.irbis.server import start_server

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 10, 15, 42)
_stoppers: list[threading.Thread] = []


class Library:
    """A fresh embedded server with the demo data, and helpers to look at its records."""

    before: list[list[tuple[int, str]]]

    def __init__(self, tmp: Path, demo: dict[str, list[Path]]) -> None:
        self.server = start_server(tmp, loads=demo, users={"kiosk1": "kiosk1"})
        self.cfg = Config()
        self.clients: list[IrbisClient] = []
        self.circ = self.circulation()  # the kiosk's way: the HTTP tunnel
        self.peek = self.client(self.server.tcp_url)  # the checker's way: TCP

    def client(self, url: str = "") -> IrbisClient:
        c = IrbisClient.from_url(url or self.server.http_url, "kiosk1", "kiosk1")
        self.clients.append(c)
        return c

    def circulation(self, cfg: Config | None = None) -> IrbisCirculation:
        return IrbisCirculation(self.client(), cfg or self.cfg, now=lambda: NOW)

    def one(self, db: str, expr: str) -> Record:
        mfns = self.peek.search(db, expr)
        assert len(mfns) == 1, (expr, mfns)
        return self.peek.read_record(db, mfns[0])

    def reader(self, card: str) -> Record:
        return self.one("RDR", f'"RI={card}"')

    def book(self, code: str) -> Record:
        return self.one("IBIS", f'"IN={code}"')

    def copy(self, code: str) -> str:
        for f in self.book(code).all(910):
            if f.get("H") == code or f.get("B") == code:
                return f.text()
        raise AssertionError(code)

    def snapshot(self) -> list[list[tuple[int, str]]]:
        """Every record of every demo database."""
        return [
            texts(self.peek.read_record(db, mfn))
            for db in ("RDR", "IBIS", "RQST")
            for mfn in range(1, self.peek.max_mfn(db))
        ]

    def close(self) -> None:
        for c in self.clients:
            c.close()
        t = threading.Thread(target=self.server.stop)  # shutting down polls: do it aside
        t.start()
        _stoppers.append(t)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    return write_demo(tmp_path_factory.mktemp("demo"), TODAY)


@pytest.fixture
def lib(tmp_path: Path, demo: dict[str, list[Path]]) -> Iterator[Library]:
    library = Library(tmp_path, demo)
    yield library
    library.close()


@pytest.fixture(scope="module")
def frozen(tmp_path_factory: pytest.TempPathFactory, demo: dict[str, list[Path]]) -> Iterator[Library]:
    """One server shared by tests that must change nothing (refusals), with its snapshot."""
    library = Library(tmp_path_factory.mktemp("frozen"), demo)
    library.before = library.snapshot()
    assert len(library.before) == 35 + 45 + 7
    yield library
    library.close()


@pytest.fixture(scope="module", autouse=True)
def _join_stoppers() -> Iterator[None]:
    yield
    for t in _stoppers:
        t.join(timeout=5)


def texts(rec: Record) -> list[tuple[int, str]]:
    return [(f.tag, f.text()) for f in rec.fields]


def refused(fn, *args) -> str:
    with pytest.raises(Refused) as info:
        fn(*args)
    return info.value.reason


# ---------------------------------------------------------------- identify


def test_identify_gives_name_and_loans(lib: Library) -> None:
    reader = lib.circ.identify("100102", TODAY)
    assert (reader.first_name, reader.surname, reader.card) == ("Нұрсұлтан", "Жұмабеков", "100102")
    assert [(x.barcode, x.due, x.overdue) for x in reader.loans] == [
        ("000010005", "20261202", False),
        ("000010101", "20261202", False),
    ]
    assert reader.loans[0].title == "Құнанбаев А. Қара сөздер"


@pytest.mark.parametrize(
    "card,reason",
    [
        ("100999", "unknown_card"),  # nobody has it
        ("10010", "unknown_card"),  # a prefix of a real card: never a match
        ("100101$", "unknown_card"),  # truncation sign is not a card
        ('1" + "RI=$', "unknown_card"),  # search syntax smuggled in a scan
        ("000010001", "unknown_card"),  # a book's barcode
        ("100104", "registration_expired"),
        ("100131", "registration_expired"),
        ("100107", "reader_blocked"),
        ("100111", "reader_blocked"),
        ("100119", "reader_blocked"),
    ],
)
def test_identify_refusals(frozen: Library, card: str, reason: str) -> None:
    assert refused(frozen.circ.identify, card, TODAY) == reason


def test_enrolled_this_year_without_52_is_welcome(lib: Library) -> None:
    assert lib.circ.identify("100120", TODAY).first_name == "Ева"


def test_is_item_and_is_reader_are_exact(frozen: Library) -> None:
    circ = frozen.circ
    assert circ.is_item("000010001") and circ.is_item("10001")
    assert not circ.is_item("00001000") and not circ.is_item("100101")
    assert circ.is_reader("100101") and not circ.is_reader("10010")
    assert not circ.is_reader("000010001")


# ---------------------------------------------------------------- checkout


def test_checkout_writes_field_40_and_910_exactly(lib: Library) -> None:
    reader_before, book_before = lib.reader("100101"), lib.book("000010001")
    result = lib.circ.checkout("100101", "000010001", TODAY)
    assert (result.barcode, result.due, result.renewed) == ("000010001", "20261209", False)
    assert result.title == "Құнанбаев А. Қара сөздер"

    reader_after, book_after = lib.reader("100101"), lib.book("000010001")
    assert reader_after.fields[0].tag == GUID_TAG and book_after.fields[0].tag == GUID_TAG
    assert texts(reader_after)[:-1] == texts(reader_before)  # everything kept, in order
    assert texts(reader_after)[-1] == (
        40,
        "^GIBIS^A84(5Каз)/Қ17^B10001^H000010001^KАБ^D20261125^1101542^E20261209^F******"
        "^VКИОСК1^Ikiosk1^CҚұнанбаев А. Қара сөздер",
    )
    changed = [(a, b) for a, b in zip(texts(book_before), texts(book_after), strict=True) if a != b]
    assert changed == [
        (
            (910, "^A0^B10001^C20200102^DАБ^E1350.00^H000010001^U2020/1"),
            (910, "^A1^B10001^C20200102^DАБ^E1350.00^H000010001^U2020/1"),
        )
    ]
    assert reader_after.version == reader_before.version + 1
    # the copy is now found as a loan of this reader by its barcode
    assert lib.one("RDR", '"H=000010001"').mfn == reader_after.mfn


def test_checkout_by_inventory_number_of_a_copy_without_barcode(lib: Library) -> None:
    result = lib.circ.checkout("100101", "10060", TODAY)
    assert result.barcode == "10060"
    loan = lib.reader("100101").all(40)[-1]
    assert (loan.get("B"), loan.get("H")) == ("10060", "10060")
    assert lib.copy("10060").startswith("^A1^B10060")


def test_group_copy_counts_issued(lib: Library) -> None:
    assert "^15^21" in lib.copy("000090101")
    lib.circ.checkout("100101", "000090101", TODAY)
    assert lib.copy("000090101").startswith("^AU^BГ-0101") and "^15^22" in lib.copy("000090101")
    lib.circ.return_item("000090101", TODAY)
    assert "^15^21" in lib.copy("000090101")


@pytest.mark.parametrize(
    "card,code,reason",
    [
        ("100103", "000010002", "overdue_block"),
        ("100105", "000010002", "loan_limit"),
        ("100101", "999999999", "unknown_item"),
        ("100101", "00001000", "unknown_item"),  # prefix of a barcode
        ("100101", "0000100011", "unknown_item"),  # barcode with a digit more
        ("100101", "000010010", "unknown_item"),  # lost: the IN= index leaves lost copies out
        ("100101", "000010110", "on_loan_to_other"),
        ("100101", "000010020", "item_unavailable"),  # temporarily not issued (5)
        ("100101", "000010170", "item_unavailable"),  # expected (2)
        ("100101", "000010180", "item_unavailable"),  # at the bindery (3)
        ("100101", "000010190", "item_unavailable"),  # written off (6)
        ("100101", "000090102", "item_unavailable"),  # group copy, none free
        ("100101", "000010040", "reserved"),  # available, requested by 100122
        ("100101", "000010150", "reserved"),  # reserve shelf, held for 100126
        ("100104", "000010002", "registration_expired"),
        ("100107", "000010002", "reader_blocked"),
        ("100999", "000010002", "unknown_card"),
    ],
)
def test_checkout_refusals_change_nothing(frozen: Library, card: str, code: str, reason: str) -> None:
    assert refused(frozen.circ.checkout, card, code, TODAY) == reason
    assert frozen.snapshot() == frozen.before


def test_reserved_copy_goes_to_its_requester_and_fulfils_the_request(lib: Library) -> None:
    """Read back independently (TCP, by IRBIS's own indexes): 41 = today, I=1, no 44, and
    nothing else in the request changed; the copy went 9 -> 1 with the loan."""
    (mfn,) = lib.peek.search("RQST", '"RS=100126" * "I=2"')
    before = lib.peek.read_record("RQST", mfn)
    assert lib.circ.checkout("100126", "000010150", TODAY).due == "20261209"
    assert lib.copy("000010150").startswith("^A1^")
    after = lib.peek.read_record("RQST", mfn)
    assert texts(after) == texts(before) + [(41, "20261125")]
    assert after.all(44) == [] and after.fm(43) == before.fm(43)
    assert lib.peek.search("RQST", '"RS=100126" * "I=1"') == [mfn]
    assert lib.peek.search("RQST", '"RS=100126" * "I=2"') == []
    assert lib.reader("100126").all(40)[-1].get("H") == "000010150"
    # the older, fulfilled request of 100124 is untouched
    (old,) = lib.peek.search("RQST", '"RS=100124"')
    assert lib.peek.read_record("RQST", old).fm(41) == "20261012"


def test_the_loan_and_the_fulfilment_are_one_group_save(lib: Library, monkeypatch) -> None:
    saves: list[list[str]] = []
    real = lib.circ.client.write_records
    monkeypatch.setattr(lib.circ.client, "write_records",
                        lambda records, *a, **k: saves.append([r.database for r in records]) or real(records, *a, **k))
    lib.circ.checkout("100109", "000010030", TODAY)
    assert saves == [["RDR", "IBIS", "RQST"]]


def test_a_refused_request_holds_nothing_and_is_never_written(lib: Library) -> None:
    (refusal,) = lib.peek.search("RQST", '"I=3"')
    before = texts(lib.peek.read_record("RQST", refusal))
    assert refused(lib.circ.checkout, "100127", "000010030", TODAY) == "reserved"  # still 100109's
    lib.circ.checkout("100109", "000010030", TODAY)
    assert texts(lib.peek.read_record("RQST", refusal)) == before


def test_login_tells_the_reader_their_books_are_waiting(lib: Library) -> None:
    (w,) = lib.circ.identify("100126", TODAY).waiting
    assert (w.barcode, w.title, w.place, w.since, w.card) == (
        "000010150", "Маршак С. Я. Кошкин дом", "ЧЗ", "20261122", "100126")
    (w,) = lib.circ.identify("100133", TODAY).waiting
    assert (w.barcode, w.place) == ("000010185", "АБ")
    assert lib.circ.identify("100101", TODAY).waiting == ()  # open request, copy still on loan
    assert lib.circ.identify("100122", TODAY).waiting == ()  # open request, copy not put aside
    assert lib.circ.identify("100127", TODAY).waiting == ()  # refused
    assert lib.circ.identify("100124", TODAY).waiting == ()  # fulfilled
    lib.circ.checkout("100126", "000010150", TODAY)
    assert lib.circ.identify("100126", TODAY).waiting == ()


def test_waiting_costs_one_search_and_one_more_only_when_there_are_any(lib: Library, monkeypatch) -> None:
    calls: list[str] = []
    real = lib.circ.client.search_records
    monkeypatch.setattr(lib.circ.client, "search_records",
                        lambda db, expr, *a: calls.append(db) or real(db, expr, *a))
    lib.circ.identify("100102", TODAY)
    assert sorted(calls) == ["RDR", "RQST"]  # the reader and the waiting list go out together
    calls.clear()
    lib.circ.identify("100126", TODAY)
    assert sorted(calls) == ["IBIS", "RDR", "RQST"]


def test_a_reserved_copy_not_yet_on_the_shelf_is_not_announced(lib: Library) -> None:
    (mfn,) = lib.peek.search("RQST", '"RS=100122"')
    req = lib.peek.read_record("RQST", mfn)
    req.fields.append(Field(43, "20261124"))  # reserved in RQST, but the copy is still at 0
    lib.peek.write_record("RQST", req)
    assert lib.circ.identify("100122", TODAY).waiting == ()
    assert refused(lib.circ.checkout, "100101", "000010040", TODAY) == "reserved"
    assert lib.circ.checkout("100122", "000010040", TODAY).due == "20261209"


def test_scanning_an_own_loan_renews_it(lib: Library) -> None:
    result = lib.circ.checkout("100110", "000010115", TODAY)  # due today
    assert (result.renewed, result.due) == (True, "20261209")
    loan = lib.reader("100110").all(40)[0]
    assert (loan.get("E"), loan.get("L"), loan.get("4")) == ("20261209", "20261125", "1")
    assert lib.copy("000010115").startswith("^A1^")


def test_rescan_right_after_checkout_costs_no_renewal(lib: Library) -> None:
    lib.circ.checkout("100101", "000010001", TODAY)
    again = lib.circ.checkout("100101", "000010001", TODAY)
    assert (again.renewed, again.due) == (True, "20261209")
    assert lib.reader("100101").all(40)[-1].get("4") == ""


def test_two_kiosks_never_lend_one_copy_twice(lib: Library) -> None:
    kiosks = [lib.circulation() for _ in range(4)]
    cards = ["100101", "100122", "100124", "100126"]
    outcomes: dict[str, str] = {}

    def take(circ: IrbisCirculation, card: str) -> None:
        try:
            circ.checkout(card, "000010003", TODAY)
            outcomes[card] = "ok"
        except Refused as r:
            outcomes[card] = r.reason

    threads = [threading.Thread(target=take, args=pair) for pair in zip(kiosks, cards, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [c for c, o in outcomes.items() if o == "ok"]
    assert len(winners) == 1, outcomes
    assert set(outcomes.values()) - {"ok"} <= {"on_loan_to_other", "item_unavailable"}
    holders = [c for c in cards if any(f.get("H") == "000010003" for f in lib.reader(c).all(40))]
    assert holders == winners
    assert lib.copy("000010003").startswith("^A1^")


# ---------------------------------------------------------------- renew


def test_renew_changes_only_due_date_renewal_date_and_counter(lib: Library) -> None:
    before = lib.reader("100123")
    result = lib.circ.renew("100123", "000010200", TODAY)
    assert (result.due, result.renewed) == ("20261209", True)
    after = lib.reader("100123")
    old, new = before.all(40)[0], after.all(40)[0]
    assert (new.get("E"), new.get("L"), new.get("4")) == ("20261209", "20261125", "2")
    assert [(s.code, s.value) for s in new.subfields if s.code not in "EL4"] == [
        (s.code, s.value) for s in old.subfields if s.code not in "EL4"
    ]
    assert [f for f in texts(after) if f[0] != 40] == [f for f in texts(before) if f[0] != 40]


@pytest.mark.parametrize(
    "card,code,reason",
    [
        ("100106", "000010095", "renew_limit"),
        ("100108", "000010110", "reserved"),  # requested by 100101
        ("100101", "000010110", "on_loan_to_other"),
        ("100101", "000010002", "unknown_item"),
        ("100107", "000010105", "reader_blocked"),
    ],
)
def test_renew_refusals(frozen: Library, card: str, code: str, reason: str) -> None:
    assert refused(frozen.circ.renew, card, code, TODAY) == reason
    assert frozen.snapshot() == frozen.before


def test_overdue_loan_can_be_renewed(lib: Library) -> None:
    assert lib.circ.renew("100103", "000010012", TODAY).due == "20261209"
    assert not any(x.overdue for x in lib.circ.loans("100103", TODAY))


def test_renew_all_renews_what_it_may_and_says_why_not(lib: Library) -> None:
    result = lib.circ.renew_all("100112", TODAY)
    assert sorted((r.barcode, r.due) for r in result.renewed) == [
        ("000010125", "20261209"),
        ("000010130", "20261209"),
    ]
    assert result.refused == ()
    result = lib.circ.renew_all("100132", TODAY)
    assert result.renewed == () and [(r.code, r.reason) for r in result.refused] == [("000010209", "renew_limit")]
    result = lib.circ.renew_all("100108", TODAY)
    assert [(r.code, r.reason) for r in result.refused] == [("000010110", "reserved")]
    assert lib.circ.renew_all("100101", TODAY).renewed == ()


# ---------------------------------------------------------------- return


def test_return_closes_the_loan_and_frees_the_copy(lib: Library) -> None:
    before = lib.reader("100102")
    result = lib.circ.return_item("000010005", TODAY)
    assert (result.barcode, result.title) == ("000010005", "Құнанбаев А. Қара сөздер")
    after = lib.reader("100102")
    old, new = before.all(40)[0], after.all(40)[0]
    assert new.text() == old.text().replace("^F******", "^F20261125") + "^2101542"
    assert texts(after)[:-2] == texts(before)[:-2]
    assert lib.copy("000010005").startswith("^A0^B10005")
    assert lib.peek.search("RDR", '"H=000010005"') == []
    assert [x.barcode for x in lib.circ.loans("100102", TODAY)] == ["000010101"]


def test_return_by_inventory_number(lib: Library) -> None:
    assert lib.circ.return_item("10101", TODAY).barcode == "000010101"
    assert lib.copy("000010101").startswith("^A0^")


@pytest.mark.parametrize(
    ("code", "reason"),
    [("000010001", "not_on_loan"), ("10001", "not_on_loan"), ("000010030", "not_on_loan"),
     ("999999999", "unknown_item"), ("0000100", "unknown_item"), ("", "unknown_item"), ("abc\x00", "unknown_item")],
)
def test_return_of_something_not_on_loan(frozen: Library, code: str, reason: str) -> None:
    assert refused(frozen.circ.return_item, code, TODAY) == reason
    assert frozen.snapshot() == frozen.before


def test_return_twice(lib: Library) -> None:
    assert lib.circ.return_item("000010005", TODAY).reserved is None
    assert refused(lib.circ.return_item, "000010005", TODAY) == "not_on_loan"


def test_return_of_a_requested_copy_goes_to_the_reserved_box(lib: Library, caplog) -> None:
    """000010110 (on loan to 100108) is requested by 100101: the return is written as any
    other (910^A 0, the request untouched: staff put it aside) and says who waits, by card
    and request, never by name in the log."""
    (mfn,) = lib.peek.search("RQST", '"H=000010110"')
    before = texts(lib.peek.read_record("RQST", mfn))
    with caplog.at_level("INFO"):
        result = lib.circ.return_item("000010110", TODAY)
    assert result.reserved is not None
    assert (result.reserved.card, result.reserved.request, result.reserved.barcode) == ("100101", mfn, "000010110")
    assert result.reserved.title == "Носов Н. Н. Витя Малеев в школе и дома" and result.reserved.place == "АБ"
    assert lib.copy("000010110").startswith("^A0^")
    assert texts(lib.peek.read_record("RQST", mfn)) == before
    assert "Сейітова" not in caplog.text and "Айгерім" not in caplog.text and "100101" not in caplog.text
    # on the shelf again, it is still held for the requester
    assert refused(lib.circ.checkout, "100102", "000010110", TODAY) == "reserved"
    assert lib.circ.checkout("100101", "000010110", TODAY).due == "20261209"


def test_full_cycle_loans_view(lib: Library) -> None:
    lib.circ.checkout("100101", "000010001", TODAY)
    loans = lib.circ.loans("100101", date(2026, 12, 10))
    assert [(x.barcode, x.due, x.overdue, x.renewals) for x in loans] == [("000010001", "20261209", True, 0)]
    lib.circ.return_item("000010001", date(2026, 12, 10))
    assert lib.circ.loans("100101", TODAY) == []
    assert refused(lib.circ.loans, "100999", TODAY) == "unknown_card"
    assert [x.barcode for x in lib.circ.loans("100104", TODAY)] == []  # expired may still look


# ---------------------------------------------------------------- gateway trouble


def test_unreachable_gateway_is_a_refusal(lib: Library) -> None:
    dead = IrbisClient.from_url("http://127.0.0.1:9/cgi-bin/irbis64r/WebToIrbisServer.exe", "kiosk1", "x", timeout=0.5)
    circ = IrbisCirculation(dead, Config())
    for call in (
        lambda: circ.identify("100101", TODAY),
        lambda: circ.checkout("100101", "000010001", TODAY),
        lambda: circ.return_item("000010001", TODAY),
        lambda: circ.is_item("000010001"),
    ):
        assert refused(call) == "gateway_unavailable"


def test_wrong_password_is_gateway_unavailable(lib: Library) -> None:
    bad = IrbisClient.from_url(lib.server.http_url, "kiosk1", "not-the-password")
    assert refused(IrbisCirculation(bad, Config()).identify, "100101", TODAY) == "gateway_unavailable"


def test_server_gone_mid_session(lib: Library) -> None:
    lib.circ.identify("100101", TODAY)
    lib.server.stop()
    assert refused(lib.circ.checkout, "100101", "000010001", TODAY) == "gateway_unavailable"


# ---------------------------------------------------------------- conflicts


def meddling_clock(action: Callable[[], object]) -> Callable[[], datetime]:
    """A clock that, when checkout asks it the time (after reading, before saving), lets
    someone else change the records first: the save then meets a version conflict."""
    done = []

    def now() -> datetime:
        if not done:
            done.append(True)
            action()
        return NOW

    return now


def test_conflict_on_the_reader_keeps_both_changes(lib: Library) -> None:
    desk = lib.client(lib.server.tcp_url)

    def desk_adds_a_visit() -> None:
        rec = lib.reader("100101")
        rec.add(40, "^GIBIS^D20261125^VАБ^Ikassa^Cпосещение")
        desk.write_records([rec])

    circ = IrbisCirculation(lib.client(), Config(), now=meddling_clock(desk_adds_a_visit))
    assert circ.checkout("100101", "000010001", TODAY).due == "20261209"
    loans = [f.text() for f in lib.reader("100101").all(40)]
    assert loans[0] == "^GIBIS^D20261125^VАБ^Ikassa^Cпосещение"  # the desk's change survived
    assert loans[1].startswith("^GIBIS^A84(5Каз)/Қ17^B10001^H000010001")
    assert lib.copy("000010001").startswith("^A1^")


def test_copy_lent_elsewhere_meanwhile_is_refused_on_retry(lib: Library) -> None:
    other = lib.circulation()
    circ = IrbisCirculation(
        lib.client(), Config(), now=meddling_clock(lambda: other.checkout("100122", "000010001", TODAY))
    )
    assert refused(circ.checkout, "100101", "000010001", TODAY) == "item_unavailable"
    assert lib.peek.search("RDR", '"H=000010001"') == [lib.reader("100122").mfn]
    assert lib.reader("100101").all(40) == []


def test_server_without_the_requests_database_still_lends(lib: Library) -> None:
    """A server that answers the RQST search with an error (here -5555, a database it cannot
    open) must not stop every loan; reservations just cannot be checked there."""
    cfg = Config()
    cfg.gateway.requests_db = "NO SUCH DB"
    circ = lib.circulation(cfg)
    assert circ.checkout("100101", "000010040", TODAY).due == "20261209"
    assert circ.renew("100108", "000010110", TODAY).due == "20261209"


def test_checkout_and_return_carry_the_books_language_from_field_101(lib: Library) -> None:
    # the speech reads each title in its own voice; the statistics count by language
    assert lib.circ.checkout("100101", "000010001", TODAY).language == "kaz"
    assert lib.circ.checkout("100101", "000010099", TODAY).language == "rus"
    assert lib.circ.return_item("000010099", TODAY).language == "rus"
