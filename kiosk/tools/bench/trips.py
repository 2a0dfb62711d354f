"""Round trips and requests per circulation action, counted, not assumed.

    round_trips_<action>   sequential round trips the patron waits for: requests in flight at
                           the same time (client.parallel) count once. Counted in the client's
                           transport: every exchange's start and end; overlapping exchanges
                           merge into one round trip.
    requests_<action>      requests sent (what a CGI gateway starts a process for), counted by
                           the server (kiosk.irbis.server.conditions) and checked against the
                           transport's own count.

The server adds a small latency to every request so that requests sent together really are
in flight together (on bare loopback one may finish before the other leaves).
"""

from __future__ import annotations

import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kiosk.irbis.server.conditions import FieldConditions
from kiosk.tools.synthetic import book_barcode, reader_card, write_databases

LATENCY_MS = 10.0
# one open request naming a copy nobody here touches: the RQST searches find a real database
RQST = """#1: IBIS
#30: {card}
#40: 20261101
#201: Кітап 3
#903: 84(5Каз)/3
#910: ^B50003^H{barcode}
*****
"""


class CountingTransport:
    """Wraps a Transport; keeps (start, end) of every exchange."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.spans: list[tuple[float, float]] = []
        self._lock = threading.Lock()

    def exchange(self, body: bytes, timeout: float | None = None) -> bytes:
        start = time.perf_counter()
        try:
            return self.inner.exchange(body, timeout)
        finally:
            with self._lock:
                self.spans.append((start, time.perf_counter()))

    def close(self) -> None:
        self.inner.close()

    def reset(self) -> None:
        with self._lock:
            self.spans.clear()

    def round_trips(self) -> int:
        """Exchanges merged where they overlap in time: what a patron waits for in turn."""
        with self._lock:
            spans = sorted(self.spans)
        trips, end = 0, float("-inf")
        for start, stop in spans:
            if start >= end:
                trips += 1
            end = max(end, stop)
        return trips

    def requests(self) -> int:
        with self._lock:
            return len(self.spans)


def count_actions(today: date, latency_ms: float = LATENCY_MS) -> dict[str, int]:
    """A login, a checkout (reader known, copy available), a renewal, a second checkout,
    renew all (two loans) and a return, each counted on its own."""
    from kiosk.config import Config
    from kiosk.irbis.circulation import IrbisCirculation
    from kiosk.irbis.client import IrbisClient
    from kiosk.irbis.server import start_server

    with tempfile.TemporaryDirectory(prefix="bench-trips-") as tmp:
        loads = write_databases(Path(tmp) / "load", 2, 6)
        rqst = Path(tmp) / "load" / "RQST.txt"
        rqst.write_text(RQST.format(card=reader_card(1), barcode=book_barcode(3)), encoding="utf-8")
        loads["RQST"] = [rqst]
        server = start_server(Path(tmp) / "db", loads=loads, conditions=FieldConditions(latency_ms=latency_ms))
        try:
            client = IrbisClient.from_url(server.http_url, "kiosk1", "kiosk1")
            counter = CountingTransport(client.transport)
            client.transport = counter
            client.connect()
            cfg = Config()
            cfg.loans.max_items = 100
            circ = IrbisCirculation(client, cfg)
            card, later = reader_card(0), today + timedelta(days=10)
            actions = (
                ("login", lambda: circ.identify(card, today)),
                ("checkout", lambda: circ.checkout(card, book_barcode(0), today)),
                ("renew", lambda: circ.renew(card, book_barcode(0), later)),
                ("checkout_second", lambda: circ.checkout(card, book_barcode(1), later)),
                ("renew_all", lambda: circ.renew_all(card, later + timedelta(days=1))),
                ("return", lambda: circ.return_item(book_barcode(0), later)),
            )
            out: dict[str, int] = {}
            for name, action in actions:
                server.conditions.reset_counts()
                counter.reset()
                action()
                if server.conditions.total() != counter.requests():
                    raise RuntimeError(f"{name}: the server counted {server.conditions.total()} "
                                       f"requests, the transport {counter.requests()}")
                out[f"round_trips_{name}"] = counter.round_trips()
                out[f"requests_{name}"] = server.conditions.total()
            client.close()
        finally:
            server.stop()
    return out
