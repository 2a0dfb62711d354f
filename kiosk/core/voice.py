"""How the kiosk sounds to one patron, beside the volume: the speech rate they set, the
spoken guidance to the scanner, and the tick when the scanner delivers anything.

A collaborator of Session (kiosk.core.session), called at each place:
    scanner_delivered()   first thing on every scan, garbled or not (the tick)
    guidance_arm()        after a login: guidance again if no scan comes
    tick(now)             in Session.tick()
    reset()               at the end of every session (rate back to default)

Rate: while help is open the volume keys set the speech rate instead (kiosk.core.rate):
no chord, no held key and no new key, so it works on every cabinet and with one finger,
and the help itself says so (help.rate).
"""

from __future__ import annotations

from kiosk.core.clock import Clock
from kiosk.core.output import Output
from kiosk.core.rate import RATE_DEFAULT, change_rate
from kiosk.core.settings import SessionSettings
from kiosk.core.state import SessionState
from kiosk.core.timers import SessionTimers

GUIDANCE_MSG = "guidance.scanner"  # the catalogue's general wording
CUSTOM_GUIDANCE_MSG = "guidance.custom"  # "{text}": this cabinet's own, per language


class VoiceControls:
    def __init__(self, state: SessionState, out: Output, timers: SessionTimers,
                 settings: SessionSettings, clock: Clock) -> None:
        self.state = state
        self.out = out
        self.timers = timers
        self.settings = settings
        self.clock = clock

    # ---------------------------------------------------------------- rate
    def rate(self, step: int) -> None:
        prefs = self.state.prefs
        new, msg = change_rate(prefs.rate, step)
        if new != prefs.rate:
            prefs.rate = new
            self.out.emit("rate", step=new)
        self.out.say(msg)

    def reset(self) -> None:
        self.timers.guidance.clear()
        prefs = self.state.prefs
        if prefs.rate != RATE_DEFAULT:
            prefs.rate = RATE_DEFAULT
            self.out.emit("rate", step=RATE_DEFAULT)

    # ---------------------------------------------------------------- scanner
    def scanner_delivered(self) -> None:
        """The scanner sent something: the tick now, before any answer; no more waiting
        for a first scan."""
        self.out.cue("scan")
        self.timers.guidance.clear()

    def say_guidance(self) -> None:
        texts: dict[str, str] = dict(self.settings.guidance)
        if texts:
            self.out.say(CUSTOM_GUIDANCE_MSG, {"text": texts})
        else:
            self.out.say(GUIDANCE_MSG)

    def guidance_arm(self) -> None:
        after = self.settings.guidance_after_s
        if after > 0:
            self.timers.guidance.set(self.clock.now() + after)

    def tick(self, now: float) -> None:
        if not self.timers.guidance.due(now):
            return
        self.timers.guidance.clear()
        state = self.state
        if state.patron.reader is not None and state.focus.base == "account" \
                and not state.flight.busy:
            self.say_guidance()
