"""A stop signal must stop the program even when it lands while the main thread holds the
lock the stop action needs (Kivy's interrupt clock sleeps in Event.wait; `kiosk run` hung
on SIGTERM that way until systemd killed it)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

PROGRAM = textwrap.dedent("""
    import os, signal, threading, time
    from kiosk.system.signals import on_signals

    stopped = threading.Event()
    on_signals(lambda signum: stopped.set(), ({sig},))
    with stopped._cond:  # the main thread holds the lock Event.set needs ...
        os.kill(os.getpid(), {sig})  # ... when the signal arrives
        time.sleep(0.2)  # the handler runs here, on this thread
    print("handler returned", flush=True)
    print("stopped" if stopped.wait(10) else "never stopped", flush=True)
""")


def _play(sig: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", PROGRAM.format(sig=sig)], capture_output=True,
                          text=True, timeout=30)


def test_sigterm_while_the_main_thread_holds_the_stop_lock_still_stops() -> None:
    done = _play("signal.SIGTERM")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["handler", "returned", "stopped"]


def test_sigint_is_relayed_the_same_way() -> None:
    done = _play("signal.SIGINT")
    assert done.stdout.split() == ["handler", "returned", "stopped"], done.stderr
