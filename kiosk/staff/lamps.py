"""Lamps that follow the alert: the desk lamp (or buzzer) for staff and the call button's lamp.

Both work with no network at all. The hardware layer implements `Lamp`; a gpiozero `LED`
(or `PWMLED`) already has this interface, and so does a `Buzzer` wrapped to rename beep.
"""

from __future__ import annotations

from typing import Any, Protocol

# state -> (mode, on_time, off_time); mode is "on", "off" or "blink"
Pattern = dict[str, tuple[str, float, float]]

# At the staff desk: attention until somebody answers, faster when nobody does.
DESK_PATTERN: Pattern = {
    "raised": ("blink", 0.5, 0.5),
    "escalated": ("blink", 0.15, 0.15),
    "acknowledged": ("off", 0.0, 0.0),
    "resolved": ("off", 0.0, 0.0),
}

# In the patron's call button: blinking = "called", steady = "a librarian is coming".
BUTTON_PATTERN: Pattern = {
    "raised": ("blink", 0.5, 0.5),
    "escalated": ("blink", 0.5, 0.5),
    "acknowledged": ("on", 0.0, 0.0),
    "resolved": ("off", 0.0, 0.0),
}


class Lamp(Protocol):
    def on(self) -> None: ...

    def off(self) -> None: ...

    def blink(self, on_time: float = 1.0, off_time: float = 1.0) -> None: ...


class LampNotifier:
    """Drives one lamp from alert events (an AlertManager listener)."""

    def __init__(self, lamp: Lamp, pattern: Pattern) -> None:
        self.lamp = lamp
        self.pattern = pattern
        self.mode = "off"
        lamp.off()

    def __call__(self, event: dict[str, Any]) -> None:
        step = self.pattern.get(str(event.get("state")))
        if step is None:
            return
        mode, on_time, off_time = step
        if mode == "blink":
            self.lamp.blink(on_time=on_time, off_time=off_time)
        elif mode == "on":
            self.lamp.on()
        else:
            self.lamp.off()
        self.mode = mode


def DeskLampNotifier(lamp: Lamp) -> LampNotifier:  # noqa: N802 - reads as a class
    """The staff-desk lamp or buzzer wired to the kiosk's GPIO."""
    return LampNotifier(lamp, DESK_PATTERN)


def ButtonLampNotifier(lamp: Lamp) -> LampNotifier:  # noqa: N802 - reads as a class
    """The lamp in the patron's call button."""
    return LampNotifier(lamp, BUTTON_PATTERN)


class BoardLamp:
    """A `Lamp` over hardware.board.Board' named lamps ("desk" or "call")."""

    def __init__(self, keys: Any, which: str = "desk") -> None:
        self.keys = keys
        self.which = which
        self._set = keys.desk_lamp if which == "desk" else keys.call_lamp

    def on(self) -> None:
        self._set("steady")

    def off(self) -> None:
        self._set("off")

    def blink(self, on_time: float = 1.0, off_time: float = 1.0) -> None:
        if self.which == "desk":
            self._set("blinking", on_time, off_time)  # faster when escalated (DESK_PATTERN)
        else:
            self._set("blinking")  # the call button blinks at the Board's own rate
