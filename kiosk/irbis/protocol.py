"""The IRBIS64 client protocol: request framing, answer parsing, record wire format.

Request (client -> server), lines ended by LF:
    command, workstation, command, client id, query number, password, username,
    three empty lines, then the command's parameters.
Over TCP the packet starts with a line holding the byte length of the rest; over the
Web-IRBIS HTTP tunnel the body has no length line and ends with `IRBIS_END_REQUEST`.
Answer (server -> client), lines ended by CR LF:
    command, client id, query number, answer length, server version, five reserved lines,
    the return code, then the data lines.
Header lines and formats are cp1251, search expressions and records UTF-8. Inside a record
on the wire the lines are joined by 0x1F 0x1E (requests, search formats) or by 0x1E alone
(the record a write returns).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kiosk.irbis.errors import ProtocolError
from kiosk.irbis.record import Field, Record

ANSI = "cp1251"
UTF = "utf-8"
DELIMITER = "\x1f\x1e"
SHORT_DELIMITER = "\x1e"
END_REQUEST = b"IRBIS_END_REQUEST"
HEADER_LINES = 10  # answer lines before the return code
REQUEST_HEADER_LINES = 10  # request lines before the parameters
SERVER_VERSION = "64.2024.1"

# command codes
REGISTER = "A"
UNREGISTER = "B"
READ_RECORD = "C"
WRITE_RECORD = "D"
SEARCH = "K"
NOP = "N"
MAX_MFN = "O"
UNLOCK_RECORDS = "Q"
SAVE_RECORD_GROUP = "6"


def ansi(text: str | int) -> bytes:
    return str(text).encode(ANSI, errors="replace")


def utf(text: str) -> bytes:
    return text.encode(UTF)


# ----------------------------------------------------------------------------- requests


@dataclass
class Request:
    command: str
    workstation: str
    client_id: int
    query_id: int
    password: str
    username: str
    params: list[bytes] = field(default_factory=list)

    def param(self, index: int, encoding: str = ANSI, default: str | None = None) -> str:
        """Parameter line `index` decoded; ProtocolError when absent and no default."""
        if index >= len(self.params):
            if default is not None:
                return default
            raise ProtocolError(f"request {self.command}: parameter {index} missing")
        try:
            return self.params[index].decode(encoding)
        except UnicodeDecodeError as exc:
            raise ProtocolError(f"request {self.command}: parameter {index} not {encoding}") from exc

    def int_param(self, index: int, default: int | None = None) -> int:
        text = self.param(index, ANSI, None if default is None else str(default)).strip()
        if not text and default is not None:
            return default
        if not is_number(text):  # IRBIS numbers are 32-bit: nothing longer reaches SQLite
            raise ProtocolError(f"request {self.command}: parameter {index} is not a number")
        return int(text)


def is_number(text: str, max_digits: int = 10) -> bool:
    """An ASCII decimal of sane size, optionally negative, with at most spaces around it
    (IRBIS numbers fit in 32 bits). str.isdigit() alone lets through '²' and 5000-digit
    strings, and str.strip() removes separators (0x1C-0x1F) that int() refuses."""
    return _NUMBER.fullmatch(text) is not None and len(text.strip(" ").lstrip("-")) <= max_digits


_NUMBER = re.compile(r" *-?[0-9]+ *")


def encode_request(req: Request) -> bytes:
    """The request lines (no length line, no end marker)."""
    head = [
        ansi(req.command),
        ansi(req.workstation),
        ansi(req.command),
        ansi(req.client_id),
        ansi(req.query_id),
        ansi(req.password),
        ansi(req.username),
        b"",
        b"",
        b"",
    ]
    return b"".join(line + b"\n" for line in head + list(req.params))


def frame_tcp(body: bytes) -> bytes:
    return ansi(len(body)) + b"\n" + body


def frame_http(body: bytes) -> bytes:
    return body + END_REQUEST


def tcp_length(data: bytes) -> int | None:
    """Total packet size once the length line has arrived, else None; ProtocolError if garbage."""
    nl = data.find(b"\n")
    if nl < 0:
        if len(data) > 12:
            raise ProtocolError("no length line")
        return None
    text = data[:nl].strip()
    if not text.isdigit() or len(text) > 9:
        raise ProtocolError("bad length line")
    return nl + 1 + int(text)


def parse_request(data: bytes, *, framed: bool) -> Request:
    """A request from a TCP packet (framed=True) or an HTTP tunnel body (framed=False)."""
    if framed:
        total = tcp_length(data)
        if total is None or len(data) < total:
            raise ProtocolError("truncated request")
        body = data[data.find(b"\n") + 1 : total]
    else:
        end = data.find(END_REQUEST)
        body = data if end < 0 else data[:end]
    lines = body.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    lines = [line[:-1] if line.endswith(b"\r") else line for line in lines]
    if len(lines) < REQUEST_HEADER_LINES - 3:
        raise ProtocolError("request header too short")
    try:
        head = [line.decode(ANSI) for line in lines[:7]]
    except UnicodeDecodeError as exc:
        raise ProtocolError("request header not cp1251") from exc
    command, workstation, _again, client, query, password, username = head
    if not command or not is_number(client) or not is_number(query):
        raise ProtocolError("malformed request header")
    params = lines[REQUEST_HEADER_LINES:] if len(lines) >= REQUEST_HEADER_LINES else []
    return Request(command, workstation, int(client), int(query), password, username, params)


# ------------------------------------------------------------------------------ answers


@dataclass
class Answer:
    command: str
    client_id: int
    query_id: int
    return_code: int
    lines: list[bytes]
    version: str = ""

    def text(self, index: int, encoding: str = UTF) -> str:
        if index >= len(self.lines):
            raise ProtocolError(f"answer {self.command}: line {index} missing")
        try:
            return self.lines[index].decode(encoding)
        except UnicodeDecodeError as exc:
            raise ProtocolError(f"answer {self.command}: line {index} is not {encoding}") from exc

    def number(self, index: int) -> int:
        text = self.text(index, ANSI).strip()
        try:
            return int(text)
        except ValueError as exc:
            raise ProtocolError(f"answer {self.command}: line {index} is not a number") from exc


def encode_answer(command: str, client_id: int, query_id: int, return_code: int, lines: Sequence[bytes] = ()) -> bytes:
    body = b"".join(line + b"\r\n" for line in (ansi(return_code), *lines))
    head = [ansi(command), ansi(client_id), ansi(query_id), ansi(len(body)), ansi(SERVER_VERSION), b"", b"", b"", b"", b""]
    return b"".join(line + b"\r\n" for line in head) + body


def parse_answer(data: bytes, command: str | None = None, client_id: int | None = None) -> Answer:
    """An answer; ProtocolError when it is empty, truncated, garbage or not ours."""
    if not data:
        raise ProtocolError("empty answer")
    if not data.endswith(b"\n"):
        # Every answer line ends with CRLF; a packet that stops inside a line was cut short
        # (a server killed mid-answer closes the socket cleanly). Believing it would hand
        # out a damaged record that a checkout would then write back.
        raise ProtocolError("answer truncated inside a line")
    lines = data.split(b"\r\n")
    if len(lines) < HEADER_LINES + 1:
        raise ProtocolError("answer header truncated")
    try:
        head = [line.decode(ANSI) for line in lines[:5]]
    except UnicodeDecodeError as exc:
        raise ProtocolError("answer header not cp1251") from exc
    cmd, client, query, size, version = head
    try:
        code_text = lines[HEADER_LINES].decode(ANSI)
    except UnicodeDecodeError as exc:
        raise ProtocolError("answer header garbage") from exc
    if not (is_number(client) and is_number(query) and is_number(code_text)):
        raise ProtocolError("answer header garbage")
    client_no, query_no, code = int(client), int(query), int(code_text)
    if command is not None and cmd != command:
        raise ProtocolError(f"answer to another command, expected {command!r}")
    if client_id is not None and client_no != client_id:
        raise ProtocolError("answer for another client")
    # Clients in the wild ignore the length line, and whether it counts the header is not
    # documented; a packet shorter than it announces is truncated under either reading.
    if is_number(size) and len(data) < int(size):
        raise ProtocolError("answer truncated")
    rest = lines[HEADER_LINES + 1 :]
    if rest and rest[-1] == b"":
        rest.pop()
    return Answer(cmd, client_no, query_no, code, rest, version)


# ------------------------------------------------------------------------------ records


def record_lines(record: Record) -> list[str]:
    return [f"{record.mfn}#{record.status}", f"0#{record.version}", *(str(f) for f in record.fields)]


def record_to_wire(record: Record) -> str:
    """A record as one request line: its lines joined by 0x1F 0x1E."""
    return DELIMITER.join(record_lines(record))


def record_from_lines(lines: Sequence[str], database: str = "") -> Record:
    """Parse `MFN#status`, `0#version`, then `tag#text` lines."""
    if len(lines) < 2:
        raise ProtocolError("record truncated")
    mfn_text, _, status_text = lines[0].partition("#")
    _, sep, version_text = lines[1].partition("#")
    status_text = status_text or "0"
    version_text = version_text if sep else "0"
    if not (is_number(mfn_text) and is_number(status_text) and is_number(version_text)):
        raise ProtocolError("record header garbage")
    rec = Record(abs(int(mfn_text)), int(status_text), int(version_text), database=database)
    fields = rec.fields
    for line in lines[2:]:
        if not line:
            continue
        tag, sep, text = line.partition("#")
        # the usual tag, a few ASCII digits, is taken without the full number check
        if not (sep and (0 < len(tag) <= 9 and tag.isascii() and tag.isdigit()
                         or is_number(tag) and not tag.strip().startswith("-"))):
            raise ProtocolError("field line garbage")
        fields.append(Field.parse(int(tag), text))
    return rec


def saved_record(answer_text: str, sent: Record, sent_fields: Sequence[str]) -> Record:
    """The record a save answered with. When its fields are the ones sent (nothing added
    by the database's autoin or actualize formats), that is `sent` itself with the
    server's MFN, status and version: a reader's record with years of loans costs more to
    parse again than the rest of the save's client work. Else the answer is parsed."""
    lines = split_wire(answer_text)
    if len(lines) >= 2 and [line for line in lines[2:] if line] == list(sent_fields):
        header = record_from_lines(lines[:2], sent.database)
        sent.mfn, sent.status, sent.version = header.mfn, header.status, header.version
        return sent
    return record_from_lines(lines, sent.database)


def split_wire(text: str) -> list[str]:
    """Record lines from either delimiter form."""
    return text.replace(DELIMITER, SHORT_DELIMITER).split(SHORT_DELIMITER)


def record_from_wire(text: str, database: str = "") -> Record:
    return record_from_lines(split_wire(text), database)
