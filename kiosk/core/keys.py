"""Every key of the kiosk in one table: the tactile keys a patron presses, the few extra
controls (the staff-call button, the headphone jack), what stands in for each on a desktop
keyboard (`kiosk run` off the Pi; SDL/Kivy key codes) and the BCM pin suggested in
hardware/README.md's wiring. One table, so that no two bindings can collide unnoticed
(tests/core/test_keys_table.py checks that)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KeyBinding:
    name: str  # what the session, the config ([hardware] key_pins) and scenarios call it
    desktop: int  # the desktop key standing in for it (Kivy key code)
    desktop_label: str  # that key as printed on a keyboard (README, help for developers)
    pin: int  # suggested BCM pin (hardware/README.md)
    tactile: bool = True  # a navigation key of the session (EZ Access style)


BINDINGS: tuple[KeyBinding, ...] = (
    KeyBinding("up", 273, "Up", 5),
    KeyBinding("down", 274, "Down", 6),
    KeyBinding("select", 275, "Right", 13),
    KeyBinding("back", 276, "Left", 26),
    KeyBinding("help", 282, "F1", 16),
    KeyBinding("repeat", 283, "F2", 12),
    KeyBinding("volume_down", 284, "F3", 24),
    KeyBinding("volume_up", 285, "F4", 23),
    KeyBinding("language", 286, "F5", 25),
    KeyBinding("headphones", 287, "F6", 22, tactile=False),  # toggles the plug
    KeyBinding("call", 293, "F12", 17, tactile=False),  # the staff-call button
)

# The session's navigation keys, in the order help and docs list them.
KEYS: tuple[str, ...] = tuple(b.name for b in BINDINGS if b.tactile)
# Extra desktop keys that are not bindings of a device: Backspace is a second "back";
# F10 stands in for the staff console's "acknowledge".
DESKTOP_BACKSPACE = 8
# Enter and keypad Enter end a code typed into the desktop's stand-in scanner (True: keypad).
DESKTOP_ENTER: dict[int, bool] = {13: False, 271: True}
DESKTOP_STAFF_ACK = 291  # F10
DESKTOP_KEYMAP: dict[int, str] = {b.desktop: b.name for b in BINDINGS}
