"""Kivy settings that must be made before the first Kivy window import.

Kiosk mode: no Kivy command-line parsing, no exit on Escape, no mouse cursor, no
screensaver, a capped frame rate (Kivy only redraws when a canvas changed; `maxfps`
bounds the loop), fullscreen on a Pi console. Headless (scripts, tests): SDL's
offscreen driver unless SDL_VIDEODRIVER is already set.
"""

from __future__ import annotations

import os
import platform

from kiosk.config import UiSection


def wants_fullscreen(ui: UiSection) -> bool:
    if ui.fullscreen in ("yes", "true", "1"):
        return True
    if ui.fullscreen in ("no", "false", "0"):
        return False
    # auto: a Raspberry Pi (aarch64/armv7) running on the console, with no desktop session
    on_pi = platform.machine() in ("aarch64", "armv7l") and os.path.exists("/proc/device-tree/model")
    return on_pi and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def window_size(ui: UiSection) -> tuple[int, int]:
    w, h = sorted((ui.width, ui.height), reverse=True)
    return (h, w) if ui.orientation == "portrait" else (w, h)


def configure_kivy(ui: UiSection, headless: bool = False) -> None:
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    # Kivy must leave Python logging and sys.stderr alone (its default mode wraps stderr)
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    if headless:
        os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
        os.environ.setdefault("KCFG_KIVY_LOG_LEVEL", "warning")
    from kivy.config import Config

    w, h = window_size(ui)
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "keyboard_mode", "system")  # never a virtual keyboard
    Config.set("graphics", "width", str(w))
    Config.set("graphics", "height", str(h))
    Config.set("graphics", "resizable", "1")
    Config.set("graphics", "show_cursor", "0" if not headless and wants_fullscreen(ui) else "1")
    Config.set("graphics", "fullscreen", "auto" if not headless and wants_fullscreen(ui) else "0")
    Config.set("graphics", "allow_screensaver", "0")
    Config.set("graphics", "maxfps", str(max(0, ui.maxfps)))
    Config.set("graphics", "multisamples", str(max(0, ui.multisamples)))
    # the interrupt clock wakes the loop as soon as another thread (scanner, gateway worker)
    # schedules a callback, instead of on the next tick up to 1/maxfps later; it still
    # sleeps between frames when nothing is scheduled (idle CPU unchanged)
    if "KCFG_KIVY_KIVY_CLOCK" not in os.environ:
        Config.set("kivy", "kivy_clock", "interrupt")
    Config.set("graphics", "vsync", "1" if not headless else "0")
    # a single touch source: SDL's. On Linux Kivy ignores SDL finger events and gets the
    # touchscreen as SDL's emulated mouse; probesysfs/mtdev would double every tap (kivy
    # #8494) and can take a barcode reader for a touch device (kivy #5331).
    if Config.has_section("input"):
        Config.remove_section("input")
    Config.add_section("input")
    Config.set("input", "mouse", "mouse,disable_multitouch")
