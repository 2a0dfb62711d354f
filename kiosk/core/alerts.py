"""Staff alerts as the patron meets them: the call button, and every alert state said and
shown. By default the session keeps the state itself (call -> raised, staff_ack ->
acknowledged); an external AlertManager takes over with `set_handler(fn)`: call() then
only invokes fn(), and the manager reports every state back through `changed(state)`."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.core.output import Output
from kiosk.core.state import SessionState

ALERT_STATES = ("raised", "acknowledged", "escalated", "resolved")


class StaffAlerts:
    def __init__(self, state: SessionState, out: Output) -> None:
        self.state = state
        self.out = out
        self.handler: Callable[[], None] | None = None

    def call(self) -> None:
        if self.handler is not None:
            self.handler()
        elif self.state.prefs.alert_state in ("raised", "escalated"):
            self.out.cue("attention")
            self.out.say("staff.raised")
        else:
            self.changed("raised")

    def changed(self, state: str) -> None:
        if state not in ALERT_STATES:
            raise ValueError(f"alert state {state!r}: expected one of {ALERT_STATES}")
        self.state.prefs.alert_state = None if state == "resolved" else state
        self.out.emit("alert", state=state)
        if state != "resolved":
            self.out.cue("attention")
        self.out.say(f"staff.{state}")
