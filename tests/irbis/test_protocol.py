"""Wire format, and a client facing malformed, truncated and garbage answers."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kiosk.irbis import protocol as p
from kiosk.irbis.client import IrbisClient
from kiosk.irbis.errors import GatewayUnavailable, ProtocolError
from kiosk.irbis.record import Field, Record


def make_request(*params: bytes) -> p.Request:
    return p.Request("K", "C", 123456, 7, "пароль", "kiosk1", list(params))


def test_request_layout_matches_the_protocol():
    body = p.encode_request(make_request(p.ansi("IBIS"), p.utf('"A=Абай$"')))
    packet = p.frame_tcp(body)
    lines = packet.split(b"\n")
    assert lines[0] == str(len(body)).encode()
    assert lines[1:11] == [b"K", b"C", b"K", b"123456", b"7", "пароль".encode("cp1251"), b"kiosk1", b"", b"", b""]
    assert lines[11] == b"IBIS" and lines[12] == '"A=Абай$"'.encode()


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_request_parses_from_tcp_and_http_framing(newline):
    req = make_request(p.ansi("RDR"), p.utf("1\x1f\x1e0#1\x1f\x1e30#Ө"))
    body = p.encode_request(req)
    assert p.parse_request(p.frame_tcp(body), framed=True) == req
    http_body = body.replace(b"\n", newline) + p.END_REQUEST
    assert p.parse_request(http_body, framed=False) == req


@pytest.mark.parametrize(
    "data",
    [b"", b"12\nK\n", b"zz\nK\nC\n", b"5\n" + b"\xff" * 40, b"999999999999\n"],
)
def test_garbage_tcp_requests_are_protocol_errors(data):
    with pytest.raises(ProtocolError):
        p.parse_request(data, framed=True)


def test_answer_layout_and_round_trip():
    raw = p.encode_answer("C", 123456, 7, 0, [b"1#0", b"0#3", "10#Сейітова".encode()])
    lines = raw.split(b"\r\n")
    assert lines[:3] == [b"C", b"123456", b"7"]
    assert int(lines[3]) == len(b"\r\n".join(lines[10:]))  # answer length = bytes after the header
    assert lines[5:10] == [b""] * 5 and lines[10] == b"0"
    ans = p.parse_answer(raw, "C", 123456)
    rec = p.record_from_lines([ans.text(i) for i in range(len(ans.lines))], "RDR")
    assert (rec.mfn, rec.version, rec.fm(10), rec.database) == (1, 3, "Сейітова", "RDR")


def test_record_wire_round_trip_both_delimiters():
    rec = Record(5, 0, 2, [Field.parse(2147483647, "{G}"), Field.parse(910, "^a0^HE1")])
    wire = p.record_to_wire(rec)
    assert wire == "5#0\x1f\x1e0#2\x1f\x1e2147483647#{G}\x1f\x1e910#^a0^HE1"
    for text in (wire, wire.replace("\x1f\x1e", "\x1e")):
        back = p.record_from_wire(text)
        assert (back.mfn, back.version, back.content()) == (5, 2, rec.content())


# ------------------------------------------------------------------ a misbehaving server


class FakeServer:
    """Answers registration properly, then whatever `reply(request)` returns (None: just close)."""

    def __init__(self, reply: Callable[[p.Request], bytes | None]) -> None:
        self.reply = reply
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while True:
                    total = p.tcp_length(data) if data else None
                    if total is not None and len(data) >= total:
                        break
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                req = p.parse_request(data, framed=True)
                if req.command == "A":
                    conn.sendall(p.encode_answer("A", req.client_id, req.query_id, 0, [b"30"]))
                    continue
                answer = self.reply(req)
                if answer:
                    conn.sendall(answer)

    def close(self) -> None:
        self.sock.close()


def answer(req: p.Request, code: int | str, *lines: bytes, command: str | None = None) -> bytes:
    raw = p.encode_answer(command or req.command, req.client_id, req.query_id, 0, lines)
    return raw.replace(b"\r\n0\r\n", b"\r\n" + str(code).encode() + b"\r\n", 1) if code != 0 else raw


GARBAGE_ANSWERS: dict[str, Callable[[p.Request], bytes | None]] = {
    "closed without answer": lambda req: None,
    "random bytes": lambda req: bytes(range(256)) * 3,
    "header cut short": lambda req: answer(req, 0, b"1")[:12],
    "return code not a number": lambda req: answer(req, "oops", b"1#0", b"0#1"),
    "answer shorter than announced": lambda req: answer(req, 0, b"1#0", b"0#1", b"10#" + b"x" * 200)[:-100],
    "record without version line": lambda req: answer(req, 0, b"1#0"),
    "field line garbage": lambda req: answer(req, 0, b"1#0", b"0#1", b"not a field"),
    "answer to another command": lambda req: answer(req, 0, b"1#0", b"0#1", command="K"),
    "record header garbage": lambda req: answer(req, 0, b"x#y", b"0#1"),
    "invalid utf-8": lambda req: answer(req, 0, b"1#0", b"0#1", b"10#\xff\xfe"),
}


@pytest.mark.parametrize("case", sorted(GARBAGE_ANSWERS))
def test_garbage_answers_raise_protocol_error(case):
    srv = FakeServer(GARBAGE_ANSWERS[case])
    try:
        with IrbisClient.from_url(f"tcp://127.0.0.1:{srv.port}", "kiosk1", "kiosk1", timeout=2) as c:
            with pytest.raises(ProtocolError):
                c.read_record("RDR", 1)
    finally:
        srv.close()


@pytest.mark.parametrize(
    "reply",
    [
        lambda req: answer(req, 0, b"2", b"1", b"abc"),  # an MFN line that is not a number
        lambda req: answer(req, 0, b"many"),  # the count is not a number
        lambda req: answer(req, 0),  # the count is missing
    ],
)
def test_garbage_search_answers(reply):
    srv = FakeServer(reply)
    try:
        with IrbisClient.from_url(f"tcp://127.0.0.1:{srv.port}", "kiosk1", "kiosk1", timeout=2) as c:
            with pytest.raises(ProtocolError):
                c.search("RDR", '"RI=1"')
    finally:
        srv.close()


def test_group_save_answer_missing_records():
    srv = FakeServer(lambda req: answer(req, 0, b"1#0\x1e0#2\x1e30#1"))
    try:
        with IrbisClient.from_url(f"tcp://127.0.0.1:{srv.port}", "kiosk1", "kiosk1", timeout=2) as c:
            recs = [Record(1, 0, 1, [Field.parse(30, "1")], "RDR"), Record(2, 0, 1, [], "IBIS")]
            with pytest.raises(ProtocolError):
                c.write_records(recs)
    finally:
        srv.close()


def test_connection_refused_is_gateway_unavailable():
    s = socket.create_server(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    for url in (f"tcp://127.0.0.1:{port}", f"http://127.0.0.1:{port}/cgi-bin/irbis64r/WebToIrbisServer.exe"):
        with pytest.raises(GatewayUnavailable):
            IrbisClient.from_url(url, "kiosk1", "kiosk1", timeout=1).connect()


def test_silent_server_times_out():
    s = socket.create_server(("127.0.0.1", 0))  # accepts (backlog) but never answers
    try:
        with pytest.raises(GatewayUnavailable):
            IrbisClient.from_url(f"tcp://127.0.0.1:{s.getsockname()[1]}", "kiosk1", "kiosk1", timeout=0.3).connect()
    finally:
        s.close()


@pytest.mark.parametrize("status, body", [(500, b"Internal error"), (404, b"nope"), (200, b"<html>not irbis</html>")])
def test_http_gateway_errors(status, body):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    try:
        url = f"http://127.0.0.1:{srv.server_address[1]}/cgi-bin/irbis64r/WebToIrbisServer.exe"
        expected = ProtocolError if status == 200 else GatewayUnavailable
        with pytest.raises(expected):
            IrbisClient.from_url(url, "kiosk1", "kiosk1", timeout=1).connect()
    finally:
        srv.shutdown()
        srv.server_close()


def test_transport_chosen_by_url():
    from kiosk.irbis.transport import HttpTransport, TcpTransport, transport_for

    tcp = transport_for("tcp://irbis.example.kz:6666")
    assert isinstance(tcp, TcpTransport) and (tcp.host, tcp.port) == ("irbis.example.kz", 6666)
    assert transport_for("tcp://10.0.0.5").port == 6666
    https = transport_for("https://lib.example.kz/cgi-bin/irbis64r_91/WebToIrbisServer.exe", 2.0, "/etc/kiosk/ca.pem")
    assert isinstance(https, HttpTransport) and https.session.verify == "/etc/kiosk/ca.pem" and https.timeout == 2.0
    secret = transport_for("http://user:secret@lib.example.kz:8080/WebToIrbisServer.exe")
    assert "secret" not in repr(secret)
    for bad in ("ftp://lib.example.kz", "lib.example.kz:6666", "tcp://"):
        with pytest.raises(ValueError):
            transport_for(bad)


def test_a_save_answered_with_the_fields_sent_gives_back_the_sent_record_with_its_new_version():
    sent = Record(0, 0, 0, [Field.parse(30, "100101"), Field.parse(40, "^GIBIS^H000010001^F******")],
                  database="RDR")
    fields = p.record_lines(sent)[2:]
    answer = p.SHORT_DELIMITER.join(["17#0", "0#3", *fields])
    saved = p.saved_record(answer, sent, fields)
    assert saved is sent and (saved.mfn, saved.status, saved.version) == (17, 0, 3)


def test_a_save_answered_with_other_fields_is_read_from_the_answer():
    # the database's autoin format added a field on the server: the answer is what IRBIS keeps
    sent = Record(17, 0, 2, [Field.parse(30, "100101")], database="RDR")
    fields = p.record_lines(sent)[2:]
    answer = p.SHORT_DELIMITER.join(["17#0", "0#3", *fields, "907#^A20261125^Bkiosk1"])
    saved = p.saved_record(answer, sent, fields)
    assert saved is not sent and saved.version == 3 and saved.database == "RDR"
    assert saved.fm(907, "B") == "kiosk1" and sent.version == 2 and sent.first(907) is None
