"""IrbisClient: one registered IRBIS64 client over a swappable transport.

Registers once (command A), re-registers transparently when the server has forgotten us
(-3333, e.g. after a restart) and repeats the request, unregisters on close (B).
Writes are optimistic: `update_records` re-reads and retries on -602/-608, so the kiosk
never overwrites a change somebody else saved in between; a save that failed on -6666 or a
dropped connection goes the same way (kiosk.irbis.retry). Safe requests (reads) are retried
on -6666 and dropped connections with a bounded backoff, and independent reads may be sent
at once (`parallel`), so a slow gateway costs one round trip for them instead of several.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from kiosk.irbis import protocol as p
from kiosk.irbis.errors import (
    AlreadyRegistered,
    GatewayDropped,
    GatewayUnavailable,
    IrbisError,
    NotRegistered,
    ProtocolError,
    RecordLocked,
    ServerOverloaded,
    VersionConflict,
)
from kiosk.irbis.record import Record
from kiosk.irbis.retry import SAFE_COMMANDS, Deadline, RetryPolicy
from kiosk.irbis.transport import Transport, transport_for

T = TypeVar("T")
RETRIED = (ServerOverloaded, GatewayDropped)  # worth another try, where repeating is safe
PARALLEL_MAX = 4

SEARCH_PAGE = 32000  # the most MFNs an IRBIS server returns for one search request
ALL_FORMAT = "&uf('+0')"  # "all fields": the record's own lines
READ_OK_CODES = frozenset({-603})  # logically deleted: the record still comes back


class IrbisClient:
    def __init__(
        self,
        transport: Transport,
        username: str,
        password: str,
        workstation: str = "C",
        keepalive_s: float = 60.0,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.transport = transport
        self.policy = policy or RetryPolicy()
        self.deadline = Deadline()
        self.retries = 0  # requests sent again (for the bench and tests)
        self._pool: ThreadPoolExecutor | None = None
        self.username = username
        self._password = password
        self.workstation = workstation
        self.keepalive_s = keepalive_s
        self.client_id = 0
        self.query_id = 0
        self.connected = False
        self.ini_text = ""
        self.server_version = ""
        self.last_request_at = 0.0
        self._lock = threading.RLock()
        self._closing = threading.Event()

    @classmethod
    def from_url(
        cls,
        url: str,
        username: str,
        password: str,
        timeout: float = 3.0,
        workstation: str = "C",
        verify: bool | str = True,
        policy: RetryPolicy | None = None,
    ) -> IrbisClient:
        """`http(s)://host:port/.../WebToIrbisServer.exe` (HTTP tunnel) or `tcp://host:port`.
        `verify` is True, False or the path of a CA bundle (HTTPS only). `policy` sets the
        per-request timeouts and retries (its read timeout wins over `timeout`)."""
        if policy is not None:
            timeout = policy.read_timeout_s
        return cls(transport_for(url, timeout, verify), username, password, workstation, policy=policy)

    # ------------------------------------------------------------------ registration

    def __enter__(self) -> IrbisClient:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def connect(self) -> None:
        with self._lock:
            if self.connected:
                return
            busy = 0
            for _ in range(10 + self.policy.attempts):
                self.client_id = random.randint(100000, 999999)
                self.query_id = 0
                try:
                    answer = self._send(p.REGISTER, [p.ansi(self.username), p.ansi(self._password)])
                except AlreadyRegistered:
                    continue  # that client id is taken (or our lost first try): draw another
                except RETRIED:
                    busy += 1
                    if busy >= self.policy.attempts or not self.deadline.allows(self.policy.pause(busy)):
                        raise
                    self.retries += 1
                    time.sleep(self.policy.pause(busy - 1))
                    continue
                self.connected = True
                self.server_version = answer.version
                self.ini_text = b"\r\n".join(answer.lines).decode(p.ANSI, errors="replace")
                return
            raise AlreadyRegistered()

    def close(self) -> None:
        """Unregister (best effort) and release the transport."""
        self._closing.set()
        with self._lock:
            if self.connected:
                self.connected = False
                try:
                    self._send(p.UNREGISTER, [p.ansi(self.username)])
                except Exception:  # noqa: BLE001 - leaving anyway; the server times us out
                    pass
            if self._pool is not None:
                self._pool.shutdown(wait=False)
                self._pool = None
            self.transport.close()

    def nop(self) -> None:
        """Keep the registration alive (command N)."""
        self._execute(p.NOP, [])

    def keepalive(self) -> bool:
        """Send N if nothing was sent for `keepalive_s` seconds; call it from a timer."""
        if self.connected and time.monotonic() - self.last_request_at > self.keepalive_s:
            try:
                self.nop()
            except (IrbisError, ProtocolError, GatewayUnavailable):
                return False  # the next real request reports (or repairs) the problem
            return True
        return False

    def start_keepalive(self) -> threading.Thread:
        """A daemon thread calling keepalive() until close()."""
        def loop() -> None:
            while not self._closing.wait(max(0.05, self.keepalive_s / 4)):
                self.keepalive()

        t = threading.Thread(target=loop, name="irbis-keepalive", daemon=True)
        t.start()
        return t

    def parallel(self, *calls: Callable[[], T]) -> list[T]:
        """Run independent requests at once and return their results in order (the first
        failure is raised once all have finished). Only for reads: a save decides on them."""
        if len(calls) < 2:
            return [call() for call in calls]
        with self._lock:
            if not self.connected:
                self.connect()  # once, before the requests race to register
            if self._pool is None:
                self._pool = ThreadPoolExecutor(PARALLEL_MAX, thread_name_prefix="irbis")
            pool = self._pool
        futures = [pool.submit(call) for call in calls[1:]]
        results: list[T] = []
        failure: BaseException | None = None
        for future in [None, *futures]:
            try:
                results.append(calls[0]() if future is None else future.result())
            except BaseException as exc:  # noqa: BLE001 - raised below, after the others
                failure = failure or exc
        if failure is not None:
            raise failure
        return results

    # ------------------------------------------------------------------ commands

    def search(self, db: str, expression: str, limit: int = 0) -> list[int]:
        """MFNs matching a search expression (command K), at most `limit` (0 = all)."""
        found: list[int] = []
        first = 1
        while True:
            want = SEARCH_PAGE if limit <= 0 else min(SEARCH_PAGE, limit - len(found))
            params = [p.ansi(db), p.utf(expression), p.ansi(want), p.ansi(first), b"", b"0", b"0", b""]
            answer = self._execute(p.SEARCH, params)
            total = answer.number(0)
            page = [self._mfn(answer.text(i, p.ANSI)) for i in range(1, len(answer.lines)) if answer.lines[i]]
            found.extend(page)
            first += len(page)
            if not page or len(found) >= total or (limit > 0 and len(found) >= limit):
                return found

    def search_records(self, db: str, expression: str, limit: int = 0) -> list[Record]:
        """Search and read in one request (command K with the ALL format): the matching
        records, with MFN and version, as read_record would give them."""
        return self.search_records_counted(db, expression, limit)[1]

    def search_records_counted(self, db: str, expression: str, limit: int = 0) -> tuple[int, list[Record]]:
        """search_records, with how many records matched in all (more than were read when
        `limit` cut the answer short)."""
        params = [p.ansi(db), p.utf(expression), p.ansi(limit), b"1", p.ansi(ALL_FORMAT), b"0", b"0", b""]
        answer = self._execute(p.SEARCH, params)
        total = answer.number(0)
        records = []
        for i in range(1, len(answer.lines)):
            parts = answer.text(i).split("\x1f")
            if len(parts) < 3:
                raise ProtocolError("search answer line without a record")
            records.append(p.record_from_lines(parts[1:], db))
        return total, records

    def read_record(self, db: str, mfn: int, lock: bool = False) -> Record:
        """Record `mfn` (command C); with lock=True the server locks it for us."""
        answer = self._execute(p.READ_RECORD, [p.ansi(db), p.ansi(mfn), p.ansi(int(lock))], allow=READ_OK_CODES)
        lines = [answer.text(i) for i in range(len(answer.lines))]
        return p.record_from_lines(lines, db)

    def write_record(self, db: str, record: Record, lock: bool = False, actualize: bool = True) -> Record:
        """Save one record (command D); returns it as saved (new MFN and version)."""
        params = [p.ansi(db), p.ansi(int(lock)), p.ansi(int(actualize)), p.utf(p.record_to_wire(record))]
        answer = self._execute(p.WRITE_RECORD, params)
        if len(answer.lines) < 2:
            raise ProtocolError("write answer without the record")
        return p.record_from_lines([answer.text(0), *p.split_wire(answer.text(1))], db)

    def write_records(self, records: Sequence[Record], lock: bool = False, actualize: bool = True) -> list[Record]:
        """Save records of several databases atomically (command 6): all or none.
        Every record must have `.database` set. Returns the saved records: those given,
        with the server's MFN, status and version, where the server kept their fields as
        sent (protocol.saved_record)."""
        if not records:
            return []
        params = [p.ansi(int(lock)), p.ansi(int(actualize))]
        sent: list[list[str]] = []
        for rec in records:
            if not rec.database:
                raise ValueError("write_records: a record without .database")
            lines = p.record_lines(rec)
            sent.append(lines[2:])
            params.append(p.utf(rec.database + p.DELIMITER + p.DELIMITER.join(lines)))
        answer = self._execute(p.SAVE_RECORD_GROUP, params)
        if len(answer.lines) < len(records):
            raise ProtocolError(f"group save answered {len(answer.lines)} records, expected {len(records)}")
        return [p.saved_record(answer.text(i), rec, fields)
                for i, (rec, fields) in enumerate(zip(records, sent, strict=True))]

    def update_records(
        self,
        keys: Sequence[tuple[str, int]],
        mutate: Callable[[list[Record]], list[Record]],
        attempts: int = 5,
    ) -> list[Record]:
        """Read `keys` [(db, mfn)], let `mutate` return the records to save (possibly fewer),
        save them atomically; on -602/-608 re-read and call `mutate` again."""
        for attempt in range(attempts):
            records = [self.read_record(db, mfn) for db, mfn in keys]
            to_save = mutate(records)
            if not to_save:
                return []
            try:
                return self.write_records(to_save)
            except (RecordLocked, VersionConflict, *RETRIED) as exc:
                # -6666 or a lost answer: read back and decide again (the save may have
                # happened; the fresh records say so, and mutate then saves nothing)
                if isinstance(exc, RETRIED):
                    pause = self.policy.pause(attempt)
                else:
                    pause = random.uniform(0.005, 0.02) * (attempt + 1)
                if attempt == attempts - 1 or not self.deadline.allows(pause):
                    raise
                self.retries += 1
                time.sleep(pause)
        return []  # attempts <= 0

    def max_mfn(self, db: str) -> int:
        """The server's "max MFN" (command O): as in IRBIS, the MFN the next new record gets."""
        return self._execute(p.MAX_MFN, [p.ansi(db)]).return_code

    def unlock(self, db: str, mfns: Sequence[int]) -> None:
        """Release locks we hold (command Q)."""
        self._execute(p.UNLOCK_RECORDS, [p.ansi(db), *(p.ansi(m) for m in mfns)])

    # ------------------------------------------------------------------ plumbing

    @staticmethod
    def _mfn(line: str) -> int:
        head = line.partition("#")[0].strip()
        if not head.isdigit():
            raise ProtocolError("search answer line is not an MFN")
        return int(head)

    def _execute(self, command: str, params: list[bytes], allow: frozenset[int] = frozenset()) -> p.Answer:
        """Send a request; a safe one again after -6666 or a dropped connection, with a
        doubling pause, while the policy's attempts and the deadline allow."""
        attempts = self.policy.attempts if command in SAFE_COMMANDS else 1
        for attempt in range(max(1, attempts)):
            try:
                return self._execute_once(command, params, allow)
            except RETRIED:
                pause = self.policy.pause(attempt)
                if attempt >= attempts - 1 or not self.deadline.allows(pause):
                    raise
            self.retries += 1
            time.sleep(pause)
        raise AssertionError("unreachable")

    def _execute_once(self, command: str, params: list[bytes], allow: frozenset[int]) -> p.Answer:
        with self._lock:
            if not self.connected:
                self.connect()
            registered_as = self.client_id
        try:
            return self._send(command, params, allow)
        except NotRegistered:
            pass
        # the server forgot us (restart, timeout): register again (once, even when several
        # requests in flight learn it together) and repeat; -3333 means nothing was executed
        with self._lock:
            if self.client_id == registered_as:
                self.connected = False
                self.connect()
        return self._send(command, params, allow)

    def _send(self, command: str, params: list[bytes], allow: frozenset[int] = frozenset()) -> p.Answer:
        with self._lock:
            self.query_id += 1
            req = p.Request(command, self.workstation, self.client_id, self.query_id, self._password,
                            self.username, params)
        raw = self.transport.exchange(p.encode_request(req), self.policy.timeout(command))
        self.last_request_at = time.monotonic()
        answer = p.parse_answer(raw, command, req.client_id)
        if answer.return_code < 0 and answer.return_code not in allow:
            raise IrbisError.for_code(answer.return_code)
        return answer
