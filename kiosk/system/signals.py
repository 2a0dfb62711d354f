"""Stop signals handled off the main thread.

Python runs a signal handler on the main thread between two bytecodes, possibly while that
thread holds a lock: Kivy's interrupt clock sleeps inside `threading.Event.wait`, whose
condition lock it holds at moments, so a handler that schedules on the clock (or sets an
Event, or puts on a Queue) can wait for a lock its own thread holds, and `kiosk run` hung
on SIGTERM until systemd killed it. The handler here only writes a byte to a pipe (no
Python lock); a small thread reads it and runs the action.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterable


def on_signals(action: Callable[[int], None],
               signals: Iterable[int] = (signal.SIGTERM, signal.SIGINT)) -> None:
    """Call action(signum) on a thread of its own whenever one of `signals` arrives.
    Must be called from the main thread (Python installs handlers only there)."""
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)

    def handler(signum: int, _frame: object) -> None:
        try:
            os.write(write_fd, bytes([signum]))
        except BlockingIOError:  # a hundred signals unread: the action is coming anyway
            pass

    def relay() -> None:
        while True:
            data = os.read(read_fd, 64)
            if not data:
                return
            for signum in data:
                action(signum)

    threading.Thread(target=relay, name="signals", daemon=True).start()
    for signum in signals:
        signal.signal(signum, handler)
