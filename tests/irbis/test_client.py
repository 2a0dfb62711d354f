"""IrbisClient against the real embedded server, over TCP and over the HTTP tunnel."""

from __future__ import annotations

import threading
import time

import pytest

from kiosk.irbis.client import IrbisClient
from kiosk.irbis.errors import (
    IrbisError,
    MfnOutOfRange,
    NotRegistered,
    RecordLocked,
    VersionConflict,
    WrongPassword,
)
from kiosk.irbis.record import Field, Record
from kiosk.irbis.server import start_server

GUID = "{0016FABB-B26C-5479-9494-77894646FE33}"


def reader(card: str, surname: str, *loans: str) -> Record:
    rec = Record(database="RDR")
    rec.add(2147483647, GUID)
    rec.add(10, surname)
    rec.add(30, card)
    rec.add(50, "оқушы")
    for barcode in loans:
        rec.append(Field.of(40, G="IBIS", H=barcode, D="20261110", E="20261124", F="******"))
    return rec


def book(title: str, author: str, *copies: tuple[str, str, str]) -> Record:
    rec = Record(database="IBIS")
    rec.add(700, f"^A{author}^BА.")
    rec.add(200, f"^A{title}")
    for status, inv, barcode in copies:
        rec.add(910, f"^A{status}^B{inv}^H{barcode}^DАБ")
    return rec


def seeded(path):
    handle = start_server(path, users={"kiosk1": "kiosk1", "desk": "desk"})
    with IrbisClient.from_url(handle.tcp_url, "desk", "desk") as c:
        c.write_record("RDR", reader("100101", "Сейітова", "000010005"))
        c.write_record("RDR", reader("100102", "Жұмабеков"))
        c.write_record("RDR", reader("100103", "Сейфуллин"))
        c.write_record("IBIS", book("Қара сөздер", "Құнанбаев", ("0", "10001", "000010001"), ("1", "10005", "000010005")))
        c.write_record("IBIS", book("Көшпенділер", "Есенберлин", ("4", "20001", "000020001"), ("0", "20002", "000020002")))
    return handle


@pytest.fixture
def server(tmp_path):
    handle = seeded(tmp_path)
    yield handle
    handle.stop()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    """For tests that only read."""
    handle = seeded(tmp_path_factory.mktemp("irbis"))
    yield handle
    handle.stop()


@pytest.fixture(params=["tcp", "http"])
def reading_client(request, shared_server):
    url = shared_server.tcp_url if request.param == "tcp" else shared_server.http_url
    with IrbisClient.from_url(url, "kiosk1", "kiosk1") as c:
        yield c


@pytest.fixture(params=["tcp", "http"])
def url(request, server):
    return server.tcp_url if request.param == "tcp" else server.http_url


@pytest.fixture
def client(url):
    with IrbisClient.from_url(url, "kiosk1", "kiosk1") as c:
        yield c


def test_wrong_password_is_refused(url):
    with pytest.raises(WrongPassword):
        IrbisClient.from_url(url, "kiosk1", "nope").connect()


@pytest.mark.parametrize(
    "expression, expected",
    [
        ('"RI=100101"', [1]),
        ("RI=100102", [2]),
        ('"RI=999999"', []),
        ('"A=СЕЙ$"', [1, 3]),  # right truncation
        ('"a=сей$"', [1, 3]),  # case-insensitive
        ('"A=СЕЙ$" * "KAT=ОҚУШЫ"', [1, 3]),  # and
        ('"RI=100101" + "RI=100102"', [1, 2]),  # or
        ('"A=СЕЙ$" ^ "RI=100101"', [3]),  # and-not
        ('("RI=100101" + "RI=100102") * "A=Ж$"', [2]),  # parentheses
        ('"RI=100101" + "RI=100102" * "A=Ж$"', [1, 2]),  # * binds tighter than +
        ('"H=000010005"', [1]),  # unreturned loan by barcode
    ],
)
def test_search_operators(reading_client, expression, expected):
    assert reading_client.search("RDR", expression) == expected


def test_search_catalogue_by_inventory_number_excludes_lost_copies(reading_client):
    assert reading_client.search("IBIS", '"IN=000010001"') == [1]
    assert reading_client.search("IBIS", '"IN=10001"') == [1]  # ^B as well as ^H
    assert reading_client.search("IBIS", '"IN=000020002"') == [2]
    assert reading_client.search("IBIS", '"IN=000020001"') == []  # ^A4 = lost
    assert reading_client.search("IBIS", '"T=СӨЗДЕР"') == [1]


def test_search_limit(reading_client):
    assert reading_client.search("RDR", '"KAT=$"', limit=2) == [1, 2]


def test_read_record_keeps_fields_in_order_with_guid_first(reading_client):
    rec = reading_client.read_record("RDR", 1)
    assert rec.mfn == 1 and rec.database == "RDR" and rec.version >= 1
    assert rec.fields[0].tag == 2147483647 and rec.fields[0].text() == GUID
    assert [f.tag for f in rec.fields] == [2147483647, 10, 30, 50, 40]
    assert rec.first(40).get("H") == "000010005"


def test_read_out_of_range(reading_client):
    with pytest.raises(MfnOutOfRange):
        reading_client.read_record("RDR", 9999)


def test_write_new_then_update_bumps_version_and_reindexes(client):
    saved = client.write_record("RDR", reader("200001", "Ахметов"))
    assert saved.mfn > 0 and saved.version == 1
    assert client.search("RDR", '"RI=200001"') == [saved.mfn]
    saved.first(30).value = "200002"
    again = client.write_record("RDR", saved)
    assert again.version == 2
    assert client.search("RDR", '"RI=200001"') == []
    assert client.search("RDR", '"RI=200002"') == [saved.mfn]
    assert client.read_record("RDR", saved.mfn).fm(30) == "200002"


def test_stale_version_is_refused_and_nothing_changes(client):
    mfn = client.write_record("RDR", reader("300001", "Бөкей")).mfn
    first = client.read_record("RDR", mfn)
    second = client.read_record("RDR", mfn)
    first.add(32, "a@example.kz")
    client.write_record("RDR", first)
    second.add(32, "b@example.kz")
    with pytest.raises(VersionConflict):
        client.write_record("RDR", second)
    assert [f.text() for f in client.read_record("RDR", mfn).all(32)] == ["a@example.kz"]


def test_lock_held_by_another_client(url, client):
    mfn = client.write_record("RDR", reader("400001", "Мағжан")).mfn
    with IrbisClient.from_url(url, "desk", "desk") as desk:
        locked = desk.read_record("RDR", mfn, lock=True)
        assert locked.status & 64
        rec = client.read_record("RDR", mfn)  # reading without a lock still works
        rec.add(32, "x")
        with pytest.raises(RecordLocked):
            client.write_record("RDR", rec)
        with pytest.raises(RecordLocked):
            client.read_record("RDR", mfn, lock=True)
        locked.add(33, "desk note")
        desk.write_record("RDR", locked)  # saving without lock releases it
    rec = client.read_record("RDR", mfn)
    assert rec.fm(33) == "desk note"
    rec.add(32, "x")
    assert client.write_record("RDR", rec).version == 3


def test_lock_released_when_holder_unregisters(url, client):
    mfn = client.write_record("RDR", reader("400002", "Алтынсарин")).mfn
    desk = IrbisClient.from_url(url, "desk", "desk")
    desk.read_record("RDR", mfn, lock=True)
    desk.close()
    assert client.read_record("RDR", mfn, lock=True).mfn == mfn
    client.unlock("RDR", [mfn])


def test_group_save_is_atomic(client):
    r = client.write_record("RDR", reader("500001", "Пушкин"))
    b = client.write_record("IBIS", book("Сказки", "Пушкин", ("0", "50001", "000050001")))
    stale = client.read_record("IBIS", b.mfn)
    bumped = client.read_record("IBIS", b.mfn)
    bumped.add(903, "84(2Рос)")
    client.write_record("IBIS", bumped)

    loan = client.read_record("RDR", r.mfn)
    loan.append(Field.of(40, G="IBIS", H="000050001", F="******"))
    stale.first(910).set("A", "1")
    with pytest.raises(VersionConflict):
        client.write_records([loan, stale])
    # the reader record was not touched: no loan without its copy marked issued
    after = client.read_record("RDR", r.mfn)
    assert after.version == r.version and after.all(40) == []
    assert client.search("RDR", '"H=000050001"') == []

    copy = client.read_record("IBIS", b.mfn)
    copy.first(910).set("A", "1")
    saved = client.write_records([loan, copy])
    assert [(s.database, s.mfn, s.version) for s in saved] == [("RDR", r.mfn, 2), ("IBIS", b.mfn, 3)]
    assert client.search("RDR", '"H=000050001"') == [r.mfn]
    assert client.read_record("IBIS", b.mfn).first(910).get("A") == "1"


def test_group_save_creates_new_records(client):
    new_reader = reader("600001", "Роулинг")
    new_book = book("Гарри Поттер", "Роулинг", ("0", "60001", "000060001"))
    saved = client.write_records([new_reader, new_book])
    assert all(s.mfn > 0 and s.version == 1 for s in saved)
    assert client.search("IBIS", '"IN=000060001"') == [saved[1].mfn]


def test_update_records_retries_after_a_concurrent_write(url, client):
    mfn = client.write_record("IBIS", book("Незнайка", "Носов", ("0", "70001", "000070001"))).mfn
    calls = []

    def mutate(records):
        calls.append(records[0].version)
        if len(calls) == 1:  # somebody else saves between our read and our write
            with IrbisClient.from_url(url, "desk", "desk") as desk:
                other = desk.read_record("IBIS", mfn)
                other.add(903, "84(2Рос)")
                desk.write_record("IBIS", other)
        records[0].first(910).set("A", "1")
        return records

    saved = client.update_records([("IBIS", mfn)], mutate)
    assert len(calls) == 2 and calls[1] == calls[0] + 1
    final = client.read_record("IBIS", mfn)
    assert final.version == saved[0].version
    assert final.fm(903) == "84(2Рос)" and final.first(910).get("A") == "1"  # both changes kept


def test_update_records_can_save_fewer(client):
    mfn = client.write_record("RDR", reader("700001", "Абай")).mfn
    assert client.update_records([("RDR", mfn), ("RDR", 1)], lambda recs: []) == []
    saved = client.update_records([("RDR", mfn), ("RDR", 1)], lambda recs: [recs[0]])
    assert [s.mfn for s in saved] == [mfn]


def test_concurrent_updates_lose_nothing(url, server):
    mfn = IrbisClient.from_url(url, "desk", "desk").write_record("RDR", reader("800001", "Бір")).mfn

    def worker(n):
        with IrbisClient.from_url(url, "kiosk1", "kiosk1") as c:
            for i in range(5):
                c.update_records([("RDR", mfn)], lambda recs, note=f"{n}-{i}": [_with(recs[0], note)], attempts=50)

    def _with(rec, note):
        rec.add(999, note)
        return rec

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with IrbisClient.from_url(url, "desk", "desk") as c:
        notes = sorted(f.text() for f in c.read_record("RDR", mfn).all(999))
    assert notes == sorted(f"{n}-{i}" for n in range(4) for i in range(5))


def test_reregisters_after_server_forgot_the_client(url, server, client):
    assert client.search("RDR", '"RI=100101"') == [1]
    old_id = client.client_id
    with server.engine._state:  # what a server restart does to registrations
        server.engine.sessions.clear()
    assert client.search("RDR", '"RI=100101"') == [1]
    assert client.connected and client.client_id != old_id


def test_not_registered_without_connect(url):
    c = IrbisClient.from_url(url, "kiosk1", "kiosk1")
    c.connected = True  # pretend: the server has never seen this client id
    c.client_id = 1
    assert c.search("RDR", '"RI=100101"') == [1]  # -3333 handled by registering
    assert c.client_id != 1
    c.close()
    assert NotRegistered.code == -3333


def test_max_mfn_and_nop(client):
    before = client.max_mfn("RDR")
    saved = client.write_record("RDR", reader("900001", "Соңғы"))
    assert saved.mfn == before
    assert client.max_mfn("RDR") == before + 1
    client.nop()


def test_search_records_reads_in_the_same_request(reading_client):
    found = reading_client.search_records("RDR", '"A=СЕЙ$"')
    assert [r.mfn for r in found] == [1, 3]
    one = reading_client.read_record("RDR", 1)
    assert (found[0].version, found[0].content(), found[0].database) == (one.version, one.content(), "RDR")
    assert reading_client.search_records("RDR", '"RI=none"') == []


def test_keepalive_sends_nop_only_when_idle(server):
    c = IrbisClient(IrbisClient.from_url(server.http_url, "kiosk1", "kiosk1").transport, "kiosk1", "kiosk1", keepalive_s=0.1)
    c.connect()
    assert c.keepalive() is False  # just registered
    seen = server.engine.sessions[c.client_id].last_seen
    c.start_keepalive()
    deadline = time.monotonic() + 5
    while server.engine.sessions[c.client_id].last_seen == seen and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.engine.sessions[c.client_id].last_seen > seen  # the server heard from us
    c.close()
    assert c.client_id not in server.engine.sessions  # unregistered


def test_http_transport_reconnects_after_idle(server):
    with IrbisClient.from_url(server.http_url, "kiosk1", "kiosk1") as c:
        c.transport.idle_reconnect_s = 0.0
        for _ in range(3):
            time.sleep(0.01)
            assert c.search("RDR", '"RI=100101"') == [1]


def test_guid_field_is_given_to_new_records_and_must_be_kept(client):
    saved = client.write_record("IBIS", book("Алпамыс", "Халық", ("0", "90001", "000090001")))
    assert saved.fields[0].tag == 2147483647 and saved.fields[0].text().startswith("{")
    guid = saved.fields[0].text()
    saved.remove(2147483647)  # a careless client drops it
    with pytest.raises(IrbisError):
        client.write_record("IBIS", saved)
    back = client.read_record("IBIS", saved.mfn)
    assert back.version == 1 and back.fields[0].text() == guid


def test_client_id_taken_draws_another(url, monkeypatch):
    with IrbisClient.from_url(url, "kiosk1", "kiosk1") as first:
        taken = first.client_id
        draws = iter([taken, taken, 777777])
        monkeypatch.setattr("kiosk.irbis.client.random.randint", lambda a, b: next(draws))
        with IrbisClient.from_url(url, "kiosk1", "kiosk1") as second:  # -3337 twice, then registered
            assert second.client_id == 777777
            assert second.search("RDR", '"RI=100101"') == [1]
        assert first.search("RDR", '"RI=100101"') == [1]  # the first keeps its registration
        assert first.client_id == taken
