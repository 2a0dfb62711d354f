"""`kiosk run` on a desktop: comes up on the embedded defaults, or out of order."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _start(tmp_path: Path, extra: str = "") -> subprocess.Popen[str]:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "state"}"\n{extra}', encoding="utf-8")
    env = {**os.environ, "SDL_VIDEODRIVER": "offscreen", "KIVY_NO_ARGS": "1"}
    return subprocess.Popen([sys.executable, "-m", "kiosk", "run", "--config", str(cfg)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_for(proc: subprocess.Popen[str], words: str, timeout: float = 90.0) -> str:
    seen = []
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), False)
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            seen.append(line)
            if words in line:
                return "".join(seen)
        elif proc.poll() is not None:
            break
        else:
            time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"never printed {words!r}:\n{''.join(seen)[-3000:]}")


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    return out or ""


def test_kiosk_run_comes_up_on_the_demo_server_and_stops_cleanly(tmp_path: Path) -> None:
    proc = _start(tmp_path)
    log = _wait_for(proc, "ready: the attract screen is up")
    log += _stop(proc)
    assert proc.returncode == 0, log[-3000:]
    assert "Traceback" not in log, log[-3000:]
    assert (tmp_path / "state" / "sim").is_dir()  # the demo data went where the config said


def test_kiosk_run_with_an_unreachable_gateway_is_out_of_order(tmp_path: Path) -> None:
    proc = _start(tmp_path, '[gateway]\nurl = "http://127.0.0.1:9/cgi-bin/irbis64r/WebToIrbisServer.exe"\n'
                            'password = "x"\n')
    log = _wait_for(proc, "out of order")
    log += _stop(proc)
    assert "Traceback" not in log, log[-3000:]
    assert proc.returncode == 0


def test_kiosk_run_with_a_broken_config_is_out_of_order_not_a_crash_loop(tmp_path: Path) -> None:
    proc = _start(tmp_path, '[loans]\nmax_items = "five"\n')
    log = _wait_for(proc, "configuration invalid, out of order")
    log += _stop(proc)
    assert "max_items" in log  # the journal names the key to fix
    assert "Traceback" not in log, log[-3000:]
    assert not (tmp_path / "state" / "sim").exists()  # never lends from the demo data
    assert proc.returncode == 0
