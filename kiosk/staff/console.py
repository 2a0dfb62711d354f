"""`kiosk staff-console`: the web page staff keep open on the desk PC or a phone.

Standard library only (http.server). One HTML page; live updates by Server-Sent Events.
Staff sign in with accounts from the users file (salted PBKDF2); the session cookie is
HttpOnly and SameSite=Strict, and every state-changing POST needs the session's CSRF token
in a header and a same-origin Origin (when the browser sends one).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import secrets
import ssl
import sys
import threading
from collections.abc import AsyncIterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

from kiosk.core.domain import REASONS
from kiosk.locale import LANGUAGES, catalogue, tr
from kiosk.staff import messages
from kiosk.staff import users as staff_users
from kiosk.staff.hub import CommandError, ConsoleHub
from kiosk.staff.mqtt import BrokerTls
from kiosk.staff.server import AsyncHttpServer, Request, Response
from kiosk.staff.signin import FAIL_WINDOW_S, SESSION_S, Sessions, StaffSession
from kiosk.system.signals import on_signals

log = logging.getLogger(__name__)

COOKIE = "kiosk_staff"
LANG_COOKIE = "kiosk_staff_lang"
MAX_BODY = 4096
PAGE = Path(__file__).with_name("console.html")


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
        self.stats_plan: Any = None  # [stats] of the console's config: the year's plan


class ConsoleServer:
    """The console's web server (kiosk/staff/server.py: asyncio, one coroutine per client)."""

    def __init__(self, address: tuple[str, int], app: ConsoleApp, ssl_context: ssl.SSLContext | None = None) -> None:
        self.app = app
        self.tls = ssl_context is not None
        self._wake: asyncio.Event | None = None
        self.http = AsyncHttpServer(
            self.handle, address, ssl_context=ssl_context, max_body=MAX_BODY,
            error_page=self._error_page, on_loop=self._on_loop,
        )
        self.server_address = self.http.server_address
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="staff-sign-in")

    def start(self) -> threading.Thread:
        return self.http.start()

    def stop(self) -> None:
        self.app.stopping.set()
        self.app.hub.on_change = None
        self.http.stop()
        self.app.hub.stop()
        self._executor.shutdown(wait=False, cancel_futures=True)

    # -- hub -> event streams ----------------------------------------------------------
    def _on_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        self._wake = asyncio.Event()

        def changed() -> None:  # any thread
            loop.call_soon_threadsafe(self._pulse)

        self.app.hub.on_change = changed
        self.http.keep(loop.create_task(self._escalations()))

    def _pulse(self) -> None:
        assert self._wake is not None
        self._wake.set()
        self._wake = asyncio.Event()

    async def _escalations(self) -> None:
        while not self.app.stopping.is_set():
            self.app.hub.wait_change(-2, 0)  # escalates what is due (wakes the streams)
            await asyncio.sleep(1.0)

    async def _changed(self, seen: int, timeout_s: float) -> int:
        hub = self.app.hub
        if hub.version != seen or self._wake is None:
            return hub.version
        wake = self._wake
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout_s)
        return hub.version

    # -- requests ----------------------------------------------------------------------
    async def handle(self, req: Request) -> Response:
        if req.method in ("GET", "HEAD"):
            return self._get(req)
        if req.method == "POST":
            return await self._post(req)
        return self._error(req, 405, "staff.console.error.bad_request", [("Allow", "GET, HEAD, POST")])

    def _error_page(self, status: int, _why: str) -> Response:
        lang = self.app.default_lang
        return self._json_response(status, {"ok": False, "error": "staff.console.error.bad_request",
                                            "message": tr("staff.console.error.bad_request", lang)})

    @staticmethod
    def _cookie(req: Request, name: str) -> str | None:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(req.header("cookie"))
        except CookieError:
            return None
        morsel = jar.get(name)
        return morsel.value if morsel is not None else None

    def _lang(self, req: Request) -> str:
        lang = self._cookie(req, LANG_COOKIE) or ""
        return lang if lang in LANGUAGES else self.app.default_lang

    def _cookie_flags(self) -> str:
        return "Path=/; HttpOnly; SameSite=Strict" + ("; Secure" if self.tls else "")

    def _response(self, status: int, body: bytes, ctype: str, extra: Sequence[tuple[str, str]] = ()) -> Response:
        headers = [
            ("Content-Type", ctype), ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "no-referrer"), ("Server", "kiosk-staff-console"),
        ]
        if self.tls:
            headers.append(("Strict-Transport-Security", "max-age=31536000"))
        return Response(status, body, [*headers, *extra])

    def _json_response(self, status: int, data: dict[str, Any], extra: Sequence[tuple[str, str]] = ()) -> Response:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        return self._response(status, body, "application/json; charset=utf-8", extra)

    def _error(self, req: Request, status: int, code: str, extra: Sequence[tuple[str, str]] = ()) -> Response:
        return self._json_response(status, {"ok": False, "error": code, "message": tr(code, self._lang(req))}, extra)

    def _session(self, req: Request) -> StaffSession | None:
        return self.app.sessions.get(self._cookie(req, COOKIE))

    @staticmethod
    def _same_origin(req: Request) -> bool:
        origin = req.headers.get("origin")
        if origin is None:
            return True  # not a browser, or a same-origin GET; the CSRF token still applies
        host = req.header("host")
        return origin in (f"http://{host}", f"https://{host}")

    def _body(self, req: Request, kind: str) -> dict[str, Any] | None:
        """The JSON body checked against messages.SCHEMAS[kind]; None (counted in the
        console's health, logged once) when it does not fit."""
        try:
            return messages.decode(kind, req.body) if req.body else messages.check(kind, {})
        except messages.Invalid as e:
            self.app.hub.rejections.reject(req.path, kind, e)
            return None

    # -- GET ---------------------------------------------------------------------------
    def _get(self, req: Request) -> Response:
        path = req.path
        if path == "/":
            lang = parse_qs(req.query).get("lang", [""])[0]
            extra = []
            if lang in LANGUAGES:
                flags = "Path=/; SameSite=Strict; Max-Age=31536000" + ("; Secure" if self.tls else "")
                extra.append(("Set-Cookie", f"{LANG_COOKIE}={lang}; {flags}"))
            else:
                lang = self._lang(req)
            return self._response(200, self.app.pages[lang], "text/html; charset=utf-8", extra)
        if path == "/api/me":
            s = self._session(req)
            return self._json_response(200, {"user": s.user if s else None, "csrf": s.csrf if s else None})
        if path == "/api/state":
            if self._session(req) is None:
                return self._error(req, 401, "staff.console.error.sign_in")
            return self._json_response(200, self.app.hub.snapshot())
        if path == "/api/events":
            return self._events(req)
        if path in ("/stats", "/api/stats") or path.startswith("/stats/"):
            if self._session(req) is None:
                return self._error(req, 401, "staff.console.error.sign_in")
            from kiosk.stats.page import respond

            status, body, ctype, extra = respond(path, req.query, self._lang(req),
                                                 self.app.hub.stats_days(), self.app.stats_plan)
            return self._response(status, body, ctype, extra)
        if path == "/favicon.ico":
            return self._response(204, b"", "image/x-icon")
        if path == "/healthz":
            return self._json_response(200, {"ok": True, "broker": self.app.hub.connected.is_set(),
                                             "connections": self.http.connections,
                                             **self.app.hub.rejections.health()})
        return self._error(req, 404, "staff.console.error.not_found")

    def _events(self, req: Request) -> Response:
        token = self._cookie(req, COOKIE)
        if self.app.sessions.get(token) is None:
            return self._error(req, 401, "staff.console.error.sign_in")

        async def stream() -> AsyncIterator[bytes]:
            hub, seen = self.app.hub, -1
            while not self.app.stopping.is_set() and self.app.sessions.get(token) is not None:
                version = await self._changed(seen, 15.0)
                if version == seen:
                    yield b": keep-alive\n\n"
                else:
                    seen = version
                    data = json.dumps(hub.snapshot(), ensure_ascii=False)
                    seen = hub.version  # (the snapshot may have escalated a call itself)
                    yield f"retry: 1000\ndata: {data}\n\n".encode()

        headers = [("Content-Type", "text/event-stream; charset=utf-8"), ("Cache-Control", "no-store"),
                   ("X-Accel-Buffering", "no")]
        return Response(200, b"", headers, stream=stream())

    # -- POST --------------------------------------------------------------------------
    async def _post(self, req: Request) -> Response:
        path = req.path
        if not self._same_origin(req):
            return self._error(req, 403, "staff.console.error.forbidden")
        body = self._body(req, "login" if path == "/api/login" else "command")
        if body is None:
            return self._error(req, 400, "staff.console.error.bad_request")
        if path == "/api/login":
            return await self._login(req, body)
        session = self._session(req)
        if session is None:
            return self._error(req, 401, "staff.console.error.sign_in")
        if not secrets.compare_digest(req.header("x-csrf-token"), session.csrf):
            return self._error(req, 403, "staff.console.error.forbidden")
        if path == "/api/logout":
            self.app.sessions.close(self._cookie(req, COOKIE))
            return self._json_response(200, {"ok": True}, [("Set-Cookie", f"{COOKIE}=; {self._cookie_flags()}; Max-Age=0")])
        parts = path.split("/")
        if len(parts) == 5 and parts[:3] == ["", "api", "alerts"]:
            alert_id, action = unquote(parts[3]), parts[4]
            try:
                result = self.app.hub.command(alert_id, action, by=session.user)
            except CommandError as e:
                status = 404 if e.code == "console.no_such_alert" else 409
                return self._error(req, status, "staff." + e.code)
            log.info("%s sent %s for alert %s", session.user, action, alert_id)
            return self._json_response(202, {"ok": True, **result})
        return self._error(req, 404, "staff.console.error.not_found")

    async def _login(self, req: Request, body: dict[str, Any]) -> Response:
        address, user, password = req.client, body["user"].strip(), body["password"]
        sessions = self.app.sessions
        if sessions.throttled(address) or sessions.throttled_account(user):
            return self._error(req, 429, "staff.console.error.too_many", [("Retry-After", str(int(FAIL_WINDOW_S)))])
        loop = asyncio.get_running_loop()
        # PBKDF2 takes a while: off the event loop, so the other staff are not kept waiting
        ok = await loop.run_in_executor(self._executor, staff_users.check, self.app.users, user, password)
        if not ok:
            sessions.failed(address, user)
            log.info("failed sign-in from %s", address)  # never the password, nor the name tried
            return self._error(req, 401, "staff.console.error.bad_login")
        token, session = sessions.open(user)
        log.info("%s signed in", session.user)
        cookie = f"{COOKIE}={token}; {self._cookie_flags()}; Max-Age={SESSION_S}"
        return self._json_response(200, {"ok": True, "user": session.user, "csrf": session.csrf}, [("Set-Cookie", cookie)])


def _broker_password(path: str) -> str:
    return Path(path).read_text(encoding="utf-8").strip() if path else ""


def https_context(cert_file: str, key_file: str = "") -> ssl.SSLContext | None:
    """[staff] console_cert_file / console_key_file -> the console's own HTTPS; None = HTTP."""
    if not cert_file:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_file, key_file or None)
    return context


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
            escalate_after_s=staff.escalate_after_s, tls=BrokerTls.from_config(staff),
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
        context = https_context(staff.console_cert_file, staff.console_key_file)
        app = ConsoleApp(hub, users, staff.console_language)
        app.stats_plan = cfg.stats
        server = ConsoleServer((args.host, args.port), app, context)
    except (OSError, ssl.SSLError) as e:
        print(f"kiosk staff-console: cannot listen on {args.host}:{args.port}: {e}", file=sys.stderr)
        return 1
    hub.start()
    host, port = server.server_address[:2]
    scheme = "https" if context is not None else "http"
    print(f"ready {scheme}://{host}:{port}/ broker={broker}", flush=True)
    done = threading.Event()
    on_signals(lambda _signum: done.set())
    thread = server.start()
    done.wait()
    server.stop()
    thread.join(5)
    return 0
