"""A small HTTP/1.1 server on asyncio (standard library): many idle connections cost a
coroutine each, not a thread. Used by the staff console.

Refuses, with a status code, what it will not read: a request line or headers that are too
long (414/431), too many headers (431), a body over `max_body` (413), chunked bodies (411),
garbage (400), other HTTP versions (505). A client that sends nothing for `idle_timeout_s`
is disconnected; more than `max_connections` at once are turned away (503). TLS when given
an `ssl.SSLContext`. The handler is a coroutine `Request -> Response`; a Response with a
`stream` (an async iterator of bytes) is sent as it comes (Server-Sent Events).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import ssl
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
MAX_LINE = 8192
MAX_HEADERS = 64


class HttpError(Exception):
    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status = status
        self.why = why


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]  # names in lower case
    body: bytes = b""
    client: str = ""
    tls: bool = False

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> str:
        return urlsplit(self.target).query

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: Sequence[tuple[str, str]] = field(default_factory=list)
    stream: AsyncIterator[bytes] | None = None


Handler = Callable[[Request], Awaitable[Response]]
ErrorPage = Callable[[int, str], Response]


def plain_error(status: int, why: str) -> Response:
    return Response(status, f"{status} {why}\n".encode(), [("Content-Type", "text/plain; charset=utf-8")])


class AsyncHttpServer:
    def __init__(
        self,
        handler: Handler,
        address: tuple[str, int],
        *,
        ssl_context: ssl.SSLContext | None = None,
        max_body: int = 4096,
        max_connections: int = 1024,
        idle_timeout_s: float = 30.0,
        error_page: ErrorPage = plain_error,
        on_loop: Callable[[asyncio.AbstractEventLoop], None] | None = None,
    ) -> None:
        self.handler = handler
        self.ssl_context = ssl_context
        self.max_body = max_body
        self.max_connections = max_connections
        self.idle_timeout_s = idle_timeout_s
        self.error_page = error_page
        self.connections = 0
        self.loop = asyncio.new_event_loop()
        self._on_loop = on_loop
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        # bind now, so the caller learns the port (and a busy port fails here)
        self._server = self.loop.run_until_complete(asyncio.start_server(
            self._connection, address[0], address[1], ssl=ssl_context, limit=MAX_LINE * 2,
            reuse_address=True, ssl_handshake_timeout=10 if ssl_context else None,
        ))
        self.server_address: tuple[str, int] = self._server.sockets[0].getsockname()[:2]

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> threading.Thread:
        def run() -> None:
            asyncio.set_event_loop(self.loop)
            if self._on_loop is not None:
                self._on_loop(self.loop)
            self.loop.run_forever()

        self._thread = threading.Thread(target=run, name="staff-console", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self) -> None:
        async def close() -> None:
            assert self._server is not None
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

        if self._thread is not None and self.loop.is_running():
            asyncio.run_coroutine_threadsafe(close(), self.loop).result(10)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)
        else:
            self.loop.run_until_complete(close())
        self.loop.close()

    def keep(self, task: asyncio.Task[None]) -> None:
        """A background task of the handler's, cancelled at stop (call on the loop)."""
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- one connection ----------------------------------------------------------------
    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.connections += 1
        peer = writer.get_extra_info("peername") or ("", 0)
        try:
            if self.connections > self.max_connections:
                await self._write(writer, "GET", self.error_page(503, "too many connections"), close=True)
                return
            while True:
                try:
                    request = await asyncio.wait_for(self._read(reader, str(peer[0])), self.idle_timeout_s)
                except TimeoutError:
                    return  # silent client: its connection is freed
                except HttpError as e:
                    await self._write(writer, "GET", self.error_page(e.status, e.why), close=True)
                    return
                if request is None:
                    return
                try:
                    response = await self.handler(request)
                except asyncio.CancelledError:
                    raise
                except Exception:  # noqa: BLE001 - one bad request must not stop the server
                    log.exception("request %s %s failed", request.method, request.path)
                    response = self.error_page(500, "internal error")
                close = (
                    response.stream is not None
                    or request.header("connection").lower() == "close"
                    or request.headers.get(":version") == "HTTP/1.0"
                )
                await self._write(writer, request.method, response, close=close)
                if close:
                    return
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, OSError):
            pass
        except asyncio.CancelledError:
            pass
        finally:
            self.connections -= 1
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), 1.0)

    async def _read(self, reader: asyncio.StreamReader, client: str) -> Request | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.LimitOverrunError as e:
            raise HttpError(431, "request header too large") from e
        except asyncio.IncompleteReadError as e:
            if e.partial.strip():
                raise HttpError(400, "incomplete request") from e
            return None
        try:
            text = head.decode("latin-1")
        except UnicodeDecodeError as e:  # pragma: no cover - latin-1 decodes anything
            raise HttpError(400, "bad bytes") from e
        lines = text[:-4].split("\r\n")
        while lines and not lines[0]:
            lines.pop(0)  # tolerate stray CRLF between requests
        if not lines:
            raise HttpError(400, "empty request")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            raise HttpError(400, "bad request line")
        method, target, version = parts
        if len(lines[0]) > MAX_LINE:
            raise HttpError(414, "request line too long")
        if not _TOKEN.fullmatch(method):
            raise HttpError(400, "bad method")
        if version not in ("HTTP/1.1", "HTTP/1.0"):
            raise HttpError(505 if version.startswith("HTTP/") else 400, "unsupported HTTP version")
        if not target.startswith("/") or any(ord(c) < 33 or ord(c) > 126 for c in target):
            raise HttpError(400, "bad request target")
        if len(lines) - 1 > MAX_HEADERS:
            raise HttpError(431, "too many headers")
        headers: dict[str, str] = {":version": version}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep or not _TOKEN.fullmatch(name):
                raise HttpError(400, "bad header line")
            key, value = name.lower(), value.strip()
            if key in headers:
                if key == "content-length" and headers[key] != value:
                    raise HttpError(400, "conflicting Content-Length")
                headers[key] = headers[key] + ("; " if key == "cookie" else ", ") + value
            else:
                headers[key] = value
        if "transfer-encoding" in headers:
            raise HttpError(411, "send a Content-Length, not chunks")
        raw_length = headers.get("content-length", "0").split(",")[0].strip() or "0"
        if not raw_length.isdigit() or len(raw_length) > 12:
            raise HttpError(400, "bad Content-Length")
        length = int(raw_length)
        if length > self.max_body:
            raise HttpError(413, "request body too large")
        body = await reader.readexactly(length) if length else b""
        return Request(method, target, headers, body, client, self.ssl_context is not None)

    async def _write(self, writer: asyncio.StreamWriter, method: str, response: Response, close: bool) -> None:
        try:
            phrase = HTTPStatus(response.status).phrase
        except ValueError:
            phrase = "Status"
        head = [f"HTTP/1.1 {response.status} {phrase}"]
        names = {k.lower() for k, _ in response.headers}
        head += [f"{k}: {v}" for k, v in response.headers]
        if response.stream is None and "content-length" not in names:
            head.append(f"Content-Length: {len(response.body)}")
        head.append("Connection: close" if close else "Connection: keep-alive")
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        if method != "HEAD":
            writer.write(response.body)
        await writer.drain()
        if response.stream is not None and method != "HEAD":
            try:
                async for chunk in response.stream:
                    writer.write(chunk)
                    await writer.drain()
            finally:
                aclose = getattr(response.stream, "aclose", None)
                if aclose is not None:
                    await aclose()
