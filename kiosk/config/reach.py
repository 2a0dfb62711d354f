"""Does the configured gateway answer? One TCP connection, no login; never raises."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from kiosk.config.schema import Config


def check_gateway_reachable(cfg: Config, timeout_s: float | None = None) -> str | None:
    """None if the gateway accepts a connection (or none is configured: the embedded
    server); otherwise one line for staff and the log, e.g.
    "cannot reach 10.0.0.5:6666 (connection refused)". A valid configuration with an
    unreachable gateway still starts: the app shows its out-of-order screen."""
    url = cfg.gateway.url
    if not url:
        return None
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        port = None
    host = parts.hostname
    if not host or not port:
        return f"gateway url {url!r} has no usable address"
    timeout = cfg.gateway.timeout_s if timeout_s is None else timeout_s
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except TimeoutError:
        return f"cannot reach {host}:{port} (no answer within {timeout:g} s)"
    except OSError as e:
        reason = e.strerror or type(e).__name__
        return f"cannot reach {host}:{port} ({reason.lower()})"
