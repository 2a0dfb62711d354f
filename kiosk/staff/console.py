"""`kiosk staff-console`: the web page staff keep open on the desk PC or a phone.

Standard library only (http.server). One HTML page; live updates by Server-Sent Events.
Staff sign in with accounts from the users file (salted PBKDF2); the session cookie is
HttpOnly and SameSite=Strict, and every state-changing POST needs the session's CSRF token
in a header and a same-origin Origin (when the browser sends one).
"""

from __future__ import annotations

import argparse
import json
import logging
import secrets
import signal
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from kiosk.core.domain import REASONS
from kiosk.locale import LANGUAGES, catalogue, tr
from kiosk.staff import messages
from kiosk.staff import users as staff_users
from kiosk.staff.hub import CommandError, ConsoleHub

log = logging.getLogger(__name__)

COOKIE = "kiosk_staff"
LANG_COOKIE = "kiosk_staff_lang"
SESSION_S = 12 * 3600
MAX_BODY = 4096
FAILS_ALLOWED = 5  # sign-in failures per address within FAIL_WINDOW_S before a pause
FAIL_WINDOW_S = 300.0
PAGE = Path(__file__).with_name("console.html")


@dataclass
class StaffSession:
    user: str
    csrf: str
    expires: float


class Sessions:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_token: dict[str, StaffSession] = {}
        self._fails: dict[str, list[float]] = {}

    def open(self, user: str) -> tuple[str, StaffSession]:
        token = secrets.token_urlsafe(32)
        session = StaffSession(user, secrets.token_urlsafe(24), time.monotonic() + SESSION_S)
        with self._lock:
            self._by_token[token] = session
        return token, session

    def get(self, token: str | None) -> StaffSession | None:
        if not token:
            return None
        with self._lock:
            s = self._by_token.get(token)
            if s is not None and s.expires < time.monotonic():
                del self._by_token[token]
                return None
            return s

    def close(self, token: str | None) -> None:
        with self._lock:
            self._by_token.pop(token or "", None)

    def throttled(self, address: str) -> bool:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._fails.get(address, []) if now - t < FAIL_WINDOW_S]
            self._fails[address] = recent
            return len(recent) >= FAILS_ALLOWED

    def failed(self, address: str) -> None:
        with self._lock:
            self._fails.setdefault(address, []).append(time.monotonic())


def page_strings(lang: str) -> dict[str, str]:
    """Every console string of `lang` (staff.* ids), filled from ru/kk when one is missing."""
    ids = {k for code in LANGUAGES for k in catalogue(code) if k.startswith("staff.")}
    return {k: tr(k, lang) for k in sorted(ids)}


def render_page(lang: str) -> bytes:
    strings = page_strings(lang)
    html = PAGE.read_text(encoding="utf-8")
    html = html.replace("__LANG__", lang).replace("__TITLE__", strings.get("staff.console.title", ""))
    data = json.dumps(strings, ensure_ascii=False).replace("</", "<\\/")
    return html.replace("__STRINGS__", data).encode("utf-8")


class ConsoleApp:
    """The console's state shared by the request threads."""

    def __init__(self, hub: ConsoleHub, users: Mapping[str, str], default_lang: str = "kk") -> None:
        self.hub = hub
        self.users = dict(users)
        self.default_lang = default_lang if default_lang in LANGUAGES else "kk"
        self.sessions = Sessions()
        self.stopping = threading.Event()
        self.pages = {code: render_page(code) for code in LANGUAGES}


class Handler(BaseHTTPRequestHandler):
    server_version = "kiosk-staff-console"
    timeout = 30  # a client that stops sending mid-request frees its thread
    server: ConsoleServer
    too_large = False

    @property
    def app(self) -> ConsoleApp:
        return self.server.app

    # -- helpers -----------------------------------------------------------------------
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        log.debug("%s %s", self.address_string(), format % args)

    def _cookies(self) -> SimpleCookie:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(self.headers.get("Cookie", ""))
        except CookieError:
            pass
        return jar

    def _cookie(self, name: str) -> str | None:
        morsel = self._cookies().get(name)
        return morsel.value if morsel is not None else None

    def _lang(self) -> str:
        lang = self._cookie(LANG_COOKIE) or ""
        return lang if lang in LANGUAGES else self.app.default_lang

    def _send(self, status: int, body: bytes, ctype: str, extra: Sequence[tuple[str, str]] = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Referrer-Policy", "no-referrer")
        for key, value in extra:
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: dict[str, Any], extra: Sequence[tuple[str, str]] = ()) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8", extra)

    def _error(self, status: int, code: str) -> None:
        self._json(status, {"ok": False, "error": code, "message": tr(code, self._lang())})

    def _session(self) -> StaffSession | None:
        return self.app.sessions.get(self._cookie(COOKIE))

    def _same_origin(self) -> bool:
        origin = self.headers.get("Origin")
        if origin is None:
            return True  # not a browser, or a same-origin GET; the CSRF token still applies
        host = self.headers.get("Host", "")
        return origin in (f"http://{host}", f"https://{host}")

    def _body(self, kind: str) -> dict[str, Any] | None:
        """The request's JSON body checked against messages.SCHEMAS[kind]; None (counted in
        the console's health, logged once) when it does not fit."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self.close_connection = True  # the rest of the body is not read
            self.too_large = length > MAX_BODY
            where = urlsplit(self.path).path
            self.app.hub.rejections.reject(where, kind, messages.Invalid("body", "bad length"))
            return None
        raw = self.rfile.read(length) if length else b""
        try:
            return messages.decode(kind, raw) if raw else messages.check(kind, {})
        except messages.Invalid as e:
            self.app.hub.rejections.reject(urlsplit(self.path).path, kind, e)
            return None

    # -- GET ---------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        url = urlsplit(self.path)
        if url.path == "/":
            lang = parse_qs(url.query).get("lang", [""])[0]
            extra = []
            if lang in LANGUAGES:
                extra.append(("Set-Cookie", f"{LANG_COOKIE}={lang}; Path=/; SameSite=Strict; Max-Age=31536000"))
            else:
                lang = self._lang()
            self._send(200, self.app.pages[lang], "text/html; charset=utf-8", extra)
        elif url.path == "/api/me":
            s = self._session()
            self._json(200, {"user": s.user if s else None, "csrf": s.csrf if s else None})
        elif url.path == "/api/state":
            if self._session() is None:
                return self._error(401, "staff.console.error.sign_in")
            self._json(200, self.app.hub.snapshot())
        elif url.path == "/api/events":
            self._events()
        elif url.path == "/favicon.ico":
            self._send(204, b"", "image/x-icon")
        elif url.path == "/healthz":
            self._json(200, {"ok": True, "broker": self.app.hub.connected.is_set(),
                             **self.app.hub.rejections.health()})
        else:
            self._error(404, "staff.console.error.not_found")

    def _events(self) -> None:
        token = self._cookie(COOKIE)
        if self.app.sessions.get(token) is None:
            return self._error(401, "staff.console.error.sign_in")
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Accel-Buffering", "no")
        self.end_headers()
        hub, seen = self.app.hub, -1
        try:
            while not self.app.stopping.is_set() and self.app.sessions.get(token) is not None:
                version = hub.wait_change(seen, 15.0)
                if version == seen:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    seen = version
                    data = json.dumps(hub.snapshot(), ensure_ascii=False)
                    self.wfile.write(f"retry: 1000\ndata: {data}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass
        self.close_connection = True

    # -- POST --------------------------------------------------------------------------
    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        path = urlsplit(self.path).path
        if not self._same_origin():
            return self._error(403, "staff.console.error.forbidden")
        body = self._body("login" if path == "/api/login" else "command")
        if body is None:
            return self._error(413 if self.too_large else 400, "staff.console.error.bad_request")
        if path == "/api/login":
            return self._login(body)
        session = self._session()
        if session is None:
            return self._error(401, "staff.console.error.sign_in")
        if not secrets.compare_digest(self.headers.get("X-CSRF-Token", ""), session.csrf):
            return self._error(403, "staff.console.error.forbidden")
        if path == "/api/logout":
            self.app.sessions.close(self._cookie(COOKIE))
            return self._json(200, {"ok": True}, [("Set-Cookie", f"{COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict")])
        parts = path.split("/")
        if len(parts) == 5 and parts[:3] == ["", "api", "alerts"]:
            alert_id, action = unquote(parts[3]), parts[4]
            try:
                result = self.app.hub.command(alert_id, action, by=session.user)
            except CommandError as e:
                status = 404 if e.code == "console.no_such_alert" else 409
                return self._error(status, "staff." + e.code)
            log.info("%s sent %s for alert %s", session.user, action, alert_id)
            return self._json(202, {"ok": True, **result})
        self._error(404, "staff.console.error.not_found")

    def _login(self, body: dict[str, Any]) -> None:
        address = self.client_address[0]
        if self.app.sessions.throttled(address):
            return self._error(429, "staff.console.error.too_many")
        user, password = body["user"], body["password"]
        if not staff_users.check(self.app.users, user.strip(), password):
            self.app.sessions.failed(address)
            log.info("failed sign-in from %s", address)  # never the password
            return self._error(401, "staff.console.error.bad_login")
        token, session = self.app.sessions.open(user.strip())
        log.info("%s signed in", session.user)
        cookie = f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_S}"
        self._json(200, {"ok": True, "user": session.user, "csrf": session.csrf}, [("Set-Cookie", cookie)])

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
        self.do_GET()


class ConsoleServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: ConsoleApp) -> None:
        self.app = app
        super().__init__(address, Handler)

    def start(self) -> threading.Thread:
        thread = threading.Thread(
            target=self.serve_forever, args=(0.1,), name="staff-console", daemon=True
        )
        thread.start()
        return thread

    def stop(self) -> None:
        self.app.stopping.set()
        self.shutdown()
        self.app.hub.stop()  # wakes the event streams
        self.server_close()


def _broker_password(path: str) -> str:
    return Path(path).read_text(encoding="utf-8").strip() if path else ""


def console_db(cfg: Any) -> str:
    """[staff] console_db, else <state dir>/staff-console.sqlite3."""
    from kiosk.irbis.gateway import state_dir

    return cfg.staff.console_db or str(state_dir(cfg) / "staff-console.sqlite3")


def main(args: argparse.Namespace) -> int:
    from kiosk.config import ConfigError, load_config

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        cfg = load_config(args.config)
        staff = cfg.staff
        users = staff_users.load_users(staff.users_file, staff.users)
        broker = args.broker or staff.broker_url or "mqtt://127.0.0.1:1883"
        hub = ConsoleHub(
            broker, staff.topic_prefix,
            username=staff.broker_username, password=_broker_password(staff.broker_password_file),
            store=console_db(cfg),
            escalate_after_s=staff.escalate_after_s,
        )
    except (ConfigError, staff_users.UsersError, OSError, ValueError) as e:
        print(f"kiosk staff-console: {e}", file=sys.stderr)
        return 1
    if not users:
        print(
            "kiosk staff-console: no staff accounts; add one with "
            "`python -m kiosk.staff.users NAME >> FILE` and set [staff] users_file",
            file=sys.stderr,
        )
        return 1
    unknown = [r for r in staff.needs_staff if r not in REASONS]
    if unknown:
        print(f"kiosk staff-console: [staff] needs_staff: unknown reasons {unknown}", file=sys.stderr)
        return 1
    try:
        server = ConsoleServer((args.host, args.port), ConsoleApp(hub, users, staff.console_language))
    except OSError as e:
        print(f"kiosk staff-console: cannot listen on {args.host}:{args.port}: {e}", file=sys.stderr)
        return 1
    hub.start()
    host, port = server.server_address[:2]
    print(f"ready http://{host}:{port}/ broker={broker}", flush=True)
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    thread = server.start()
    done.wait()
    server.stop()
    thread.join(5)
    return 0
