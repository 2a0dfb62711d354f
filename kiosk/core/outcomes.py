"""Circulation requests and their outcomes: the scan queue, the gateway jobs, and what each
result or refusal does to the session (events, loans on screen, summary, speech).

A collaborator of Session (kiosk.core.session) over its state; answers are dispatched by
their type through one table (`_handlers`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import partial
from typing import Any

from kiosk.core import actions as act
from kiosk.core.actions import Action, Result, action_code, cue_for
from kiosk.core.clock import Clock
from kiosk.core.domain import (
    Circulation,
    LoanResult,
    Reader,
    Refused,
    RenewAllResult,
    ReturnResult,
    parse_ymd,
)
from kiosk.core.ends import SessionEnds
from kiosk.core.executor import Executor
from kiosk.core.focus import loan_item
from kiosk.core.output import Output
from kiosk.core.places import (
    RESERVED_BOX_MSG,
    RETURN_BOX_MSG,
    configured_words,
    place_words,
)
from kiosk.core.settings import SessionSettings
from kiosk.core.state import SessionState
from kiosk.core.timers import SessionTimers
from kiosk.core.view import LoanRow, Notice, SummaryLine
from kiosk.core.voice import VoiceControls

log = logging.getLogger("kiosk.core.session")

CARD_REASONS = ("unknown_card", "registration_expired", "reader_blocked")
# titles read in full at login (headphones); a reader with 30 books does not wait for all
LOGIN_TITLES_SPOKEN = 3


class CirculationOutcomes:
    def __init__(self, state: SessionState, out: Output, circ: Circulation,
                 executor: Executor, clock: Clock, timers: SessionTimers,
                 voice: VoiceControls, ends: SessionEnds, settings: SessionSettings,
                 guard: Callable[[], AbstractContextManager[None]]) -> None:
        self.settings = settings
        self.state = state
        self.out = out
        self.circ = circ
        self.executor = executor
        self.clock = clock
        self.timers = timers
        self.voice = voice
        self.ends = ends
        self.guard = guard  # the session's input wrapper: one view update per answer
        self._handlers: dict[type, Callable[[Any, str], None]] = {
            act.LoggedIn: lambda r, code: self._login(r.reader),
            act.NewCard: self._new_card,
            act.NewCardRefused: self._new_card_refused,
            act.SameCard: lambda r, code: self.out.say("account.same_card"),
            act.Lent: lambda r, code: self._loan_ok(r.loan),
            act.RenewedAll: lambda r, code: self._renew_all_done(r.result),
            act.Returned: lambda r, code: self._returned(r.result),
        }

    def do(self, action: Action) -> None:
        """Run an action now, or queue it behind the request in flight (never dropped)."""
        if self.state.flight.busy:
            self.state.flight.pending.append(action)
            return
        self._start(action)

    def _job(self, action: Action) -> Callable[[], Result] | None:
        """The gateway job for an action, or None when there is nothing to ask."""
        today = self.clock.today()
        reader = self.state.patron.reader
        if isinstance(action, act.Scan) and reader is None:
            first = act.identify_or_return if self.settings.returns == "any" \
                else act.identify_or_card_first
            return partial(first, self.circ, action.code, today)
        if reader is None:
            return None
        own = frozenset(r.barcode for r in self.state.patron.loans)
        if isinstance(action, act.Scan) and self.state.patron.returning:
            return partial(act.return_scan, self.circ, reader.card, own, action.code, today,
                           self.settings.returns != "any")
        if isinstance(action, act.Scan):
            if self._taken_now(action.code):
                return None
            return partial(act.session_scan, self.circ, reader.card, own, action.code, today)
        if isinstance(action, act.Renew):
            return partial(act.renew, self.circ, reader.card, action.barcode, today)
        if isinstance(action, act.RenewAll):
            return partial(act.renew_all, self.circ, reader.card, today)
        return None

    def _start(self, action: Action) -> None:
        if isinstance(action, act.Finish):
            self.ends.finish()
            self.next_pending()
            return
        self.out.show()  # an overlay goes: the answer is shown on the screen below
        self.state.patron.notice = None
        job = self._job(action)
        if job is None:
            self.next_pending()
            return
        self.state.flight.busy = True
        self.timers.slow.start(self.clock.now())
        self.executor.submit(job, partial(self._done, action), self._answered)

    def _answered(self, result: Any) -> None:
        """On the worker thread, the moment the gateway answered: the success/error cue goes
        to speech now, not after the screen is drawn (the bus's early lane)."""
        cue = cue_for(result)
        if cue is not None:
            self.out.bus.publish_early({"event": "cue", "name": cue})

    def _taken_now(self, code: str) -> bool:
        """A book checked out in this very session, scanned again: renewing it would only
        use up a renewal, so the patron just hears it is theirs and when it is due."""
        patron = self.state.patron
        row = next((r for r in patron.loans if r.barcode == code and r.status == "new"), None)
        if row is None:
            return False
        due = parse_ymd(row.due) or row.due
        patron.notice = Notice(kind="info", msg="checkout.already",
                               params={"title": row.title, "due": due}, code=code)
        self.out.cue("success")
        self.out.say_personal("checkout.already", {"title": row.title, "due": due},
                              "checkout.already.public", {"due": due})
        self.out.show()
        return True

    def _done(self, action: Action, result: Any) -> None:
        flight = self.state.flight
        with self.guard():
            flight.busy = False
            self.timers.slow.stop()
            flight.heard_cue = cue_for(result)  # sent by _answered already
            try:
                self._outcome(action, result)
            except Exception:  # noqa: BLE001 - a malformed answer must not stop the kiosk
                log.exception("circulation answer could not be used")
                self.refused("gateway_unavailable", action_code(action))
            finally:
                flight.heard_cue = None
                self.next_pending()

    def next_pending(self) -> None:
        flight = self.state.flight
        if flight.pending and not flight.busy:
            self._start(flight.pending.popleft())

    def _outcome(self, action: Action, result: Any) -> None:
        code = action_code(action)
        if isinstance(result, Refused):
            self.refused(result.reason, code or result.code)  # the code the patron scanned
        elif isinstance(result, BaseException):
            # A bug or a broken link in the gateway: never a crash, never raw text.
            log.warning("circulation request failed: %s", type(result).__name__)
            self.refused("gateway_unavailable", code)
        else:
            self._handlers[type(result)](result, code)

    def _new_card(self, result: act.NewCard, code: str) -> None:
        recent = {c: t for c, t in self.state.patron.recent.items() if c == code}
        self.ends.logout("new_card")
        self.state.patron.recent = recent  # still guard the new card against a double read
        self._login(result.reader)

    def _new_card_refused(self, result: act.NewCardRefused, code: str) -> None:
        self.ends.logout("new_card")
        self.ends.to_attract(silent=True)
        self.refused(result.refused.reason, result.refused.code or code)

    def refused(self, reason: str, code: str) -> None:
        patron = self.state.patron
        self.out.emit("refused", code=code, reason=reason)
        is_card = patron.reader is None or reason in CARD_REASONS
        patron.notice = Notice(kind="refused", msg=f"reason.{reason}",
                               code="" if is_card else code)
        if patron.reader is not None and not is_card:
            title = next((r.title for r in patron.loans if r.barcode == code), "")
            self.note(SummaryLine("refused", code, title, reason=reason))
        self.out.cue("error")
        self.out.say(f"reason.{reason}")

    def _login(self, reader: Reader) -> None:
        now = self.clock.now()
        recent = self.state.patron.recent
        self.state.clear_patron()
        patron = self.state.patron
        patron.recent = recent  # the double-read guard spans the login
        patron.reader = reader
        patron.loans = [LoanRow(x.barcode, x.title, x.due, x.overdue, x.renewals)
                        for x in reader.loans]
        self.timers.inactivity.start(now)
        self.timers.hint.clear()
        self.timers.summary.clear()
        self.timers.attract_idle.clear()
        self.out.emit("login", reader=reader.card)
        self.out.show(base="account")
        self.out.cue("success")
        self.out.say_personal("account.greeting", {"name": reader.first_name},
                              "account.greeting.public")
        self._say_waiting(reader)
        if self.state.prefs.headphones_in:
            loans = patron.loans
            self.out.say("account.loans.count", {"count": len(loans)}, private=True)
            # overdue books first: they are what the reader must hear; the rest are one
            # Down key away each (the focus reads every loan in full)
            first = sorted(enumerate(loans, 1), key=lambda pair: not pair[1].overdue)
            for n, row in first[:LOGIN_TITLES_SPOKEN]:
                item = loan_item(row, n, len(loans), headphones=True)
                self.out.say(item.msg, item.params, item.private)
            if len(loans) > LOGIN_TITLES_SPOKEN:
                self.out.say("account.loans.more", {"count": len(loans) - LOGIN_TITLES_SPOKEN},
                             private=True)
        self.out.say("account.hint")
        self.voice.guidance_arm()

    def _say_waiting(self, reader: Reader) -> None:
        """Their reserved books put aside for them: the title only in headphones; where to
        collect it on the loudspeaker too (the screen shows both)."""
        patron = self.state.patron
        patron.waiting = reader.waiting
        for w in reader.waiting:
            place = place_words(w.place)
            self.out.say_personal("account.waiting", {"title": w.title, "place_msg": place},
                                  "account.waiting.public", {"place_msg": place})

    def _returned(self, r: ReturnResult) -> None:
        """A book given back: off the loans, on the summary, and where to put it now; a
        copy someone reserved goes to the reserved box (the event tells staff)."""
        patron = self.state.patron
        title = r.title or next((x.title for x in patron.loans if x.barcode == r.barcode), "")
        patron.loans = [x for x in patron.loans if x.barcode != r.barcode]
        if patron.reader is not None:
            self.note(SummaryLine("return", r.barcode, title))
        reserved = r.reserved is not None
        fields = {"reserved": True} if reserved else {}
        self.out.emit("return", barcode=r.barcode, ok=True, **fields)
        s = self.settings
        where = configured_words(s.reserved_place, RESERVED_BOX_MSG) if reserved \
            else configured_words(s.return_place, RETURN_BOX_MSG)
        patron.notice = Notice(kind="success", msg="return.ok",
                               params={"title": title, "where_msg": where}, code=r.barcode)
        self.out.cue("success")
        self.out.say_personal("return.ok", {"title": title, "title_lang": r.language,
                                            "where_msg": where},
                              "return.ok.public", {"where_msg": where})

    def _loan_ok(self, r: LoanResult) -> None:
        patron = self.state.patron
        patron.waiting = tuple(w for w in patron.waiting if w.barcode != r.barcode)
        loans = patron.loans
        due = parse_ymd(r.due) or r.due
        index = next((i for i, row in enumerate(loans) if row.barcode == r.barcode), None)
        if r.renewed or index is not None:
            if index is not None:
                old = loans[index]
                loans[index] = LoanRow(old.barcode, r.title or old.title, r.due, False,
                                       old.renewals + 1, "renewed")
            else:
                loans.insert(0, LoanRow(r.barcode, r.title, r.due, False, 1, "renewed"))
            self.note(SummaryLine("renew", r.barcode, r.title, r.due))
            self.out.emit("renew", barcode=r.barcode, due=r.due, ok=True)
            msg = "renew.ok"
        else:
            loans.insert(0, LoanRow(r.barcode, r.title, r.due, False, 0, "new"))
            self.note(SummaryLine("checkout", r.barcode, r.title, r.due))
            self.out.emit("checkout", barcode=r.barcode, due=r.due, ok=True)
            msg = "checkout.ok"
        self.state.patron.notice = Notice(kind="success", msg=msg,
                                          params={"title": r.title, "due": due}, code=r.barcode)
        self.out.cue("success")
        self.out.say_personal(msg, {"title": r.title, "title_lang": r.language, "due": due},
                              f"{msg}.public", {"due": due})

    def note(self, line: SummaryLine) -> None:
        """One summary line per book, the outcome that matters to the patron: a success
        replaces an earlier refusal; a renewal of a book taken this session stays a
        checkout with the new due date; a later refusal never hides a success."""
        summary = self.state.patron.summary
        for i, old in enumerate(summary):
            if old.barcode != line.barcode:
                continue
            if line.kind == "refused" and old.kind != "refused":
                return
            if old.kind == "checkout" and line.kind == "renew":
                line = SummaryLine("checkout", line.barcode, line.title or old.title, line.due)
            summary[i] = line
            return
        summary.append(line)

    def _renew_all_done(self, result: RenewAllResult) -> None:
        loans = self.state.patron.loans
        for r in result.renewed:
            index = next((i for i, x in enumerate(loans) if x.barcode == r.barcode), None)
            old_title = ""
            if index is not None:
                old = loans[index]
                old_title = old.title
                loans[index] = LoanRow(old.barcode, old.title, r.due, False,
                                       old.renewals + 1, "renewed")
            self.note(SummaryLine("renew", r.barcode, r.title or old_title, r.due))
            self.out.emit("renew", barcode=r.barcode, due=r.due, ok=True)
        for refusal in result.refused:
            self.out.emit("refused", code=refusal.code, reason=refusal.reason)
            title = next((x.title for x in loans if x.barcode == refusal.code), "")
            self.note(SummaryLine("refused", refusal.code, title, reason=refusal.reason))
        params = {"renewed": len(result.renewed), "refused": len(result.refused)}
        kind = "success" if result.renewed else "refused"
        self.state.patron.notice = Notice(kind=kind, msg="renew_all.done", params=params)
        self.out.cue("success" if result.renewed else "error")
        self.out.say("renew_all.done", params)
        for reason in sorted({r.reason for r in result.refused}):
            self.out.say(f"reason.{reason}")
