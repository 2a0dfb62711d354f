"""The maintenance screen: a staff card on the attract screen, a PIN typed on an on-screen
keypad (digits are buttons, never a text field), then the status and the staff tools.

The rules (PIN check, lockout, tools) are kiosk.maintenance's; this module is the screen's
state, fed by the mode router (kiosk.app.modes): `scan`, `tap`, `key`, `tick`. It publishes `screen` events like
the session and closes after [maintenance] idle_timeout_s of the session clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kiosk.core.view import FocusItem, View

DIGITS = tuple(f"pin_{d}" for d in "1234567890")
# the keypad in the order it is drawn (three columns) and the tactile keys walk it
KEYPAD = (*DIGITS[:9], "pin_del", DIGITS[9], "pin_ok")
TOOLS = ("m_print", "m_sound", "m_restart", "m_shutdown")
MAX_PIN = 12


@dataclass(frozen=True)
class MaintenanceView(View):
    """A View with what the maintenance screen shows."""

    stage: str = "pin"  # pin | open | locked
    pin_len: int = 0
    message: str = ""  # message id (maintenance catalogue)
    message_params: dict[str, Any] = field(default_factory=dict)
    lines: tuple[tuple[str, bool, str], ...] = ()  # (name, ok, detail) of the status


def _focus_msg(item: str) -> str:
    """What a move to `item` says: the digits of the keypad are never spoken."""
    if item in DIGITS:
        return "focus.pin_key"
    return "focus.m_close" if item == "back" else f"focus.{item}"


def _focus(ids: tuple[str, ...]) -> tuple[FocusItem, ...]:
    return tuple(FocusItem(i, _focus_msg(i)) for i in ids)


class MaintenanceScreen:
    def __init__(self, gate: Any, actions: Any, now: Callable[[], float], idle_timeout_s: float,
                 publish: Callable[[dict[str, Any]], Any],
                 say: Callable[[str], None] = lambda msg: None) -> None:
        """`say(msg_id)` speaks a message in the patron's language (the tactile keys'
        focus speech); cues go out through `publish` as the session's do."""
        self.say = say
        self.gate = gate
        self.actions = actions
        self.now = now
        self.idle_timeout_s = idle_timeout_s
        self.publish = publish
        self.active = False
        self.stage = "pin"
        self.pin = ""
        self.message = ""
        self.params: dict[str, Any] = {}
        self.lines: tuple[tuple[str, bool, str], ...] = ()
        self._last = 0.0
        self._confirm = ""
        self.focus_id: str | None = None  # where the tactile keys are; None = nothing yet

    def wants(self, code: str) -> bool:
        return self.gate.is_staff_card(code)

    def open(self, code: str) -> None:
        result = self.gate.start(code)
        self.active, self.pin, self._last, self.focus_id = True, "", self.now(), None
        self._result(result)
        self.publish({"event": "screen", "name": "maintenance"})

    def close(self) -> None:
        if self.active:
            self.gate.cancel()
            self.active, self.pin, self.lines = False, "", ()
            self.publish({"event": "screen", "name": "attract"})

    def _result(self, result: Any) -> None:
        stage = {"open": "open", "locked": "locked"}.get(result.state, "pin")
        if stage != self.stage:
            self.focus_id = None  # another set of buttons: the keys start from the top
        self.stage = stage
        self.message, self.params = result.msg, dict(result.params)
        if self.stage == "open":
            self.lines = tuple((s.name, s.ok, s.detail) for s in self.actions.status())

    def tap(self, tap_id: str) -> None:
        self._last = self.now()
        if tap_id != "m_shutdown":
            self._confirm = ""
        if tap_id == "back":
            self.close()
        elif self.stage == "pin" and tap_id in DIGITS and len(self.pin) < MAX_PIN:
            self.pin += tap_id[-1]
        elif self.stage == "pin" and tap_id == "pin_del":
            self.pin = self.pin[:-1]
        elif self.stage == "pin" and tap_id == "pin_ok" and self.pin:
            pin, self.pin = self.pin, ""
            self._result(self.gate.enter_pin(pin))
        elif self.stage == "open" and tap_id == "m_shutdown" and self._confirm != tap_id:
            # switching the kiosk off takes a second tap: a slip must not do it
            self._confirm = tap_id
            self.message, self.params = "maintenance.confirm_shutdown", {}
        elif self.stage == "open" and tap_id in TOOLS:
            self._confirm = ""
            tool = {"m_print": self.actions.test_print, "m_sound": self.actions.test_sound,
                    "m_restart": self.actions.restart_app, "m_shutdown": self.actions.shutdown}
            outcome = tool[tap_id]()
            self.message, self.params = outcome.msg, {}
            self.lines = tuple((s.name, s.ok, s.detail) for s in self.actions.status())

    def key(self, name: str) -> None:
        """The tactile keys: up/down move the focus through the keypad (or the tools) and
        Close, select presses the focused button, back closes. Moves give the session's
        cue and say the item, except a digit's value: a PIN is never heard."""
        self._last = self.now()
        if name == "back":
            self.close()
        elif name in ("up", "down"):
            self._move(-1 if name == "up" else 1)
        elif name == "select":
            if self.focus_id is None:
                self.say("nav.nothing_focused")
            else:
                self.tap(self.focus_id)

    def _move(self, step: int) -> None:
        ids = self._ids()
        index = ids.index(self.focus_id) if self.focus_id in ids else -1
        target = 0 if index == -1 else index + step
        if 0 <= target < len(ids):
            self.focus_id = ids[target]
            self.publish({"event": "cue", "name": "move"})
            self.say(_focus_msg(self.focus_id))
        else:
            self.publish({"event": "cue", "name": "edge"})
            self.say("edge.top.1" if step < 0 else "edge.bottom.1")

    def _ids(self) -> tuple[str, ...]:
        if self.stage == "pin":
            return (*KEYPAD, "back")
        if self.stage == "open":
            return (*TOOLS, "back")
        return ("back",)

    def tick(self) -> None:
        if self.active and self.now() - self._last >= self.idle_timeout_s:
            self.close()

    def view(self, lang: str, contrast: bool) -> MaintenanceView:
        ids = self._ids()
        index = ids.index(self.focus_id) if self.focus_id in ids else -1
        return MaintenanceView(screen="maintenance", lang=lang, contrast=contrast,
                               focus=_focus(ids), focus_index=index, stage=self.stage,
                               pin_len=len(self.pin),
                               message=self.message, message_params=dict(self.params),
                               lines=self.lines)
