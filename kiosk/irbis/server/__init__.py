"""The embedded IRBIS64 server (`kiosk sim`): the client protocol over TCP and over the
Web-IRBIS HTTP tunnel, SQLite storage, dictionary search, users, locks and versions.

    handle = start_server(tmp_path, loads={"RDR": [Path("readers.txt")]})
    IrbisClient.from_url(handle.http_url, "kiosk1", "kiosk1")
    handle.stop()

With no users given, the one user is kiosk1 / kiosk1 (DEFAULT_USERS).
"""

from __future__ import annotations

import argparse
import logging
import ssl
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.irbis.plaintext import load_file
from kiosk.irbis.server.conditions import FieldConditions
from kiosk.irbis.server.engine import Engine
from kiosk.irbis.server.net import IrbisHttpServer, IrbisTcpServer
from kiosk.irbis.server.storage import Storage
from kiosk.system.signals import on_signals

log = logging.getLogger(__name__)

DEFAULT_USERS = {"kiosk1": "kiosk1"}
DB_FILE = "irbis.sqlite3"
DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
HTTP_PATH = "/cgi-bin/irbis64r/WebToIrbisServer.exe"
POLL_S = 0.05  # how soon stop() is noticed


@dataclass
class ServerHandle:
    host: str
    tcp_port: int
    http_port: int
    data_dir: Path
    engine: Engine
    _servers: list = field(default_factory=list, repr=False)
    _threads: list = field(default_factory=list, repr=False)
    _tmp: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    tls: bool = False

    @property
    def conditions(self) -> FieldConditions:
        """The field modes in force (changeable while running) and the request counts."""
        return self.engine.conditions

    @property
    def http_url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.host}:{self.http_port}{HTTP_PATH}"

    @property
    def tcp_url(self) -> str:
        return f"tcp://{self.host}:{self.tcp_port}"

    def stop(self) -> None:
        stoppers = [threading.Thread(target=srv.shutdown) for srv in self._servers]
        for t in stoppers:
            t.start()
        for t in stoppers:
            t.join()
        for srv in self._servers:
            srv.server_close()
        for t in self._threads:
            t.join(timeout=5)
        self._servers.clear()
        self.engine.storage.close()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def load_into(storage: Storage, loads: Mapping[str, Sequence[str | Path]]) -> dict[str, int]:
    """Load plain-text files into their databases, but only into empty ones, so that a
    restart with the same --load and --data does not duplicate records."""
    loaded: dict[str, int] = {}
    for db, paths in loads.items():
        db = db.upper()
        if storage.count(db):
            log.info("%s is not empty: not loading %d file(s)", db, len(paths))
            continue
        for path in paths:
            loaded[db] = loaded.get(db, 0) + storage.load(db, load_file(str(path)))
    return loaded


def demo_loads() -> dict[str, list[Path]]:
    """The demo data files, kiosk/irbis/demo/<DB>.txt (those present)."""
    if not DEMO_DIR.is_dir():
        return {}
    return {f.stem.upper(): [f] for f in sorted(DEMO_DIR.glob("*.txt"))}


def start_server(
    data_dir: str | Path | None,
    loads: Mapping[str, Sequence[str | Path]] | None = None,
    users: Mapping[str, str] | None = None,
    host: str = "127.0.0.1",
    tcp_port: int = 0,
    http_port: int = 0,
    demo: bool = False,
    tls: tuple[str | Path, str | Path] | None = None,
    conditions: FieldConditions | None = None,
) -> ServerHandle:
    """Start both front ends in background threads; `data_dir=None` uses a temp dir.
    `tls=(certfile, keyfile)` serves the HTTP tunnel over HTTPS; `conditions` the field
    modes (latency, close, overload, stall; kiosk.irbis.server.conditions)."""
    tmp = None
    if data_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="irbis-sim-")
        data_dir = tmp.name
    data = Path(data_dir)
    data.mkdir(parents=True, exist_ok=True)
    storage = Storage(data / DB_FILE)
    if demo:
        load_into(storage, demo_loads())
    if loads:
        load_into(storage, loads)
    engine = Engine(storage, dict(users or DEFAULT_USERS))
    if conditions is not None:
        engine.conditions = conditions
    context = None
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(tls[0]), str(tls[1]))
    tcp = IrbisTcpServer((host, tcp_port), engine)
    try:
        http = IrbisHttpServer((host, http_port), engine, context)
    except OSError:
        tcp.server_close()
        raise
    handle = ServerHandle(host, tcp.server_address[1], http.server_address[1], data, engine, [tcp, http], [], tmp)
    handle.tls = context is not None
    for srv, name in ((tcp, "irbis-tcp"), (http, "irbis-http")):
        t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": POLL_S}, name=name, daemon=True)
        t.start()
        handle._threads.append(t)
    return handle


def _parse_loads(items: Sequence[str]) -> dict[str, list[Path]]:
    loads: dict[str, list[Path]] = {}
    for item in items:
        db, sep, path = item.partition("=")
        if not sep or not db or not path:
            raise ValueError(f"--load wants DB=FILE, got {item!r}")
        if not Path(path).is_file():
            raise ValueError(f"--load {db}: no such file: {path}")
        loads.setdefault(db.upper(), []).append(Path(path))
    return loads


def _parse_users(items: Sequence[str]) -> dict[str, str]:
    users: dict[str, str] = {}
    for item in items:
        name, sep, password = item.partition(":")
        if not sep or not name:
            raise ValueError("--user wants NAME:PASSWORD")
        users[name] = password
    return users


def main(args: argparse.Namespace) -> int:
    """`kiosk sim`: prints `ready tcp=<port> http=<port>` once listening, runs until
    SIGTERM/SIGINT. Demo data is loaded with --demo, or when neither --load nor --data
    is given (so a bare `kiosk sim` has something to serve)."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    try:
        loads = _parse_loads(args.load)
        users = _parse_users(args.user) or DEFAULT_USERS
        conditions = FieldConditions(
            latency_ms=getattr(args, "latency_ms", 0) or 0, close=bool(getattr(args, "close", False)),
            overload=getattr(args, "overload", 0) or 0, stall_ms=getattr(args, "stall_ms", 0) or 0,
        )
    except ValueError as exc:
        print(f"kiosk sim: {exc}", file=sys.stderr)
        return 2
    demo = bool(args.demo) or (not args.load and not args.data)
    stop = threading.Event()
    on_signals(lambda _signum: stop.set())
    try:
        handle = start_server(args.data, loads, users, args.host, args.tcp_port, args.http_port, demo,
                              tls=tuple(args.tls) if getattr(args, "tls", None) else None,
                              conditions=conditions)
    except Exception as exc:  # noqa: BLE001 - a clear one-line message, not a traceback
        print(f"kiosk sim: cannot start: {exc}", file=sys.stderr)
        return 1
    print(f"ready tcp={handle.tcp_port} http={handle.http_port}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        handle.stop()
    return 0
