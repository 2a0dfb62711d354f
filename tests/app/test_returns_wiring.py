"""Returns through the real composition (kiosk.app.Kiosk, embedded IRBIS server with the
demo data, journal): a book drop is journaled like a loan and written to IRBIS."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from kiosk.app import Kiosk
from kiosk.config import config_from_dict
from kiosk.core.clock import VirtualClock
from kiosk.core.executor import SyncExecutor
from kiosk.irbis import rules
from kiosk.journal.store import Journal
from tests.app.test_modes import Window


def test_a_book_drop_is_journaled_and_closes_the_loan_in_irbis(tmp_path: Path) -> None:
    cfg = config_from_dict({"session": {"returns": "any"}})
    journal = tmp_path / "journal.sqlite3"
    kiosk = Kiosk(cfg, VirtualClock(date(2026, 11, 25)), SyncExecutor(), lambda fn: fn(),
                  scripted=True, data_dir=str(tmp_path / "sim"), persistent=False,
                  journal_path=str(journal))
    events: list[dict[str, Any]] = []
    kiosk.bus.subscribe(events.append)
    kiosk.build()
    kiosk.app = Window()  # type: ignore[assignment]
    try:
        kiosk.start()
        kiosk.scan("000010012")  # 100103's overdue loan, dropped off without a card
        assert {"event": "return", "barcode": "000010012", "ok": True} in \
            [{k: e.get(k) for k in ("event", "barcode", "ok")} for e in events]
        assert kiosk.session.view.screen == "attract" and kiosk.session.reader is None
        client = kiosk.chain.gateway.circulation.client  # type: ignore[union-attr]
        reader = client.search_records("RDR", '"RI=100103"')[0]
        assert rules.find_open_loan(reader, "000010012") is None
        book = client.search_records("IBIS", '"IN=000010012"')
        copy = rules.find_copy(book, "000010012")
        assert copy is not None and copy.field.get("A") == "0"
    finally:
        kiosk.close()
    store = Journal(journal)
    try:
        entries = [(e.kind, e.state, e.barcode) for e in store.entries()]
    finally:
        store.close()
    assert ("return", "done", "000010012") in entries
