"""What the patron sees and hears, as events on the bus: screen changes, cues, speech
(personal words only in headphones) and the rest of the transcript. The one place the
session's collaborators publish through."""

from __future__ import annotations

from typing import Any

from kiosk.core.announcer import Announcer
from kiosk.core.events import EventBus
from kiosk.core.state import SessionState


class Output:
    def __init__(self, bus: EventBus, speaker: Announcer, state: SessionState) -> None:
        self.bus = bus
        self.speaker = speaker
        self.state = state

    def emit(self, event: str, /, **fields: Any) -> None:
        self.bus.publish({"event": event, **fields})

    def cue(self, name: str) -> None:
        flight = self.state.flight
        if flight.heard_cue == name:
            # speech had it from the worker at the answer; the rest get it in its usual place
            flight.heard_cue = None
            self.bus.publish({"event": "cue", "name": name}, sent_early=True)
        else:
            self.emit("cue", name=name)

    def say(self, msg: str, params: dict[str, Any] | None = None, private: bool = False) -> None:
        self.speaker.say(msg, self.state.prefs.lang, params, private)

    def say_personal(self, msg: str, params: dict[str, Any], public_msg: str,
                     public_params: dict[str, Any] | None = None) -> None:
        self.speaker.say_personal(self.state.prefs.headphones_in, self.state.prefs.lang, msg,
                                  params, public_msg, public_params)

    def show(self, base: str | None = None, overlay: str | None = None) -> None:
        """Switch screens; emits the screen event when what is shown changes."""
        focus = self.state.focus
        if base is not None:
            focus.base = base
        focus.overlay = overlay
        if focus.screen != focus.shown:
            focus.shown = focus.screen
            focus.focus_id = None
            focus.edge = ("", 0)
            self.emit("screen", name=focus.screen)
