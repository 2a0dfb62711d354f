"""Does the gateway answer? The one probe behind the health table's gateway line: `kiosk
hw-check` runs it, and the running kiosk when its first request fails. Never raises."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Answer:
    problem: str | None  # None: it answers
    detail: str = ""  # what answered, for staff


def probe_gateway(url: str, timeout: float = 2.0, ca_file: str = "") -> Answer:
    """One short HTTP GET for a Web-IRBIS tunnel (a 404 means the path is wrong), one TCP
    connect for the client protocol; no login is tried."""
    url = url.strip()
    parts = urlsplit(url)
    host = parts.hostname or ""
    default_port = {"http": 80, "https": 443, "tcp": 6666}.get(parts.scheme)
    try:
        port = parts.port or default_port
    except ValueError:
        port = None
    if not host or port is None:
        return Answer(f"{url}: not a http://, https:// or tcp:// URL")
    where = f"{parts.scheme}://{host}:{port}"
    if parts.scheme in ("http", "https"):
        # urllib would take "user:password@host" for the host name: probe without them
        bare = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
        status, problem = _http_probe(bare, timeout, ca_file)
        if problem:
            return Answer(f"{where} {problem}")
        return Answer(None, f"{where} reachable (HTTP {status} for {parts.path or '/'})")
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as e:
        reason = e.strerror or type(e).__name__
        return Answer(f"{where} unreachable ({reason})")
    return Answer(None, f"{where} accepts connections (TCP connect; no login tried)")


def _http_probe(url: str, timeout: float, ca_file: str = "") -> tuple[int, str]:
    """(HTTP status, problem or ""): one short GET, no proxy (the gateway is on the LAN)."""
    import ssl
    import urllib.error
    import urllib.request

    handlers: list[Any] = [urllib.request.ProxyHandler({})]
    if url.startswith("https:"):
        context = ssl.create_default_context(cafile=ca_file or None)
        handlers.append(urllib.request.HTTPSHandler(context=context))
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(urllib.request.Request(url, method="GET"), timeout=timeout) as resp:
            status = resp.status
    except urllib.error.HTTPError as e:
        status = e.code
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", None) or e
        return 0, f"unreachable ({reason})"
    if status == 404:
        return status, "answers, but the path is not there (HTTP 404): check the URL's path"
    return status, ""
