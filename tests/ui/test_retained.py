"""The retained UI: no widget, texture or canvas instruction is made per session. Counted
(gc), never timed: after 40 scripted sessions the counts are those after 5."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SESSION = """scan 100102
expect screen account
key down
key down
scan 000010001
tap finish
expect screen summary
tap done
expect screen attract
wait 3
tap contrast
"""


def live_at_attract(tmp_path: Path, scenario_text: str) -> list[dict[str, int]]:
    """The scenario through `kiosk script`: the live widget/texture/instruction counts each
    time the attract screen came back."""
    scenario = tmp_path / "counted.scn"
    scenario.write_text(scenario_text, encoding="utf-8")
    stats = tmp_path / "stats.json"
    env = {**os.environ, "SDL_VIDEODRIVER": "offscreen", "KIVY_NO_ARGS": "1",
           "KIOSK_SCRIPT_STATS": str(stats)}
    proc = subprocess.run([sys.executable, "-m", "kiosk", "script", str(scenario),
                           "--today", "20261125"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(stats.read_text())["live_at_attract"]


def test_widgets_and_textures_do_not_grow_with_sessions(tmp_path: Path) -> None:
    live = live_at_attract(tmp_path, "wait 1\n" + SESSION * 40)
    assert len(live) >= 40, live
    after_5, after_40 = live[5], live[-1]
    assert after_40["widgets"] == after_5["widgets"], (after_5, after_40)
    assert after_40["textures"] <= after_5["textures"], (after_5, after_40)
    assert after_40["instructions"] <= after_5["instructions"], (after_5, after_40)


def test_a_reader_with_more_loans_than_the_first_makes_no_new_rows(tmp_path: Path) -> None:
    """The first patron (no loans, then one) makes every loan and summary row the screen
    can show; a later reader with 5 loans and three refusals adds no widget, and her
    second visit no texture (each label reuses the ones it has)."""
    busy_reader = ("scan 100105\nexpect screen account\n"
                   "scan 000010002\nscan 000010003\nscan 000010004\n"
                   "tap finish\nexpect screen summary\ntap done\nexpect screen attract\nwait 3\n")
    live = live_at_attract(tmp_path, "wait 1\n"
                           "scan 100101\nexpect screen account\nscan 000010001\n"
                           "tap finish\nexpect screen summary\ntap done\nexpect screen attract\n"
                           "wait 3\n" + busy_reader * 2)
    assert len(live) == 4, live
    first, busy, busy_again = live[1], live[2], live[3]
    assert busy["widgets"] == first["widgets"] == busy_again["widgets"], live
    assert busy_again["textures"] <= busy["textures"], live
