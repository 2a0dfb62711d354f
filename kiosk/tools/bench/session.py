"""Session overhead per scan, gateway excluded: the time from `session.scan(code)` to the
View reaching the UI listener, minus the time spent inside the circulation calls.

For `kiosk bench` (any Circulation: the embedded IRBIS server, a remote gateway):
    measure_scans(circulation, card, barcodes, repeats=20) -> {"n", "median_ms", "p95_ms",
    "max_ms"}
Every repeat logs the card in, scans the books, and finishes; checkouts are real, so
give it a circulation whose loans can be undone (a throwaway demo data dir).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from datetime import date

from kiosk.config import Config, session_settings
from kiosk.core.clock import VirtualClock
from kiosk.core.domain import Circulation
from kiosk.core.events import EventBus
from kiosk.core.executor import SyncExecutor
from kiosk.core.session import Session
from kiosk.locale.display import display_text
from kiosk.tools.stats import percentile
from kiosk.tools.switch import GatewaySwitch


def measure_scans(circulation: Circulation, card: str, barcodes: Sequence[str],
                  repeats: int = 20, config: Config | None = None,
                  today: date | None = None) -> dict[str, float]:
    timed = GatewaySwitch(circulation)
    clock = VirtualClock(today=today)
    settings = session_settings(config or Config())
    session = Session(timed, settings, clock, EventBus(clock), SyncExecutor(),
                      render_text=display_text)
    shown = [0.0]
    session.on_view(lambda _view: shown.__setitem__(0, time.perf_counter()))
    session.start()
    samples: list[float] = []
    for _ in range(repeats):
        for code in (card, *barcodes):
            busy_before = timed.busy_s
            started = time.perf_counter()
            session.scan(code)
            gateway = timed.busy_s - busy_before
            samples.append(max(0.0, shown[0] - started - gateway) * 1000)
            clock.advance(settings.double_scan_s + 0.5)
            session.tick()
        session.tap("finish")
        session.tap("done")
    return {"n": len(samples), "median_ms": round(statistics.median(samples), 3),
            "p95_ms": round(percentile(samples, 95) or 0.0, 3), "max_ms": round(max(samples), 3)}
