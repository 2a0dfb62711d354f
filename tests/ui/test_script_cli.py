"""`kiosk script` refuses bad input with a clear message and exit 1, before any window opens."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def script(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SDL_VIDEODRIVER": "offscreen", "KIVY_NO_ARGS": "1"}
    return subprocess.run([sys.executable, "-m", "kiosk", "script", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_a_bad_line_names_its_number(tmp_path: Path) -> None:
    scn = tmp_path / "bad.scn"
    scn.write_text("scan 100101\nexpect event {not json}\n", encoding="utf-8")
    proc = script(str(scn))
    assert proc.returncode == 1
    assert "line 2" in proc.stderr and "JSON" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_missing_scenario_file(tmp_path: Path) -> None:
    proc = script(str(tmp_path / "nope.scn"))
    assert proc.returncode == 1 and "cannot read" in proc.stderr


def test_a_bad_today(tmp_path: Path) -> None:
    scn = tmp_path / "ok.scn"
    scn.write_text("expect screen attract\n", encoding="utf-8")
    proc = script(str(scn), "--today", "2026-11-25")
    assert proc.returncode == 1 and "YYYYMMDD" in proc.stderr


def test_a_bad_config(tmp_path: Path) -> None:
    scn = tmp_path / "ok.scn"
    scn.write_text("expect screen attract\n", encoding="utf-8")
    cfg = tmp_path / "k.toml"
    cfg.write_text('[ui]\norientation = 3\n', encoding="utf-8")
    proc = script(str(scn), "--config", str(cfg))
    assert proc.returncode == 1 and "[ui] orientation" in proc.stderr
