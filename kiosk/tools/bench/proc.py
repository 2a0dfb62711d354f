"""The processes around a bench: the child environment, `kiosk sim` with generated data
and the app's config for it, reading a child's lines with a timeout, stopping it, and the
CPU seconds of a process with its children (/proc)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any


def proc_cpu_s(pid: int) -> float:
    """User + system CPU seconds of `pid` and of its live children (/proc/<pid>/stat)."""
    tick = os.sysconf("SC_CLK_TCK")

    def stat(p: int | str) -> list[str]:
        with open(f"/proc/{p}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()

    def cpu(fields: list[str]) -> float:
        return (int(fields[11]) + int(fields[12])) / tick  # utime, stime

    total = cpu(stat(pid))
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != pid:
            try:
                fields = stat(entry)
            except OSError:
                continue
            if int(fields[1]) == pid:  # ppid
                total += cpu(fields)
    return total


def _child_env(state_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("NOTIFY_SOCKET", None)
    env.pop("WATCHDOG_USEC", None)
    env.update(SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1", STATE_DIRECTORY=state_dir,
               PYTHONUNBUFFERED="1")
    return env


def _stop(proc: subprocess.Popen[Any]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _last_line(path: Path) -> str:
    try:
        lines = [x for x in path.read_text(errors="replace").splitlines() if x.strip()]
    except OSError:
        return ""
    return lines[-1][-300:] if lines else ""


def _read_line(proc: subprocess.Popen[str], prefix: str, timeout: float) -> str | None:
    """The first stdout line starting with `prefix`, or None at EOF/timeout."""
    import selectors

    assert proc.stdout is not None
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not sel.select(max(0.0, deadline - time.monotonic())):
                break
            line = proc.stdout.readline()
            if not line:
                return None
            if line.startswith(prefix):
                return line
    finally:
        sel.close()
    return None


def _write_app_config(folder: Path, http_port: str) -> Path:
    cfg = folder / "bench.toml"
    cfg.write_text(
        "[gateway]\n"
        f'url = "http://127.0.0.1:{http_port}/cgi-bin/irbis64r/WebToIrbisServer.exe"\n'
        'username = "kiosk1"\npassword = "kiosk1"\ntimeout_s = 10.0\n'
        "[loans]\nmax_items = 1000000\n",
        encoding="utf-8")
    return cfg


def _start_sim(folder: Path, readers: int, copies: int) -> tuple[subprocess.Popen[str], dict[str, str]]:
    from kiosk.tools.synthetic import write_databases

    loads = write_databases(folder / "load", readers, copies, year=date.today().year)
    cmd = [sys.executable, "-m", "kiosk", "sim", "--tcp-port", "0", "--http-port", "0",
           "--data", str(folder / "db")]
    for db, paths in loads.items():
        cmd += ["--load", f"{db}={paths[0]}"]
    sim = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = _read_line(sim, "ready", 60)
    if line is None:
        _stop(sim)
        raise RuntimeError("kiosk sim did not get ready")
    return sim, dict(item.split("=", 1) for item in line.split()[1:])
