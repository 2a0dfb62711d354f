"""Interoperability with cbsvibpyirbis (PythonIrbis), an IRBIS64 client nobody here wrote,
over TCP against the embedded server: what one writes, the other reads field by field."""

from __future__ import annotations

import pytest

irbis = pytest.importorskip("cbsvibpyirbis")

from kiosk.irbis.client import IrbisClient  # noqa: E402
from kiosk.irbis.record import Field, Record  # noqa: E402
from kiosk.irbis.server import start_server  # noqa: E402

GUID = "{9536F775-026A-56EA-AF29-ED901F9D7E53}"


def ours(rec) -> list[tuple[int, str, list[tuple[str, str]]]]:
    return [(f.tag, f.value, [(s.code.upper(), s.value) for s in f.subfields]) for f in rec.fields]


def theirs(rec) -> list[tuple[int, str, list[tuple[str, str]]]]:
    return [(f.tag, f.value or "", [(s.code.upper(), s.value) for s in f.subfields]) for f in rec.fields]


@pytest.fixture
def server(tmp_path):
    handle = start_server(tmp_path)
    yield handle
    handle.stop()


@pytest.fixture
def client(server):
    with IrbisClient.from_url(server.tcp_url, "kiosk1", "kiosk1") as c:
        yield c


@pytest.fixture
def pi(server):
    conn = irbis.Connection(host="127.0.0.1", port=server.tcp_port, username="kiosk1", password="kiosk1", database="RDR")
    conn.connect()
    assert conn.connected
    yield conn
    conn.disconnect()


def test_they_read_what_our_circulation_wrote(client, pi):
    rdr = Record(database="RDR")
    rdr.add(2147483647, GUID)
    rdr.add(10, "Сейітова")
    rdr.add(30, "100101")
    ibis = Record(database="IBIS")
    ibis.add(2147483647, "{0016FABB-B26C-5479-9494-77894646FE33}")
    ibis.add(200, "^AКөшпенділер^FІ. Есенберлин")
    ibis.add(910, "^A0^B4471^C20121107^DАБ^E3.00^H000004471")
    rdr, ibis = client.write_records([rdr, ibis])
    # a checkout as circulation saves it: the loan and the copy status in one command 6
    rdr.append(Field.of(40, G="IBIS", A="84(5Каз)", B="4471", H="000004471", K="АБ", D="20261110",
                        _1="104512", E="20261124", F="******", V="КИОСК1", I="kiosk1", C="Есенберлин І. Көшпенділер"))
    ibis.first(910).set("A", "1")
    rdr, ibis = client.write_records([rdr, ibis])

    assert pi.search('"RI=100101"') == [rdr.mfn]
    assert pi.search('"H=000004471"') == [rdr.mfn]
    their_rdr = pi.read_record(rdr.mfn)
    assert their_rdr.version == rdr.version
    assert theirs(their_rdr) == ours(rdr)
    assert their_rdr.fields[0].tag == 2147483647
    loan = their_rdr.first(40)
    assert [s.code.upper() for s in loan.subfields] == ["G", "A", "B", "H", "K", "D", "1", "E", "F", "V", "I", "C"]
    assert loan.first_value("f") == "******"

    pi.database = "IBIS"
    their_ibis = pi.read_record(ibis.mfn)
    assert theirs(their_ibis) == ours(ibis)
    assert their_ibis.first(910).first_value("a") == "1"
    found = pi.search_read('"IN=000004471"')
    assert [r.mfn for r in found] == [ibis.mfn] and theirs(found[0]) == ours(ibis)


def test_we_read_what_they_wrote(client, pi):
    rec = irbis.Record()
    rec.add(2147483647, GUID)
    rec.add(10, "Жұмабеков")
    rec.add(30, "100102")
    rec.add(40, "^GIBIS^H000010005^D20261118^E20261202^F******")
    assert pi.write_record(rec) > 0
    assert rec.mfn > 0 and rec.version == 1

    mine = client.read_record("RDR", rec.mfn)
    assert ours(mine) == theirs(rec)
    assert client.search("RDR", '"H=000010005"') == [rec.mfn]

    # they update it (read, change, write): the version moves on and we see the change
    again = pi.read_record(rec.mfn)
    again.add(32, "reader@example.kz")
    assert pi.write_record(again) > 0
    mine = client.read_record("RDR", rec.mfn)
    assert mine.version == 2 and mine.fm(32) == "reader@example.kz"
    assert ours(mine) == theirs(again)


def test_their_group_save_and_stale_write(client, pi):
    a = irbis.Record()
    a.add(30, "100103")
    a.database = "RDR"
    b = irbis.Record()
    b.add(910, "^A0^B777^H000000777")
    b.database = "IBIS"
    assert pi.write_records([a, b])
    assert client.search("RDR", '"RI=100103"') == [1]
    assert client.read_record("IBIS", client.search("IBIS", '"IN=000000777"')[0]).first(910).get("H") == "000000777"

    stale = pi.read_record(1)
    fresh = client.read_record("RDR", 1)
    fresh.add(33, "ours")
    client.write_record("RDR", fresh)
    stale.add(33, "theirs")
    assert pi.write_record(stale) == 0  # refused
    assert pi.last_error == -608
    assert [f.text() for f in client.read_record("RDR", 1).all(33)] == ["ours"]


def test_their_max_mfn_and_locks(client, pi):
    rec = irbis.Record()
    rec.add(30, "100104")
    pi.write_record(rec)
    assert pi.get_max_mfn("RDR") == client.max_mfn("RDR") == 2
    locked = client.read_record("RDR", 1, lock=True)
    stale = pi.read_record(1)
    stale.add(33, "x")
    assert pi.write_record(stale) == 0 and pi.last_error == -602
    client.write_record("RDR", locked)  # saving releases our lock
    stale = pi.read_record(1)
    stale.add(33, "x")
    assert pi.write_record(stale) > 0


READERS = """#2147483647: {5EF8077A-FB6A-5552-AE19-E974068A58DB}
#10: Жұмабеков
#11: Нұрсұлтан
#30: 100102
#50: оқушы
#51: 20250110^CАБ
#52: 20260112^CАБ
*****
"""
BOOKS = """#2147483647: {0016FABB-B26C-5479-9494-77894646FE33}
#700: ^AҚұнанбаев^BА.
#200: ^AҚара сөздер^FА. Құнанбаев
#903: 84(5Каз)/Қ17
#910: ^A0^B10001^C20200102^DАБ^E1350.00^H000010001
#910: ^A0^B10002^C20200202^DАБ^E1350.00^H000010002
*****
"""


def test_they_read_what_kiosk_circulation_wrote(tmp_path):
    from datetime import date, datetime

    from kiosk.config import Config
    from kiosk.irbis.circulation import IrbisCirculation

    (tmp_path / "r.txt").write_text(READERS, encoding="utf-8")
    (tmp_path / "b.txt").write_text(BOOKS, encoding="utf-8")
    loads = {"RDR": [tmp_path / "r.txt"], "IBIS": [tmp_path / "b.txt"]}
    with start_server(tmp_path / "data", loads=loads) as server:
        with IrbisClient.from_url(server.http_url, "kiosk1", "kiosk1") as c:
            circ = IrbisCirculation(c, Config(), now=lambda: datetime(2026, 11, 25, 10, 15, 42))
            result = circ.checkout("100102", "000010002", date(2026, 11, 25))
            assert result.due
        conn = irbis.Connection(host="127.0.0.1", port=server.tcp_port, username="kiosk1", password="kiosk1", database="RDR")
        conn.connect()
        try:
            rdr = conn.read_record(conn.search('"RI=100102"')[0])
            assert rdr.fields[0].tag == 2147483647
            loan = rdr.first(40)
            codes = [s.code.upper() for s in loan.subfields]
            assert codes[:3] == ["G", "A", "B"] and {"H", "K", "D", "1", "E", "F", "V", "I", "C"} <= set(codes)
            assert loan.first_value("h") == "000010002" and loan.first_value("f") == "******"
            assert loan.first_value("d") == "20261125" and loan.first_value("1") == "101542"
            conn.database = "IBIS"
            book = conn.read_record(conn.search('"IN=000010002"')[0])
            assert book.fields[0].tag == 2147483647
            copies = {f.first_value("h"): f.first_value("a") for f in book.all(910)}
            assert copies == {"000010001": "0", "000010002": "1"}
            assert [str(f) for f in book.all(910)][1].lower() == "910#^a1^b10002^c20200202^dаб^e1350.00^h000010002"
        finally:
            conn.disconnect()
