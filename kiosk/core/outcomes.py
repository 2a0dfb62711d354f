"""Circulation requests and their outcomes: the scan queue, the gateway jobs, and what each
result or refusal does to the session (events, loans on screen, summary, speech).

A mixin of Session (kiosk.core.session): it works on the session's state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from kiosk.core.domain import (
    Circulation,
    LoanResult,
    Reader,
    Refused,
    RenewAllResult,
    parse_ymd,
)
from kiosk.core.focus import loan_item
from kiosk.core.view import LoanRow, Notice, SummaryLine

log = logging.getLogger("kiosk.core.session")

# An action waiting for the gateway: ("scan", code) | ("renew_all",) | ("renew", barcode)
# | ("finish",).
Action = tuple[str, ...]
CARD_REASONS = ("unknown_card", "registration_expired", "reader_blocked")


class CirculationOutcomes:
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
        elif kind == "scan" and reader is not None and self._taken_now(action[1]):
            self._next_pending()
            return
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
        self.executor.submit(job, partial(self._done, action), self._answered)

    def _answered(self, result: Any) -> None:
        """On the worker thread, the moment the gateway answered: the success/error cue goes
        to speech now, not after the screen is drawn (the bus's early lane)."""
        cue = cue_for(result)
        if cue is not None:
            self.bus.publish_early({"event": "cue", "name": cue})

    def _taken_now(self, code: str) -> bool:
        """A book checked out in this very session, scanned again: renewing it would only
        use up a renewal, so the patron just hears it is theirs and when it is due."""
        row = next((r for r in self.loans if r.barcode == code and r.status == "new"), None)
        if row is None:
            return False
        due = parse_ymd(row.due) or row.due
        self.notice = Notice(kind="info", msg="checkout.already",
                             params={"title": row.title, "due": due}, code=code)
        self._cue("success")
        self._say_personal("checkout.already", {"title": row.title, "due": due},
                           "checkout.already.public", {"due": due})
        self._show()
        return True

    def _done(self, action: Action, result: Any) -> None:
        with self._input():
            self._busy = False
            self._heard_cue = cue_for(result)  # sent by _answered already
            try:
                self._outcome(action, result)
            except Exception:  # noqa: BLE001 - a malformed answer must not stop the kiosk
                log.exception("circulation answer could not be used")
                self._refused("gateway_unavailable", action[1] if len(action) > 1 else "")
            finally:
                self._heard_cue = None
                self._next_pending()

    def _next_pending(self) -> None:
        if self._pending and not self._busy:
            self._start(self._pending.popleft())

    def _outcome(self, action: Action, result: Any) -> None:
        code = action[1] if len(action) > 1 else ""
        if isinstance(result, Refused):
            self._refused(result.reason, code or result.code)  # the code the patron scanned
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
        is_card = self.reader is None or reason in CARD_REASONS
        self.notice = Notice(kind="refused", msg=f"reason.{reason}", code="" if is_card else code)
        if self.reader is not None and not is_card:
            title = next((r.title for r in self.loans if r.barcode == code), "")
            self._note(SummaryLine("refused", code, title, reason=reason))
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
        self._attract_idle.clear()
        self._emit("login", reader=reader.card)
        self._show(base="account")
        self._cue("success")
        self._say_personal("account.greeting", {"name": reader.first_name},
                           "account.greeting.public")
        if self.headphones_in:
            self._say("account.loans.count", {"count": len(self.loans)}, private=True)
            for n, row in enumerate(self.loans, 1):
                item = loan_item(row, n, len(self.loans), headphones=True)
                self._say(item.msg, item.params, private=True)
        self._say("account.hint")
        self._guidance_arm()

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
            self._note(SummaryLine("renew", r.barcode, r.title, r.due))
            self._emit("renew", barcode=r.barcode, due=r.due, ok=True)
            msg = "renew.ok"
        else:
            self.loans.insert(0, LoanRow(r.barcode, r.title, r.due, False, 0, "new"))
            self._note(SummaryLine("checkout", r.barcode, r.title, r.due))
            self._emit("checkout", barcode=r.barcode, due=r.due, ok=True)
            msg = "checkout.ok"
        self.notice = Notice(kind="success", msg=msg, params={"title": r.title, "due": due},
                             code=r.barcode)
        self._cue("success")
        self._say_personal(msg, {"title": r.title, "title_lang": r.language, "due": due},
                           f"{msg}.public", {"due": due})

    def _note(self, line: SummaryLine) -> None:
        """One summary line per book, the outcome that matters to the patron: a success
        replaces an earlier refusal; a renewal of a book taken this session stays a
        checkout with the new due date; a later refusal never hides a success."""
        for i, old in enumerate(self.summary):
            if old.barcode != line.barcode:
                continue
            if line.kind == "refused" and old.kind != "refused":
                return
            if old.kind == "checkout" and line.kind == "renew":
                line = SummaryLine("checkout", line.barcode, line.title or old.title, line.due)
            self.summary[i] = line
            return
        self.summary.append(line)

    def _renew_all_done(self, result: RenewAllResult) -> None:
        for r in result.renewed:
            index = next((i for i, x in enumerate(self.loans) if x.barcode == r.barcode), None)
            if index is not None:
                old = self.loans[index]
                self.loans[index] = LoanRow(old.barcode, old.title, r.due, False,
                                            old.renewals + 1, "renewed")
            self._note(SummaryLine("renew", r.barcode, r.title or old_title(self, r.barcode), r.due))
            self._emit("renew", barcode=r.barcode, due=r.due, ok=True)
        for refusal in result.refused:
            self._emit("refused", code=refusal.code, reason=refusal.reason)
            title = next((x.title for x in self.loans if x.barcode == refusal.code), "")
            self._note(SummaryLine("refused", refusal.code, title, reason=refusal.reason))
        params = {"renewed": len(result.renewed), "refused": len(result.refused)}
        kind = "success" if result.renewed else "refused"
        self.notice = Notice(kind=kind, msg="renew_all.done", params=params)
        self._cue("success" if result.renewed else "error")
        self._say("renew_all.done", params)
        reasons = sorted({r.reason for r in result.refused})
        for reason in reasons:
            self._say(f"reason.{reason}")


def cue_for(result: Any) -> str | None:
    """The cue an answer of the gateway gets (the first cue its outcome emits)."""
    if isinstance(result, BaseException):
        return "error"
    tag = result[0]
    if tag in ("login", "new_card", "loan"):
        return "success"
    if tag == "new_card_refused":
        return "error"
    if tag == "renew_all":
        return "success" if result[1].renewed else "error"
    return None


def old_title(session: Any, barcode: str) -> str:
    return next((x.title for x in session.loans if x.barcode == barcode), "")


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
