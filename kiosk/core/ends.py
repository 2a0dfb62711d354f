"""How a visit ends: logout (every trace of the reader erased), the summary with its
speech and receipt, and the way back to attract with the defaults for the next patron."""

from __future__ import annotations

from kiosk.core.clock import Clock
from kiosk.core.domain import parse_ymd
from kiosk.core.messages import RenderText
from kiosk.core.output import Output
from kiosk.core.places import place_words
from kiosk.core.receipt import receipt_lines
from kiosk.core.settings import SessionSettings
from kiosk.core.state import VOLUME_DEFAULT, SessionState
from kiosk.core.timers import SessionTimers
from kiosk.core.view import SummaryLine
from kiosk.core.voice import VoiceControls

HEADPHONE_HINT_EVERY_S = 15.0


class SessionEnds:
    def __init__(self, state: SessionState, out: Output, timers: SessionTimers,
                 voice: VoiceControls, settings: SessionSettings, clock: Clock,
                 render_text: RenderText) -> None:
        self.state = state
        self.out = out
        self.timers = timers
        self.voice = voice
        self.settings = settings
        self.clock = clock
        self.render_text = render_text

    def logout(self, why: str) -> None:
        """Erase every trace of the reader: name, card, loans, speech memory, view."""
        patron = self.state.patron
        if patron.reader is None:
            return
        self.out.emit("logout", why=why)
        patron.reader = None
        patron.loans = []
        patron.waiting = ()  # their reserved titles: the summary keeps them, nothing else
        patron.returning = False
        patron.recent = {}
        self.timers.inactivity.stop()
        self.timers.guidance.clear()
        self.out.speaker.forget()

    def finish(self) -> None:
        patron = self.state.patron
        if patron.reader is None:
            return
        # the summary repeats where their reserved books wait (gone with it, like titles)
        patron.summary += [SummaryLine("waiting", w.barcode, w.title, place=w.place)
                           for w in patron.waiting]
        self.logout("user")
        now = self.clock.now()
        mode = self.settings.receipt
        patron.receipt_offered = mode == "ask" and bool(patron.summary)
        patron.notice = None
        self.timers.summary.set(now + self.settings.summary_timeout_s)
        self.out.show(base="summary")
        self._speak_summary()
        if mode == "always" and patron.summary:
            self.print_receipt()

    def _speak_summary(self) -> None:
        summary = self.state.patron.summary
        say, say_personal = self.out.say, self.out.say_personal
        counts = {k: sum(1 for s in summary if s.kind == k)
                  for k in ("checkout", "renew", "refused")}
        if all(s.kind == "waiting" for s in summary):  # nothing done (waiting books follow)
            say("summary.empty")
        else:
            say("summary.counts", {"checkouts": counts["checkout"],
                                   "renewals": counts["renew"],
                                   "refusals": counts["refused"]})
            returns = sum(1 for s in summary if s.kind == "return")
            if returns:
                say("summary.returns", {"count": returns})
        for n, line in enumerate(summary, 1):
            due = parse_ymd(line.due) or line.due
            reason_msg = f"reason.{line.reason}.short"
            if line.kind == "waiting":
                place = place_words(line.place)
                say_personal("summary.waiting", {"title": line.title, "place_msg": place},
                             "summary.waiting.public", {"n": n, "place_msg": place})
            elif line.kind == "refused" and not line.title:
                # a book refused before it was looked up: "book 2" beats nine digits
                say("summary.refused.public", {"n": n, "reason_msg": reason_msg})
            elif line.kind == "refused":
                say_personal("summary.refused", {"title": line.title, "reason_msg": reason_msg},
                             "summary.refused.public", {"n": n, "reason_msg": reason_msg})
            else:
                say_personal(f"summary.{line.kind}", {"title": line.title, "due": due},
                             f"summary.{line.kind}.public", {"n": n, "due": due})
        if self.state.patron.receipt_offered:
            say("summary.receipt_question")
        say("summary.hint")

    def print_receipt(self) -> None:
        lines = receipt_lines(self.settings.library_name, self.clock.today(),
                              self.state.patron.summary, self.state.prefs.lang, self.render_text)
        self.out.emit("print", lines=lines)
        self.out.say("receipt.printing")

    def logout_to_attract(self, why: str) -> None:
        lang = self.state.prefs.lang  # said in the patron's language, after the screen went back
        self.logout(why)
        self.to_attract(silent=True)
        self.out.speaker.say("session.timeout" if why == "timeout" else "session.ended", lang)

    def to_attract(self, silent: bool = False) -> None:
        self.timers.summary.clear()
        self.timers.attract_idle.clear()
        self.state.clear_patron()
        self.out.speaker.forget()  # the summary speech named titles
        # the next patron starts with the defaults (EN 301 549 5.1.3.13 for the volume)
        prefs = self.state.prefs
        prefs.lang = prefs.default_lang
        prefs.contrast = False
        self.state.focus.help_layer = 0
        if prefs.volume != VOLUME_DEFAULT:
            prefs.volume = VOLUME_DEFAULT
            self.out.emit("volume", level=VOLUME_DEFAULT)
        self.voice.reset()
        self.out.show(base="attract", overlay=None)
        if prefs.headphones_in:
            self.timers.hint.set(self.clock.now() + HEADPHONE_HINT_EVERY_S)
        if not silent:
            self.out.say("attract.prompt")
