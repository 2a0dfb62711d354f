"""The client and circulation against `kiosk sim` in field conditions: a CGI gateway that
closes every connection, latency and stalls, -6666 from an overloaded server, answers lost
after the server executed the request. Every record is read back over TCP with a second
client. Small N and small delays: these are behaviour tests, not timings."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kiosk.config import Config
from kiosk.core.domain import Refused
from kiosk.irbis import rules
from kiosk.irbis.circulation import IrbisCirculation
from kiosk.irbis.client import IrbisClient
from kiosk.irbis.errors import GatewayTimeout, ServerOverloaded
from kiosk.irbis.gateway import retry_policy
from kiosk.irbis.retry import RetryPolicy
from kiosk.irbis.server import ServerHandle, start_server
from kiosk.irbis.server.conditions import FieldConditions
from kiosk.tools.bench.field import audit, run_sessions
from kiosk.tools.synthetic import book_barcode, reader_card, write_databases

TODAY = date(2026, 11, 25)
READERS, BOOKS = 4, 60
FAST = RetryPolicy(attempts=4, backoff_s=0.001, max_backoff_s=0.005)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerHandle]:
    loads = write_databases(tmp_path / "load", READERS, BOOKS)
    handle = start_server(tmp_path / "db", loads=loads)
    yield handle
    threading.Thread(target=handle.stop).start()  # stopping polls: not waited for


def _cfg() -> Config:
    cfg = Config()
    cfg.gateway.requests_db = ""  # the generated library keeps no RQST database
    cfg.irbis.backoff_s = 0.001
    cfg.loans.max_items = 100
    return cfg


def _circ(server: ServerHandle, cfg: Config | None = None) -> IrbisCirculation:
    cfg = cfg or _cfg()
    client = IrbisClient.from_url(server.http_url, "kiosk1", "kiosk1", policy=retry_policy(cfg))
    return IrbisCirculation(client, cfg)


def _peek(server: ServerHandle) -> IrbisClient:
    return IrbisClient.from_url(server.tcp_url, "kiosk1", "kiosk1")


def _loans(peek: IrbisClient, card: str) -> list[str]:
    [reader] = peek.search_records("RDR", f'"RI={card}"')
    return [rules.loan_code(f) for f in rules.open_loans(reader)]


def _status(peek: IrbisClient, code: str) -> str:
    found = rules.find_copy(peek.search_records("IBIS", f'"IN={code}"'), code)
    assert found is not None
    return rules.status(found.field)


def test_close_mode_answers_connection_close_and_the_client_reconnects_every_time(server: ServerHandle) -> None:
    server.conditions.close = True
    url = urlsplit(server.http_url)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    conn.request("POST", url.path, body=b"N\nC\nN\n1\n1\n\n\n\n\n\nIRBIS_END_REQUEST\n")
    assert conn.getresponse().getheader("Connection") == "close"
    conn.close()
    circ = _circ(server)
    server.conditions.reset_counts()
    circ.identify(reader_card(0), TODAY)
    circ.checkout(reader_card(0), book_barcode(0), TODAY)
    # one connection per request, and at most a few more opened ahead (kiosk.irbis.preconnect)
    assert server.conditions.total() >= 3
    assert server.conditions.total() <= server.conditions.connections <= server.conditions.total() + 4
    assert _loans(_peek(server), reader_card(0)) == [book_barcode(0)]


def test_without_close_the_tunnel_keeps_one_connection(server: ServerHandle) -> None:
    circ = _circ(server)
    circ.checkout(reader_card(0), book_barcode(0), TODAY)  # registers, warms up
    server.conditions.reset_counts()
    circ.checkout(reader_card(0), book_barcode(1), TODAY)
    assert server.conditions.total() >= 2
    assert server.conditions.connections == 0  # every request on the kept connection


def test_latency_is_added_to_every_request(server: ServerHandle) -> None:
    peek = _peek(server)
    peek.connect()
    server.conditions.latency_ms = 40
    start = time.monotonic()
    peek.search("RDR", f'"RI={reader_card(0)}"')
    assert time.monotonic() - start >= 0.04  # a lower bound of the simulated delay, not a speed limit


def test_a_read_refused_with_6666_is_retried_and_then_answers(server: ServerHandle) -> None:
    client = IrbisClient.from_url(server.http_url, "kiosk1", "kiosk1", policy=FAST)
    client.connect()
    server.conditions.refuse_next("K", 2)
    assert client.search("RDR", f'"RI={reader_card(1)}"') != []
    assert server.conditions.requests["K"] == 3 and client.retries == 2


def test_retries_are_bounded_then_the_patron_hears_gateway_unavailable(server: ServerHandle) -> None:
    circ = _circ(server)
    circ.client.connect()
    server.conditions.overload = 1.0
    server.conditions.reset_counts()
    with pytest.raises(Refused) as refused:
        circ.identify(reader_card(0), TODAY)
    assert refused.value.reason == "gateway_unavailable"
    assert server.conditions.requests["K"] == _cfg().irbis.attempts
    with pytest.raises(ServerOverloaded):
        circ.client.search("RDR", '"RI=1"')


def test_a_save_refused_with_6666_is_not_sent_again_blindly(server: ServerHandle) -> None:
    circ, peek = _circ(server), _peek(server)
    card, code = reader_card(0), book_barcode(2)
    circ.identify(card, TODAY)
    server.conditions.refuse_next("6")
    server.conditions.reset_counts()
    result = circ.checkout(card, code, TODAY)
    assert result.barcode == code
    log = list(server.conditions.log)
    refused_at = log.index("6!")
    # between the refused save and the next one, the records were read back
    assert "C" in log[refused_at + 1:log.index("6", refused_at)]
    assert _loans(peek, card) == [code] and _status(peek, code) == rules.ISSUED


def test_a_save_whose_answer_was_lost_is_found_saved_and_not_repeated(server: ServerHandle) -> None:
    circ, peek = _circ(server), _peek(server)
    card, code = reader_card(1), book_barcode(3)
    circ.identify(card, TODAY)
    server.conditions.drop_next("6")
    server.conditions.reset_counts()
    result = circ.checkout(card, code, TODAY)  # the patron is told it is theirs...
    assert result.barcode == code
    assert server.conditions.requests["6"] == 1  # ...and the save was executed once only
    assert _loans(peek, card) == [code] and _status(peek, code) == rules.ISSUED


def test_a_stall_longer_than_the_read_timeout_is_gateway_unavailable(server: ServerHandle) -> None:
    cfg = _cfg()
    cfg.irbis.read_timeout_s = 0.05
    circ = _circ(server, cfg)
    circ.client.connect()
    server.conditions.stall_ms = 300
    with pytest.raises(Refused) as refused:
        circ.identify(reader_card(0), TODAY)
    assert refused.value.reason == "gateway_unavailable"
    assert isinstance(refused.value.__cause__, GatewayTimeout)
    server.conditions.stall_ms = 10  # shorter than the timeout: answered
    assert circ.identify(reader_card(0), TODAY).card == reader_card(0)


def test_overloaded_sessions_lose_nothing_and_half_make_nothing(server: ServerHandle) -> None:
    """20 scripted sessions at -6666 for one request in five, with lost answers besides:
    every copy's 910^A agrees with the readers' field 40, no loan twice, none lost, none
    made that the patron was told failed."""
    server.engine.conditions = FieldConditions(overload=0.2, seed=7)
    server.conditions.drop_next("6", 3)
    run = run_sessions(_circ(server), READERS, sessions=20, today=TODAY)
    server.engine.conditions = FieldConditions()
    found = audit(_peek(server), READERS, BOOKS, run.told)
    assert found == {"half_loans": 0, "duplicate_loans": 0, "lost_loans": 0,
                     "lent_though_told_failed": 0, "not_returned_though_told": 0}
    assert run.stuck == 0
    assert sum(1 for what in run.told.values() if what in ("lent", "returned")) >= 20  # most went through
