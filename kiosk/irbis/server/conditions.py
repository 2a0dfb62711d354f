"""Field conditions for the embedded server (`kiosk sim --latency-ms --close --overload
--stall-ms`): the gateway as a library has it, not loopback with keep-alive.

- latency_ms: added to every request (the network plus the start of the CGI process).
- close: the HTTP connection is closed after every answer, as WebToIrbisServer.exe does.
- overload: the fraction of requests answered -6666 ("server overloaded") unexecuted.
- stall_ms: the answer is held this long before its first byte.

For tests and the bench it also counts what arrived (requests by command, the order of the
last commands, HTTP connections accepted) and can be told to refuse the next requests of a
command with -6666 (`refuse_next`) or to execute one and lose its answer (`drop_next`, the
connection closes with no answer, as when a network drops mid-way). Every value may be
changed while the server runs.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field

OVERLOADED = -6666
LOG_SIZE = 10_000


@dataclass
class FieldConditions:
    latency_ms: float = 0.0
    close: bool = False
    overload: float = 0.0
    stall_ms: float = 0.0
    seed: int | None = None
    requests: Counter[str] = field(default_factory=Counter, repr=False)
    log: deque[str] = field(default_factory=lambda: deque(maxlen=LOG_SIZE), repr=False)
    connections: int = 0
    _refuse: Counter[str] = field(default_factory=Counter, repr=False)
    _drop: Counter[str] = field(default_factory=Counter, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not 0.0 <= self.overload <= 1.0:
            raise ValueError("overload is a fraction of requests, from 0 to 1")
        if self.latency_ms < 0 or self.stall_ms < 0:
            raise ValueError("latency and stall are milliseconds, 0 or more")
        self._rng = random.Random(self.seed)

    def cli_args(self) -> list[str]:
        """These conditions as `kiosk sim` options."""
        args = [f"--latency-ms={self.latency_ms:g}"] if self.latency_ms else []
        args += ["--close"] if self.close else []
        args += [f"--overload={self.overload:g}"] if self.overload else []
        return args + ([f"--stall-ms={self.stall_ms:g}"] if self.stall_ms else [])

    def arrived(self, command: str) -> bool:
        """Count a request; True when it is to be refused as overloaded (not executed)."""
        with self._lock:
            self.requests[command] += 1
            if self._refuse[command] > 0:
                self._refuse[command] -= 1
                self.log.append(f"{command}!")
                return True
            refused = self.overload > 0 and self._rng.random() < self.overload
            self.log.append(f"{command}!" if refused else command)
            return refused

    def refuse_next(self, command: str, times: int = 1) -> None:
        with self._lock:
            self._refuse[command] += times

    def drop_next(self, command: str, times: int = 1) -> None:
        with self._lock:
            self._drop[command] += times

    def dropped(self, command: str) -> bool:
        """True when this (executed) request's answer is to be lost."""
        with self._lock:
            if self._drop[command] > 0:
                self._drop[command] -= 1
                return True
            return False

    def connected(self) -> None:
        with self._lock:
            self.connections += 1

    def total(self) -> int:
        with self._lock:
            return sum(self.requests.values())

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()
            self.log.clear()
            self.connections = 0

    def delay(self) -> None:
        """The network and gateway start-up time of one request."""
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)

    def stall(self) -> None:
        """Hold the answer before its first byte."""
        if self.stall_ms:
            time.sleep(self.stall_ms / 1000)
