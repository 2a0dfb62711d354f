"""The SQLite transaction journal: every checkout, renewal and return is written here
(WAL, synchronous=FULL) before it is sent to IRBIS and marked done when IRBIS confirms it.

States: pending (written, outcome unknown: the kiosk may have died or the answer got lost),
queued (taken offline, to be sent when the gateway returns), done, refused (the rules said
no), conflict (a queued loan IRBIS refused when it was finally sent: staff must look).
The card number is kept only while an entry is unfinished (it is needed to send or check
it); a finished entry keeps a salted hash instead.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.system.database import open_database

UNFINISHED = ("pending", "queued")

SCHEMA = """
CREATE TABLE IF NOT EXISTS tx (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,            -- checkout | renew | return
    state TEXT NOT NULL,           -- pending | queued | done | refused | conflict
    card TEXT,                     -- only while unfinished
    card_hash TEXT NOT NULL,
    barcode TEXT NOT NULL,
    day TEXT NOT NULL,             -- YYYYMMDD of the session clock
    due TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS tx_state ON tx(state);
CREATE TABLE IF NOT EXISTS patron_cache (
    card_hash TEXT PRIMARY KEY,    -- never the card itself
    seen_day TEXT NOT NULL,        -- YYYYMMDD last identified online
    allowed INTEGER NOT NULL       -- 1 = could borrow when last seen
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class JournalUnavailable(Exception):
    """The journal cannot record a transaction (disk full, read-only, corrupt)."""


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str
    state: str
    card: str | None
    card_hash: str
    barcode: str
    day: str
    due: str
    reason: str
    attempts: int


class Journal:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = open_database(self.path)
        self._db.executescript(SCHEMA)
        self._salt = self._load_salt()

    def _load_salt(self) -> str:
        row = self._db.execute("SELECT value FROM meta WHERE key='salt'").fetchone()
        if row:
            return str(row[0])
        salt = hashlib.sha256(f"{time.time_ns()}{id(self)}".encode()).hexdigest()[:32]
        self._db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES('salt', ?)", (salt,))
        return str(self._db.execute("SELECT value FROM meta WHERE key='salt'").fetchone()[0])

    def card_hash(self, card: str) -> str:
        return hashlib.sha256((self._salt + card).encode()).hexdigest()[:24]

    def _write(self, sql: str, args: tuple) -> sqlite3.Cursor:
        try:
            with self._lock:
                return self._db.execute(sql, args)
        except sqlite3.Error as e:  # disk full, I/O error, read-only file system
            raise JournalUnavailable(str(e)) from e

    def begin(
        self, kind: str, card: str, barcode: str, day: str, due: str = "", state: str = "pending"
    ) -> int:
        """Record a transaction about to be sent; `due` = the due date it should produce."""
        now = time.time()
        cur = self._write(
            "INSERT INTO tx(kind, state, card, card_hash, barcode, day, due, created, updated)"
            " VALUES(?,?,?,?,?,?,?,?,?)",
            (kind, state, card, self.card_hash(card), barcode, day, due, now, now),
        )
        return int(cur.lastrowid or 0)

    def finish(self, tx_id: int, state: str, due: str = "", reason: str = "") -> None:
        """Close an entry: done, refused or conflict. The card itself is forgotten."""
        self._write(
            "UPDATE tx SET state=?, due=?, reason=?, card=NULL, updated=? WHERE id=?",
            (state, due, reason, time.time(), tx_id),
        )

    def mark(self, tx_id: int, state: str, due: str = "", reason: str = "") -> None:
        """Change an unfinished entry's state and count an attempt; the card is kept."""
        self._write(
            "UPDATE tx SET state=?, due=?, reason=?, attempts=attempts+1, updated=? WHERE id=?",
            (state, due, reason, time.time(), tx_id),
        )

    def unfinished(self) -> list[Entry]:
        return self._select("state IN ('pending', 'queued') ORDER BY id")

    def entries(self, where: str = "1=1 ORDER BY id") -> list[Entry]:
        return self._select(where)

    def _select(self, where: str, args: tuple = ()) -> list[Entry]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, kind, state, card, card_hash, barcode, day, due, reason, attempts"
                f" FROM tx WHERE {where}",
                args,
            ).fetchall()
        return [Entry(*row) for row in rows]

    def queued_count(self, card: str) -> int:
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM tx WHERE state='queued' AND kind='checkout' AND card_hash=?",
                (self.card_hash(card),),
            ).fetchone()
        return int(row[0])

    def remember_patron(self, card: str, day: str, allowed: bool) -> None:
        self._write(
            "INSERT INTO patron_cache(card_hash, seen_day, allowed) VALUES(?,?,?)"
            " ON CONFLICT(card_hash) DO UPDATE SET seen_day=excluded.seen_day,"
            " allowed=excluded.allowed",
            (self.card_hash(card), day, int(allowed)),
        )

    def patron_seen(self, card: str) -> tuple[str, bool] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT seen_day, allowed FROM patron_cache WHERE card_hash=?",
                (self.card_hash(card),),
            ).fetchone()
        return (str(row[0]), bool(row[1])) if row else None

    def close(self) -> None:
        with self._lock:
            self._db.close()
