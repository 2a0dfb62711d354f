"""A reader with more loans than the account screen shows scans a book: while the gateway
works the list stays where it was (the busy line takes the heading's place, not a row's),
and when the answer comes the list moves once to show the new book. Before, the busy
line took a row's room, so every scan moved every row twice; each move redraws the rows'
words, and with a software GL every redraw waited for the frames still drawing the old
ones (slow frames for every reader with four or more loans).

The real KioskRoot in a real offscreen Kivy window, fed the Views a session makes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = textwrap.dedent("""
    import json
    from dataclasses import replace
    from kiosk.config import UiSection
    from kiosk.ui.kivy_setup import configure_kivy
    ui = UiSection()
    configure_kivy(ui, headless=True)
    from kivy.app import App
    from kivy.clock import Clock
    from kiosk.core.view import FocusItem, LoanRow, View
    from kiosk.locale import tr
    from kiosk.ui.fonts import register_fonts
    from kiosk.ui.query import visible_texts
    from kiosk.ui.root import KioskRoot
    from kiosk.ui.theme import Metrics

    LOANS = [LoanRow(barcode=f"00001000{n}", title=f"Book number {n}", due="20261210",
                     overdue=False, renewals=0) for n in range(1, 6)]
    NEW = LoanRow(barcode="000010009", title="Book number 9", due="20261215", overdue=False,
                  renewals=0, status="new")
    BEFORE = View(screen="account", lang="en", reader_name="Aigul", loans=tuple(LOANS),
                  today="20261125")
    BUSY = replace(BEFORE, busy=True, pending_scans=1)
    AFTER = replace(BEFORE, loans=(*LOANS, NEW),
                    focus=(FocusItem(id="loan:000010009", msg="x"),), focus_index=0)
    report = {"changes": {}}

    def titles(root):
        return [t for t in visible_texts(root) if t.startswith("Book number")]

    class Probe(App):
        def build(self):
            register_fonts()
            metrics = Metrics.for_panel(ui.width, ui.height, ui.screen_diagonal_in)
            self.root_widget = KioskRoot(metrics, lambda _id: None)
            Clock.schedule_once(lambda _dt: self.step("before", BEFORE), 0.3)
            return self.root_widget

        def step(self, name, view):
            root = self.root_widget
            root.render(view)
            Clock.schedule_once(lambda _dt: self.seen(name), 0.2)

        def seen(self, name):
            root = self.root_widget
            report[name] = {"titles": titles(root), "texts": visible_texts(root)}
            if name == "before":
                for row in root.screens["account"].pool.rows:
                    row.title.bind(text=lambda label, _t: self.count(label))
                self.step("busy", BUSY)
            elif name == "busy":
                self.step("after", AFTER)
            else:
                report["busy_words"] = tr("ui.busy", "en")
                print("REPORT " + json.dumps(report), flush=True)
                self.stop()

        def count(self, label):
            key = str(id(label))
            report["changes"][key] = report["changes"].get(key, 0) + 1

    Probe().run()
""")


def _play(folder: Path) -> dict:
    env = {**os.environ, "SDL_VIDEODRIVER": "offscreen", "KIVY_NO_ARGS": "1"}
    program = folder / "probe.py"  # a file: Kivy's App looks for the source of its class
    program.write_text(PROGRAM, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(program)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("REPORT ")]
    assert lines, proc.stderr[-3000:]
    return json.loads(lines[-1][len("REPORT "):])


def test_the_list_stays_put_while_the_gateway_works_and_moves_once_after(
        tmp_path: Path) -> None:
    report = _play(tmp_path)
    before, busy, after = report["before"]["titles"], report["busy"]["titles"], \
        report["after"]["titles"]
    assert 1 < len(before) < 5, before  # the screen shows some of the five, not all
    assert busy == before, (before, busy)  # nothing moved while the gateway worked
    assert any(report["busy_words"] in t for t in report["busy"]["texts"]), report["busy"]
    assert "Book number 9" in after and len(after) == len(before), after  # follows the new one
    assert all(report["busy_words"] not in t for t in report["after"]["texts"])
    assert all(n <= 1 for n in report["changes"].values()), report["changes"]
