"""Run by test_lockdown.py in its own process: the real KioskApp in an offscreen window,
keys delivered the way Kivy's SDL2 window delivers them (on_key_down first; on_keyboard
only when nobody took the key). Prints one JSON object with what happened.

argv[1]: "settings" -> only print the Kivy settings configure_kivy makes for a kiosk
         (fullscreen wanted, not headless; no window is opened);
         "keys"     -> open the app and press the keys.
"""

from __future__ import annotations

import json
import os
import sys

from kiosk.config import Config


def settings() -> dict:
    from kiosk.ui.kivy_setup import configure_kivy

    cfg = Config()
    cfg.ui.fullscreen = "yes"
    configure_kivy(cfg.ui, headless=False)
    from kivy.config import Config as KivyConfig

    wanted = {("kivy", "exit_on_escape"), ("kivy", "keyboard_mode"), ("graphics", "fullscreen"),
              ("graphics", "show_cursor"), ("graphics", "allow_screensaver")}
    out = {f"{s}.{k}": KivyConfig.get(s, k) for s, k in sorted(wanted)}
    out["modules"] = dict(KivyConfig.items("modules")) if KivyConfig.has_section("modules") else {}
    out["KIVY_NO_ARGS"] = os.environ.get("KIVY_NO_ARGS", "")
    return out


def keys() -> dict:
    from kiosk.app import kiosk_metrics
    from kiosk.ui.kivy_setup import configure_kivy

    cfg = Config()
    configure_kivy(cfg.ui, headless=True)
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.uix.settings import Settings

    from kiosk.ui.app import KioskApp

    result: dict = {}
    # the handler a kiosk with real scanners and keys gives the window: it takes no
    # desktop keys (there is no keyboard double), so every key falls through to Kivy
    app = KioskApp(kiosk_metrics(cfg), on_tap=lambda _id: None, on_key_down=lambda *a: False)

    def press(key: int, scancode: int) -> None:
        if not Window.dispatch("on_key_down", key, scancode, None, []):
            Window.dispatch("on_keyboard", key, scancode, None, [])
        Window.dispatch("on_key_up", key, scancode)

    def settings_open() -> bool:
        def walk(w):
            yield w
            for c in w.children:
                yield from walk(c)
        return any(isinstance(w, Settings) for root in Window.children for w in walk(root))

    def probe(_dt: float) -> None:
        from kivy.uix.textinput import TextInput

        def walk(w):
            yield w
            for c in w.children:
                yield from walk(c)
        result["widgets"] = sum(1 for root in Window.children for _ in walk(root))
        result["text_inputs"] = sum(isinstance(w, TextInput) for root in Window.children for w in walk(root))
        press(27, 41)  # Escape
        from kivy.base import EventLoop

        # Kivy leaves asynchronously: a key that quits sets EventLoop.quit / status at once
        result["after_escape_running"] = EventLoop.status == "started" and not EventLoop.quit
        press(282, 58)  # F1: Kivy's settings panel key
        result["settings_after_f1"] = settings_open()
        press(27, 41)
        result["settings_after_f1_escape"] = settings_open()
        Clock.schedule_once(lambda _dt: app.stop(), 0)

    Clock.schedule_once(probe, 0.5)
    app.run()
    return result


if __name__ == "__main__":
    print(json.dumps(settings() if sys.argv[1] == "settings" else keys()))
