"""A private label (a name, a title) leaves no pixels of the patron behind in GPU memory:
once it is blanked, and the screen has moved on, every texture it kept is wiped. Read
back from the real textures of a real offscreen Kivy window."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = textwrap.dedent("""
    import json, os
    from kiosk.config import UiSection
    from kiosk.ui.kivy_setup import configure_kivy
    configure_kivy(UiSection(), headless=True)
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.uix.boxlayout import BoxLayout
    from kiosk.ui.fonts import register_fonts
    from kiosk.ui.widgets import WIPE_AFTER_S, Text

    def inked(texture):
        pixels = texture.pixels  # read back once (each read goes through the GL)
        return sum(1 for alpha in pixels[3::4] if alpha)

    report = {}

    class Probe(App):
        def build(self):
            register_fonts()
            root = BoxLayout()
            self.labels = [Text(private=PRIVATE, font_size=40), Text(font_size=40)]
            for label in self.labels:
                root.add_widget(label)
            Clock.schedule_once(lambda _dt: self.name(), 0.3)
            return root

        def name(self):
            for label in self.labels:
                label.text = "Айгүл Серікқызы"
            Clock.schedule_once(lambda _dt: self.other(), 0.3)

        def other(self):  # a second text: the first one now lies in the spare texture
            for label in self.labels:
                label.text = "Нұрсұлтан Әбішұлы"
            Clock.schedule_once(lambda _dt: self.blank(), 0.3)

        def blank(self):
            label = self.labels[0]
            report["kept"] = len(label._textures)
            report["inked_before"] = sum(inked(t) for t in label._textures)
            for label in self.labels:
                label.text = ""
            Clock.schedule_once(lambda _dt: self.check(), WIPE_AFTER_S + 0.5)

        def check(self):
            report["inked_after"] = sum(inked(t) for t in self.labels[0]._textures)
            report["public_inked_after"] = sum(inked(t) for t in self.labels[1]._textures)
            print("REPORT " + json.dumps(report), flush=True)
            self.stop()

    Probe().run()
""")


def _play(folder: Path, private: bool) -> dict:
    env = {**os.environ, "SDL_VIDEODRIVER": "offscreen", "KIVY_NO_ARGS": "1"}
    program = folder / "probe.py"  # a file: Kivy's App looks for the source of its class
    program.write_text(PROGRAM.replace("PRIVATE", str(private)), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(program)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("REPORT ")]
    assert lines, proc.stderr[-3000:]
    return json.loads(lines[-1][len("REPORT "):])


def test_a_blanked_private_label_keeps_no_pixels_of_the_patron(tmp_path: Path) -> None:
    report = _play(tmp_path, private=True)
    assert report["kept"] == 2
    assert report["inked_before"] > 0  # the names were really drawn into both textures
    assert report["inked_after"] == 0, report


def test_a_label_that_is_not_private_is_left_alone(tmp_path: Path) -> None:
    report = _play(tmp_path, private=False)
    assert report["inked_before"] > 0
    assert report["public_inked_after"] > 0  # nothing to hide: no GPU upload spent on it
