"""open_gateway: the configured IRBIS gateway, or the embedded server with demo data.

With a gateway URL (config [gateway] url, or given) the kiosk talks to that server. With
none, the embedded IRBIS64 server starts in-process on free loopback ports with the demo
databases in a persistent data dir, so `kiosk run` and `kiosk circ` work on any laptop and
consecutive `kiosk circ` calls see each other's writes.

The demo files are dated around DEMO_ANCHOR (2026-11-25). When a fresh demo data dir is
created on another day, loan and request dates move by the same number of days and
registration dates by whole years, so every demo situation (overdue, due today, expired
registration...) looks the same relative to that day as it does on the anchor.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kiosk.config import Config, state_dir
from kiosk.core.domain import format_ymd, parse_ymd
from kiosk.irbis.circulation import IrbisCirculation
from kiosk.irbis.client import IrbisClient
from kiosk.irbis.plaintext import format_plaintext, parse_plaintext
from kiosk.irbis.record import Field, Record
from kiosk.irbis.retry import RetryPolicy

log = logging.getLogger(__name__)

DEMO_DIR = Path(__file__).parent / "demo"
DEMO_DATABASES = ("RDR", "IBIS", "RQST")
DEMO_ANCHOR = date(2026, 11, 25)
_MARKER = "demo-loaded"


@dataclass
class Gateway:
    circulation: IrbisCirculation
    client: IrbisClient
    server: Any | None  # the embedded server's handle, or None for a real gateway
    url: str
    scratch: Path | None = field(default=None, repr=False)  # throwaway data dir, removed on close

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            if self.server is not None:
                self.server.stop()
                self.server = None
            if self.scratch is not None:
                shutil.rmtree(self.scratch, ignore_errors=True)
                self.scratch = None

    def __enter__(self) -> Gateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_gateway(
    cfg: Config,
    url: str | None = None,
    today: date | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    persistent: bool = True,
) -> Gateway:
    """Connect circulation to `url`, else cfg.gateway.url, else the embedded demo server
    (data in `data_dir`, else <state dir>/sim; persistent=False uses a throwaway temp dir).
    The client registers lazily: an unreachable gateway shows up as gateway_unavailable
    on the first request, not here."""
    url = url or cfg.gateway.url
    username = cfg.gateway.resolved_username()
    server = None
    scratch = None
    # No password configured anywhere: the development default of `kiosk sim` (the user
    # name, kiosk1/kiosk1). A real server refuses it like any wrong password.
    password = cfg.gateway.resolved_password() or username
    if not url:
        if data_dir is None and not persistent:
            data_dir = scratch = Path(tempfile.mkdtemp(prefix="kiosk-sim-"))
        elif data_dir is None:
            data_dir = state_dir(cfg) / "sim"
        try:
            server = start_embedded(Path(data_dir), {username: password}, today or date.today())
        except BaseException:
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
            raise
        url = server.http_url
    verify: bool | str = cfg.gateway.ca_file or True
    client = IrbisClient.from_url(url, username, password, verify=verify, policy=retry_policy(cfg))
    return Gateway(IrbisCirculation(client, cfg), client, server, url, scratch)


def retry_policy(cfg: Config) -> RetryPolicy:
    """The client's timeouts and retries from [irbis]."""
    ir = cfg.irbis
    return RetryPolicy(attempts=ir.attempts, backoff_s=ir.backoff_s, read_timeout_s=ir.read_timeout_s,
                       save_timeout_s=ir.save_timeout_s)


def start_embedded(data_dir: Path, users: dict[str, str], today: date) -> Any:
    """The embedded server on free loopback ports; the demo data is loaded (dated for
    `today`) the first time a data dir is used."""
    from kiosk.irbis.server import DB_FILE, start_server  # only needed without a real gateway

    data_dir.mkdir(parents=True, exist_ok=True)
    marker = data_dir / _MARKER
    loads: dict[str, list[Path]] = {}
    if not marker.exists() or not (data_dir / DB_FILE).exists():  # the server loads only empty databases
        loads = write_demo(data_dir / "demo", today)
    server = start_server(data_dir, loads=loads, users=users, tcp_port=0, http_port=0)
    if loads:
        marker.write_text(f"demo data dated for {format_ymd(today)}\n", encoding="utf-8")
        log.info("embedded IRBIS server: demo data loaded")
    return server


def write_demo(target: Path, today: date) -> dict[str, list[Path]]:
    """Copy the demo databases to `target`, re-dated for `today`; {db: [file]}."""
    target.mkdir(parents=True, exist_ok=True)
    loads = {}
    for db in DEMO_DATABASES:
        records = parse_plaintext((DEMO_DIR / f"{db}.txt").read_text(encoding="utf-8"))
        for rec in records:
            redate(rec, today, db=db)
        path = target / f"{db}.txt"
        path.write_text(format_plaintext(records), encoding="utf-8")
        loads[db] = [path]
    return loads


def _shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def redate(rec: Record, today: date, anchor: date = DEMO_ANCHOR, db: str = "RDR") -> None:
    """Move a demo record's dates from `anchor` to `today` (see the module doc). In RQST,
    40/41/42/43 are plain dates and 44^B the refusal's date; in RDR, 40 is a loan."""
    days = (today - anchor).days
    years = today.year - anchor.year
    if days == 0:
        return

    def by_days(text: str) -> str:
        d = parse_ymd(text)
        return format_ymd(d + timedelta(days=days)) if d else text

    def by_years(text: str) -> str:
        d = parse_ymd(text[:8])
        return format_ymd(min(_shift_years(d, years), today)) + text[8:] if d else text

    if db.upper() == "RQST":
        for f in rec.fields:
            if f.tag in (40, 41, 42, 43):
                f.value = by_days(f.value)
            elif f.tag == 44:
                _shift_subfields(f, "B", by_days)
        return
    for f in rec.fields:
        if f.tag == 40:
            _shift_subfields(f, "DELF", by_days)
        elif f.tag in (51, 52, 21):
            f.value = by_years(f.value)


def _shift_subfields(f: Field, codes: str, shift: Any) -> None:
    for s in f.subfields:
        if s.code in codes:
            s.value = shift(s.value)
