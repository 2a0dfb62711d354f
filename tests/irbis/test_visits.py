"""Visits in RDR field 40 (kiosk.irbis.visits) against the real embedded server: written
as the IRBIS circulation workstation writes them (no ^A: date, time, place, operator), once
per reader, day and kiosk, in the same command 6 as the session's first loan or alone at the
end of the session; never taken for a loan by our rules; read back by cbsvibpyirbis."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.config import Config
from kiosk.irbis import rules
from kiosk.irbis.visits import VisitOnLogout, is_visit
from tests.irbis.test_circulation import NOW, TODAY, Library, demo  # noqa: F401 - fixture

VISIT = f"^D{TODAY:%Y%m%d}^1{NOW:%H%M%S}^VКИОСК1^Ikiosk1"


@pytest.fixture
def lib(tmp_path: Path, demo) -> Iterator[Library]:  # noqa: F811
    library = Library(tmp_path, demo)
    yield library
    library.close()


def visits(lib: Library, card: str) -> list[str]:
    return [f.text() for f in lib.reader(card).all(40) if not rules.is_loan(f)]


def count_saves(lib: Library, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    saves: list[int] = []
    original = lib.circ.client.write_records

    def spy(records, *a, **kw):
        saves.append(len(records))
        return original(records, *a, **kw)

    monkeypatch.setattr(lib.circ.client, "write_records", spy)
    return saves


def test_a_session_without_loans_writes_one_visit_alone_at_the_end(lib: Library) -> None:
    loans_before = [f.text() for f in rules.open_loans(lib.reader("100102"))]
    lib.circ.identify("100102", TODAY)
    assert visits(lib, "100102") == []  # nothing yet: it may still ride with a loan
    assert lib.circ.end_visit("100102", TODAY) is True
    assert visits(lib, "100102") == [VISIT]
    # our rules still see the same loans, and the visit as no loan
    assert [f.text() for f in rules.open_loans(lib.reader("100102"))] == loans_before
    assert [lv.barcode for lv in lib.circ.loans("100102", TODAY)] == [
        rules.loan_code(f) for f in rules.open_loans(lib.reader("100102"))]


def test_at_most_one_visit_per_reader_per_day_per_kiosk(lib: Library) -> None:
    for _ in range(3):
        lib.circ.identify("100101", TODAY)
        lib.circ.end_visit("100101", TODAY)
    other = lib.circulation(Config())
    other.place = "КИОСК2"
    other.identify("100101", TODAY)
    other.end_visit("100101", TODAY)
    lib.circ.identify("100101", TODAY + timedelta(days=1))
    lib.circ.end_visit("100101", TODAY + timedelta(days=1))
    assert len(visits(lib, "100101")) == 3  # today here, today at kiosk 2, tomorrow here
    assert visits(lib, "100101")[0] == VISIT


def test_the_visit_rides_in_the_first_loans_command_6(lib: Library, monkeypatch) -> None:
    saves = count_saves(lib, monkeypatch)
    lib.circ.identify("100101", TODAY)
    lib.circ.checkout("100101", "000010001", TODAY)
    lib.circ.checkout("100101", "000010003", TODAY)
    assert lib.circ.end_visit("100101", TODAY) is False
    assert saves == [2, 2]  # reader + copy twice; no save of its own for the visit
    fields = lib.reader("100101").all(40)
    assert [f.text() for f in fields if is_visit(f)] == [VISIT]
    assert sorted(rules.loan_code(f) for f in rules.open_loans(lib.reader("100101"))) == [
        "000010001", "000010003"]


def test_a_renewal_carries_the_visit_too(lib: Library, monkeypatch) -> None:
    saves = count_saves(lib, monkeypatch)
    lib.circ.identify("100102", TODAY)
    code = rules.loan_code(rules.open_loans(lib.reader("100102"))[0])
    lib.circ.renew("100102", code, TODAY)
    lib.circ.end_visit("100102", TODAY)
    assert saves == [1]
    assert visits(lib, "100102") == [VISIT]


def test_record_visits_false_writes_none(lib: Library) -> None:
    cfg = Config()
    cfg.kiosk.record_visits = False
    circ = lib.circulation(cfg)
    circ.identify("100101", TODAY)
    circ.checkout("100101", "000010001", TODAY)
    circ.end_visit("100101", TODAY)
    assert visits(lib, "100101") == []


def test_logout_event_saves_the_visit(lib: Library) -> None:
    done: list[object] = []
    listener = VisitOnLogout(lib.circ, lambda job, cb: (done.append(job()), cb(done[-1])),
                             lambda: TODAY)
    lib.circ.identify("100101", TODAY)
    listener({"event": "login", "reader": "100101"})
    listener({"event": "logout", "why": "user"})
    listener({"event": "logout", "why": "user"})  # a second logout has no card: nothing
    assert done == [True]
    assert visits(lib, "100101") == [VISIT]


def test_an_independent_client_reads_it_as_a_visit(lib: Library) -> None:
    irbis = pytest.importorskip("cbsvibpyirbis")
    lib.circ.identify("100101", TODAY)
    lib.circ.checkout("100101", "000010001", TODAY)
    conn = irbis.Connection(host="127.0.0.1", port=lib.server.tcp_port, username="kiosk1",
                            password="kiosk1", database="RDR")
    conn.connect()
    try:
        rdr = conn.read_record(conn.search('"RI=100101"')[0])
        repeats = rdr.all(40)
        # ManagedIrbis VisitInfo: a repeat with an empty ^A is a visit
        visits_seen = [f for f in repeats if not f.first_value("a")]
        loans_seen = [f for f in repeats if f.first_value("a")]
        assert len(visits_seen) == 1 and len(loans_seen) == 1
        v = visits_seen[0]
        assert [s.code.upper() for s in v.subfields] == ["D", "1", "V", "I"]
        assert (v.first_value("d"), v.first_value("v"), v.first_value("i")) == (
            f"{TODAY:%Y%m%d}", "КИОСК1", "kiosk1")
    finally:
        conn.disconnect()
