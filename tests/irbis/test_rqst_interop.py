"""Issue 16 against an independent client: the kiosk fulfils a reservation and takes back a
reserved copy through the HTTP tunnel; cbsvibpyirbis then reads RQST, RDR and IBIS over
TCP. And RQST layouts the demo data does not have (an edition-only request, a 910 with
only ^B, no 102, a refusal in 44, two 910s, an open request naming a copy), loaded into the
embedded server: the kiosk does what docs/rqst.md says, and never crashes."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

irbis = pytest.importorskip("cbsvibpyirbis")

from kiosk.config import Config  # noqa: E402
from kiosk.core.domain import Refused  # noqa: E402
from kiosk.irbis.circulation import IrbisCirculation  # noqa: E402
from kiosk.irbis.client import IrbisClient  # noqa: E402
from kiosk.irbis.server import start_server  # noqa: E402

TODAY = date(2026, 11, 25)


def _reader(card: str, name: str) -> str:
    return f"#10: {name}\n#11: Оқырман\n#30: {card}\n#50: оқушы\n#51: 20250110^CАБ\n#52: 20260112^CАБ\n"


READERS = "*****\n".join([
    _reader("100201", "Әлиева"),
    _reader("100202", "Бекова") + "#40: ^GIBIS^B20002^H000020002^D20261118^E20261202^F******^VАБ^Iabon1^CКітап 2\n",
    _reader("100203", "Серікова"),
]) + "*****\n"


def _copy(n: int, status: str) -> str:
    return f"#910: ^A{status}^B2000{n}^C20200101^DАБ^H00002000{n}\n"


BOOKS = "*****\n".join([
    "#200: ^AКітап 1\n#903: 84/1\n" + _copy(1, "9") + _copy(2, "1") + _copy(3, "0"),
    "#200: ^AКітап 4\n#903: 84/4\n" + _copy(4, "0") + _copy(5, "9") + _copy(6, "0"),
    "#200: ^AКітап 7\n#903: 84/7\n" + _copy(7, "0") + _copy(8, "0") + _copy(9, "0"),
]) + "*****\n"

REQUESTS = "*****\n".join([
    # 1: reserved for 100201, the copy on the reserve shelf
    "#1: IBIS\n#30: 100201\n#31: Әлиева Оқырман\n#40: 20261120\n#43: 20261121\n#201: Кітап 1\n"
    "#903: 84/1\n#910: ^B20001^H000020001\n#102: АБ\n#50: abon1\n",
    # 2: open, naming the copy 100202 has on loan
    "#1: IBIS\n#30: 100203\n#40: 20261122\n#201: Кітап 1\n#903: 84/1\n#910: ^B20002^H000020002\n#102: АБ\n",
    # 3: the edition only (no 910)
    "#1: IBIS\n#30: 100203\n#40: 20261122\n#201: Кітап 1\n#903: 84/1\n#102: АБ\n",
    # 4: a 910 with only the inventory number
    "#1: IBIS\n#30: 100203\n#40: 20261122\n#201: Кітап 4\n#903: 84/4\n#910: ^B20004\n#102: АБ\n",
    # 5: reserved, no 102 (collected where the copy is, its 910^D)
    "#1: IBIS\n#30: 100201\n#40: 20261120\n#43: 20261121\n#201: Кітап 4\n#903: 84/4\n#910: ^B20005^H000020005\n",
    # 6: refused (44): holds nothing
    "#1: IBIS\n#30: 100203\n#40: 20261101\n#44: ^A01^B20261102\n#201: Кітап 4\n#903: 84/4\n"
    "#910: ^B20006^H000020006\n",
    # 7: two copies named
    "#1: IBIS\n#30: 100203\n#40: 20261122\n#201: Кітап 7\n#903: 84/7\n#910: ^B20007^H000020007\n"
    "#910: ^B20008^H000020008\n",
    # 8: open (status 0), naming a copy, for 100202 itself
    "#1: IBIS\n#30: 100202\n#40: 20261123\n#201: Кітап 7\n#903: 84/7\n#910: ^B20009^H000020009\n#102: АБ\n",
]) + "*****\n"


@pytest.fixture
def server(tmp_path: Path):
    loads = {}
    for db, text in (("RDR", READERS), ("IBIS", BOOKS), ("RQST", REQUESTS)):
        path = tmp_path / f"{db}.txt"
        path.write_text(text, encoding="utf-8")
        loads[db] = [path]
    handle = start_server(tmp_path / "data", loads=loads)
    yield handle
    handle.stop()


@pytest.fixture
def circ(server):
    client = IrbisClient.from_url(server.http_url, "kiosk1", "kiosk1")
    yield IrbisCirculation(client, Config(), now=lambda: datetime(2026, 11, 25, 10, 15, 42))
    client.close()


@pytest.fixture
def peer(server):
    conn = irbis.Connection(host="127.0.0.1", port=server.tcp_port, username="kiosk1", password="kiosk1",
                            database="RQST")
    conn.connect()
    assert conn.connected
    yield conn
    conn.disconnect()


def fields(conn, db: str, mfn: int) -> list[tuple[int, str]]:
    conn.database = db
    raw = conn.read_raw_record(mfn)
    assert raw is not None, conn.last_error
    return [(int(line.partition("#")[0]), line.partition("#")[2]) for line in raw.fields]


def one(conn, db: str, expression: str) -> tuple[int, list[tuple[int, str]]]:
    conn.database = db
    [mfn] = conn.search(expression)
    return mfn, fields(conn, db, mfn)


def sub(text: str, code: str) -> str:
    return next((p[1:] for p in text.split("^")[1:] if p and p[0].upper() == code), "")


def copy_status(conn, code: str) -> str:
    _, book = one(conn, "IBIS", f'"IN={code}"')
    return next(sub(t, "A") for tag, t in book if tag == 910 and sub(t, "H") == code)


def open_loans(conn, card: str) -> list[str]:
    _, rdr = one(conn, "RDR", f'"RI={card}"')
    return [sub(t, "H") for tag, t in rdr if tag == 40 and sub(t, "F") == "******"]


def test_taking_the_reserved_copy_fulfils_the_request_in_irbis_layout(circ, peer) -> None:
    before = fields(peer, "RQST", 1)
    reader = circ.identify("100201", TODAY)
    assert {w.barcode for w in reader.waiting} == {"000020001", "000020005"}
    result = circ.checkout("100201", "000020001", TODAY)
    assert result.barcode == "000020001"
    after = fields(peer, "RQST", 1)
    assert [f for f in after if f[0] == 41] == [(41, "20261125")]
    assert not any(tag == 44 for tag, _ in after)
    assert [f for f in after if f[0] != 41] == before  # nothing else in the request changed
    peer.database = "RQST"
    assert 1 in peer.search('"I=1"') and 1 not in peer.search('"I=2"') + peer.search('"I=3"')
    assert open_loans(peer, "100201") == ["000020001"]
    assert copy_status(peer, "000020001") == "1"
    assert fields(peer, "RQST", 5) == fields(peer, "RQST", 5)  # the other reservation untouched
    assert not any(tag == 41 for tag, _ in fields(peer, "RQST", 5))


def test_returning_a_copy_someone_requested_touches_no_request(circ, peer) -> None:
    before = fields(peer, "RQST", 2)
    result = circ.return_item("000020002", TODAY)
    assert result.reserved is not None and result.reserved.card == "100203" and result.reserved.request == 2
    assert fields(peer, "RQST", 2) == before
    assert open_loans(peer, "100202") == []
    assert copy_status(peer, "000020002") == "0"
    _, rdr = one(peer, "RDR", '"RI=100202"')
    [loan] = [t for tag, t in rdr if tag == 40 and sub(t, "H") == "000020002"]
    assert sub(loan, "F") == "20261125"


@pytest.mark.parametrize(("barcode", "outcome"), [
    ("000020003", "lent"),  # only the edition is requested: no copy is held
    ("000020004", "reserved"),  # the request names the copy by its inventory number only
    ("000020006", "lent"),  # a refused request holds nothing
    ("000020007", "reserved"),  # two copies named: the first held
    ("000020008", "reserved"),  # ... and the second
    ("000020009", "lent"),  # the requester's own open request naming the copy
    ("000020005", "reserved"),  # reserved for someone else, no 102
])
@pytest.mark.parametrize("live_max", [60, 2], ids=["live-set-read-whole", "too-many-live-searched-by-code"])
def test_unseen_request_layouts(circ, peer, barcode: str, outcome: str, live_max: int, monkeypatch) -> None:
    # with few live requests all are read alongside the copy; with more than live_max the
    # requests are searched by both of the copy's codes: the same decisions either way
    monkeypatch.setattr("kiosk.irbis.lookup.LIVE_REQUESTS_MAX", live_max)
    if outcome == "lent":
        assert circ.checkout("100202", barcode, TODAY).barcode == barcode
        assert copy_status(peer, barcode) == "1"
    else:
        with pytest.raises(Refused) as refused:
            circ.checkout("100202", barcode, TODAY)
        assert refused.value.reason == outcome
        assert barcode not in open_loans(peer, "100202")


def test_a_reservation_without_102_is_collected_where_the_copy_is(circ) -> None:
    waiting = {w.barcode: w for w in circ.identify("100201", TODAY).waiting}
    assert waiting["000020005"].place == "АБ"  # the copy's 910^D
    assert waiting["000020005"].since == "20261121"


def test_taking_the_copy_of_an_own_open_request_fulfils_it(circ, peer) -> None:
    circ.checkout("100202", "000020009", TODAY)
    assert [f for f in fields(peer, "RQST", 8) if f[0] == 41] == [(41, "20261125")]
    assert not any(tag == 44 for tag, _ in fields(peer, "RQST", 8))
