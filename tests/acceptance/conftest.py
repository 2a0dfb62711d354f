"""Acceptance checks (issues 2 and 3) as the person who checks them: `kiosk sim` loaded
with records nobody else on the team has seen (tests/acceptance/data), driven through the
command line only (`kiosk circ`, `kiosk script`), the records then read back with
cbsvibpyirbis, an IRBIS client nobody here wrote. Nothing from kiosk/ is imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
DATA = HERE / "data"
TODAY = "20261125"
USER, PASSWORD = "kiosk1", "kiosk1"
GUID_TAG = 2147483647
HTTP_PATH = "/cgi-bin/irbis64r/WebToIrbisServer.exe"


@dataclass
class Sim:
    tcp: int
    http: int
    proc: subprocess.Popen

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http}{HTTP_PATH}"

    @property
    def tcp_url(self) -> str:
        return f"tcp://127.0.0.1:{self.tcp}"


def start_sim(data_dir: Path) -> Sim:
    cmd = [sys.executable, "-m", "kiosk", "sim", "--tcp-port", "0", "--http-port", "0",
           "--data", str(data_dir), "--user", f"{USER}:{PASSWORD}"]
    for db in ("RDR", "IBIS", "RQST"):
        cmd += ["--load", f"{db}={DATA / (db + '.txt')}"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline().strip() if proc.stdout else ""
    parts = dict(p.split("=", 1) for p in line.split()[1:] if "=" in p)
    if not line.startswith("ready ") or "tcp" not in parts or "http" not in parts:
        proc.kill()
        raise RuntimeError(f"kiosk sim did not say ready: {line!r}")
    return Sim(int(parts["tcp"]), int(parts["http"]), proc)


def stop_sim(sim: Sim) -> None:
    sim.proc.terminate()
    try:
        sim.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        sim.proc.kill()


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    handle = start_sim(tmp_path_factory.mktemp("sim"))
    yield handle
    stop_sim(handle)


def env(password: str = PASSWORD) -> dict[str, str]:
    return {**os.environ, "IRBIS_USER": USER, "IRBIS_PASSWORD": password}


@dataclass
class Answer:
    rc: int
    out: dict | None
    stdout: str
    stderr: str


def circ(gateway: str, *args: str, password: str = PASSWORD, today: str = TODAY) -> Answer:
    cmd = [sys.executable, "-m", "kiosk", "circ", *args, "--gateway", gateway, "--today", today]
    proc = subprocess.run(cmd, cwd=ROOT, env=env(password), capture_output=True, text=True, timeout=60)
    try:
        out = json.loads(proc.stdout) if proc.stdout.strip() else None
    except json.JSONDecodeError:
        out = None
    return Answer(proc.returncode, out, proc.stdout, proc.stderr)


# ------------------------------------------------------------ reading back with cbsvibpyirbis


def subfields(text: str) -> list[tuple[str, str]]:
    """[(CODE, value)] of a field's text, codes upper-cased (IRBIS codes are case-insensitive)."""
    return [(p[0].upper(), p[1:]) for p in text.split("^")[1:] if p]


def sub(text: str, code: str) -> str:
    for c, v in subfields(text):
        if c == code.upper():
            return v
    return ""


class Peer:
    """cbsvibpyirbis over TCP; records as [(tag, text)] exactly as the server sends them
    (read_raw_record: its read_record lower-cases every subfield code)."""

    def __init__(self, sim: Sim) -> None:
        import cbsvibpyirbis

        self.conn = cbsvibpyirbis.Connection(host="127.0.0.1", port=sim.tcp, username=USER,
                                             password=PASSWORD, database="RDR")
        self.conn.connect()
        assert self.conn.connected, "cbsvibpyirbis could not register with kiosk sim"

    def close(self) -> None:
        self.conn.disconnect()

    def find(self, db: str, expression: str) -> list[int]:
        self.conn.database = db
        return list(self.conn.search(expression))

    def fields(self, db: str, mfn: int) -> list[tuple[int, str]]:
        self.conn.database = db
        raw = self.conn.read_raw_record(mfn)
        assert raw is not None, f"{db} mfn {mfn} unreadable: {self.conn.last_error}"
        out = []
        for line in raw.fields:
            tag, _, text = line.partition("#")
            out.append((int(tag), text))
        return out

    def one(self, db: str, expression: str) -> list[tuple[int, str]]:
        found = self.find(db, expression)
        assert len(found) == 1, f"{db} {expression}: {found}"
        return self.fields(db, found[0])


@pytest.fixture(scope="module")
def peer(sim: Sim) -> Iterator[Peer]:
    p = Peer(sim)
    yield p
    p.close()


def source_records(db: str) -> list[list[tuple[int, str]]]:
    """Our data files, read by this test itself (not by kiosk's parser)."""
    records, current = [], []
    for line in (DATA / f"{db}.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() == "*****":
            records.append(current)
            current = []
        elif line.startswith("#"):
            tag, _, text = line[1:].partition(": ")
            current.append((int(tag), text))
    return records


def source(db: str, tag: int, value: str) -> list[tuple[int, str]]:
    """The source record that has field `tag` == value (RDR 30 card) or a 910 naming `value`."""
    for rec in source_records(db):
        for t, text in rec:
            if t == tag and (text == value or sub(text, "H") == value or sub(text, "B") == value):
                return rec
    raise KeyError(value)
