"""IRBIS benchmarks for `kiosk bench`: one checkout through the Web-IRBIS HTTP tunnel
versus the same IRBIS operations done by cbsvibpyirbis over TCP, and the embedded server
under 50 simulated kiosks."""

from __future__ import annotations

import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from kiosk.config import Config
from kiosk.irbis.synthetic import book_barcode, reader_card, write_databases

TODAY = date(2026, 11, 25)


def percentile(samples: list[float], p: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(prefix: str, samples_s: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples_s]
    return {f"{prefix}_p50": round(statistics.median(ms), 2), f"{prefix}_p95": round(percentile(ms, 95), 2)}


def _bench_config() -> Config:
    cfg = Config()
    cfg.loans.max_items = 1_000_000
    return cfg


def checkout_latency(runs: int) -> dict[str, float]:
    """identify + look up + check out, ours over HTTP and the baseline over TCP."""
    from kiosk.irbis.circulation import IrbisCirculation
    from kiosk.irbis.client import IrbisClient
    from kiosk.irbis.server import start_server

    readers = max(1, runs // 50)
    with tempfile.TemporaryDirectory(prefix="bench-irbis-") as tmp:
        loads = write_databases(Path(tmp) / "load", readers, 2 * runs)
        server = start_server(Path(tmp) / "db", loads=loads)
        try:
            client = IrbisClient.from_url(server.http_url, "kiosk1", "kiosk1")
            circ = IrbisCirculation(client, _bench_config())
            ours = []
            for i in range(runs):
                card, barcode = reader_card(i % readers), book_barcode(i)
                start = time.perf_counter()
                circ.identify(card, TODAY)
                circ.checkout(card, barcode, TODAY)
                ours.append(time.perf_counter() - start)
            client.close()
            theirs = _baseline(server.tcp_port, runs, readers)
        finally:
            server.stop()
    result = summary("checkout_ms", ours) | summary("baseline_checkout_ms", theirs)
    result["checkout_ratio"] = round(result["checkout_ms_p95"] / result["baseline_checkout_ms_p95"], 2)
    return result


def _baseline(tcp_port: int, runs: int, readers: int) -> list[float]:
    """The same IRBIS work done with cbsvibpyirbis: find and read the reader, find and read
    the copy, add the loan and mark the copy issued, save both with command 6."""
    from cbsvibpyirbis import Connection

    conn = Connection()
    conn.connect("127.0.0.1", tcp_port, "kiosk1", "kiosk1", "RDR")
    samples = []
    try:
        for i in range(runs):
            card, barcode = reader_card(i % readers), book_barcode(runs + i)
            start = time.perf_counter()
            conn.database = "RDR"
            [reader_mfn] = conn.search(f'"RI={card}"')
            reader = conn.read_record(reader_mfn)
            conn.database = "IBIS"
            [copy_mfn] = conn.search(f'"IN={barcode}"')
            copy = conn.read_record(copy_mfn)
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


def _kiosk_worker(args: tuple[str, int, int, int, float]) -> list[float]:
    """One process of simulated kiosks: `threads` kiosks, each checking out its own books."""
    from kiosk.irbis.circulation import IrbisCirculation
    from kiosk.irbis.client import IrbisClient

    url, first_kiosk, threads, per_kiosk, seconds = args
    samples: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def kiosk(k: int) -> None:
        client = IrbisClient.from_url(url, "kiosk1", "kiosk1", timeout=10)
        circ = IrbisCirculation(client, _bench_config())
        mine = []
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
    for w in workers:
        w.join()
    return samples


def server_load(kiosks: int = 50, seconds: float = 10.0, processes: int = 2) -> dict[str, float]:
    """`kiosk sim` in its own process; `kiosks` simulated kiosks in `processes` processes."""
    per_kiosk = 4000
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        loads = write_databases(Path(tmp) / "load", kiosks, kiosks * per_kiosk)
        cmd = [sys.executable, "-m", "kiosk", "sim", "--tcp-port", "0", "--http-port", "0", "--data", f"{tmp}/db"]
        for db, paths in loads.items():
            cmd += ["--load", f"{db}={paths[0]}"]
        sim = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        try:
            ready = sim.stdout.readline().split() if sim.stdout else []
            ports = dict(item.split("=") for item in ready[1:])
            url = f"http://127.0.0.1:{ports['http']}/cgi-bin/irbis64r/WebToIrbisServer.exe"
            share = kiosks // processes
            jobs = [(url, p * share, share, per_kiosk, seconds) for p in range(processes)]
            start = time.perf_counter()
            with multiprocessing.get_context("spawn").Pool(processes) as pool:
                parts = pool.map(_kiosk_worker, jobs)
            elapsed = time.perf_counter() - start
        finally:
            sim.terminate()
            sim.wait(timeout=10)
    samples = [s for part in parts for s in part]
    return {
        "sim_kiosks": kiosks,
        "sim_checkouts_per_s": round(len(samples) / elapsed, 1),
        "sim_checkout_ms_p95": round(percentile([s * 1000 for s in samples], 95), 2),
    }
