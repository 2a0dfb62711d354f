"""How the kiosk opens its own SQLite files (journal, statistics, staff alerts).

WAL with synchronous=FULL: a committed row survives a power cut. The page cache is capped:
SQLite's default (2000 KiB per connection) fills as a file grows over months, so each
store's share of the RSS would creep up by 2 MB before it levelled off. The kiosk touches
the newest rows and their indexes; older pages come from the OS page cache when a report
reads them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

PAGE_CACHE_KIB = 256
BUSY_TIMEOUT_MS = 5000


def open_database(path: str | Path) -> sqlite3.Connection:
    """A connection in autocommit mode, shared by the store's threads under its own lock."""
    db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    db.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
    return db
