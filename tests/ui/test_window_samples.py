"""The window's antialiasing follows `[ui] multisamples`, and is off by default: every
sample is another copy of the window's colour and depth buffers (Kivy's own default of 2
gave 4x buffers on Mesa, 30 MB of the idle kiosk at 1280x800). Read from the GL of a real
offscreen Kivy window."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = textwrap.dedent("""
    import sys
    from kiosk.config import UiSection
    from kiosk.ui.kivy_setup import configure_kivy
    configure_kivy(UiSection(**({"multisamples": int(sys.argv[1])} if sys.argv[1:] else {})),
                   headless=True)
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.graphics.opengl import glGetIntegerv
    from kivy.uix.widget import Widget

    GL_SAMPLES = 0x80A9

    class Probe(App):
        def build(self):
            Clock.schedule_once(self.probe, 0.2)
            return Widget()

        def probe(self, _dt):
            print("SAMPLES", glGetIntegerv(GL_SAMPLES)[0], flush=True)
            self.stop()

    Probe().run()
""")


def _samples(folder: Path, *setting: str) -> int:
    program = folder / "probe.py"  # a file: Kivy's App looks for the source of its class
    program.write_text(PROGRAM, encoding="utf-8")
    env = {**os.environ, "SDL_VIDEODRIVER": "offscreen", "KIVY_NO_ARGS": "1"}
    env.pop("KCFG_GRAPHICS_MULTISAMPLES", None)
    proc = subprocess.run([sys.executable, str(program), *setting], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("SAMPLES ")]
    assert lines, proc.stderr[-3000:]
    return int(lines[-1].split()[1])


def test_the_window_has_no_multisample_buffers_by_default(tmp_path: Path) -> None:
    assert _samples(tmp_path) == 0


def test_antialiasing_can_be_turned_on(tmp_path: Path) -> None:
    samples = _samples(tmp_path, "4")
    if samples == 0:
        pytest.skip("this GL offers no multisampled window")
    assert samples >= 2
