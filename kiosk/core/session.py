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

Staff alerts: by default the session keeps the alert state itself (call -> raised,
staff_ack -> acknowledged). An external AlertManager takes over with
`session.set_alert_handler(fn)`: call() then only invokes fn() (no state change), and the
manager reports every state with `session.alert_changed(state)`
("raised" | "acknowledged" | "escalated" | "resolved"), which emits the alert event,
the attention cue and the speech.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from kiosk.core.announcer import Announcer
from kiosk.core.clock import Clock
from kiosk.core.domain import (
    Circulation,
    Reader,
    format_ymd,
    parse_ymd,
)
from kiosk.core.events import EventBus
from kiosk.core.executor import Executor, SyncExecutor
from kiosk.core.focus import focus_items
from kiosk.core.languages import known_or_default
from kiosk.core.messages import RenderSpeech, RenderText
from kiosk.core.navigation import EDGE_LAYERS, HELP_LAYERS, KEYS, VOLUME_DEFAULT, Navigation
from kiosk.core.outcomes import Action, CirculationOutcomes
from kiosk.core.receipt import receipt_lines
from kiosk.core.settings import SessionSettings
from kiosk.core.slow import SlowAnswer
from kiosk.core.timers import Deadline, InactivityTimer
from kiosk.core.view import LoanRow, Notice, SummaryLine, View
from kiosk.core.voice import VoiceControls

log = logging.getLogger(__name__)

HEADPHONE_HINT_EVERY_S = 15.0
ALERT_STATES = ("raised", "acknowledged", "escalated", "resolved")
__all__ = ["ALERT_STATES", "EDGE_LAYERS", "HELP_LAYERS", "KEYS", "Session"]


class Session(CirculationOutcomes, Navigation, VoiceControls):
    """The state machine. Its parts: kiosk.core.focus (what each screen offers),
    navigation (keys and activation), outcomes (circulation requests and results),
    timers (deadlines), announcer (say events), receipt (printed lines)."""

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
        self.executor = executor or SyncExecutor()
        self.render_text = render_text
        self.speaker = Announcer(bus, render_speech or render_text, render_text)
        self.inactivity = InactivityTimer(settings.timeout_s, settings.warning_s)
        self._summary_deadline = Deadline()
        self._hint_deadline = Deadline()
        self._attract_idle = Deadline()  # attract left changed (help, language, notice)
        self.default_lang = known_or_default(settings.default_language)
        self._view_listeners: list[Callable[[View], None]] = []
        self._alert_handler: Callable[[], None] | None = None
        self._depth = 0
        # kiosk-wide state (survives sessions)
        self.headphones_in = False
        self.alert_state: str | None = None
        self._slow = SlowAnswer(settings.slow_notice_s)
        self._busy = False
        self._pending: deque[Action] = deque()
        self._heard_cue: str | None = None  # the worker sent this cue early for the answer
        self._shown_screen = ""
        self.lang = self.default_lang
        self.contrast = False
        self.volume = VOLUME_DEFAULT
        self.base = "attract"
        self.overlay: str | None = None
        self.help_layer = 0
        self._init_voice()
        self._clear_patron()
        self.view = self._build_view()

    # ---------------------------------------------------------------- state
    @property
    def _busy(self) -> bool:
        """A request is in flight (set by the outcomes; arms the "one moment")."""
        return self._slow.busy

    @_busy.setter
    def _busy(self, busy: bool) -> None:
        self._slow.set_busy(busy, self.clock.now())

    def _clear_patron(self) -> None:
        """Forget everything that belongs to one patron (preferences are reset separately)."""
        self.reader: Reader | None = None
        self.loans: list[LoanRow] = []
        self.summary: list[SummaryLine] = []
        self.notice: Notice | None = None
        self.receipt_offered = False
        self.focus_id: str | None = None
        self._edge = ("", 0)
        self._recent: dict[str, float] = {}  # code -> time of its last accepted scan

    @property
    def screen(self) -> str:
        return self.overlay or self.base

    def _focus(self) -> tuple:
        return focus_items(self.screen, loans=self.loans, headphones=self.headphones_in,
                           receipt_offered=self.receipt_offered,
                           language_screen=self.offer_language_screen)

    def _build_view(self) -> View:
        focus = self._focus()
        ids = [f.id for f in focus]
        index = ids.index(self.focus_id) if self.focus_id in ids else -1
        warning = self.inactivity.remaining(self.clock.now()) if self.inactivity.warned else None
        return View(
            screen=self.screen, lang=self.lang, contrast=self.contrast,
            reader_name=self.reader.first_name if self.reader else "",
            loans=tuple(self.loans), notice=self.notice, busy=self._busy,
            pending_scans=sum(1 for a in self._pending if a[0] == "scan"),
            warning_remaining_s=warning, summary=tuple(self.summary),
            receipt_offered=self.receipt_offered, focus=focus, focus_index=index,
            alert_state=self.alert_state, headphones=self.headphones_in,
            help_layer=self.help_layer if self.overlay == "help" else 0,
            today=format_ymd(self.clock.today()),
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

    def _emit(self, event: str, /, **fields: Any) -> None:
        self.bus.publish({"event": event, **fields})

    def _cue(self, name: str) -> None:
        if self._heard_cue == name:
            # speech had it from the worker at the answer; the rest get it in its usual place
            self._heard_cue = None
            self.bus.publish({"event": "cue", "name": name}, sent_early=True)
        else:
            self._emit("cue", name=name)

    def _say(self, msg: str, params: dict[str, Any] | None = None, private: bool = False) -> None:
        self.speaker.say(msg, self.lang, params, private)

    def _say_personal(self, msg: str, params: dict[str, Any], public_msg: str,
                      public_params: dict[str, Any] | None = None) -> None:
        self.speaker.say_personal(self.headphones_in, self.lang, msg, params, public_msg,
                                  public_params)

    def _show(self, base: str | None = None, overlay: str | None = None) -> None:
        """Switch screens; emits the screen event when what is shown changes."""
        if base is not None:
            self.base = base
        self.overlay = overlay
        if self.screen != self._shown_screen:
            self._shown_screen = self.screen
            self.focus_id = None
            self._edge = ("", 0)
            self._emit("screen", name=self.screen)

    def _activity(self) -> None:
        now = self.clock.now()
        self.inactivity.touch(now)
        if self.reader is None and self.base == "attract":
            self._attract_idle.set(now + self.inactivity.timeout_s)
        if self._summary_deadline.at is not None:
            self._summary_deadline.set(now + self.settings.summary_timeout_s)
        if self._hint_deadline.at is not None:  # never talk over what the patron asked for
            self._hint_deadline.set(now + HEADPHONE_HINT_EVERY_S)

    # ---------------------------------------------------------------- public API
    def on_view(self, listener: Callable[[View], None]) -> Callable[[], None]:
        self._view_listeners.append(listener)
        return lambda: self._view_listeners.remove(listener)

    def set_alert_handler(self, handler: Callable[[], None] | None) -> None:
        self._alert_handler = handler

    def start(self) -> None:
        with self._input():
            self._show(base="attract")

    def scan(self, code: str) -> None:
        code = (code or "").strip()
        if not code:
            return
        with self._input():
            self._activity()
            self._scanner_delivered()
            now = self.clock.now()
            window = self.settings.double_scan_s
            self._recent = {c: t for c, t in self._recent.items() if now - t < window}
            if code in self._recent:
                return  # the same code again at once: a double read, not a second request
            self._recent[code] = now
            self._do(("scan", code))

    def tap(self, widget_id: str) -> None:
        with self._input():
            ids = [f.id for f in self._focus()]
            if widget_id not in ids:
                log.info("tap on %r ignored: not on screen %s", widget_id, self.screen)
                return
            self._activity()
            self.focus_id = widget_id
            self._activate(widget_id)

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
            if name != "repeat":
                self._edge = self._edge if name in ("up", "down") else ("", 0)
            getattr(self, f"_key_{name}")()

    def scan_garbled(self) -> None:
        """The scanner lost part of a code (SYN_DROPPED or a broken burst): nothing is looked
        up; the patron hears that the scan did not work and to try again."""
        with self._input():
            self._activity()
            self._scanner_delivered()
            self._cue("error")
            self._say("scanner.scan_again")

    def call(self) -> None:
        with self._input():
            self._activity()
            self._call_staff()

    def staff_ack(self) -> None:
        self.alert_changed("acknowledged")

    def alert_changed(self, state: str) -> None:
        if state not in ALERT_STATES:
            raise ValueError(f"alert state {state!r}: expected one of {ALERT_STATES}")
        with self._input():
            self.alert_state = None if state == "resolved" else state
            self._emit("alert", state=state)
            if state != "resolved":
                self._cue("attention")
            self._say(f"staff.{state}")

    def headphones(self, plugged: bool) -> None:
        with self._input():
            self.headphones_in = bool(plugged)
            if plugged:
                self._say("headphones.in")
                if self.screen == "attract":
                    self._say("attract.headphones")
                    self._say_guidance()
                    self._hint_deadline.set(self.clock.now() + HEADPHONE_HINT_EVERY_S)
            else:
                self._hint_deadline.clear()
                self._say("headphones.out")

    def next_deadline(self) -> float | None:
        times = [t for t in (self.inactivity.next_deadline(), self._summary_deadline.at,
                             self._hint_deadline.at, self._attract_idle.at,
                             self._voice_deadline(), self._slow.at) if t is not None]
        return min(times) if times else None

    def tick(self) -> None:
        with self._input():
            now = self.clock.now()
            if not self._busy and not self._pending:
                due = self.inactivity.due(now)
                if due == "timeout":
                    self._logout_to_attract("timeout")
                elif due == "warning":
                    remaining = self.inactivity.remaining(now)
                    self._emit("warning", remaining_s=remaining)
                    self._cue("attention")
                    self._say("timeout.warning", {"seconds": remaining})
            self._voice_tick(now)
            if self._slow.due(now):  # the answer replaces it, as any notice
                self.notice = Notice(kind="info", msg="gateway.slow")
                self._say("gateway.slow")
                self._show()
            if self._summary_deadline.due(now):
                self._to_attract(silent=True)
            if self._attract_idle.due(now):
                self._attract_idle.clear()
                if self.reader is None and self.base == "attract" and not self._busy:
                    self._to_attract(silent=True)  # the next patron finds the defaults
            if self._hint_deadline.due(now):
                if not self.headphones_in or self.base != "attract" or self.reader is not None:
                    self._hint_deadline.clear()
                else:
                    if self.overlay is None:  # not over help or the language screen
                        self._say("attract.headphones")
                    self._hint_deadline.set(now + HEADPHONE_HINT_EVERY_S)

    # ---------------------------------------------------------------- session ends
    def _logout(self, why: str) -> None:
        """Erase every trace of the reader: name, card, loans, speech memory, view."""
        if self.reader is None:
            return
        self._emit("logout", why=why)
        self.reader = None
        self.loans = []
        self._recent = {}
        self.inactivity.stop()
        self._guidance_deadline.clear()
        self.speaker.forget()

    def _finish(self) -> None:
        if self.reader is None:
            return
        self._logout("user")
        now = self.clock.now()
        mode = self.settings.receipt
        self.receipt_offered = mode == "ask" and bool(self.summary)
        self.notice = None
        self._summary_deadline.set(now + self.settings.summary_timeout_s)
        self._show(base="summary")
        self._speak_summary()
        if mode == "always" and self.summary:
            self._print_receipt()

    def _speak_summary(self) -> None:
        counts = {k: sum(1 for s in self.summary if s.kind == k)
                  for k in ("checkout", "renew", "refused")}
        if not self.summary:
            self._say("summary.empty")
        else:
            self._say("summary.counts", {"checkouts": counts["checkout"],
                                         "renewals": counts["renew"],
                                         "refusals": counts["refused"]})
            for n, line in enumerate(self.summary, 1):
                due = parse_ymd(line.due) or line.due
                if line.kind == "refused" and not line.title:
                    # a book refused before it was looked up: "book 2" beats nine digits
                    self._say("summary.refused.public",
                              {"n": n, "reason_msg": f"reason.{line.reason}.short"})
                elif line.kind == "refused":
                    self._say_personal("summary.refused", {"title": line.title,
                                                           "reason_msg": f"reason.{line.reason}.short"},
                                       "summary.refused.public",
                                       {"n": n, "reason_msg": f"reason.{line.reason}.short"})
                else:
                    self._say_personal(f"summary.{line.kind}", {"title": line.title, "due": due},
                                       f"summary.{line.kind}.public", {"n": n, "due": due})
        if self.receipt_offered:
            self._say("summary.receipt_question")
        self._say("summary.hint")

    def _print_receipt(self) -> None:
        lines = receipt_lines(self.settings.library_name, self.clock.today(),
                              self.summary, self.lang, self.render_text)
        self._emit("print", lines=lines)
        self._say("receipt.printing")

    def _logout_to_attract(self, why: str) -> None:
        lang = self.lang  # said in the patron's language, after the screen went back
        self._logout(why)
        self._to_attract(silent=True)
        self.speaker.say("session.timeout" if why == "timeout" else "session.ended", lang)

    def _to_attract(self, silent: bool = False) -> None:
        self._summary_deadline.clear()
        self._attract_idle.clear()
        self._clear_patron()
        self.speaker.forget()  # the summary speech named titles
        # the next patron starts with the defaults (EN 301 549 5.1.3.13 for the volume)
        self.lang = self.default_lang
        self.contrast = False
        self.help_layer = 0
        if self.volume != VOLUME_DEFAULT:
            self.volume = VOLUME_DEFAULT
            self._emit("volume", level=VOLUME_DEFAULT)
        self._reset_voice()
        self._show(base="attract", overlay=None)
        if self.headphones_in:
            self._hint_deadline.set(self.clock.now() + HEADPHONE_HINT_EVERY_S)
        if not silent:
            self._say("attract.prompt")
