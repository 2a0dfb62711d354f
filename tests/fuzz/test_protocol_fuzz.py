"""Fuzzing the IRBIS64 answer parser and the client's decoding of answers.

Arbitrary bytes, and real answers of the embedded server cut short or damaged, must come
out of `parse_answer`, `record_from_lines`/`record_from_wire` and every IrbisClient
command as a result or one of the typed errors of kiosk.irbis.errors -- never IndexError,
ValueError, UnicodeError or anything else a caller cannot catch by type.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.irbis import protocol as p
from kiosk.irbis.client import IrbisClient
from kiosk.irbis.errors import GatewayUnavailable, IrbisError, ProtocolError
from kiosk.irbis.record import Record
from kiosk.irbis.server import start_server
from kiosk.irbis.transport import transport_for
from tests.fuzz.settings import FUZZ

TYPED = (IrbisError, ProtocolError, GatewayUnavailable)

# Numbers int() refuses although str.isdigit()/str.strip() accept them ("²", "\x1c5", 5000
# digits) are rejected by kiosk.irbis.protocol.is_number: the regression tests at the end
# of this file pin those inputs.


# ----------------------------------------------------------------- real answers to damage


class Recorder:
    """Wraps a real transport and keeps (command, request, answer) of every exchange."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.seen: list[tuple[str, bytes]] = []

    def exchange(self, body: bytes, timeout: float | None = None) -> bytes:
        answer = self.inner.exchange(body, timeout)
        self.seen.append((body.split(b"\n", 1)[0].decode(), answer))
        return answer

    def close(self) -> None:
        self.inner.close()


@pytest.fixture(scope="module")
def real_answers(tmp_path_factory) -> dict[str, bytes]:
    """One real answer per command, from the embedded server with the demo data."""
    with start_server(tmp_path_factory.mktemp("irbis"), demo=True) as handle:
        rec = Recorder(transport_for(handle.http_url))
        client = IrbisClient(rec, "kiosk1", "kiosk1")
        with client:
            client.nop()
            mfns = client.search("RDR", '"RI=100102"')
            client.search_records("RDR", '"RI=100102"')
            reader = client.read_record("RDR", mfns[0])
            client.write_record("RDR", reader)
            reader = client.read_record("RDR", mfns[0])
            client.write_records([reader])
            client.max_mfn("IBIS")
        answers: dict[str, bytes] = {}
        for command, answer in rec.seen:
            answers.setdefault(command, answer)
    assert set(answers) >= {"A", "N", "K", "C", "D", "6", "O"}
    return answers


def with_client_id(answer: bytes, client_id: int) -> bytes:
    lines = answer.split(b"\r\n")
    lines[1] = str(client_id).encode()
    return b"\r\n".join(lines)


class DamagingTransport:
    """A gateway that registers the client properly, then answers every other command with
    the real answer to that command passed through `damage` (the network edge double)."""

    def __init__(self, answers: dict[str, bytes], damage) -> None:
        self.answers = answers
        self.damage = damage

    def exchange(self, body: bytes, timeout: float | None = None) -> bytes:
        req = p.parse_request(body, framed=False)
        real = with_client_id(self.answers[req.command], req.client_id)
        if req.command in ("A", "B"):
            return real
        return self.damage(real)

    def close(self) -> None:
        pass


def run_every_command(client: IrbisClient) -> None:
    """Every client command once; each may fail, but only with a typed error."""
    reader = Record(mfn=1, database="RDR")
    reader.add(30, "100102")
    calls = [
        lambda: client.nop(),
        lambda: client.search("RDR", '"RI=100102"'),
        lambda: client.search_records("RDR", '"RI=100102"'),
        lambda: client.read_record("RDR", 1),
        lambda: client.write_record("RDR", reader),
        lambda: client.write_records([reader]),
        lambda: client.max_mfn("IBIS"),
    ]
    for call in calls:
        try:
            call()
        except TYPED:
            pass


damage_ops = st.lists(
    st.one_of(
        st.tuples(st.just("cut"), st.integers(min_value=0)),
        st.tuples(st.just("flip"), st.integers(min_value=0), st.integers(1, 255)),
        st.tuples(st.just("insert"), st.integers(min_value=0), st.binary(min_size=1, max_size=12)),
        st.tuples(st.just("drop_line"), st.integers(min_value=0)),
    ),
    min_size=1,
    max_size=4,
)


def apply_damage(data: bytes, ops) -> bytes:
    for op in ops:
        where = op[1] % (len(data) + 1)
        if op[0] == "cut":
            data = data[:where]
        elif op[0] == "flip" and data:
            i = where % len(data)
            data = data[:i] + bytes([data[i] ^ op[2]]) + data[i + 1:]
        elif op[0] == "insert":
            data = data[:where] + op[2] + data[where:]
        elif op[0] == "drop_line":
            lines = data.split(b"\r\n")
            del lines[op[1] % len(lines)]
            data = b"\r\n".join(lines)
    return data


# ----------------------------------------------------------------------- the properties


@FUZZ
@given(st.binary(max_size=400))
def test_parse_answer_of_random_bytes(data) -> None:
    try:
        answer = p.parse_answer(data)
    except ProtocolError:
        return
    assert isinstance(answer.return_code, int) and all(isinstance(x, bytes) for x in answer.lines)


answer_lines = st.lists(st.one_of(st.binary(max_size=30), st.text(max_size=30).map(str.encode),
                                  st.integers(-10**6, 10**6).map(lambda n: str(n).encode())),
                        max_size=16)


@FUZZ
@given(answer_lines)
def test_parse_answer_of_line_shaped_garbage(lines) -> None:
    data = b"\r\n".join(lines)
    try:
        answer = p.parse_answer(data, "C", 5)
    except ProtocolError:
        return
    for i in range(len(answer.lines) + 1):
        for read in (lambda i=i: answer.text(i), lambda i=i: answer.number(i)):
            try:
                read()
            except ProtocolError:
                pass


@FUZZ
@given(st.lists(st.text(max_size=40), max_size=12), st.sampled_from(["\x1e", "\x1f\x1e"]))
def test_record_parsers_of_arbitrary_text(lines, delimiter) -> None:
    text = delimiter.join(lines)
    for parse in (lambda: p.record_from_lines(lines), lambda: p.record_from_wire(text)):
        try:
            rec = parse()
        except ProtocolError:
            continue
        assert rec.mfn >= 0 and all(isinstance(f.tag, int) for f in rec.fields)
        # what parsed goes back on the wire and reads the same
        again = p.record_from_wire(p.record_to_wire(rec))
        assert (again.mfn, again.status, again.version) == (rec.mfn, rec.status, rec.version)
        assert again.content() == rec.content()


@FUZZ
@given(st.sampled_from(["N", "K", "C", "D", "6", "O"]), damage_ops)
def test_damaged_real_answers_parse_or_raise_protocol_error(real_answers, command, ops) -> None:
    data = apply_damage(with_client_id(real_answers[command], 777), ops)
    try:
        p.parse_answer(data, command, 777)
    except ProtocolError:
        pass


@FUZZ
@given(st.integers(min_value=0))
def test_every_truncation_of_a_real_answer_is_caught(real_answers, cut) -> None:
    for command, answer in real_answers.items():
        data = with_client_id(answer, 777)
        short = data[: cut % len(data)]
        try:
            parsed = p.parse_answer(short, command, 777)
        except ProtocolError:
            continue
        # nothing invented and nothing cut: whole real lines only
        full = p.parse_answer(data, command, 777)
        assert parsed.lines == full.lines[: len(parsed.lines)]


@FUZZ
@given(damage_ops)
def test_client_commands_on_damaged_answers_raise_only_typed_errors(real_answers, ops) -> None:
    def damage(real: bytes) -> bytes:
        return apply_damage(real, ops)

    run_every_command(IrbisClient(DamagingTransport(real_answers, damage), "kiosk1", "kiosk1"))


@FUZZ
@given(st.binary(max_size=300))
def test_client_commands_on_random_answers_raise_only_typed_errors(real_answers, garbage) -> None:
    def damage(real: bytes) -> bytes:
        return garbage

    run_every_command(IrbisClient(DamagingTransport(real_answers, damage), "kiosk1", "kiosk1"))


@FUZZ
@given(st.binary(max_size=300), st.booleans())
def test_parse_request_of_random_bytes(data, framed) -> None:
    try:
        req = p.parse_request(data, framed=framed)
    except ProtocolError:
        return
    for i in range(len(req.params) + 1):
        for read in (lambda i=i: req.param(i), lambda i=i: req.int_param(i)):
            try:
                read()
            except ProtocolError:
                pass


# ------------------------------ crashes found by fuzzing, fixed by helper A: regression tests

def _answer_with(line_no: int, text: bytes) -> bytes:
    lines = p.encode_answer("C", 5, 1, 0, [b"1#0", b"0#1", b"10#x"]).split(b"\r\n")
    lines[line_no] = text
    return b"\r\n".join(lines)


def test_answer_with_a_huge_length_line() -> None:
    with pytest.raises(ProtocolError):
        p.parse_answer(_answer_with(1, b"9" * 5000))
    p.parse_answer(_answer_with(3, b"9" * 5000))  # the length line is advisory: either is fine


@pytest.mark.parametrize("line", ["\u00b2#x", "9" * 5000 + "#x"])
def test_record_line_with_a_tag_int_refuses(line) -> None:
    with pytest.raises(ProtocolError):
        p.record_from_lines(["1#0", "0#1", line])


def test_client_read_record_with_a_superscript_tag(real_answers) -> None:
    def damage(real: bytes) -> bytes:
        return real + "\u00b2#x\r\n".encode() if real.startswith(b"C\r\n") else real

    client = IrbisClient(DamagingTransport(real_answers, damage), "kiosk1", "kiosk1")
    with pytest.raises(ProtocolError):
        client.read_record("RDR", 1)


def test_request_with_a_huge_client_id() -> None:
    body = b"N\nC\nN\n" + b"1" * 5000 + b"\n1\nkiosk1\nkiosk1\n\n\n\n"
    with pytest.raises(ProtocolError):
        p.parse_request(body, framed=False)


@pytest.mark.parametrize("parse", [
    lambda: p.parse_answer(_answer_with(1, b"\x1c5")),
    lambda: p.record_from_lines(["\x1c1#0", "0#1"]),
    lambda: p.record_from_lines(["1#0", "0#1", "\x1f30#x"]),
    lambda: p.parse_request(b"N\nC\nN\n\x1c1\n1\nk\nk\n\n\n\n", framed=False),
], ids=["answer_client_id", "record_mfn", "record_tag", "request_client_id"])
def test_numbers_with_a_separator_char_are_protocol_errors(parse) -> None:
    with pytest.raises(ProtocolError):
        parse()


def test_answer_cut_inside_its_last_line_is_truncated() -> None:
    answer = p.encode_answer("K", 5, 1, 0, [b"2", b"15", b"123"])
    with pytest.raises(ProtocolError):
        p.parse_answer(answer[:-4], "K", 5)


class CuttingTcpServer:
    """A TCP gateway that dies in the middle of its search answer (the last 4 bytes never
    leave: as when the server process is killed mid-write, the kernel closes cleanly)."""

    def __init__(self, lines: list[bytes] | None = None) -> None:
        import socket
        import threading

        self.lines = lines or [b"2", b"15", b"123"]
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn:
                data = b""
                while (total := p.tcp_length(data)) is None or len(data) < total:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                req = p.parse_request(data, framed=True)
                if req.command == "K":
                    answer = p.encode_answer("K", req.client_id, req.query_id, 0, self.lines)[:-4]
                else:
                    answer = p.encode_answer(req.command, req.client_id, req.query_id, 0, [b"60"])
                conn.sendall(answer)

    def close(self) -> None:
        self.listener.close()


def test_a_search_answer_cut_short_over_tcp_is_not_believed() -> None:
    server = CuttingTcpServer()
    try:
        client = IrbisClient.from_url(f"tcp://127.0.0.1:{server.port}", "kiosk1", "kiosk1")
        try:
            found = client.search("RDR", '"RI=100101"')
        except TYPED:
            return
        assert found == [15, 123]
    finally:
        server.close()


def test_a_record_cut_short_over_tcp_is_not_believed() -> None:
    record = "\x1f".join(["2#", "2#0", "0#1", "30#100101", "40#^GIBIS^H000010005^E20261202^F******"])
    server = CuttingTcpServer([b"1", record.encode()])
    try:
        client = IrbisClient.from_url(f"tcp://127.0.0.1:{server.port}", "kiosk1", "kiosk1")
        try:
            found = client.search_records("RDR", '"RI=100101"')
        except TYPED:
            return
        assert found[0].fm(40, "F") == "******"
    finally:
        server.close()
