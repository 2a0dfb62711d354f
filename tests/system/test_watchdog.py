"""The systemd watchdog: pings come from the UI thread's clock only, so a frozen UI is
restarted; READY/STATUS reach a real notify socket."""

from __future__ import annotations

import os
import queue
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest

from kiosk.system.watchdog import FakeNotifier, SystemdNotifier, Watchdog, watchdog_interval_s


class VirtualTime:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


class UiThread:
    """Stands in for the Kivy main loop: runs posted callbacks one after another and calls
    the watchdog on every frame, as Clock.schedule_interval would."""

    def __init__(self, watchdog: Watchdog, time_source: VirtualTime) -> None:
        self.watchdog = watchdog
        self.time = time_source
        self.tasks: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            task = self.tasks.get()
            if task is None:
                return
            task()
            self.watchdog.tick()

    def frame(self, seconds: float) -> None:
        """Let `seconds` of time pass as one frame and wait until the UI drew it."""
        done = threading.Event()

        def advance() -> None:
            self.time.t += seconds
            done.set()

        self.tasks.put(advance)
        assert done.wait(5)

    def stop(self) -> None:
        self.tasks.put(None)
        self.thread.join(5)


def test_pings_stop_while_ui_thread_hangs_and_resume_after():
    now = VirtualTime()
    fake = FakeNotifier(clock=now)
    dog = Watchdog(fake, interval_s=10.0, clock=now)
    ui = UiThread(dog, now)
    try:
        dog.ready("attract")
        for _ in range(60):  # one healthy minute at one frame per second
            ui.frame(1.0)
        healthy = fake.pings()
        assert len(healthy) >= 6
        gaps = [b - a for a, b in zip(healthy, healthy[1:], strict=False)]
        assert max(gaps) <= 10.0 + 1.0  # comfortably inside WatchdogSec=30

        # the UI hangs (a blocking call on the UI thread); time keeps running outside it
        release = threading.Event()
        hang_started = now.t
        ui.tasks.put(lambda: release.wait(10))
        for _ in range(45):
            now.t += 1.0
            time.sleep(0.001)
        assert [t for t in fake.pings() if t > hang_started] == []
        silence = now.t - fake.pings()[-1]
        assert silence > 30.0  # systemd (WatchdogSec=30) would now kill and restart us

        release.set()
        ui.frame(1.0)
        assert fake.pings()[-1] >= now.t - 1.0  # the first frame after the hang pings again
    finally:
        release.set()
        ui.stop()


def test_no_ping_from_other_threads_by_design():
    """Nothing but tick() pings: a watchdog left alone sends nothing however long it waits."""
    now = VirtualTime()
    fake = FakeNotifier(clock=now)
    dog = Watchdog(fake, interval_s=10.0, clock=now)
    dog.ready()
    first = len(fake.pings())
    now.t += 120
    time.sleep(0.05)
    assert len(fake.pings()) == first


def test_ready_sends_ready_and_status():
    fake = FakeNotifier()
    dog = Watchdog(fake, interval_s=10.0)
    dog.ready("attract screen up")
    assert fake.sent("READY=1") and fake.sent("STATUS=attract screen up")
    dog.status("gateway unreachable")
    assert fake.sent("STATUS=gateway unreachable")


def test_without_watchdog_usec_nothing_pings():
    fake = FakeNotifier()
    dog = Watchdog(fake, interval_s=None)
    dog.ready()
    assert not dog.tick() and fake.pings() == []
    assert dog.attach(object()) is None


def test_interval_from_environment():
    assert watchdog_interval_s({"WATCHDOG_USEC": "30000000"}) == pytest.approx(10.0)
    assert watchdog_interval_s({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}) is None
    pid = str(os.getpid())
    assert watchdog_interval_s({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": pid}) == 10.0
    assert watchdog_interval_s({}) is None
    assert watchdog_interval_s({"WATCHDOG_USEC": "abc"}) is None


def test_real_kivy_clock_pings_only_while_its_thread_runs():
    """Watchdog.attach on Kivy's real Clock, ticked by a thread that then blocks."""
    from kivy.clock import ClockBase

    clock = ClockBase()
    fake = FakeNotifier()
    dog = Watchdog(fake, interval_s=0.1)
    assert dog.attach(clock) is not None
    clock.start_clock()
    hang = threading.Event()
    release = threading.Event()
    stop = threading.Event()

    def ui_loop() -> None:
        while not stop.is_set():
            if hang.is_set():
                release.wait(3)
                hang.clear()
            clock.tick()
            time.sleep(0.01)

    t = threading.Thread(target=ui_loop, daemon=True)
    t.start()
    time.sleep(0.6)
    assert len(fake.pings()) >= 2
    hang.set()
    time.sleep(0.05)
    count = len(fake.pings())
    time.sleep(0.6)  # six intervals with the UI blocked
    assert len(fake.pings()) == count
    release.set()
    time.sleep(0.4)
    assert len(fake.pings()) > count  # the UI runs again: pings again
    stop.set()
    t.join(5)
    clock.stop_clock()


def _bound_socket(address: str) -> socket.socket:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(address)
    s.settimeout(2)
    return s


def test_systemd_notifier_writes_datagrams_to_notify_socket():
    folder = Path(tempfile.mkdtemp(prefix="nfy", dir="/tmp"))
    path = str(folder / "notify")
    server = _bound_socket(path)
    try:
        notifier = SystemdNotifier(path)
        dog = Watchdog(notifier, interval_s=10.0)
        dog.ready("up")
        assert server.recv(4096) == b"READY=1\nSTATUS=up"
        assert server.recv(4096) == b"WATCHDOG=1"
        notifier.close()
    finally:
        server.close()
        os.unlink(path)
        folder.rmdir()


def test_systemd_notifier_abstract_namespace():
    name = f"kiosk-test-{os.getpid()}"
    server = _bound_socket("\0" + name)
    try:
        assert SystemdNotifier("@" + name).notify("WATCHDOG=1")
        assert server.recv(64) == b"WATCHDOG=1"
    finally:
        server.close()


def test_notifier_without_socket_or_with_dead_socket_never_raises():
    assert SystemdNotifier("").notify("READY=1") is False
    assert SystemdNotifier("/nonexistent/dir/notify").notify("WATCHDOG=1") is False


CHILD = r"""
import time
from kivy.clock import ClockBase
from kiosk.system.watchdog import Watchdog

clock = ClockBase()
dog = Watchdog.from_environment()          # NOTIFY_SOCKET and WATCHDOG_USEC as systemd sets them
dog.attach(clock)
clock.start_clock()
dog.ready("attract")
end = time.monotonic() + 0.6
while time.monotonic() < end:              # a healthy UI loop
    clock.tick()
dog.status("hanging now")
time.sleep(1.0)                            # the UI thread blocks: nothing may ping
"""


def test_process_under_systemd_like_environment_stops_pinging_when_it_hangs():
    """A separate process gets NOTIFY_SOCKET/WATCHDOG_USEC like a systemd service; this
    test plays systemd and watches the datagrams arrive."""
    import subprocess
    import sys

    folder = Path(tempfile.mkdtemp(prefix="nfy", dir="/tmp"))
    path = str(folder / "notify")
    server = _bound_socket(path)
    env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="300000")  # WatchdogSec=0.3
    env.pop("WATCHDOG_PID", None)
    child = subprocess.Popen([sys.executable, "-c", CHILD], env=env)
    received: list[tuple[float, str]] = []
    try:
        server.settimeout(10)
        while True:
            message = server.recv(4096).decode()
            received.append((time.monotonic(), message))
            if message == "STATUS=hanging now":
                break
        server.settimeout(0.2)
        hang_started = time.monotonic()
        try:
            while time.monotonic() - hang_started < 0.8:
                received.append((time.monotonic(), server.recv(4096).decode()))
        except TimeoutError:
            pass
    finally:
        assert child.wait(10) == 0
        server.close()
        os.unlink(path)
        folder.rmdir()
    kinds = [m for _, m in received]
    assert kinds[0].startswith("READY=1") and kinds.count("WATCHDOG=1") >= 3
    after = [m for t, m in received if t > hang_started]
    assert after == []  # 0.8 s of silence > WatchdogSec: systemd would restart it
