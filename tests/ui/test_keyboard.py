"""`kiosk run` on a desktop: the keyboard is the scanner (digits + Enter, never a text
field) and function keys are the tactile keys. Runs the real app offscreen in a child
process and types into its window."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent('''
    import json, sys
    from kiosk.config import config_from_dict
    from kiosk.ui.kivy_setup import configure_kivy
    cfg = config_from_dict({"kiosk": {"data_dir": sys.argv[1]}})
    configure_kivy(cfg.ui, headless=True)
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kiosk.app import Kiosk
    from kiosk.core.clock import MonotonicClock
    from kiosk.core.executor import ThreadExecutor

    def post(fn):
        Clock.schedule_once(lambda dt: fn(), 0)

    executor = ThreadExecutor(post)
    kiosk = Kiosk(cfg, MonotonicClock(), executor, post)
    seen = []
    kiosk.bus.subscribe(lambda e: seen.append(e))

    def type_text(text):
        for ch in text:
            code = 13 if ch == "\\n" else ord(ch)
            Window.dispatch("on_key_down", code, 0, None if ch == "\\n" else ch, [])
            Window.dispatch("on_key_up", code, 0)

    # each step runs once its condition holds (the gateway answers on a worker thread)
    def on_account():
        return kiosk.app.kiosk.view.screen == "account"

    def alerted():
        return any(e["event"] == "alert" for e in seen)

    steps = [(lambda: True, lambda: type_text("100101\\n")),
             (on_account, lambda: Window.dispatch("on_key_down", 274, 0, None, [])),  # Down
             (lambda: True, lambda: Window.dispatch("on_key_down", 293, 0, None, [])),  # F12
             (alerted, lambda: None)]
    waited = [0.0]

    def step(dt):
        waited[0] += dt
        if steps and waited[0] < 90:
            ready, action = steps[0]
            if ready():
                steps.pop(0)
                action()
            Clock.schedule_once(step, 0.1)
            return
        texts = kiosk.app.kiosk.visible_texts()
        view = kiosk.app.kiosk.view
        print(json.dumps({"events": seen, "screen": view.screen,
                          "focused": view.focused.id if view.focused else None,
                          "text_inputs": [w.__class__.__name__ for w in kiosk.app.kiosk.walk()
                                          if "TextInput" in w.__class__.__name__]}, default=str))
        kiosk.app.stop()

    def started(app):
        kiosk.start()
        Clock.schedule_interval(lambda dt: kiosk.tick(), 0.25)
        Clock.schedule_once(step, 0.5)

    kiosk.build()
    kiosk.app.on_started = started
    kiosk.app.run()
    executor.close()
    kiosk.close()
''')


def test_typed_digits_and_enter_are_a_scan_and_function_keys_are_keys(tmp_path: Path) -> None:
    env = {**os.environ, "SDL_VIDEODRIVER": "offscreen", "KIVY_NO_ARGS": "1"}
    proc = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "state")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    names = [e["event"] for e in out["events"]]
    assert {"event": "login", "reader": "100101"} in [
        {k: e.get(k) for k in ("event", "reader")} for e in out["events"] if e["event"] == "login"]
    assert out["screen"] == "account"
    assert out["focused"] == "finish"  # Down moved the focus to the first item
    assert "alert" in names  # F12 is the staff-call button
    assert out["text_inputs"] == []  # nothing on screen takes typed text
