"""IRBIS benchmarks for `kiosk bench`: one checkout through the Web-IRBIS HTTP tunnel
versus the same IRBIS operations done by cbsvibpyirbis over TCP, and the embedded server
under 50 simulated kiosks."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from kiosk.config import Config
from kiosk.irbis.server.conditions import FieldConditions
from kiosk.tools.stats import percentile
from kiosk.tools.synthetic import book_barcode, reader_card, write_databases

TODAY = date(2026, 11, 25)


def _ms_percentile(samples_ms: list[float], p: float) -> float:
    value = percentile(samples_ms, p)
    return float("nan") if value is None else round(value, 2)


def summary(prefix: str, samples_s: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples_s]
    return {f"{prefix}_p50": round(statistics.median(ms), 2), f"{prefix}_p95": _ms_percentile(ms, 95)}


def _bench_config() -> Config:
    cfg = Config()
    cfg.loans.max_items = 1_000_000
    return cfg


def checkout_latency(runs: int, conditions: FieldConditions | None = None, suffix: str = "") -> dict[str, float]:
    """identify + look up + check out, ours over HTTP and the baseline over TCP, against
    one `kiosk sim` process (in `conditions`, e.g. 20 ms latency and a connection per
    request): as in the field, the server's CPU is not the kiosk's. The keys end in
    `suffix` (checkout_ms_p95_rtt20...)."""
    from kiosk.irbis.circulation import IrbisCirculation
    from kiosk.irbis.client import IrbisClient

    readers = max(1, runs // 50)
    # each of the three gets readers and books of its own: a reader's record grows by a
    # loan a run, and a bigger record costs both sides more to parse and to index
    with tempfile.TemporaryDirectory(prefix="bench-irbis-") as tmp:
        loads = write_databases(Path(tmp) / "load", 3 * readers, 3 * runs)
        with sim_process(tmp, loads, conditions or FieldConditions()) as (http_url, tcp_port, _):
            client = IrbisClient.from_url(http_url, "kiosk1", "kiosk1")
            circ = IrbisCirculation(client, _bench_config())
            ours = []
            for i in range(runs):
                card, barcode = reader_card(i % readers), book_barcode(i)
                start = time.perf_counter()
                circ.identify(card, TODAY)
                circ.checkout(card, barcode, TODAY)
                ours.append(time.perf_counter() - start)
            client.close()
            theirs = _baseline(tcp_port, runs, readers, 1)
            same_work = _baseline(tcp_port, runs, readers, 2, reservations=True)
    result = summary("checkout_ms", ours) | summary("baseline_checkout_ms", theirs)
    result |= summary("baseline_same_work_checkout_ms", same_work)
    result["checkout_ratio"] = round(result["checkout_ms_p95"] / result["baseline_checkout_ms_p95"], 2)
    result["checkout_ratio_same_work"] = round(
        result["checkout_ms_p95"] / result["baseline_same_work_checkout_ms_p95"], 2)
    return {f"{k}{suffix}": v for k, v in result.items()}


@contextlib.contextmanager
def sim_process(tmp: str, loads: dict[str, list[Path]], conditions: FieldConditions) -> Iterator[tuple[str, int, int]]:
    """`kiosk sim` in a process of its own on `loads` (data in tmp/db), serving in
    `conditions`: yields its HTTP tunnel URL, its TCP port and its process id."""
    cmd = [sys.executable, "-m", "kiosk", "sim", "--tcp-port", "0", "--http-port", "0", "--data", f"{tmp}/db"]
    cmd += conditions.cli_args()
    for db, paths in loads.items():
        cmd += ["--load", f"{db}={paths[0]}"]
    sim = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        ready = sim.stdout.readline().split() if sim.stdout else []
        ports = dict(item.split("=") for item in ready[1:])
        yield f"http://127.0.0.1:{ports['http']}/cgi-bin/irbis64r/WebToIrbisServer.exe", int(ports["tcp"]), sim.pid
    finally:
        sim.terminate()
        sim.wait(timeout=10)


def field_checkout(runs: int) -> dict[str, float]:
    """The checkout comparison as `kiosk sim --latency-ms 20 --close` serves it."""
    return checkout_latency(runs, FieldConditions(latency_ms=20, close=True), "_rtt20")


def round_trips() -> dict[str, int]:
    """round_trips_* (sequential, what the patron waits for) and requests_* (sent) for a
    login, a checkout (reader known, copy available, RQST searched), a renewal, renew all
    and a return (kiosk.tools.bench.trips)."""
    from kiosk.tools.bench.trips import count_actions

    return count_actions(TODAY)


def overload_sessions(sessions: int, overload: float = 0.2) -> dict[str, int]:
    """`sessions` scripted sessions against the server at `--overload 0.2`, then every
    record read back over TCP (kiosk.tools.bench.field): sessions lost or stuck."""
    from kiosk.irbis.circulation import IrbisCirculation
    from kiosk.irbis.client import IrbisClient
    from kiosk.irbis.server import start_server
    from kiosk.tools.bench.field import audit, run_sessions

    readers, books = max(1, sessions // 10), 2 * sessions
    cfg = _bench_config()
    cfg.gateway.requests_db = ""  # the generated library keeps no RQST database
    with tempfile.TemporaryDirectory(prefix="bench-overload-") as tmp:
        loads = write_databases(Path(tmp) / "load", readers, books)
        server = start_server(Path(tmp) / "db", loads=loads, conditions=FieldConditions(overload=overload))
        try:
            client = IrbisClient.from_url(server.http_url, "kiosk1", "kiosk1")
            run = run_sessions(IrbisCirculation(client, cfg), readers, sessions, TODAY)
            client.close()
            server.engine.conditions = FieldConditions()
            peek = IrbisClient.from_url(server.tcp_url, "kiosk1", "kiosk1")
            found = audit(peek, readers, books, run.told)
            peek.close()
        finally:
            server.stop()
    lost = found["lost_loans"] + found["half_loans"] + found["duplicate_loans"] + found["lent_though_told_failed"]
    return {
        "overload_sessions": sessions,
        "overload_sessions_lost": lost + found["not_returned_though_told"],
        "overload_sessions_stuck": run.stuck,
        "overload_told_unavailable": run.refused.get("gateway_unavailable", 0),
        "overload_session_ms_p95": _ms_percentile([s * 1000 for s in run.seconds], 95),
    }


def _baseline(tcp_port: int, runs: int, readers: int, share: int,
              reservations: bool = False) -> list[float]:
    """The same IRBIS work done with cbsvibpyirbis: find and read the reader, find and read
    the copy, add the loan and mark the copy issued, save both with command 6.
    `reservations`: also what the kiosk asks RQST (the reader's books waiting on the reserve
    shelf at the card scan; the requests naming the copy before lending it), so that both
    do the same work; the generated library has no requests, so nothing more is read.
    `share`: which third of the generated readers and books it uses (0 is the kiosk's)."""
    from cbsvibpyirbis import Connection

    conn = Connection()
    conn.connect("127.0.0.1", tcp_port, "kiosk1", "kiosk1", "RDR")
    samples = []
    try:
        for i in range(runs):
            card, barcode = reader_card(share * readers + i % readers), book_barcode(share * runs + i)
            start = time.perf_counter()
            conn.database = "RDR"
            [reader_mfn] = conn.search(f'"RI={card}"')
            reader = conn.read_record(reader_mfn)
            if reservations:
                conn.database = "RQST"
                _read_all(conn, conn.search(f'"RS={card}" * "I=2"'))
            conn.database = "IBIS"
            [copy_mfn] = conn.search(f'"IN={barcode}"')
            copy = conn.read_record(copy_mfn)
            if reservations:
                conn.database = "RQST"
                _read_all(conn, conn.search(f'"H={barcode}"'))
            reader.database, copy.database = "RDR", "IBIS"
            reader.add(40, f"^GIBIS^H{barcode}^D20261125^E20261209^F******^VКИОСК1^Ikiosk1")
            for field in copy.all(910):
                for sub in field.subfields:
                    if sub.code.upper() == "A":
                        sub.value = "1"
            conn.write_records([reader, copy])
            samples.append(time.perf_counter() - start)
    finally:
        conn.disconnect()
    return samples


def _read_all(conn: object, mfns: list[int]) -> list[object]:
    return [conn.read_record(mfn) for mfn in mfns]  # type: ignore[attr-defined]


def _kiosk_worker(args: tuple[str, int, int, int, float]) -> list[float]:
    """One process of simulated kiosks: `threads` kiosks, each checking out its own books.
    Returns the checkout times in seconds."""
    return _kiosk_run(args)[0]


def _kiosk_run(args: tuple[str, int, int, int, float]) -> tuple[list[float], float, float, float]:
    """_kiosk_worker's work, also returning when the timed part started and ended
    (time.monotonic, comparable across processes) and this process's CPU seconds.
    Every kiosk registers before the clock starts, so registration and process start-up
    are not counted as checkout time or in the rate."""
    from kiosk.irbis.circulation import IrbisCirculation
    from kiosk.irbis.client import IrbisClient

    url, first_kiosk, threads, per_kiosk, seconds = args
    samples: list[float] = []
    lock = threading.Lock()
    ready = threading.Barrier(threads + 1)
    window = [0.0, 0.0]

    def kiosk(k: int) -> None:
        client = IrbisClient.from_url(url, "kiosk1", "kiosk1", timeout=10)
        try:
            client.connect()
        finally:
            ready.wait()
        circ = IrbisCirculation(client, _bench_config())
        mine = []
        deadline = window[0] + seconds
        for j in range(per_kiosk):
            if time.monotonic() > deadline:
                break
            start = time.perf_counter()
            circ.checkout(reader_card(k), book_barcode(k * per_kiosk + j), TODAY)
            mine.append(time.perf_counter() - start)
        client.close()
        with lock:
            samples.extend(mine)

    workers = [threading.Thread(target=kiosk, args=(first_kiosk + t,)) for t in range(threads)]
    for w in workers:
        w.start()
    cpu0 = time.process_time()
    window[0] = time.monotonic()
    ready.wait()
    for w in workers:
        w.join()
    window[1] = time.monotonic()
    return samples, window[0], window[1], time.process_time() - cpu0


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (Linux /proc; 0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def server_load(kiosks: int = 50, seconds: float = 10.0, processes: int = 2) -> dict[str, float]:
    """`kiosk sim` in its own process; `kiosks` simulated kiosks in `processes` processes.

    The data is sized to the run (room for 1000 checkouts/s per second of run) rather than
    a fixed 4000 copies per kiosk: loading 200,000 generated copies took longer than the
    measurement itself. The rate counts checkouts over the timed window only (after every
    kiosk registered), not process start-up. Besides the two goal figures it reports the
    CPU the server and the client processes used, in % of one core: the kiosks run on the
    same 2 cores, so their CPU is taken from the server."""
    per_kiosk = max(50, int(seconds * 20))
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        loads = write_databases(Path(tmp) / "load", kiosks, kiosks * per_kiosk)
        with sim_process(tmp, loads, FieldConditions()) as (url, _, sim_pid):
            share = kiosks // processes
            jobs = [(url, p * share, share, per_kiosk, seconds) for p in range(processes)]
            server_cpu0 = _cpu_s(sim_pid)
            with multiprocessing.get_context("spawn").Pool(processes) as pool:
                parts = pool.map(_kiosk_run, jobs)
            server_cpu = _cpu_s(sim_pid) - server_cpu0
    samples = [s for part in parts for s in part[0]]
    elapsed = max(part[2] for part in parts) - min(part[1] for part in parts)
    return {
        "sim_kiosks": kiosks,
        "sim_checkouts_per_s": round(len(samples) / elapsed, 1),
        "sim_checkout_ms_p50": _ms_percentile([s * 1000 for s in samples], 50),
        "sim_checkout_ms_p95": _ms_percentile([s * 1000 for s in samples], 95),
        # server CPU also covers the pool's start-up (the server idles then): an upper bound
        "sim_server_cpu_pct": round(100 * server_cpu / elapsed, 1),
        "sim_clients_cpu_pct": round(100 * sum(part[3] for part in parts) / elapsed, 1),
    }
