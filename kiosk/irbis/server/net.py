"""Network front ends of the embedded server: native TCP and the Web-IRBIS HTTP tunnel.

TCP: one request per connection, answer, close. HTTP: POST to any path ending in
WebToIrbisServer.exe, body ended by IRBIS_END_REQUEST (LF or CRLF lines), answer with
Content-Length (never chunked), keep-alive unless the field conditions say `close`
(kiosk.irbis.server.conditions: latency, stall, close and lost answers are applied here).
A garbage request gets the connection closed (TCP) or HTTP 400, never a crash.
"""

from __future__ import annotations

import logging
import socket
import socketserver
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from kiosk.irbis import protocol as p
from kiosk.irbis.errors import ProtocolError
from kiosk.irbis.server.engine import Engine

log = logging.getLogger(__name__)

MAX_REQUEST = 16 * 1024 * 1024
READ_TIMEOUT_S = 10.0
TUNNEL_SUFFIX = "WebToIrbisServer.exe"


class _TcpHandler(socketserver.BaseRequestHandler):
    server: IrbisTcpServer

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.settimeout(READ_TIMEOUT_S)
        data = b""
        try:
            total = None
            while total is None or len(data) < total:
                chunk = sock.recv(65536)
                if not chunk:
                    return  # closed before a whole request arrived
                data += chunk
                if total is None:
                    total = p.tcp_length(data)
                if total is not None and total > MAX_REQUEST:
                    return
            req = p.parse_request(data, framed=True)
        except (ProtocolError, OSError) as exc:
            log.info("tcp: dropped a bad request: %s", exc)
            return
        conditions = self.server.engine.conditions
        conditions.delay()
        answer = self.server.engine.handle(req)
        conditions.stall()
        if conditions.dropped(req.command):
            return  # executed, but the answer is lost on the way
        try:
            sock.sendall(answer)
        except OSError:
            pass


class IrbisTcpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], engine: Engine) -> None:
        self.engine = engine
        super().__init__(address, _TcpHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        log.error("tcp: request failed: %s", type(sys.exc_info()[1]).__name__)  # no traceback: it may quote records


class _HttpHandler(BaseHTTPRequestHandler):
    server: IrbisHttpServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # header and body go out as two writes
    server_version = "Kiosk-IrbisSim/1"
    timeout = 30  # idle keep-alive connections are closed after this

    def setup(self) -> None:
        super().setup()
        if isinstance(self.request, ssl.SSLSocket):
            # the TLS handshake runs here, in the connection's own thread, so a slow or
            # broken client never holds up the accept loop
            self.request.do_handshake()

    def handle(self) -> None:
        try:
            super().handle()
        except (ssl.SSLError, OSError):
            self.close_connection = True

    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        if not self.path.split("?", 1)[0].endswith(TUNNEL_SUFFIX):
            self._reply(404, b"not found\n")
            return
        length_text = self.headers.get("Content-Length")
        if (length_text is None or not p.is_number(length_text) or length_text.strip().startswith("-")
                or int(length_text) > MAX_REQUEST):
            self.close_connection = True
            self._reply(411 if length_text is None else 400, b"bad length\n")
            return
        body = self.rfile.read(int(length_text))
        try:
            req = p.parse_request(body, framed=False)
        except ProtocolError as exc:
            log.info("http: bad request: %s", exc)
            self._reply(400, b"bad request\n")
            return
        conditions = self.server.engine.conditions
        conditions.delay()
        answer = self.server.engine.handle(req)
        conditions.stall()
        if conditions.dropped(req.command):
            self.close_connection = True  # executed, but the answer is lost on the way
            return
        if conditions.close:  # as a CGI gateway: one answer per connection
            self.close_connection = True
        self._reply(200, answer)

    def do_GET(self) -> None:  # noqa: N802
        self._reply(405 if self.path.split("?", 1)[0].endswith(TUNNEL_SUFFIX) else 404, b"POST only\n")

    def _reply(self, status: int, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # request lines can carry card numbers: never logged


class IrbisHttpServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], engine: Engine, tls: ssl.SSLContext | None = None) -> None:
        self.engine = engine
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _HttpHandler)
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    # keep-alive connections are tracked so that stopping the server really closes them
    def get_request(self) -> tuple[socket.socket, object]:
        sock, addr = super().get_request()
        self.engine.conditions.connected()
        with self._open_lock:
            self._open.add(sock)
        return sock, addr

    def shutdown_request(self, request: socket.socket) -> None:  # type: ignore[override]
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def server_close(self) -> None:
        super().server_close()
        with self._open_lock:
            for sock in self._open:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self._open.clear()

    def handle_error(self, request: object, client_address: object) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ssl.SSLError, OSError)):
            log.info("http: connection dropped: %s", type(exc).__name__)  # e.g. a failed TLS handshake
        else:
            log.error("http: request failed: %s", type(exc).__name__)
