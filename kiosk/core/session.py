"""The kiosk session: one state machine on one clock. Pure Python.

API (for the UI, speech, staff layer and the script runner)
-----------------------------------------------------------
    session = Session(circulation, settings, clock, bus, executor=SyncExecutor(),
                      render_text=display_text,  # kiosk.locale.display.display_text
                      render_speech=None)        # None = render_text
    settings: kiosk.core.settings.SessionSettings (kiosk.config.session_settings(cfg))
    session.start()                            # publishes the first screen (attract)
    session.on_view(listener)                  # listener(View) after every change; returns
                                               # a function that removes the listener
    session.view                               # the current View snapshot (kiosk.core.view)

Inputs (call them on one thread, the UI thread; none of them blocks on the gateway):
    scan(code)            a scanned code (card or book); the same code again within
                          [session] double_scan_s is a double read and ignored
    key(name)             up, down, select, back, help, repeat, volume_up, volume_down, language
    tap(widget_id)        a touch on a widget of the current screen (ids: View.focus[i].id);
                          taps on ids not on the current screen are ignored
    touch()               a touch anywhere else: counts as activity (ends a timeout warning)
    call()                the staff-call button
    staff_ack()           staff answered the alert (or alert_changed(state) from the staff layer)
    headphones(plugged)   the headphone-jack switch
    tick()                check deadlines: call it a few times a second (app) or after every
                          virtual-time step (scripts: use kiosk.tools.harness.advance, which stops
                          at every deadline so events carry their exact times)
    next_deadline()       the next session-clock time something is due (or None)

Outputs: events on the bus (contracts.md transcript, plus {"event":"volume","level":n},
levels 1..10, 6 at start and again after every session). `say` events:
{"event":"say","lang","text","private","msg"}; text = render_speech(msg_id, params, lang),
params with dates as datetime.date and counts as int (nested "<x>_msg" ids already turned
into text). private=true only in headphones; on the loudspeaker the session says a
variant without the name or titles (e.g. "checkout.ok.public").

Screens: attract, account, summary, help (overlay), language (overlay: opened by the
"language" id, offered only when session.offer_language_screen is True; choosing a
language closes it). View.focus is the ordered focus list of
the screen; "label.<id>" is a short button text and "focus.<id>" what speech says on focus
(loans: "loan:<barcode>"; select or tap on one renews it). A refusal or confirmation is
View.notice (msg "reason.<code>", "checkout.ok", "renew.ok", "renew_all.done"; params with
dates as datetime.date): show it with the renderer (kiosk.locale.display.display_text(msg, params, lang)).
View.notice stays until the next scan, `back`, or a screen change.

Session rules: a book on attract is refused card_first; a card during a session logs out
(new_card) and in; a book already on the reader's loans is renewed; finish -> summary
(logout user; the summary keeps only this visit's titles and dates) -> attract after
[session] summary_timeout_s or `done`; inactivity logs out after timeout_s with a warning
event warning_s before (any input extends it; open dialogs do not stop it); attract left
in another language, with help or a notice open, is reset after timeout_s. While a
request is in flight, scans/renew/finish queue in order (View.busy, View.pending_scans).

Reserved books (issue 16): at login the reader's books waiting on the reserve shelf
(Reader.waiting) are View.waiting and spoken (the title only in headphones; where to
collect it on the loudspeaker too); the summary and receipt repeat them ("waiting"
lines); logout erases them. Returns ([session] returns): "own" puts `return_book` on the
account (then scans of their own loans are returned, another book is refused
not_on_loan; `back` or `return_book` again ends it, View.returning); "any" also returns
a book scanned on attract without a card. A return emits {"event":"return",...} (with
"reserved": true for a copy another reader wants: the reserved box; staff are called by
kiosk.staff when [staff] needs_staff names reserved), goes off the loans and onto the
summary.

Staff alerts: by default the session keeps the alert state itself (call -> raised,
staff_ack -> acknowledged). An external AlertManager takes over with
`session.set_alert_handler(fn)`: call() then only invokes fn() (no state change), and the
manager reports every state with `session.alert_changed(state)`
("raised" | "acknowledged" | "escalated" | "resolved"), which emits the alert event,
the attention cue and the speech.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from kiosk.core import actions as act
from kiosk.core.alerts import ALERT_STATES, StaffAlerts
from kiosk.core.announcer import Announcer
from kiosk.core.clock import Clock
from kiosk.core.domain import Circulation, Reader, format_ymd
from kiosk.core.ends import HEADPHONE_HINT_EVERY_S, SessionEnds
from kiosk.core.events import EventBus
from kiosk.core.executor import Executor, SyncExecutor
from kiosk.core.focus import focus_items
from kiosk.core.keys import KEYS
from kiosk.core.languages import known_or_default
from kiosk.core.messages import RenderSpeech, RenderText
from kiosk.core.navigation import EDGE_LAYERS, HELP_LAYERS, Navigation
from kiosk.core.outcomes import CirculationOutcomes
from kiosk.core.output import Output
from kiosk.core.settings import SessionSettings
from kiosk.core.state import SessionState
from kiosk.core.timers import InactivityTimer, SessionTimers
from kiosk.core.view import FocusItem, View, WaitingRow
from kiosk.core.voice import VoiceControls

log = logging.getLogger(__name__)

__all__ = ["ALERT_STATES", "EDGE_LAYERS", "HELP_LAYERS", "KEYS", "Session"]


class Session:
    """The state machine: one SessionState (kiosk.core.state) and the collaborators that
    work on it, each handed it explicitly: outcomes (circulation requests and results),
    navigation (keys and activation), ends (logout, summary, back to attract), voice
    (rate, scanner guidance), alerts (staff calls), timers (deadlines); output publishes
    what the patron sees and hears; kiosk.core.focus says what each screen offers."""

    # True when the UI draws a "language" button that opens the language screen; the
    # three language_* buttons are always offered and switch at once.
    offer_language_screen = False

    def __init__(
        self,
        circulation: Circulation,
        settings: SessionSettings,
        clock: Clock,
        bus: EventBus,
        executor: Executor | None = None,
        *,
        render_text: RenderText,
        render_speech: RenderSpeech | None = None,
    ) -> None:
        self.circ = circulation
        self.settings = settings
        self.clock = clock
        self.bus = bus
        self.render_text = render_text
        self.state = state = SessionState()
        state.prefs.default_lang = state.prefs.lang = known_or_default(settings.default_language)
        self.speaker = Announcer(bus, render_speech or render_text, render_text)
        self.out = out = Output(bus, self.speaker, state)
        self.timers = timers = SessionTimers(settings.timeout_s, settings.warning_s)
        self.voice = VoiceControls(state, out, timers, settings, clock)
        self.ends = SessionEnds(state, out, timers, self.voice, settings, clock, render_text)
        self.alerts = StaffAlerts(state, out)
        self.outcomes = CirculationOutcomes(state, out, circulation, executor or SyncExecutor(),
                                            clock, timers, self.voice, self.ends, settings,
                                            self._input)
        self.nav = Navigation(state, out, self.outcomes, self.ends, self.voice, self.alerts,
                              self._focus, returns_offered=settings.returns != "off")
        self._view_listeners: list[Callable[[View], None]] = []
        self._depth = 0
        self.view = self._build_view()

    # ---------------------------------------------------------------- what others read
    @property
    def executor(self) -> Executor:
        return self.outcomes.executor

    @executor.setter
    def executor(self, executor: Executor) -> None:
        self.outcomes.executor = executor

    @property
    def inactivity(self) -> InactivityTimer:
        return self.timers.inactivity

    @property
    def reader(self) -> Reader | None:
        return self.state.patron.reader

    @property
    def alert_state(self) -> str | None:
        return self.state.prefs.alert_state

    @property
    def headphones_in(self) -> bool:
        return self.state.prefs.headphones_in

    @property
    def rate(self) -> int:
        return self.state.prefs.rate

    @property
    def lang(self) -> str:
        return self.state.prefs.lang

    @lang.setter
    def lang(self, lang: str) -> None:
        self.state.prefs.lang = lang

    @property
    def default_lang(self) -> str:
        return self.state.prefs.default_lang

    @default_lang.setter
    def default_lang(self, lang: str) -> None:
        self.state.prefs.default_lang = lang

    @property
    def screen(self) -> str:
        return self.state.focus.screen

    # ---------------------------------------------------------------- view
    def _focus(self) -> tuple[FocusItem, ...]:
        state = self.state
        return focus_items(state.focus.screen, loans=state.patron.loans,
                           headphones=state.prefs.headphones_in,
                           receipt_offered=state.patron.receipt_offered,
                           language_screen=self.offer_language_screen,
                           return_book=self.settings.returns != "off")

    def _build_view(self) -> View:
        state, patron, focus_state, prefs = self.state, self.state.patron, self.state.focus, \
            self.state.prefs
        focus = self._focus()
        ids = [f.id for f in focus]
        index = ids.index(focus_state.focus_id) if focus_state.focus_id in ids else -1
        inactivity = self.timers.inactivity
        warning = inactivity.remaining(self.clock.now()) if inactivity.warned else None
        return View(
            screen=focus_state.screen, lang=prefs.lang, contrast=prefs.contrast,
            reader_name=patron.reader.first_name if patron.reader else "",
            loans=tuple(patron.loans), notice=patron.notice, busy=state.flight.busy,
            pending_scans=sum(1 for a in state.flight.pending if isinstance(a, act.Scan)),
            warning_remaining_s=warning, summary=tuple(patron.summary),
            receipt_offered=patron.receipt_offered, focus=focus, focus_index=index,
            alert_state=prefs.alert_state, headphones=prefs.headphones_in,
            help_layer=focus_state.help_layer if focus_state.overlay == "help" else 0,
            today=format_ymd(self.clock.today()),
            waiting=tuple(WaitingRow(w.barcode, w.title, w.place) for w in patron.waiting),
            returning=patron.returning and patron.reader is not None,
        )

    @contextmanager
    def _input(self) -> Iterator[None]:
        """Wrap every entry point: one speech group per input, one view update at the end."""
        if self._depth == 0:
            self.speaker.begin()
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._commit()

    def _commit(self) -> None:
        new = self._build_view()
        if new != self.view:
            self.view = new
            for listener in list(self._view_listeners):
                try:
                    listener(new)
                except Exception:  # noqa: BLE001
                    log.exception("view listener failed")

    def _activity(self) -> None:
        now = self.clock.now()
        timers = self.timers
        timers.inactivity.touch(now)
        if self.state.patron.reader is None and self.state.focus.base == "attract":
            timers.attract_idle.set(now + timers.inactivity.timeout_s)
        if timers.summary.at is not None:
            timers.summary.set(now + self.settings.summary_timeout_s)
        if timers.hint.at is not None:  # never talk over what the patron asked for
            timers.hint.set(now + HEADPHONE_HINT_EVERY_S)

    # ---------------------------------------------------------------- public API
    def on_view(self, listener: Callable[[View], None]) -> Callable[[], None]:
        self._view_listeners.append(listener)
        return lambda: self._view_listeners.remove(listener)

    def set_alert_handler(self, handler: Callable[[], None] | None) -> None:
        self.alerts.handler = handler

    def start(self) -> None:
        with self._input():
            self.out.show(base="attract")

    def scan(self, code: str) -> None:
        code = (code or "").strip()
        if not code:
            return
        with self._input():
            self._activity()
            self.voice.scanner_delivered()
            now = self.clock.now()
            window = self.settings.double_scan_s
            patron = self.state.patron
            patron.recent = {c: t for c, t in patron.recent.items() if now - t < window}
            if code in patron.recent:
                return  # the same code again at once: a double read, not a second request
            patron.recent[code] = now
            self.outcomes.do(act.Scan(code))

    def tap(self, widget_id: str) -> None:
        with self._input():
            ids = [f.id for f in self._focus()]
            if widget_id not in ids:
                log.info("tap on %r ignored: not on screen %s", widget_id, self.screen)
                return
            self._activity()
            self.state.focus.focus_id = widget_id
            self.nav.activate(widget_id)

    def touch(self) -> None:
        """A touch anywhere on the screen (not on a widget): activity, nothing else."""
        with self._input():
            self._activity()

    def key(self, name: str) -> None:
        if name not in KEYS:
            log.info("unknown key %r ignored", name)
            return
        with self._input():
            self._activity()
            self.nav.key(name)

    def scan_garbled(self) -> None:
        """The scanner lost part of a code (SYN_DROPPED or a broken burst): nothing is looked
        up; the patron hears that the scan did not work and to try again."""
        with self._input():
            self._activity()
            self.voice.scanner_delivered()
            self.out.cue("error")
            self.out.say("scanner.scan_again")

    def call(self) -> None:
        with self._input():
            self._activity()
            self.alerts.call()

    def staff_ack(self) -> None:
        self.alert_changed("acknowledged")

    def alert_changed(self, state: str) -> None:
        if state not in ALERT_STATES:
            raise ValueError(f"alert state {state!r}: expected one of {ALERT_STATES}")
        with self._input():
            self.alerts.changed(state)

    def headphones(self, plugged: bool) -> None:
        with self._input():
            self.state.prefs.headphones_in = bool(plugged)
            if plugged:
                self.out.say("headphones.in")
                if self.screen == "attract":
                    self.out.say("attract.headphones")
                    self.voice.say_guidance()
                    self.timers.hint.set(self.clock.now() + HEADPHONE_HINT_EVERY_S)
            else:
                self.timers.hint.clear()
                self.out.say("headphones.out")

    def next_deadline(self) -> float | None:
        return self.timers.next_deadline()

    def tick(self) -> None:
        with self._input():
            now = self.clock.now()
            flight, timers = self.state.flight, self.timers
            if not flight.busy and not flight.pending:
                due = timers.inactivity.due(now)
                if due == "timeout":
                    self.ends.logout_to_attract("timeout")
                elif due == "warning":
                    remaining = timers.inactivity.remaining(now)
                    self.out.emit("warning", remaining_s=remaining)
                    self.out.cue("attention")
                    self.out.say("timeout.warning", {"seconds": remaining})
            self.voice.tick(now)
            if timers.summary.due(now):
                self.ends.to_attract(silent=True)
            self._attract_tick(now)

    def _attract_tick(self, now: float) -> None:
        """Attract's own deadlines: back to the defaults after it was left changed, and
        the headphone hint every HEADPHONE_HINT_EVERY_S while headphones are in."""
        timers, state = self.timers, self.state
        on_attract = state.patron.reader is None and state.focus.base == "attract"
        if timers.attract_idle.due(now):
            timers.attract_idle.clear()
            if on_attract and not state.flight.busy:
                self.ends.to_attract(silent=True)  # the next patron finds the defaults
        if timers.hint.due(now):
            if not state.prefs.headphones_in or not on_attract:
                timers.hint.clear()
            else:
                if state.focus.overlay is None:  # not over help or the language screen
                    self.out.say("attract.headphones")
                timers.hint.set(now + HEADPHONE_HINT_EVERY_S)
