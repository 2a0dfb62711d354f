"""The real composition (kiosk.app.Kiosk, demo IRBIS server, journal) counts a session in
stats.sqlite3 beside the journal and writes the reader's visit in RDR field 40."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kiosk.app import Kiosk
from kiosk.config import Config
from kiosk.core.clock import VirtualClock
from kiosk.core.executor import SyncExecutor
from kiosk.irbis import rules
from kiosk.irbis.visits import is_visit
from kiosk.stats.store import StatsStore
from tests.app.test_restart import FakeApp


def test_a_session_through_the_real_wiring_is_counted_and_visited(tmp_path: Path) -> None:
    kiosk = Kiosk(Config(), VirtualClock(date(2026, 11, 25)), SyncExecutor(), lambda fn: fn(),
                  scripted=True, data_dir=str(tmp_path / "sim"), persistent=False,
                  journal_path=str(tmp_path / "journal.sqlite3"))
    kiosk.build()
    kiosk.app = FakeApp()  # type: ignore[assignment]
    try:
        kiosk.start()
        kiosk.devices.scanner.push("100109")
        assert kiosk.session.reader is not None
        kiosk.tap("finish")  # no loan: the visit is saved on its own at logout
        client = kiosk.chain.gateway.circulation.client  # type: ignore[union-attr]
        reader = client.search_records("RDR", '"RI=100109"')[0]
        found = [f for f in reader.all(40) if is_visit(f)]
        assert [(f.get("D"), f.get("V"), f.get("I")) for f in found] == [("20261125", "КИОСК1", "kiosk1")]
        assert all(not rules.is_loan(f) for f in found)
        assert kiosk.stats_path == str(tmp_path / "stats.sqlite3")
    finally:
        kiosk.close()
    store = StatsStore(tmp_path / "stats.sqlite3")
    try:
        assert [f.kind for f in store.facts()] == ["session"]
    finally:
        store.close()
