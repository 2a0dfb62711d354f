"""The desktop keyboard as the kiosk's devices (simulated hardware for `kiosk run`).

Scans are typed, never entered into a text field: printable keys collect in a buffer
and Enter completes a scan, exactly as a keyboard-wedge scanner types (digits, letters,
dashes, then Enter).

    digits, letters, - . / + *   scanner: characters of a code; Enter ends it
    Up / F1                       tactile key up
    Down / F2                     down
    Enter (nothing typed) / F3    select
    Backspace (nothing typed) / F4  back   (with a code typed: deletes its last character)
    F5                            help
    F6                            repeat
    F7 / F8                       volume down / volume up
    F9                            language
    F10                           staff acknowledge the alert (stands in for the staff console)
    F11                           headphones in / out
    F12                           the staff-call button
    Escape                        clears a half-typed code (never quits the kiosk)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# Kivy/SDL key codes
ENTER, KP_ENTER, BACKSPACE, ESCAPE = 13, 271, 8, 27
UP, DOWN = 273, 274
F_KEYS = {282 + i: f"f{i + 1}" for i in range(12)}

FUNCTION_MAP: dict[str, str] = {
    "f1": "up", "f2": "down", "f3": "select", "f4": "back", "f5": "help", "f6": "repeat",
    "f7": "volume_down", "f8": "volume_up", "f9": "language",
}
SCAN_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-./+*$%")
MAX_CODE = 64


@dataclass
class KeyboardDevices:
    """Turns window key events into scanner codes, tactile keys and buttons."""

    on_scan: Callable[[str], None]
    on_key: Callable[[str], None]
    on_call: Callable[[], None]
    on_staff_ack: Callable[[], None] | None = None
    on_headphones: Callable[[bool], None] | None = None

    def __post_init__(self) -> None:
        self.buffer = ""
        self.headphones = False

    def key_down(self, keycode: int, text: str | None) -> bool:
        """Handle one key press; True when it was the kiosk's (Kivy stops there)."""
        if keycode in (ENTER, KP_ENTER):
            code, self.buffer = self.buffer, ""
            if code:
                self.on_scan(code)
            else:
                self.on_key("select")
            return True
        if keycode == BACKSPACE:
            if self.buffer:
                self.buffer = self.buffer[:-1]
            else:
                self.on_key("back")
            return True
        if keycode == ESCAPE:
            self.buffer = ""
            return True
        if keycode == UP:
            self.on_key("up")
            return True
        if keycode == DOWN:
            self.on_key("down")
            return True
        fkey = F_KEYS.get(keycode)
        if fkey in FUNCTION_MAP:
            self.on_key(FUNCTION_MAP[fkey])
            return True
        if fkey == "f10":
            if self.on_staff_ack:
                self.on_staff_ack()
            return True
        if fkey == "f11":
            self.headphones = not self.headphones
            if self.on_headphones:
                self.on_headphones(self.headphones)
            return True
        if fkey == "f12":
            self.on_call()
            return True
        if text and len(text) == 1 and text in SCAN_CHARS and len(self.buffer) < MAX_CODE:
            self.buffer += text
            return True
        return False
