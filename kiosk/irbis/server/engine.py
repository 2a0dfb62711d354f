"""The embedded server's command handling: one request in, one answer out.

Transport-free: the TCP and HTTP front ends hand it a parsed `Request` and send back the
bytes it returns. Registrations and record locks live in memory (a restart forgets
them, as a restarted IRBIS server does); records live in `Storage`.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.irbis import protocol as p
from kiosk.irbis.errors import ProtocolError
from kiosk.irbis.record import GUID_TAG, Record
from kiosk.irbis.server.conditions import OVERLOADED, FieldConditions
from kiosk.irbis.server.search import SearchSyntaxError, evaluate
from kiosk.irbis.server.storage import Storage, Stored

log = logging.getLogger(__name__)

# return codes
OK = 0
BAD_REQUEST = -1  # parameters missing or malformed, unknown command
SERVER_ERROR = -2  # inferred: an unexpected failure on our side (a failing save rolls back)
SEARCH_SYNTAX = -1101  # inferred: no source names the code for a bad expression
MFN_OUT_OF_RANGE = -140
LOGICALLY_DELETED = -603
RECORD_LOCKED = -602
VERSION_CONFLICT = -608
NOT_REGISTERED = -3333
ALREADY_REGISTERED = -3337
WRONG_PASSWORD = -4444
BAD_DATABASE = -5555  # inferred
GUID_MISSING = -1  # inferred: IRBIS64+ refuses a write that lost the record's GUID field

LOCKED_STATUS = 64
MAX_SEARCH_ANSWER = 32000
_DB_NAME = re.compile(r"[A-Za-z0-9_]{1,32}")

INI_TEXT = "[Main]\r\nUser={user}\r\n[Private]\r\nSimulator=1\r\n"


def _guid(body: str) -> str:
    """The GUID field's text in a stored body (it is written first), or ""."""
    head = body.split(p.SHORT_DELIMITER, 1)[0]
    tag, _, text = head.partition("#")
    return text if tag == str(GUID_TAG) else ""


class ServerRefusal(Exception):
    """The server answers a request with a negative IRBIS return code (not a patron's
    refusal: that is kiosk.core.domain.Refused, decided by the kiosk's loan rules)."""

    def __init__(self, code: int) -> None:
        self.code = code
        super().__init__(code)


@dataclass
class ClientSession:
    """A registered IRBIS client (one client id): who, from which workstation, last seen."""

    username: str
    workstation: str
    last_seen: float


class Engine:
    def __init__(self, storage: Storage, users: dict[str, str], session_timeout_s: float = 3600.0) -> None:
        self.storage = storage
        self.conditions = FieldConditions()  # kiosk sim's field modes; counts requests
        self.users = dict(users)
        self.session_timeout_s = session_timeout_s
        self.sessions: dict[int, ClientSession] = {}
        self.locks: dict[tuple[str, int], int] = {}  # (db, mfn) -> client id holding it
        self._state = threading.Lock()  # guards sessions and locks
        self._pending: list[_SaveJob] = []  # saves waiting for the next group commit
        self._pending_lock = threading.Lock()
        self.handlers: dict[str, Callable[[p.Request], tuple[int, list[bytes]]]] = {
            p.NOP: self.nop,
            p.READ_RECORD: self.read_record,
            p.WRITE_RECORD: self.write_record,
            p.SAVE_RECORD_GROUP: self.save_group,
            p.SEARCH: self.search,
            p.MAX_MFN: self.max_mfn,
            p.UNLOCK_RECORDS: self.unlock,
        }

    # ------------------------------------------------------------------ entry point

    def handle(self, req: p.Request) -> bytes:
        if self.conditions.arrived(req.command):  # an overloaded server executes nothing
            return p.encode_answer(req.command, req.client_id, req.query_id, OVERLOADED, [])
        try:
            code, lines = self._dispatch(req)
        except ServerRefusal as exc:
            code, lines = exc.code, []
        except ProtocolError as exc:
            log.info("bad %s request: %s", req.command[:4], exc)
            code, lines = BAD_REQUEST, []
        except Exception as exc:  # noqa: BLE001 - answer, never drop the client
            # only the type: messages and tracebacks may quote record text
            log.error("command %s failed: %s", req.command[:4], type(exc).__name__)
            code, lines = SERVER_ERROR, []
        return p.encode_answer(req.command, req.client_id, req.query_id, code, lines)

    def _dispatch(self, req: p.Request) -> tuple[int, list[bytes]]:
        if req.command == p.REGISTER:
            return self.register(req)
        if req.command == p.UNREGISTER:
            return self.unregister(req)
        handler = self.handlers.get(req.command)
        if handler is None:
            return BAD_REQUEST, []
        self._check_session(req)
        return handler(req)

    # ------------------------------------------------------------------ registration

    def register(self, req: p.Request) -> tuple[int, list[bytes]]:
        user = req.param(0, default=req.username)
        password = req.param(1, default=req.password)
        expected = self.users.get(user)
        if expected is None or expected != password:
            return WRONG_PASSWORD, []
        now = time.monotonic()
        with self._state:
            self._expire(now)
            if req.client_id in self.sessions:
                return ALREADY_REGISTERED, []
            self.sessions[req.client_id] = ClientSession(user, req.workstation, now)
        lines = [p.ansi(int(self.session_timeout_s // 60))]
        lines += [p.ansi(line) for line in INI_TEXT.format(user=user).split("\r\n") if line]
        return OK, lines

    def unregister(self, req: p.Request) -> tuple[int, list[bytes]]:
        with self._state:
            session = self.sessions.get(req.client_id)
            if session is None or session.username != req.username:
                return NOT_REGISTERED, []
            del self.sessions[req.client_id]
            self._release_locks(req.client_id)
        return OK, []

    def _check_session(self, req: p.Request) -> None:
        now = time.monotonic()
        with self._state:
            session = self.sessions.get(req.client_id)
            if session is not None and now - session.last_seen > self.session_timeout_s:
                del self.sessions[req.client_id]
                self._release_locks(req.client_id)
                session = None
            if session is None or session.username != req.username:
                raise ServerRefusal(NOT_REGISTERED)
            session.last_seen = now

    def _expire(self, now: float) -> None:
        dead = [cid for cid, s in self.sessions.items() if now - s.last_seen > self.session_timeout_s]
        for cid in dead:
            del self.sessions[cid]
            self._release_locks(cid)

    def _release_locks(self, client_id: int) -> None:
        for key in [k for k, holder in self.locks.items() if holder == client_id]:
            del self.locks[key]

    # ------------------------------------------------------------------ commands

    def nop(self, req: p.Request) -> tuple[int, list[bytes]]:
        return OK, []

    @staticmethod
    def _db(name: str) -> str:
        name = name.strip()
        if not _DB_NAME.fullmatch(name):
            raise ServerRefusal(BAD_DATABASE)
        return name.upper()

    def max_mfn(self, req: p.Request) -> tuple[int, list[bytes]]:
        return self.storage.max_mfn(self._db(req.param(0))) + 1, []

    def read_record(self, req: p.Request) -> tuple[int, list[bytes]]:
        db = self._db(req.param(0))
        mfn_text = req.param(1, p.ANSI).strip()
        if mfn_text.isascii() and mfn_text.isdigit() and len(mfn_text) > 10:
            return MFN_OUT_OF_RANGE, []  # beyond any database (and SQLite's integers)
        mfn = req.int_param(1)
        want_lock = req.param(2, default="0").strip() == "1"
        stored = self.storage.get(db, mfn) if mfn > 0 else None
        if stored is None:
            return MFN_OUT_OF_RANGE, []
        with self._state:
            holder = self.locks.get((db, mfn))
            if want_lock:
                if holder is not None and holder != req.client_id:
                    return RECORD_LOCKED, []
                self.locks[(db, mfn)] = req.client_id
                holder = req.client_id
        status = stored.status | (LOCKED_STATUS if holder is not None else 0)
        lines = [p.utf(f"{mfn}#{status}"), p.utf(f"0#{stored.version}")]
        if stored.body:
            lines += [p.utf(line) for line in stored.body.split("\x1e")]
        return (LOGICALLY_DELETED if stored.status & 1 else OK), lines

    def search(self, req: p.Request) -> tuple[int, list[bytes]]:
        db = self._db(req.param(0))
        expression = req.param(1, p.UTF)
        count = req.int_param(2, 0)
        first = max(1, req.int_param(3, 1))
        fmt = req.param(4, default="")
        try:
            found = sorted(evaluate(expression, lambda term, prefix: self.storage.lookup(db, term, prefix)))
        except SearchSyntaxError:
            return SEARCH_SYNTAX, []
        limit = MAX_SEARCH_ANSWER if count <= 0 else min(count, MAX_SEARCH_ANSWER)
        page = found[first - 1 : first - 1 + limit]
        lines = [p.ansi(len(found))]
        if fmt.strip():
            lines += [p.utf(self._formatted(db, mfn, fmt)) for mfn in page]
        else:
            lines += [p.ansi(mfn) for mfn in page]
        return OK, lines

    def _formatted(self, db: str, mfn: int, fmt: str) -> str:
        """Only the "all fields" format (&uf('+0')) is understood: `MFN#` then the record's
        lines, each after a 0x1F (what search-and-read clients split on)."""
        stored = self.storage.get(db, mfn)
        if stored is None or "+0" not in fmt:
            return f"{mfn}#"
        return f"{mfn}#" + "".join("\x1f" + line for line in p.record_lines(stored.record(db)))

    def write_record(self, req: p.Request) -> tuple[int, list[bytes]]:
        db = self._db(req.param(0))
        lock = req.param(1, default="0").strip() == "1"
        rec = p.record_from_wire(req.param(3, p.UTF), db)
        saved = self.save([(db, rec)], req.client_id, lock)[0]
        next_mfn = self.storage.max_mfn(db) + 1
        rest = p.SHORT_DELIMITER.join([f"0#{saved.version}", *(str(f) for f in saved.fields)])
        return next_mfn, [p.utf(f"{saved.mfn}#{saved.status}"), p.utf(rest)]

    def save_group(self, req: p.Request) -> tuple[int, list[bytes]]:
        lock = req.param(0, default="0").strip() == "1"
        items: list[tuple[str, Record]] = []
        for i in range(2, len(req.params)):
            line = req.param(i, p.UTF)
            if not line:
                continue
            db_name, sep, wire = line.partition(p.DELIMITER)
            if not sep:
                raise ProtocolError("group save line without database")
            db = self._db(db_name)
            items.append((db, p.record_from_wire(wire, db)))
        if not items:
            return BAD_REQUEST, []
        saved = self.save(items, req.client_id, lock)
        return OK, [p.utf(p.SHORT_DELIMITER.join(p.record_lines(r))) for r in saved]

    def unlock(self, req: p.Request) -> tuple[int, list[bytes]]:
        db = self._db(req.param(0))
        with self._state:
            for i in range(1, len(req.params)):
                key = (db, req.int_param(i))
                if self.locks.get(key) == req.client_id:
                    del self.locks[key]
        return OK, []

    # ------------------------------------------------------------------ saving

    def save(self, items: list[tuple[str, Record]], client_id: int, lock: bool) -> list[Record]:
        """All records or none: checks every lock and version first, then writes them in
        one SQLite transaction. Raises ServerRefusal(-140 / -602 / -608).

        Group commit: saves that arrive while another is being written wait for the write
        lock, and whichever thread gets it writes every waiting save in ONE transaction,
        each inside its own savepoint (a refused or failing save is rolled back alone).
        One COMMIT, hence one fsync, covers them all; nobody is answered before it."""
        job = _SaveJob(items, client_id, lock)
        with self._pending_lock:
            self._pending.append(job)
        with self.storage.write_lock:
            if not job.done:
                with self._pending_lock:
                    batch, self._pending = self._pending, []
                self._write_batch(batch)
        if job.error is not None:
            raise job.error
        return job.saved

    def _write_batch(self, batch: list[_SaveJob]) -> None:
        store = self.storage
        try:
            with store.connection() as conn:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    for job in batch:
                        conn.execute("SAVEPOINT job")
                        try:
                            job.saved = self._save_one(conn, job)
                        except BaseException as exc:  # noqa: BLE001 - handed to the job's own thread
                            conn.execute("ROLLBACK TO job")
                            job.error = exc
                        conn.execute("RELEASE job")
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
        except BaseException as exc:  # noqa: BLE001 - nothing of the batch was written
            for job in batch:
                job.saved, job.error = [], job.error or exc
        with self._state:
            for job in batch:
                for rec in job.saved:
                    key = (rec.database, rec.mfn)
                    if job.lock:
                        self.locks[key] = job.client_id
                    elif self.locks.get(key) == job.client_id:
                        del self.locks[key]
        for job in batch:
            job.done = True

    def _save_one(self, conn: sqlite3.Connection, job: _SaveJob) -> list[Record]:
        store = self.storage
        plan: list[tuple[str, Record, Stored | None]] = []
        seen: set[tuple[str, int]] = set()
        with self._state:
            for db, rec in job.items:
                if rec.mfn == 0:
                    plan.append((db, rec, None))
                    continue
                if (db, rec.mfn) in seen:
                    raise ServerRefusal(VERSION_CONFLICT)
                seen.add((db, rec.mfn))
                old = store.fetch(conn, db, rec.mfn)
                if old is None:
                    raise ServerRefusal(MFN_OUT_OF_RANGE)
                holder = self.locks.get((db, rec.mfn))
                if holder is not None and holder != job.client_id:
                    raise ServerRefusal(RECORD_LOCKED)
                if rec.version != old.version:
                    raise ServerRefusal(VERSION_CONFLICT)
                if _guid(old.body) and rec.fm(GUID_TAG) != _guid(old.body):
                    raise ServerRefusal(GUID_MISSING)
                plan.append((db, rec, old))
        return store.put_many(conn, plan)


@dataclass
class _SaveJob:
    items: list[tuple[str, Record]]
    client_id: int
    lock: bool
    saved: list[Record] = field(default_factory=list)
    error: BaseException | None = None
    done: bool = False


