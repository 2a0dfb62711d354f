"""Latency of the IRBIS round trips the kiosk makes, against the embedded server on loopback.

    python -m kiosk.tools.bench.server [runs]     -> one JSON object (milliseconds, req/s)

`checkout_http`: identify the reader (search RI=, read), look up the copy (search IN=,
read), save both records in one command 6, through the HTTP tunnel with IrbisClient.
`checkout_http_search_records`: the same with search_records (search and read in one
request: 3 requests instead of 5). `search_read_write_http`: search + read + write of one record. `checkout_tcp_pythonirbis`:
the same checkout done by cbsvibpyirbis over TCP (when installed).
"""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable

from kiosk.irbis.client import IrbisClient
from kiosk.irbis.record import Field, Record
from kiosk.irbis.server import start_server


def _seed(client: IrbisClient) -> None:
    rdr = Record(database="RDR")
    rdr.add(2147483647, "{9536F775-026A-56EA-AF29-ED901F9D7E53}")
    rdr.add(10, "Сейітова")
    rdr.add(30, "100101")
    book = Record(database="IBIS")
    book.add(200, "^AҚара сөздер")
    book.add(910, "^A0^B10001^H000010001^DАБ")
    client.write_records([rdr, book])


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "runs": len(samples),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def _time(runs: int, op: Callable[[int], None]) -> dict[str, float]:
    for i in range(min(20, runs)):  # warm up connections and caches
        op(i)
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        op(i)
        samples.append(time.perf_counter() - start)
    return _stats(samples)


def _toggle(rdr: Record, book: Record, i: int) -> None:
    copy = book.first(910)
    if i % 2 == 0:
        rdr.append(Field.of(40, G="IBIS", H="000010001", D="20261110", E="20261124", F="******"))
        copy.set("A", "1")
    else:
        rdr.fields = [f for f in rdr.fields if not (f.tag == 40 and f.get("H") == "000010001")]
        copy.set("A", "0")


def measure(runs: int = 500) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    with start_server(None) as server:
        with IrbisClient.from_url(server.http_url, "kiosk1", "kiosk1") as c:
            _seed(c)

            def checkout(i: int) -> None:
                rdr = c.read_record("RDR", c.search("RDR", '"RI=100101"')[0])
                book = c.read_record("IBIS", c.search("IBIS", '"IN=000010001"')[0])
                _toggle(rdr, book, i)
                c.write_records([rdr, book])

            def checkout_3_requests(i: int) -> None:
                rdr = c.search_records("RDR", '"RI=100101"')[0]
                book = c.search_records("IBIS", '"IN=000010001"')[0]
                _toggle(rdr, book, i)
                c.write_records([rdr, book])

            def search_read_write(i: int) -> None:
                rdr = c.read_record("RDR", c.search("RDR", '"RI=100101"')[0])
                rdr.remove(32)
                rdr.add(32, f"r{i}@example.kz")
                c.write_record("RDR", rdr)

            results["checkout_http"] = _time(runs, checkout)
            results["checkout_http_search_records"] = _time(runs, checkout_3_requests)
            results["search_read_write_http"] = _time(runs, search_read_write)
        try:
            import cbsvibpyirbis as pi
        except ImportError:
            return results
        conn = pi.Connection(host="127.0.0.1", port=server.tcp_port, username="kiosk1", password="kiosk1", database="RDR")
        conn.connect()

        def pi_checkout(i: int) -> None:
            conn.database = "RDR"
            rdr = conn.read_record(conn.search('"RI=100101"')[0])
            rdr.database = "RDR"
            conn.database = "IBIS"
            book = conn.read_record(conn.search('"IN=000010001"')[0])
            book.database = "IBIS"
            conn.write_records([rdr, book])

        with contextlib.redirect_stdout(io.StringIO()):  # it prints on every write
            results["checkout_tcp_pythonirbis"] = _time(runs, pi_checkout)
        conn.disconnect()
    return results


def _kiosk_worker(url: str, threads: int, seconds: float, out: multiprocessing.Queue) -> None:
    """One process playing `threads` kiosks: identify + look up, as fast as it can."""
    done = [0] * threads
    errors = [0] * threads
    stop_at = time.monotonic() + seconds

    def kiosk(n: int) -> None:
        with IrbisClient.from_url(url, "kiosk1", "kiosk1", timeout=10) as c:
            while time.monotonic() < stop_at:
                try:
                    c.read_record("RDR", c.search("RDR", '"RI=100101"')[0])
                    done[n] += 2
                except Exception:  # noqa: BLE001 - counted, reported
                    errors[n] += 1

    pool = [threading.Thread(target=kiosk, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put((sum(done), sum(errors)))


def throughput(kiosks: int = 50, seconds: float = 5.0, processes: int = 5) -> dict[str, float]:
    """Requests per second the server (a `kiosk sim` process) answers over the HTTP tunnel
    to `kiosks` concurrent clients spread over `processes` client processes."""
    sim = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "sim", "--tcp-port", "0", "--http-port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        ready = sim.stdout.readline().split() if sim.stdout else []
        http_port = int(ready[2].split("=")[1])
        url = f"http://127.0.0.1:{http_port}/cgi-bin/irbis64r/WebToIrbisServer.exe"
        with IrbisClient.from_url(url, "kiosk1", "kiosk1") as c:
            if not c.search("RDR", '"RI=100101"'):
                _seed(c)
        out: multiprocessing.Queue = multiprocessing.Queue()
        per = max(1, kiosks // processes)
        workers = [multiprocessing.Process(target=_kiosk_worker, args=(url, per, seconds, out)) for _ in range(processes)]
        cpu_before = _cpu_s(sim.pid)
        start = time.perf_counter()
        for w in workers:
            w.start()
        results = [out.get(timeout=seconds + 60) for _ in workers]
        elapsed = time.perf_counter() - start
        server_cpu = _cpu_s(sim.pid) - cpu_before
        for w in workers:
            w.join()
    finally:
        sim.terminate()
        sim.wait(timeout=10)
    requests_done = sum(r[0] for r in results)
    return {
        "kiosks": per * processes,
        "seconds": round(elapsed, 2),
        "requests_per_s": round(requests_done / elapsed, 1),
        "errors": sum(r[1] for r in results),
        # what one request costs the server; 1000 / this = requests/s one free core could serve
        "server_cpu_ms_per_request": round(server_cpu * 1000 / max(1, requests_done), 3),
    }


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process (Linux /proc)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


if __name__ == "__main__":
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    report: dict[str, object] = dict(measure(runs))
    report["throughput_http"] = throughput()
    print(json.dumps(report))
