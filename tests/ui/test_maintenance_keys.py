"""The maintenance screen driven by the tactile keys alone (staff with low vision use them):
the real app offscreen through `kiosk script`, the staff card scanned, then only `key`
commands: the PIN on the keypad, "Test sound", and Close."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "tests" / "scenarios" / "maintenance.toml"  # card 900999, PIN 2468

# The keypad is walked as drawn: 1 2 3 / 4 5 6 / 7 8 9 / del 0 OK, then Close.
KEYS_ONLY = """\
scan 900999
expect screen maintenance
key down
key down
key select
key down
key down
key select
key down
key down
key select
key down
key down
key select
key down
key down
key down
key down
key select
expect screen maintenance
expect no event {"event":"cue","name":"success"}
key down
key down
key select
expect event {"event":"cue","name":"success"}
key down
key down
key down
key select
expect screen attract
expect event {"event":"screen","name":"attract"}
scan 100101
expect screen account
"""


def test_pin_test_sound_and_close_with_the_keys_only(tmp_path: Path) -> None:
    scenario = tmp_path / "keys.scn"
    scenario.write_text(KEYS_ONLY, encoding="utf-8")
    transcript, shots = tmp_path / "t.jsonl", tmp_path / "shots"
    env = {**os.environ, "SDL_VIDEODRIVER": "offscreen", "KIVY_NO_ARGS": "1"}
    proc = subprocess.run([sys.executable, "-m", "kiosk", "script", str(scenario), "--config",
                           str(CONFIG), "--today", "20261125", "--transcript", str(transcript),
                           "--screenshots", str(shots)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    events = [json.loads(line) for line in transcript.read_text(encoding="utf-8").splitlines()]
    screens = [e["name"] for e in events if e["event"] == "screen"]
    assert screens[:3] == ["attract", "maintenance", "attract"]
    shown = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(shots.glob("*.json"))]
    focused = [s["focused"] for s in shown if s["screen"] == "maintenance"]
    # the focus ring went through the digits of the PIN, then to the tools and Close
    for stop in ("pin_2", "pin_4", "pin_6", "pin_8", "pin_ok", "m_sound", "back"):
        assert stop in focused, (stop, focused)
    assert focused.index("pin_ok") < focused.index("m_sound")
    start = next(i for i, e in enumerate(events) if e.get("name") == "maintenance")
    end = next(i for i, e in enumerate(events) if i > start and e.get("name") == "attract")
    staff = events[start:end]
    said = [e for e in staff if e["event"] == "say"]
    assert not [e for e in said if any(d in e["text"] for d in "2468")]  # the PIN is not heard
    # every move says where it went, as on the patron's screens; the tools by name
    for i, e in enumerate(staff):
        if e["event"] == "cue" and e["name"] == "move":
            assert staff[i + 1]["event"] == "say" and staff[i + 1]["msg"].startswith("focus.")
    spoken = [e["msg"] for e in said]
    assert spoken.count("focus.pin_key") >= 4 and "focus.m_sound" in spoken
    assert "focus.m_close" in spoken
