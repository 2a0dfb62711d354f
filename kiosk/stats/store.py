"""The statistics file: one row per countable fact, never a card, a name or a title.

A fact is what happened (kind), when (day, weekday, hour), and the few attributes the
library reports by: the refusal's reason code, the book's language (IBIS 101), the
reader's category (RDR 50) and age band (RDR 21), and a salted hash of the card so that
distinct readers can be counted. The salt is made once per file and never leaves it.
SQLite with WAL and synchronous=FULL: a fact written survives kill -9 and a power cut.

Kinds: session (a reader identified), loan, renew, return, refusal, call (value = seconds
from raised to acknowledged), outage (value = minutes out of order).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.system.database import open_database

KINDS = ("session", "loan", "renew", "return", "refusal", "call", "outage")

SCHEMA = """
CREATE TABLE IF NOT EXISTS fact (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    day TEXT NOT NULL,          -- YYYYMMDD
    weekday INTEGER NOT NULL,   -- 0 = Monday
    hour INTEGER NOT NULL,      -- 0..23
    kind TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    age TEXT NOT NULL DEFAULT '',
    reader TEXT NOT NULL DEFAULT '',   -- salted hash of the card; '' when none
    value REAL NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS fact_day ON fact(day);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Fact:
    day: str
    weekday: int
    hour: int
    kind: str
    reason: str = ""
    language: str = ""
    category: str = ""
    age: str = ""
    reader: str = ""
    value: float = 0.0


class StatsStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = open_database(self.path)
        self._db.executescript(SCHEMA)
        self._db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES('salt', ?)",
                         (secrets.token_hex(16),))
        self._salt = self.meta("salt")

    def reader_key(self, card: str) -> str:
        """The salted hash that stands for a card in this file (and in published figures)."""
        return hashlib.sha256((self._salt + card).encode()).hexdigest()[:20]

    def add(self, when: datetime, kind: str, **attrs: str | float) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown fact kind {kind!r}")
        fact = Fact(when.strftime("%Y%m%d"), when.weekday(), when.hour, kind, **attrs)  # type: ignore[arg-type]
        with self._lock:
            self._db.execute(
                "INSERT INTO fact(day, weekday, hour, kind, reason, language, category, age,"
                " reader, value) VALUES(?,?,?,?,?,?,?,?,?,?)",
                (fact.day, fact.weekday, fact.hour, fact.kind, fact.reason, fact.language,
                 fact.category, fact.age, fact.reader, float(fact.value)),
            )

    def facts(self, first: str = "00000000", last: str = "99999999") -> list[Fact]:
        """Every fact from day `first` to day `last` (YYYYMMDD, both included)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT day, weekday, hour, kind, reason, language, category, age, reader, value"
                " FROM fact WHERE day BETWEEN ? AND ? ORDER BY id", (first, last)).fetchall()
        return [Fact(*row) for row in rows]

    def days(self, first: str = "00000000", last: str = "99999999") -> list[str]:
        with self._lock:
            rows = self._db.execute("SELECT DISTINCT day FROM fact WHERE day BETWEEN ? AND ?"
                                    " ORDER BY day", (first, last)).fetchall()
        return [str(r[0]) for r in rows]

    def meta(self, key: str, default: str = "") -> str:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_meta(self, key: str, value: str | None) -> None:
        with self._lock:
            if value is None:
                self._db.execute("DELETE FROM meta WHERE key=?", (key,))
            else:
                self._db.execute("INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key)"
                                 " DO UPDATE SET value=excluded.value", (key, value))

    def close(self) -> None:
        with self._lock:
            self._db.close()
