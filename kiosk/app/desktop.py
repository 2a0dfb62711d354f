"""The desktop keyboard, for `kiosk run` off the Pi (no real scanner or GPIO board). The key
table itself is kiosk.core.keys:
    digits, letters + Enter   a scan (typed into the simulated scanner, never a text field)
    Up / Down                 tactile keys up / down
    Right                     select          Left or Backspace   back
    F1 help   F2 repeat   F3 volume down   F4 volume up   F5 language
    F6 headphones in/out      F10 staff acknowledge (stands in for the staff console)
    F12 the staff-call button                 Escape does nothing (kiosk mode)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kiosk.app.devices import Devices
from kiosk.core.keys import DESKTOP_BACKSPACE, DESKTOP_ENTER, DESKTOP_KEYMAP, DESKTOP_STAFF_ACK


class DesktopKeyboard:
    """Kivy's key-down events to the stand-in scanner and the simulated board."""

    def __init__(self, devices: Devices | None, key: Callable[[str], None],
                 staff_ack: Callable[[], None]) -> None:
        self.devices = devices
        self.key = key
        self.staff_ack = staff_ack

    def key_down(self, keycode: int, text: str | None, modifiers: Iterable[str]) -> bool:
        """Typed codes go to the stand-in scanner, the key table's keys to the simulated
        board; True when the key was used."""
        d = self.devices
        typed = d.typed if d else None
        chord = bool(set(modifiers or ()) & {"ctrl", "alt", "meta"})
        if typed is not None and not chord:
            if keycode in DESKTOP_ENTER and typed.press_enter(DESKTOP_ENTER[keycode]):
                return True
            if text and typed.type_char(text):
                return True
        if keycode == DESKTOP_BACKSPACE:
            self.key("back")
            return True
        if keycode == DESKTOP_STAFF_ACK:
            self.staff_ack()
            return True
        mock = d.mock_board if d else None
        return bool(mock is not None and mock.press_binding(DESKTOP_KEYMAP.get(keycode, "")))
