"""Patron sessions against `kiosk sim` started with the field modes (--latency-ms, --close,
--stall-ms, --overload): the real session and the app's circulation chain (journal first,
then IRBIS over the HTTP tunnel) on a virtual clock, the gateway's answers delivered to the
session only when the test hands them over (as Kivy's clock would), so "one moment" and the
queue of scans are checked without timing anything. Afterwards every record is read with
cbsvibpyirbis, an IRBIS client nobody here wrote: each copy's 910^A agrees with the readers'
field 40, no loan twice, none the patron was told failed, none told lent that is missing."""

from __future__ import annotations

import queue
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

irbis = pytest.importorskip("cbsvibpyirbis")

from kiosk.app.circulation import GatewayArgs, open_chain  # noqa: E402
from kiosk.config import Config  # noqa: E402
from kiosk.core.executor import ThreadExecutor  # noqa: E402
from kiosk.tools.harness import Harness  # noqa: E402
from kiosk.tools.synthetic import book_barcode, reader_card, write_databases  # noqa: E402

TODAY = date(2026, 11, 25)
READERS, BOOKS = 4, 40
ROOT = Path(__file__).resolve().parents[2]
HTTP_PATH = "/cgi-bin/irbis64r/WebToIrbisServer.exe"
SETTLE_S = 60.0  # a safety bound on a hung gateway, never a speed check


@contextmanager
def field_sim(tmp: Path, *modes: str) -> Iterator[tuple[int, int]]:
    """`kiosk sim` with generated data and the given field modes; (tcp port, http port)."""
    loads = write_databases(tmp / "load", READERS, BOOKS)
    cmd = [sys.executable, "-m", "kiosk", "sim", "--tcp-port", "0", "--http-port", "0",
           "--data", str(tmp / "db"), *modes]
    for db, paths in loads.items():
        cmd += ["--load", f"{db}={paths[0]}"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline().split() if proc.stdout else []
        assert line and line[0] == "ready", f"kiosk sim did not start: {line}"
        ports = dict(item.split("=") for item in line[1:])
        yield int(ports["tcp"]), int(ports["http"])
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


class FieldKiosk:
    """The session on the app's circulation chain; gateway answers wait in `answers` until
    settle() hands them to the session, on the test's thread."""

    def __init__(self, http_port: int, tmp: Path, cfg: Config) -> None:
        url = f"http://127.0.0.1:{http_port}{HTTP_PATH}"
        self.chain = open_chain(cfg, GatewayArgs(url=url, today=TODAY), lambda c: c, config_error="",
                                journal_path=str(tmp / "journal.sqlite3"), emit=lambda _e: None)
        self.h = Harness(self.chain.circulation, cfg, today=TODAY)
        self.answers: queue.Queue = queue.Queue()
        self.executor = ThreadExecutor(self.answers.put)
        self.h.session.executor = self.executor

    def run(self, scenario: str) -> None:
        result = self.h.run(scenario)
        assert result.ok, result.failures

    def settle(self) -> None:
        """Hand every answer to the session until it waits for nothing."""
        while self.h.session.view.busy or not self.answers.empty():
            self.answers.get(timeout=SETTLE_S)()

    def says(self) -> list[str]:
        return [e["msg"] for e in self.h.log.named("say")]

    def events(self, name: str) -> list[dict]:
        return self.h.log.named(name)

    def close(self) -> None:
        self.executor.close()
        for close in reversed(self.chain.closers):
            close()


def _cfg() -> Config:
    cfg = Config()
    cfg.gateway.requests_db = ""  # the generated library keeps no RQST database
    cfg.loans.max_items = 50
    cfg.irbis.backoff_s = 0.005
    return cfg


@pytest.fixture
def cfg() -> Config:
    return _cfg()


def test_a_slow_cgi_gateway_says_one_moment_once_and_keeps_the_scans_in_order(tmp_path: Path, cfg: Config) -> None:
    with field_sim(tmp_path, "--latency-ms", "30", "--close", "--stall-ms", "20") as (tcp, http):
        k = FieldKiosk(http, tmp_path, cfg)
        try:
            k.run(f"scan {reader_card(0)}")
            k.settle()
            assert k.h.session.view.screen == "account"
            codes = [book_barcode(i) for i in range(3)]
            k.run("\n".join(f"scan {c}" for c in codes))
            assert k.h.session.view.pending_scans == 2  # the first is at the gateway
            k.run("wait 1.2")  # no answer handed over yet: the patron has waited over a second
            assert k.says().count("gateway.slow") == 1
            assert k.h.session.view.notice.msg == "gateway.slow"
            k.run("wait 1.5")
            assert k.says().count("gateway.slow") == 1  # not repeated while waiting
            k.settle()
            assert [(e["barcode"], e["ok"]) for e in k.events("checkout")] == [(c, True) for c in codes]
            k.run("wait 2")
            assert k.says().count("gateway.slow") == 1
        finally:
            k.close()
        found = audit(tcp, {c: "lent" for c in codes})
        assert found["loans"][reader_card(0)] == codes
        assert found["problems"] == []


@pytest.mark.parametrize("mode", [["--overload", "1"], ["--stall-ms", "800"]], ids=["overload", "stall"])
def test_after_the_limit_the_patron_hears_gateway_unavailable_with_what_to_do(
        tmp_path: Path, cfg: Config, mode: list[str]) -> None:
    cfg.irbis.attempts = 1000  # only the limit stops the retries of -6666
    cfg.irbis.give_up_s = 1.5
    cfg.irbis.read_timeout_s = 0.3  # a stalled answer is given up on
    with field_sim(tmp_path, "--latency-ms", "5", *mode) as (_tcp, http):
        k = FieldKiosk(http, tmp_path, cfg)
        try:
            k.run(f"scan {reader_card(1)}")
            k.run("wait 1.2")
            k.settle()
            refused = k.events("refused")
            assert [(e["code"], e["reason"]) for e in refused] == [(reader_card(1), "gateway_unavailable")]
            assert "reason.gateway_unavailable" in k.says()  # "try again in a moment or ask a librarian"
            assert k.says().count("gateway.slow") == 1
            assert k.h.session.view.screen == "attract" and not k.h.session.view.busy
        finally:
            k.close()


def test_sessions_at_overload_lose_nothing_and_lend_nothing_they_said_failed(tmp_path: Path, cfg: Config) -> None:
    """Eight sessions of two books each at -6666 for a quarter of the requests, through a
    gateway that closes every connection."""
    told: dict[str, str] = {}
    with field_sim(tmp_path, "--overload", "0.25", "--close", "--latency-ms", "2") as (_tcp, http):
        k = FieldKiosk(http, tmp_path, cfg)
        try:
            for s in range(8):
                a, b = book_barcode(2 * s), book_barcode(2 * s + 1)
                k.run(f"scan {reader_card(s % READERS)}")
                k.settle()
                k.run(f"wait 3\nscan {a}\nscan {b}")
                k.settle()
                k.run("wait 3")
            k.run("tap finish")
            k.settle()
        finally:
            k.close()
        for e in k.events("checkout"):
            told[e["barcode"]] = "lent" if e["ok"] else "failed"
        for e in k.events("refused"):
            told.setdefault(e["code"], "failed")
    with field_sim(tmp_path) as (tcp, _http):  # the same data, served without the overload
        found = audit(tcp, told)
    assert found["problems"] == []
    assert sum(1 for what in told.values() if what == "lent") >= 4  # most went through


# ------------------------------------------------------------ read back with cbsvibpyirbis


def _sub(text: str, code: str) -> str:
    for part in text.split("^")[1:]:
        if part and part[0].upper() == code:
            return part[1:]
    return ""


def _fields(conn, mfn: int) -> list[tuple[int, str]]:
    raw = conn.read_raw_record(mfn)
    assert raw is not None, conn.last_error
    return [(int(line.partition("#")[0]), line.partition("#")[2]) for line in raw.fields]


def audit(tcp_port: int, told: dict[str, str]) -> dict:
    """Every reader's open loans (40 with ^F ******) and every copy's 910^A, as an
    independent client reads them; `problems` lists whatever disagrees."""
    conn = irbis.Connection(host="127.0.0.1", port=tcp_port, username="kiosk1", password="kiosk1",
                            database="RDR")
    conn.connect()
    assert conn.connected
    try:
        loans: dict[str, list[str]] = {}
        for i in range(READERS):
            [mfn] = conn.search(f'"RI={reader_card(i)}"')
            loans[reader_card(i)] = [_sub(t, "H") for tag, t in _fields(conn, mfn)
                                     if tag == 40 and _sub(t, "F") == "******"]
        conn.database = "IBIS"
        status = {}
        for i in range(BOOKS):
            code = book_barcode(i)
            [mfn] = conn.search(f'"IN={code}"')
            status[code] = next(_sub(t, "A") for tag, t in _fields(conn, mfn) if tag == 910 and _sub(t, "H") == code)
    finally:
        conn.disconnect()
    on_loan = Counter(code for codes in loans.values() for code in codes)
    problems = [f"{c}: 910^A {a} but {on_loan[c]} loans" for c, a in status.items() if (a == "1") != (on_loan[c] > 0)]
    problems += [f"{c}: lent {n} times" for c, n in on_loan.items() if n > 1]
    problems += [f"{c}: told {what}, {on_loan[c]} loans" for c, what in told.items()
                 if (what == "lent") != (on_loan[c] > 0)]
    return {"loans": loans, "status": status, "problems": problems}
