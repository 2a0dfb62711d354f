"""SQLite storage of the embedded server: records and their dictionary terms.

One file, WAL mode, synchronous=FULL (a confirmed save survives a power cut). A
record's terms change in the same transaction as the record, so
a search never sees a half-written record. Connections come from a small pool so that
no request pays for opening one.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kiosk.irbis import protocol as p
from kiosk.irbis.record import GUID_TAG, Field, Record
from kiosk.irbis.server.index import terms_of

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    db TEXT NOT NULL, mfn INTEGER NOT NULL, status INTEGER NOT NULL,
    version INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (db, mfn)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS terms (
    db TEXT NOT NULL, term TEXT NOT NULL, mfn INTEGER NOT NULL,
    PRIMARY KEY (db, term, mfn)) WITHOUT ROWID;
"""

SEP = p.SHORT_DELIMITER  # fields of a stored body


@dataclass
class Stored:
    mfn: int
    status: int
    version: int
    body: str

    def record(self, db: str) -> Record:
        lines = [f"{self.mfn}#{self.status}", f"0#{self.version}"]
        if self.body:
            lines.extend(self.body.split(SEP))
        return p.record_from_lines(lines, db)


def body_of(rec: Record) -> str:
    return SEP.join(str(f) for f in rec.fields)


class Storage:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._pool: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self.write_lock = threading.Lock()
        with self.connection() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10.0)
        # FULL, not NORMAL: in WAL mode NORMAL skips the fsync at commit, so a power cut
        # could lose a loan the kiosk was already told is saved. FULL syncs the WAL at every
        # commit (about 1 ms here); the answer goes out only after that.
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=10000")
        return conn

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = self._pool.get_nowait()
        except queue.Empty:
            conn = self._open()
        try:
            yield conn
        finally:
            self._pool.put(conn)

    def close(self) -> None:
        while True:
            try:
                self._pool.get_nowait().close()
            except queue.Empty:
                return

    # ------------------------------------------------------------------ reads

    @staticmethod
    def fetch(conn: sqlite3.Connection, db: str, mfn: int) -> Stored | None:
        row = conn.execute("SELECT mfn, status, version, body FROM records WHERE db=? AND mfn=?", (db, mfn)).fetchone()
        return Stored(*row) if row else None

    def get(self, db: str, mfn: int) -> Stored | None:
        with self.connection() as conn:
            return self.fetch(conn, db, mfn)

    @staticmethod
    def max_mfn_in(conn: sqlite3.Connection, db: str) -> int:
        row = conn.execute("SELECT max(mfn) FROM records WHERE db=?", (db,)).fetchone()
        return row[0] or 0

    def max_mfn(self, db: str) -> int:
        with self.connection() as conn:
            return self.max_mfn_in(conn, db)

    def lookup(self, db: str, term: str, prefix: bool) -> set[int]:
        with self.connection() as conn:
            if prefix:
                rows = conn.execute(
                    "SELECT mfn FROM terms WHERE db=? AND term>=? AND term<?", (db, term, term + "\U0010ffff")
                )
            else:
                rows = conn.execute("SELECT mfn FROM terms WHERE db=? AND term=?", (db, term))
            return {r[0] for r in rows}

    def count(self, db: str) -> int:
        with self.connection() as conn:
            return conn.execute("SELECT count(*) FROM records WHERE db=?", (db,)).fetchone()[0]

    # ------------------------------------------------------------------ writes

    def put_many(self, conn: sqlite3.Connection, items: Sequence[tuple[str, Record, Stored | None]]) -> list[Record]:
        """Write records inside the caller's transaction. Each item: (db, record, what is
        stored now or None for a new record). Assigns MFNs to new records and bumps versions."""
        saved: list[Record] = []
        next_mfn: dict[str, int] = {}
        for db, rec, old in items:
            if old is None:
                if db not in next_mfn:
                    next_mfn[db] = self.max_mfn_in(conn, db) + 1
                mfn, version = next_mfn[db], 1
                next_mfn[db] += 1
                old_terms: set[str] = set()
            else:
                mfn, version = old.mfn, old.version + 1
                old_terms = terms_of(db, old.record(db))
            # the Field objects are shared, not copied: nothing edits them after a save, and
            # copying them was half the cost of a bulk load
            new = Record(mfn, rec.status & ~(32 | 64), version, list(rec.fields), db)
            if old is None and new.first(GUID_TAG) is None:
                # as an IRBIS64+ server does: every record gets a GUID, first
                new.fields.insert(0, Field(GUID_TAG, "{" + str(uuid.uuid4()).upper() + "}"))
            new_terms = terms_of(db, new)
            conn.execute(
                "INSERT OR REPLACE INTO records(db, mfn, status, version, body) VALUES (?,?,?,?,?)",
                (db, mfn, new.status, version, body_of(new)),
            )
            gone = old_terms - new_terms
            if gone:
                conn.executemany("DELETE FROM terms WHERE db=? AND term=? AND mfn=?", [(db, t, mfn) for t in gone])
            added = new_terms - old_terms
            if added:
                conn.executemany("INSERT OR IGNORE INTO terms(db, term, mfn) VALUES (?,?,?)", [(db, t, mfn) for t in added])
            saved.append(new)
        return saved

    def load(self, db: str, records: Sequence[Record]) -> int:
        """Append records as new ones (plain-text import). Returns how many."""
        with self.write_lock, self.connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                self.put_many(conn, [(db, r, None) for r in records])
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return len(records)
