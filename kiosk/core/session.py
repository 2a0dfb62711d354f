"""The kiosk session: one state machine on one clock. Pure Python.

API (for the UI, speech, staff layer and the script runner)
-----------------------------------------------------------
    session = Session(circulation, config, clock, bus, executor=SyncExecutor(),
                      render_speech=None)      # None = kiosk.core.messages.default_render_speech
    session.start()                            # publishes the first screen (attract)
    session.on_view(listener)                  # listener(View) after every change
    session.view                               # the current View snapshot (kiosk.core.view)

Inputs (call them on one thread, the UI thread):
    scan(code)            a scanned code (card or book)
    key(name)             up, down, select, back, help, repeat, volume_up, volume_down, language
    tap(widget_id)        a touch on a widget of the current screen (ids: View.focus[i].id);
                          taps on ids not on the current screen are ignored
    touch()               a touch anywhere else: counts as activity (ends a timeout warning)
    call()                the staff-call button
    staff_ack()           staff answered the alert (or alert_changed(state) from the staff layer)
    headphones(plugged)   the headphone-jack switch
    tick()                check deadlines: call it a few times a second (app) or after every
                          virtual-time step (scripts: use kiosk.core.harness.advance, which stops
                          at every deadline so events carry their exact times)
    next_deadline()       the next session-clock time something is due (or None)

Outputs: events on the bus (contracts.md transcript, plus {"event":"volume","level":n}).
`say` events: {"event":"say","lang","text","private","msg"}; text comes from
render_speech(msg_id, params, lang). The speech layer stops speaking on any new say/cue.

Screens: attract, account, summary, help (overlay), language (overlay). View.focus is the
ordered focus list of the screen; widget labels are message ids "label.<id>" and what speech
says on focus is "focus.<id>". A refusal or confirmation is View.notice
(msg "reason.<code>" or "checkout.ok"/"renew.ok"..., params with dates as datetime.date;
show it with kiosk.core.messages.display_text).

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
from functools import partial
from typing import Any

from kiosk.config import Config
from kiosk.core.clock import Clock
from kiosk.core.domain import (
    Circulation,
    LoanResult,
    Reader,
    Refused,
    RenewAllResult,
    format_ymd,
    parse_ymd,
)
from kiosk.core.events import EventBus
from kiosk.core.executor import Executor, SyncExecutor
from kiosk.core.focus import LANGUAGE_IDS, focus_items
from kiosk.core.messages import RenderSpeech, default_render_speech
from kiosk.core.receipt import receipt_lines
from kiosk.core.speaker import Speaker
from kiosk.core.timers import Deadline, InactivityTimer
from kiosk.core.view import LoanRow, Notice, SummaryLine, View
from kiosk.locale import LANGUAGES, next_language

log = logging.getLogger(__name__)

KEYS: tuple[str, ...] = ("up", "down", "select", "back", "help", "repeat", "volume_up",
                         "volume_down", "language")
VOLUME_MIN, VOLUME_MAX, VOLUME_DEFAULT = 1, 10, 6
HELP_LAYERS = 3
EDGE_LAYERS = 3
HEADPHONE_HINT_EVERY_S = 15.0
ALERT_STATES = ("raised", "acknowledged", "escalated", "resolved")

# An action waiting for the gateway: ("scan", code) | ("renew_all",) | ("renew", barcode)
# | ("finish",).
Action = tuple[str, ...]


class Session:
    def __init__(
        self,
        circulation: Circulation,
        config: Config,
        clock: Clock,
        bus: EventBus,
        executor: Executor | None = None,
        render_speech: RenderSpeech | None = None,
    ) -> None:
        self.circ = circulation
        self.config = config
        self.clock = clock
        self.bus = bus
        self.executor = executor or SyncExecutor()
        self.speaker = Speaker(bus, render_speech or default_render_speech)
        s = config.session
        self.inactivity = InactivityTimer(s.timeout_s, s.warning_s)
        self._summary_deadline = Deadline()
        self._hint_deadline = Deadline()
        self._attract_idle = Deadline()  # attract left changed (help, language, notice)
        lang = config.kiosk.default_language
        self.default_lang = lang if lang in LANGUAGES else "kk"
        self._view_listeners: list[Callable[[View], None]] = []
        self._alert_handler: Callable[[], None] | None = None
        self._depth = 0
        # kiosk-wide state (survives sessions)
        self.headphones_in = False
        self.alert_state: str | None = None
        self._busy = False
        self._pending: deque[Action] = deque()
        self._shown_screen = ""
        self.lang = self.default_lang
        self.contrast = False
        self.volume = VOLUME_DEFAULT
        self.base = "attract"
        self.overlay: str | None = None
        self.help_layer = 0
        self._clear_patron()
        self.view = self._build_view()

    # ---------------------------------------------------------------- state
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
                           receipt_offered=self.receipt_offered)

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
            self._summary_deadline.set(now + self.config.session.summary_timeout_s)

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
            now = self.clock.now()
            window = self.config.session.double_scan_s
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
                    self._hint_deadline.set(self.clock.now() + HEADPHONE_HINT_EVERY_S)
            else:
                self._hint_deadline.clear()
                self._say("headphones.out")

    def next_deadline(self) -> float | None:
        times = [t for t in (self.inactivity.next_deadline(), self._summary_deadline.at,
                             self._hint_deadline.at, self._attract_idle.at) if t is not None]
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
            if self._summary_deadline.due(now):
                self._to_attract(silent=True)
            if self._attract_idle.due(now):
                self._attract_idle.clear()
                if self.reader is None and self.base == "attract" and not self._busy:
                    self._to_attract(silent=True)  # the next patron finds the defaults
            if self._hint_deadline.due(now):
                if self.headphones_in and self.screen == "attract":
                    self._say("attract.headphones")
                    self._hint_deadline.set(now + HEADPHONE_HINT_EVERY_S)
                else:
                    self._hint_deadline.clear()

    # ---------------------------------------------------------------- circulation
    def _do(self, action: Action) -> None:
        """Run an action now, or queue it behind the request in flight (never dropped)."""
        if self._busy:
            self._pending.append(action)
            return
        self._start(action)

    def _start(self, action: Action) -> None:
        today = self.clock.today()
        kind = action[0]
        if kind == "finish":
            self._finish()
            self._next_pending()
            return
        self.overlay = None
        self._show()
        self.notice = None
        reader = self.reader
        job: Callable[[], Any]
        if kind == "scan" and reader is None:
            job = partial(_identify_or_card_first, self.circ, action[1], today)
        elif kind == "scan" and reader is not None:
            own = frozenset(r.barcode for r in self.loans)
            job = partial(_session_scan, self.circ, reader.card, own, action[1], today)
        elif kind == "renew" and reader is not None:
            job = partial(_tagged, "loan", self.circ.renew, reader.card, action[1], today)
        elif kind == "renew_all" and reader is not None:
            job = partial(_tagged, "renew_all", self.circ.renew_all, reader.card, today)
        else:
            self._next_pending()
            return
        self._busy = True
        self.executor.submit(job, partial(self._done, action))

    def _done(self, action: Action, result: Any) -> None:
        with self._input():
            self._busy = False
            try:
                self._outcome(action, result)
            finally:
                self._next_pending()

    def _next_pending(self) -> None:
        if self._pending and not self._busy:
            self._start(self._pending.popleft())

    def _outcome(self, action: Action, result: Any) -> None:
        code = action[1] if len(action) > 1 else ""
        if isinstance(result, Refused):
            self._refused(result.reason, result.code or code)
        elif isinstance(result, BaseException):
            # A bug or a broken link in the gateway: never a crash, never raw text.
            log.warning("circulation request failed: %s", type(result).__name__)
            self._refused("gateway_unavailable", code)
        elif result[0] == "login":
            self._login(result[1])
        elif result[0] == "new_card":
            recent = {c: t for c, t in self._recent.items() if c == code}
            self._logout("new_card")
            self._recent = recent  # still guard the new card against a double read
            self._login(result[1])
        elif result[0] == "new_card_refused":
            self._logout("new_card")
            self._to_attract(silent=True)
            self._refused(result[1].reason, result[1].code or code)
        elif result[0] == "same_card":
            self._say("account.same_card")
        elif result[0] == "loan":
            self._loan_ok(result[1])
        elif result[0] == "renew_all":
            self._renew_all_done(result[1])

    def _refused(self, reason: str, code: str) -> None:
        self._emit("refused", code=code, reason=reason)
        is_card = self.reader is None or reason in ("unknown_card", "registration_expired",
                                                    "reader_blocked")
        self.notice = Notice(kind="refused", msg=f"reason.{reason}", code="" if is_card else code)
        if self.reader is not None and not is_card:
            title = next((r.title for r in self.loans if r.barcode == code), "")
            self.summary.append(SummaryLine("refused", code, title, reason=reason))
        self._cue("error")
        self._say(f"reason.{reason}")

    def _login(self, reader: Reader) -> None:
        now = self.clock.now()
        recent = self._recent
        self._clear_patron()
        self._recent = recent  # the double-read guard spans the login
        self.reader = reader
        self.loans = [LoanRow(x.barcode, x.title, x.due, x.overdue, x.renewals)
                      for x in reader.loans]
        self.inactivity.start(now)
        self._hint_deadline.clear()
        self._summary_deadline.clear()
        self._emit("login", reader=reader.card)
        self._show(base="account")
        self._cue("success")
        self._say_personal("account.greeting", {"name": reader.first_name},
                           "account.greeting.public")
        if self.headphones_in:
            self._say("account.loans.count", {"count": len(self.loans)}, private=True)
            for n, row in enumerate(self.loans, 1):
                item = focus_items("account", loans=[row], headphones=True)[2]
                self._say(item.msg, {**item.params, "n": n, "count": len(self.loans)},
                          private=True)
        self._say("account.hint")

    def _loan_ok(self, r: LoanResult) -> None:
        due = parse_ymd(r.due) or r.due
        index = next((i for i, row in enumerate(self.loans) if row.barcode == r.barcode), None)
        if r.renewed or index is not None:
            if index is not None:
                old = self.loans[index]
                self.loans[index] = LoanRow(old.barcode, r.title or old.title, r.due, False,
                                            old.renewals + 1, "renewed")
            else:
                self.loans.insert(0, LoanRow(r.barcode, r.title, r.due, False, 1, "renewed"))
            self.summary.append(SummaryLine("renew", r.barcode, r.title, r.due))
            self._emit("renew", barcode=r.barcode, due=r.due, ok=True)
            msg = "renew.ok"
        else:
            self.loans.insert(0, LoanRow(r.barcode, r.title, r.due, False, 0, "new"))
            self.summary.append(SummaryLine("checkout", r.barcode, r.title, r.due))
            self._emit("checkout", barcode=r.barcode, due=r.due, ok=True)
            msg = "checkout.ok"
        self.notice = Notice(kind="success", msg=msg, params={"title": r.title, "due": due},
                             code=r.barcode)
        self._cue("success")
        self._say_personal(msg, {"title": r.title, "due": due}, f"{msg}.public", {"due": due})

    def _renew_all_done(self, result: RenewAllResult) -> None:
        for r in result.renewed:
            index = next((i for i, x in enumerate(self.loans) if x.barcode == r.barcode), None)
            if index is not None:
                old = self.loans[index]
                self.loans[index] = LoanRow(old.barcode, old.title, r.due, False,
                                            old.renewals + 1, "renewed")
            self.summary.append(SummaryLine("renew", r.barcode, r.title, r.due))
            self._emit("renew", barcode=r.barcode, due=r.due, ok=True)
        for refusal in result.refused:
            self._emit("refused", code=refusal.code, reason=refusal.reason)
            title = next((x.title for x in self.loans if x.barcode == refusal.code), "")
            self.summary.append(SummaryLine("refused", refusal.code, title,
                                            reason=refusal.reason))
        params = {"renewed": len(result.renewed), "refused": len(result.refused)}
        kind = "success" if result.renewed else "refused"
        self.notice = Notice(kind=kind, msg="renew_all.done", params=params)
        self._cue("success" if result.renewed else "error")
        self._say("renew_all.done", params)
        reasons = sorted({r.reason for r in result.refused})
        for reason in reasons:
            self._say(f"reason.{reason}")

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
        self.speaker.forget()

    def _finish(self) -> None:
        if self.reader is None:
            return
        self._logout("user")
        now = self.clock.now()
        mode = self.config.session.receipt
        self.receipt_offered = mode == "ask" and bool(self.summary)
        self.notice = None
        self._summary_deadline.set(now + self.config.session.summary_timeout_s)
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
                if line.kind == "refused":
                    self._say_personal("summary.refused", {"title": line.title or line.barcode,
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
        lines = receipt_lines(self.config.kiosk.library_name, self.clock.today(),
                              self.summary, self.lang)
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
        self._show(base="attract", overlay=None)
        if self.headphones_in:
            self._hint_deadline.set(self.clock.now() + HEADPHONE_HINT_EVERY_S)
        if not silent:
            self._say("attract.prompt")

    # ---------------------------------------------------------------- activation
    def _activate(self, widget_id: str) -> None:
        if widget_id.startswith("loan:"):
            self._do(("renew", widget_id[5:]))
        elif widget_id in LANGUAGE_IDS:
            self._set_language(widget_id.removeprefix("language_"))
        else:
            getattr(self, f"_act_{widget_id}")()

    def _act_finish(self) -> None:
        self._do(("finish",))

    def _act_renew_all(self) -> None:
        if not self.loans:
            self._say("renew_all.none")
            return
        self._do(("renew_all",))

    def _act_call_staff(self) -> None:
        self._call_staff()

    def _act_help(self) -> None:
        self._key_help()

    def _act_back(self) -> None:
        self._key_back()

    def _act_language(self) -> None:
        self._show(overlay="language")
        self._say("language.prompt")

    def _act_contrast(self) -> None:
        self.contrast = not self.contrast
        self._say("contrast.on" if self.contrast else "contrast.off")

    def _act_receipt_yes(self) -> None:
        if self.receipt_offered:
            self.receipt_offered = False
            self.focus_id = "done"
            self._print_receipt()

    def _act_receipt_no(self) -> None:
        if self.receipt_offered:
            self.receipt_offered = False
            self.focus_id = "done"
            self._say("receipt.none")

    def _act_done(self) -> None:
        self._say("summary.bye")
        self._to_attract(silent=True)

    def _set_language(self, lang: str) -> None:
        if lang in LANGUAGES:
            self.lang = lang
            self._say("language.current")

    def _call_staff(self) -> None:
        if self._alert_handler is not None:
            self._alert_handler()
        elif self.alert_state in ("raised", "escalated"):
            self._cue("attention")
            self._say("staff.raised")
        else:
            self.alert_changed("raised")

    # ---------------------------------------------------------------- keys
    def _move(self, step: int) -> None:
        focus = self._focus()
        ids = [f.id for f in focus]
        if not focus:
            self._cue("edge")
            return
        index = ids.index(self.focus_id) if self.focus_id in ids else -1
        target = 0 if index == -1 else index + step
        if 0 <= target < len(focus):
            self._edge = ("", 0)
            self.focus_id = ids[target]
            self._cue("move")
            item = focus[target]
            self._say(item.msg, item.params, item.private)
            return
        side = "top" if step < 0 else "bottom"
        count = self._edge[1] + 1 if self._edge[0] == side else 1
        self._edge = (side, count)
        self._cue("edge")
        self._say(f"edge.{side}.{min(count, EDGE_LAYERS)}")

    def _key_up(self) -> None:
        self._move(-1)

    def _key_down(self) -> None:
        self._move(+1)

    def _key_select(self) -> None:
        focused = self.focus_id if self.focus_id in [f.id for f in self._focus()] else None
        if focused is None:
            self._say("nav.nothing_focused")
            return
        self._activate(focused)

    def _key_back(self) -> None:
        if self.overlay is not None:
            self._show(overlay=None)
            self.help_layer = 0
            self._say(f"screen.{self.base}")
        elif self.notice is not None:
            self.notice = None
            self._say("notice.closed")
        elif self.base == "account":
            self._do(("finish",))
        elif self.base == "summary":
            self._act_done()
        else:
            self._say("attract.prompt")

    def _key_help(self) -> None:
        if self.overlay == "help":
            self.help_layer = self.help_layer % HELP_LAYERS + 1
        else:
            self.help_layer = 1
            self._show(overlay="help")
        self._say(f"help.{self.base}.{self.help_layer}")

    def _key_repeat(self) -> None:
        if not self.speaker.repeat(self.lang, self.headphones_in):
            self._say(f"screen.{self.screen}")

    def _key_volume_up(self) -> None:
        self._volume(+1)

    def _key_volume_down(self) -> None:
        self._volume(-1)

    def _volume(self, step: int) -> None:
        level = min(VOLUME_MAX, max(VOLUME_MIN, self.volume + step))
        if level != self.volume:
            self.volume = level
            self._emit("volume", level=level)
        if level == VOLUME_MAX:
            self._say("volume.loudest")
        elif level == VOLUME_MIN:
            self._say("volume.quietest")
        else:
            self._say("volume.louder" if step > 0 else "volume.quieter")

    def _key_language(self) -> None:
        self._set_language(next_language(self.lang))


# -------------------------------------------------------------------- jobs (worker thread)
def _tagged(tag: str, fn: Callable[..., Any], *args: Any) -> tuple[str, Any]:
    return (tag, fn(*args))


def _identify_or_card_first(circ: Circulation, code: str, today: Any) -> tuple[str, Any]:
    try:
        return ("login", circ.identify(code, today))
    except Refused as e:
        if e.reason == "unknown_card" and circ.is_item(code):
            raise Refused("card_first", code) from None
        raise


def _session_scan(circ: Circulation, card: str, own: frozenset[str], code: str,
                  today: Any) -> tuple[str, Any]:
    if code == card:
        return ("same_card", None)
    if code in own:
        return ("loan", circ.renew(card, code, today))
    if circ.is_reader(code):
        try:
            return ("new_card", circ.identify(code, today))
        except Refused as e:
            return ("new_card_refused", e)
    return ("loan", circ.checkout(card, code, today))
