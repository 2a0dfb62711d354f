"""How the kiosk sounds to one patron, beside the volume: the speech rate they set, the
spoken guidance to the scanner, and the tick when the scanner delivers anything.

A mixin of Session (kiosk.core.session), hooked in with one call at each place:
    _init_voice()          in __init__
    _scanner_delivered()   first thing on every scan, garbled or not (the tick)
    _guidance_arm()        after a login: guidance again if no scan comes
    _voice_tick(now)       in tick()
    _reset_voice()         at the end of every session (rate back to default)

Rate: while help is open the volume keys set the speech rate instead (kiosk.core.rate):
no chord, no held key and no new key, so it works on every cabinet and with one finger,
and the help itself says so (help.rate).
"""

from __future__ import annotations

from kiosk.core.rate import RATE_DEFAULT, change_rate
from kiosk.core.timers import Deadline

GUIDANCE_MSG = "guidance.scanner"  # the catalogue's general wording
CUSTOM_GUIDANCE_MSG = "guidance.custom"  # "{text}": this cabinet's own, per language


class VoiceControls:
    def _init_voice(self) -> None:
        self.rate = RATE_DEFAULT
        self._guidance_deadline = Deadline()

    # ---------------------------------------------------------------- rate
    def _rate(self, step: int) -> None:
        new, msg = change_rate(self.rate, step)
        if new != self.rate:
            self.rate = new
            self._emit("rate", step=new)
        self._say(msg)

    def _reset_voice(self) -> None:
        self._guidance_deadline.clear()
        if self.rate != RATE_DEFAULT:
            self.rate = RATE_DEFAULT
            self._emit("rate", step=RATE_DEFAULT)

    # ---------------------------------------------------------------- scanner
    def _scanner_delivered(self) -> None:
        """The scanner sent something: the tick now, before any answer; no more waiting
        for a first scan."""
        self._cue("scan")
        self._guidance_deadline.clear()

    def _say_guidance(self) -> None:
        texts: dict[str, str] = dict(self.settings.guidance)
        if texts:
            self._say(CUSTOM_GUIDANCE_MSG, {"text": texts})
        else:
            self._say(GUIDANCE_MSG)

    def _guidance_arm(self) -> None:
        after = self.settings.guidance_after_s
        if after > 0:
            self._guidance_deadline.set(self.clock.now() + after)

    def _voice_tick(self, now: float) -> None:
        if not self._guidance_deadline.due(now):
            return
        self._guidance_deadline.clear()
        if self.reader is not None and self.base == "account" and not self._busy:
            self._say_guidance()

    def _voice_deadline(self) -> float | None:
        return self._guidance_deadline.at

