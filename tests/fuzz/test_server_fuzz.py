"""Garbage to the embedded IRBIS64 server over TCP and over the HTTP tunnel.

Random bytes, damaged and truncated requests, lying or huge length lines, non-UTF-8 paths
and headers: after each one the server still answers a well-formed request on both front
ends, and the databases are byte for byte what they were (read with an independent
SQLite connection).
"""

from __future__ import annotations

import hashlib
import socket
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.irbis import protocol as p
from kiosk.irbis.client import IrbisClient
from kiosk.irbis.server import DB_FILE, HTTP_PATH, start_server
from tests.fuzz.settings import FUZZ_NET

TIMEOUT_S = 15.0  # generous: the test machine is shared; a hang still fails
REGISTERED_ID = 123456


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with start_server(tmp_path_factory.mktemp("irbis"), demo=True) as handle:
        yield handle


@pytest.fixture(scope="module")
def clients(server):
    http = IrbisClient.from_url(server.http_url, "kiosk1", "kiosk1", timeout=TIMEOUT_S)
    tcp = IrbisClient.from_url(server.tcp_url, "kiosk1", "kiosk1", timeout=TIMEOUT_S)
    with http, tcp:
        yield http, tcp


def snapshot(server) -> str:
    conn = sqlite3.connect(f"file:{server.data_dir / DB_FILE}?mode=ro", uri=True)
    try:
        h = hashlib.sha256()
        for row in conn.execute("SELECT db, mfn, status, version, body FROM records ORDER BY db, mfn"):
            h.update(repr(row).encode())
        return h.hexdigest()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def before(server, clients) -> str:
    return snapshot(server)


def still_serving(server, clients, before: str) -> None:
    http, tcp = clients
    for client in (http, tcp):
        mfns = client.search("RDR", '"RI=100102"')
        assert len(mfns) == 1
        assert client.read_record("RDR", mfns[0]).fm(30) == "100102"
    assert snapshot(server) == before


def exchange(port: int, data: bytes) -> bytes:
    """Send, close our side, read until the server closes; fails on a hang."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as sock:
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
        except OSError:  # the server may hang up before reading it all
            pass
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            except TimeoutError:
                raise AssertionError(f"server hung on {data[:80]!r}") from None
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def request_body(command: str, client_id: int, *params: bytes, password: str = "kiosk1") -> bytes:
    return p.encode_request(p.Request(command, "C", client_id, 1, password, "kiosk1", list(params)))


unregistered = st.integers(-10**9, 10**9).filter(lambda n: n != REGISTERED_ID)
commands = st.sampled_from(list("ABCDKNOQ6") + ["", "Z", "ZZ", "\x00", "Ж"])
params = st.lists(st.one_of(st.binary(max_size=20), st.sampled_from(
    [b"RDR", b"IBIS", b"1", b"-1", b"0", b"99999999999", b'"RI=100101"', b"$", b"(((", b"\x1f\x1e",
     b"2#0\x1f\x1e0#1\x1f\x1e30#100101", p.utf(p.record_to_wire(p.record_from_lines(["0#0", "0#0"])))])),
    max_size=8)
valid_looking = st.builds(lambda c, i, ps, pw: request_body(c, i, *ps, password=pw),
                          commands, unregistered, params, st.sampled_from(["kiosk1", "", "wrong", "ü"]))


def damage(data: bytes, ops: list[tuple[int, int]]) -> bytes:
    for where, byte in ops:
        i = where % (len(data) + 1)
        data = data[:i] + bytes([byte]) + data[i + 1:] if byte else data[:i]
    return data


bodies = st.one_of(
    st.binary(max_size=300),
    valid_looking,
    st.builds(damage, valid_looking, st.lists(st.tuples(st.integers(0), st.integers(0, 255)), max_size=3)),
)


def tcp_frames(body: bytes, how: str) -> bytes:
    if how == "framed":
        return p.frame_tcp(body)
    if how == "short":  # promises more than it sends
        return str(len(body) + 50).encode() + b"\n" + body
    if how == "huge":
        return b"999999999\n" + body
    if how == "too_long_line":
        return b"9" * 12 + b"\n" + body
    return body  # raw


@FUZZ_NET
@given(bodies, st.sampled_from(["framed", "short", "huge", "too_long_line", "raw"]))
def test_tcp_garbage(server, clients, before, body, how) -> None:
    answer = exchange(server.tcp_port, tcp_frames(body, how))
    if answer:  # the server may answer (a refusal, or a registration): well-formed
        p.parse_answer(answer)
    still_serving(server, clients, before)


def http_request(method: bytes, path: bytes, headers: list[bytes], body: bytes, length: str) -> bytes:
    head = [method + b" " + path + b" HTTP/1.1", b"Host: 127.0.0.1"]
    if length == "right":
        head.append(b"Content-Length: " + str(len(body)).encode())
    elif length == "more":
        head.append(b"Content-Length: " + str(len(body) + 100).encode())
    elif length == "negative":
        head.append(b"Content-Length: -5")
    elif length == "huge":
        head.append(b"Content-Length: 99999999999999")
    elif length == "chunked":
        head.append(b"Transfer-Encoding: chunked")
    head += headers
    return b"\r\n".join(head) + b"\r\n\r\n" + body


def is_http09_error(answer: bytes) -> bool:
    """http.server answers a request line that is not HTTP/1.x the HTTP/0.9 way: the error
    page with no status line."""
    return answer.startswith(b"<!DOCTYPE HTML>") and b"Error code" in answer


tunnel = HTTP_PATH.encode()
http_garbage = st.one_of(
    st.binary(max_size=300),
    st.builds(
        http_request,
        st.sampled_from([b"POST", b"GET", b"PUT", b"HEAD", b"OPTIONS", b"P\xffST", b""]),
        st.one_of(st.sampled_from([tunnel, tunnel + b"?x=1", b"/", b"/cgi-bin/x.exe", b"*",
                                   tunnel.replace(b"irbis64r", b"\xd0\x96\xff")]),
                  st.binary(max_size=40).map(lambda b: b"/" + b.replace(b" ", b"").replace(b"\r\n", b""))),
        st.lists(st.one_of(st.sampled_from([b"X: \xff\xfe", b"Content-Type: text/plain", b"Expect: 100-continue",
                                            b"Connection: close", b"Nocolon", b"Content-Length: 1",
                                            b"A: " + b"a" * 70000]),
                           st.binary(max_size=30).map(lambda b: b.replace(b"\r\n", b""))),
                 max_size=3),
        bodies.map(lambda b: b + p.END_REQUEST),
        st.sampled_from(["right", "more", "negative", "huge", "chunked", "none"]),
    ),
)


@FUZZ_NET
@given(http_garbage)
def test_http_garbage(server, clients, before, data) -> None:
    answer = exchange(server.http_port, data)
    if answer and not is_http09_error(answer):
        assert answer.startswith(b"HTTP/1."), answer[:80]
        status = int(answer.split(b" ", 2)[1])
        if status == 200:  # only the tunnel answers 200, with a well-formed IRBIS answer
            p.parse_answer(answer.split(b"\r\n\r\n", 1)[1])
    still_serving(server, clients, before)


@pytest.mark.parametrize("data", [
    b"",
    b"\r\n" * 1000,
    b"9" * 100_000,
    b"GET " + b"/" * 70_000 + b" HTTP/1.1\r\n\r\n",
    http_request(b"POST", tunnel, [], b"\x00" * 10_000 + p.END_REQUEST, "right"),
])
def test_http_edge_cases_get_an_answer_or_a_close(server, clients, before, data) -> None:
    answer = exchange(server.http_port, data)
    assert answer == b"" or answer.startswith(b"HTTP/1.") or is_http09_error(answer)
    still_serving(server, clients, before)


def test_http_bad_content_length_gets_400(server, clients, before) -> None:
    data = http_request(b"POST", tunnel, [b"Content-Length: \xb2"], b"x", "none")
    answer = exchange(server.http_port, data)
    still_serving(server, clients, before)
    assert answer.startswith(b"HTTP/1.1 400")


def test_http_huge_client_id_gets_400(server, clients, before) -> None:
    body = b"N\nC\nN\n" + b"1" * 5000 + b"\n1\nkiosk1\nkiosk1\n\n\n\n" + p.END_REQUEST
    answer = exchange(server.http_port, http_request(b"POST", tunnel, [], body, "right"))
    still_serving(server, clients, before)
    assert answer.startswith(b"HTTP/1.1 400")
