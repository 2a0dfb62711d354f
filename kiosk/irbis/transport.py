"""Transports: carry one encoded request to the server and bring back the raw answer.

Both take the request lines (no TCP length line, no HTTP end marker) and return the
answer bytes; failures to get an answer at all become `GatewayUnavailable`: `GatewayTimeout`
when nothing came within the timeout, `GatewayDropped` when the connection failed or closed
first (kiosk.irbis.client decides what may be sent again). `timeout` may be given per request.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import deque
from typing import Protocol
from urllib.parse import urlsplit

import requests

from kiosk.irbis.errors import GatewayDropped, GatewayTimeout, GatewayUnavailable, ProtocolError
from kiosk.irbis.preconnect import PreConnector
from kiosk.irbis.protocol import frame_http, frame_tcp

MAX_ANSWER = 64 * 1024 * 1024


class Transport(Protocol):
    def exchange(self, body: bytes, timeout: float | None = None) -> bytes: ...

    def close(self) -> None: ...


class TcpTransport:
    """The native client protocol: one request per connection, the server closes after answering."""

    def __init__(self, host: str, port: int, timeout: float = 3.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout

    def exchange(self, body: bytes, timeout: float | None = None) -> bytes:
        try:
            with socket.create_connection((self.host, self.port), timeout=timeout or self.timeout) as sock:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sock.sendall(frame_tcp(body))
                chunks: list[bytes] = []
                size = 0
                while True:
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > MAX_ANSWER:
                        raise ProtocolError("answer too large")
        except TimeoutError as exc:
            raise GatewayTimeout(f"tcp://{self.host}:{self.port}: {exc}") from exc
        except OSError as exc:
            raise GatewayDropped(f"tcp://{self.host}:{self.port}: {exc}") from exc
        return b"".join(chunks)

    def close(self) -> None:
        pass

    def __repr__(self) -> str:
        return f"TcpTransport({self.host}:{self.port})"


class HttpTransport:
    """The Web-IRBIS tunnel (WebToIrbisServer.exe): one POST per request, keep-alive reused.

    A connection idle for longer than `idle_reconnect_s` is dropped before the next request
    rather than reused: the transport itself never repeats a POST (it may have been
    executed), so it avoids sending one on a connection the gateway may have closed
    meanwhile. A gateway that answers `Connection: close` (a CGI program) gets the next
    connections opened ahead, as many as the last requests used at once
    (kiosk.irbis.preconnect). Safe to use from several threads at once."""

    def __init__(
        self, url: str, timeout: float = 3.0, verify: bool | str = True, idle_reconnect_s: float = 10.0
    ) -> None:
        self.url, self.timeout, self.idle_reconnect_s = url, timeout, idle_reconnect_s
        self._last = 0.0
        self._idle_lock = threading.Lock()
        self.session = requests.Session()
        self.session.verify = verify
        # The gateway is on the library's network: no proxy or .netrc from the environment
        # (and no per-request lookup of them, which is a good part of requests' overhead).
        self.session.trust_env = False
        self.session.headers.update({"User-Agent": "GPNTB/Irbis64", "Accept": "*/*", "Content-Type": "text/plain"})
        # Every request is the same POST but for its body: prepared once, so each exchange
        # skips requests' merging of session settings, cookies and hooks (a fifth of its time)
        self._template = self.session.prepare_request(requests.Request("POST", url))
        # ...and sent through the session's adapter itself: Session.send adds hooks, cookie
        # extraction and redirect handling that one gateway URL never needs (a tenth of the
        # client's time per request)
        self._adapter = self.session.get_adapter(url)
        self._in_flight = 0
        self._burst_peak = 0  # most requests out at once since none was
        self._recent_peaks: deque[int] = deque(maxlen=4)
        self.preconnect = PreConnector(self.session, timeout, idle_reconnect_s, self._close_if_idle)

    def exchange(self, body: bytes, timeout: float | None = None) -> bytes:
        with self._idle_lock:
            now = time.monotonic()
            if self._last and now - self._last > self.idle_reconnect_s:
                self._drop_connections()
            self._last = now
            self._in_flight += 1
            self._burst_peak = max(self._burst_peak, self._in_flight)
        closed: bool | None = None  # not known without an answer
        try:
            prepared = self._template.copy()
            prepared.prepare_body(frame_http(body), None)
            resp = self._adapter.send(prepared, timeout=timeout or self.timeout, verify=self.session.verify)
            closed = resp.headers.get("Connection", "").lower() == "close"
        except requests.Timeout as exc:
            raise GatewayTimeout(f"{_safe(self.url)}: {type(exc).__name__}") from exc
        except requests.RequestException as exc:
            raise GatewayDropped(f"{_safe(self.url)}: {type(exc).__name__}") from exc
        finally:
            self._done(closed)
        if resp.status_code >= 500:  # the CGI program could not reach the IRBIS server
            raise GatewayDropped(f"{_safe(self.url)}: HTTP {resp.status_code}")
        if resp.status_code != 200:
            raise GatewayUnavailable(f"{_safe(self.url)}: HTTP {resp.status_code}")
        return resp.content

    def _done(self, closed: bool | None) -> None:
        with self._idle_lock:
            self._in_flight -= 1
            self._last = time.monotonic()
            if self._in_flight:
                return
            self._recent_peaks.append(self._burst_peak)
            self._burst_peak = 0
            self.preconnect.want = max(self._recent_peaks)
        if closed is not None:
            self.preconnect.answered(closed)

    def _close_if_idle(self) -> None:
        """Close the pools (and the connections opened ahead) once nothing has been sent
        for idle_reconnect_s; under the lock, so no request is between its check and its send."""
        with self._idle_lock:
            if self._in_flight or time.monotonic() - self._last < self.idle_reconnect_s:
                return
            self._drop_connections()

    def _drop_connections(self) -> None:
        """Every idle connection closed (under the lock; a request in flight keeps its own)."""
        for adapter in self.session.adapters.values():
            adapter.close()
        self.preconnect.close_pools()

    def close(self) -> None:
        self.preconnect.close()
        self.session.close()

    def __repr__(self) -> str:
        return f"HttpTransport({_safe(self.url)})"


def _safe(url: str) -> str:
    """The URL without any user:password part, for messages and logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def transport_for(url: str, timeout: float = 3.0, verify: bool | str = True) -> Transport:
    """`tcp://host:port` -> TCP, `http(s)://...` -> the HTTP tunnel."""
    parts = urlsplit(url)
    if parts.scheme == "tcp":
        if not parts.hostname:
            raise ValueError(f"no host in {_safe(url)}")
        return TcpTransport(parts.hostname, parts.port or 6666, timeout)
    if parts.scheme in ("http", "https"):
        return HttpTransport(url, timeout, verify)
    raise ValueError(f"unsupported gateway URL scheme: {parts.scheme!r} (use http://, https:// or tcp://)")
