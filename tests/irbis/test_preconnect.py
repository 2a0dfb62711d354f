"""On a gateway that closes after every answer (a CGI program), the kiosk opens its next
connections ahead, so a scan does not also wait for a TCP handshake; a connection the
gateway dropped meanwhile is never used, and unused ones are closed after the idle time."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import urllib3.connection

from kiosk.irbis.client import IrbisClient
from kiosk.irbis.server import ServerHandle, start_server
from kiosk.irbis.transport import HttpTransport
from tests.staff.helpers import wait_for


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerHandle]:
    handle = start_server(tmp_path / "db", demo=True)
    handle.conditions.close = True
    try:
        yield handle
    finally:
        handle.stop()


def _client(server: ServerHandle, idle_s: float = 10.0) -> IrbisClient:
    client = IrbisClient(HttpTransport(server.http_url, idle_reconnect_s=idle_s), "kiosk1", "kiosk1")
    client.connect()
    return client


def _connects_by_thread(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the threads that opened connections to the gateway, in order."""
    names: list[str] = []
    connect = urllib3.connection.HTTPConnection.connect

    def spy(self: urllib3.connection.HTTPConnection) -> None:
        names.append(threading.current_thread().name)
        connect(self)

    monkeypatch.setattr(urllib3.connection.HTTPConnection, "connect", spy)
    return names


def test_the_next_request_goes_on_a_connection_opened_before_it(server: ServerHandle,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    client = _client(server)
    server.conditions.reset_counts()
    client.nop()
    wait_for(lambda: server.conditions.connections >= 2)  # the answered one + one ahead
    connects = _connects_by_thread(monkeypatch)
    for _ in range(3):
        client.nop()
        time.sleep(0.05)  # a patron's pause between scans
    assert threading.current_thread().name not in connects  # no request waited for a handshake
    assert connects and set(connects) == {"irbis-preconnect"}
    assert server.conditions.total() == 4  # the first nop and these three


def _http_server(server: ServerHandle):  # noqa: ANN202 - the sim's IrbisHttpServer
    return next(s for s in server._servers if hasattr(s, "_open"))


def test_a_connection_the_gateway_dropped_is_not_used(server: ServerHandle) -> None:
    client = _client(server)
    client.nop()
    http = _http_server(server)
    wait_for(lambda: len(http._open) >= 1)  # the connection opened ahead
    for sock in list(http._open):
        sock.shutdown(socket.SHUT_RDWR)  # the gateway gives up on it
    time.sleep(0.05)
    assert client.search("RDR", '"RI=$"') is not None  # answered, not GatewayDropped


def test_unused_connections_are_closed_after_the_idle_time(server: ServerHandle) -> None:
    client = _client(server, idle_s=0.3)
    client.nop()
    http = _http_server(server)
    wait_for(lambda: len(http._open) >= 1)
    wait_for(lambda: len(http._open) == 0, timeout_s=5.0)  # the server saw it closed


def test_a_keep_alive_gateway_gets_no_extra_connection(server: ServerHandle) -> None:
    server.conditions.close = False
    client = _client(server)
    server.conditions.reset_counts()
    for _ in range(3):
        client.nop()
    time.sleep(0.2)
    assert server.conditions.connections == 0
    assert client.transport.preconnect.opened == 0
