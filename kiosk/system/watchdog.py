"""systemd readiness and watchdog, without a dependency (the sd_notify datagram protocol).

The unit (systemd/kiosk.service) is `Type=notify` with `WatchdogSec=30`. The app sends
READY=1 once the attract screen is drawn, then WATCHDOG=1 about every 10 s. The pings come
only from the UI thread's clock: `Watchdog.tick()` is meant to be scheduled on Kivy's Clock
(see `Watchdog.attach`), never from a helper thread, so a frozen UI stops the pings and
systemd restarts the kiosk.

Outside systemd (a laptop, tests) NOTIFY_SOCKET is unset and every call is a cheap no-op.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

DEFAULT_INTERVAL_S = 10.0


class Notifier(Protocol):
    def notify(self, message: str) -> bool:
        """Send one sd_notify message ("READY=1", "WATCHDOG=1\\nSTATUS=..."); True if sent."""
        ...


class SystemdNotifier:
    """Writes to $NOTIFY_SOCKET (a path, or '@name' for the abstract namespace)."""

    def __init__(self, address: str | None = None) -> None:
        addr = address if address is not None else os.environ.get("NOTIFY_SOCKET", "")
        if addr.startswith("@"):
            addr = "\0" + addr[1:]
        self.address = addr
        self._sock: socket.socket | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.address)

    def notify(self, message: str) -> bool:
        if not self.address:
            return False
        try:
            if self._sock is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._sock.sendto(message.encode("utf-8"), self.address)
            return True
        except OSError:
            # systemd gone (shutdown) or socket replaced: never let this crash the UI
            return False

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


class FakeNotifier:
    """Test double: records every message with the time the clock showed."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.messages: list[tuple[float, str]] = []

    def notify(self, message: str) -> bool:
        self.messages.append((self.clock(), message))
        return True

    def pings(self) -> list[float]:
        return [t for t, m in self.messages if "WATCHDOG=1" in m.split("\n")]

    def sent(self, line: str) -> bool:
        return any(line in m.split("\n") for _, m in self.messages)


def watchdog_interval_s(env: Mapping[str, str] | None = None) -> float | None:
    """Ping interval (a third of WatchdogSec) if systemd asked this process for pings."""
    env = os.environ if env is None else env
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    if pid and pid.isdigit() and int(pid) != os.getpid():
        return None  # meant for another process (we were started by the service's main pid)
    return int(usec) / 1_000_000 / 3


class Watchdog:
    """READY/STATUS/WATCHDOG for the kiosk. Call `tick()` from the UI thread only."""

    def __init__(
        self,
        notifier: Notifier,
        interval_s: float | None = DEFAULT_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.notifier = notifier
        self.interval_s = interval_s  # None = systemd did not ask for pings
        self.clock = clock
        self.last_ping: float | None = None
        self.is_ready = False

    @classmethod
    def from_environment(cls, clock: Callable[[], float] = time.monotonic) -> Watchdog:
        return cls(SystemdNotifier(), watchdog_interval_s(), clock)

    def ready(self, status: str = "") -> None:
        """The attract screen is drawn: systemd marks the unit started."""
        self.is_ready = True
        self.notifier.notify("READY=1" + (f"\nSTATUS={status}" if status else ""))
        self._ping()

    def status(self, text: str) -> None:
        """One line shown by `systemctl status kiosk` (no patron data, please)."""
        self.notifier.notify(f"STATUS={text}")

    def stopping(self) -> None:
        self.notifier.notify("STOPPING=1")

    def tick(self, *_: Any) -> bool:
        """Called by the UI clock. Pings when an interval has passed; True if it pinged.
        Extra arguments (Kivy passes dt) are ignored."""
        if self.interval_s is None:
            return False
        now = self.clock()
        if self.last_ping is not None and now - self.last_ping < self.interval_s * 0.9:
            return False
        self._ping()
        return True

    def _ping(self) -> None:
        if self.interval_s is None:
            return
        self.last_ping = self.clock()
        self.notifier.notify("WATCHDOG=1")

    def attach(self, kivy_clock: Any) -> Any:
        """Schedule `tick` on Kivy's Clock (callbacks run on the UI thread). Returns the
        ClockEvent, or None when systemd wants no pings."""
        if self.interval_s is None:
            return None

        def on_clock(_dt: float) -> None:
            self.tick()  # never return False here: Kivy would unschedule the callback

        return kivy_clock.schedule_interval(on_clock, min(self.interval_s / 2, 5.0))
