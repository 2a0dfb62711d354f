"""The life of a staff call alert: raised -> (escalated) -> acknowledged -> resolved.

One open alert per kiosk at a time: pressing the call button again while staff have not
come yet re-announces the same alert instead of opening a second one. Time comes from the
kiosk's session clock (`now()` in seconds); nothing here starts a thread or a timer: the
owner calls `tick()` as it does for the session, and escalation happens there.

An alert carries the kiosk id, the place, the time and a reason code. Never a patron's
name or card: the alert leaves the kiosk over the network.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from kiosk.core.domain import REASONS

CALL_BUTTON = "call_button"
STATES: tuple[str, ...] = ("raised", "escalated", "acknowledged", "resolved")
OPEN_STATES = frozenset({"raised", "escalated", "acknowledged"})
WAITING_STATES = frozenset({"raised", "escalated"})

Listener = Callable[[dict[str, Any]], None]


class Clock(Protocol):
    def now(self) -> float: ...


class AlertError(ValueError):
    """A staff action that does not fit the alert (unknown id, already resolved...)."""

    def __init__(self, code: str, alert_id: str = "") -> None:
        super().__init__(f"{code}: {alert_id}" if alert_id else code)
        self.code = code  # alert.unknown | alert.closed | alert.bad_reason
        self.alert_id = alert_id


@dataclass
class Alert:
    id: str
    kiosk: str
    place: str
    reason: str
    raised_at: float  # wall clock, epoch seconds (shown to staff)
    opened: float  # session clock seconds (escalation)
    state: str = "raised"
    presses: int = 1
    escalated_at: float | None = None
    acked_at: float | None = None
    acked_by: str = ""
    resolved_at: float | None = None
    resolved_by: str = ""

    @property
    def open(self) -> bool:
        return self.state in OPEN_STATES

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "kiosk": self.kiosk,
            "place": self.place,
            "reason": self.reason,
            "state": self.state,
            "raised_at": self.raised_at,
            "presses": self.presses,
        }
        if self.escalated_at is not None:
            d["escalated_at"] = self.escalated_at
        if self.acked_at is not None:
            d["acked_at"] = self.acked_at
            d["acked_by"] = self.acked_by
        if self.resolved_at is not None:
            d["resolved_at"] = self.resolved_at
            d["resolved_by"] = self.resolved_by
        return d


def _new_id(kiosk: str) -> str:
    return f"{kiosk}-{uuid.uuid4().hex[:10]}"


class AlertManager:
    """Raises, escalates, acknowledges and resolves the kiosk's staff alerts.

    Listeners receive `{"event": "alert", "state": ..., "id": ..., ...}`; a re-announce
    carries the current state with `"repeat": True`. Not thread-safe: call it from one
    thread (the app's UI thread); network callbacks hand their commands over (CommandInbox).
    """

    def __init__(
        self,
        clock: Clock,
        kiosk_id: str,
        place: str,
        escalate_after_s: float = 60.0,
        needs_staff: Iterable[str] = (),
        wall: Callable[[], float] = time.time,
        new_id: Callable[[str], str] = _new_id,
    ) -> None:
        needs = tuple(needs_staff)
        unknown = [r for r in needs if r not in REASONS]
        if unknown:
            raise AlertError("alert.bad_reason", ", ".join(unknown))
        if escalate_after_s <= 0:
            raise ValueError("escalate_after_s must be positive")
        self._clock = clock
        self.kiosk_id = kiosk_id
        self.place = place
        self.escalate_after_s = float(escalate_after_s)
        self.needs_staff = frozenset(needs)
        self._wall = wall
        self._new_id = new_id
        self._listeners: list[Listener] = []
        self._current: Alert | None = None
        self._history: list[Alert] = []

    # -- listeners ---------------------------------------------------------------------
    def on_change(self, callback: Listener) -> Callable[[], None]:
        """Call `callback(event)` on every change; returns a function that unsubscribes."""
        self._listeners.append(callback)

        def unsubscribe() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return unsubscribe

    def _emit(self, alert: Alert, repeat: bool = False, by: str = "", restored: bool = False) -> None:
        event: dict[str, Any] = {"event": "alert", **alert.to_dict()}
        if repeat:
            event["repeat"] = True
        if restored:
            event["restored"] = True
        if by:
            event["by"] = by
        for listener in list(self._listeners):
            listener(dict(event))

    # -- queries -----------------------------------------------------------------------
    @property
    def current(self) -> Alert | None:
        """The open alert (raised, escalated or acknowledged), if any."""
        return self._current

    @property
    def history(self) -> tuple[Alert, ...]:
        return tuple(self._history)

    # -- actions -----------------------------------------------------------------------
    def raise_alert(self, reason: str = CALL_BUTTON) -> Alert:
        """Open an alert, or re-announce the open one (no duplicate alert)."""
        if reason != CALL_BUTTON and reason not in REASONS:
            raise AlertError("alert.bad_reason", reason)
        alert = self._current
        if alert is not None:
            alert.presses += 1
            self._emit(alert, repeat=True)
            return alert
        alert = Alert(
            id=self._new_id(self.kiosk_id),
            kiosk=self.kiosk_id,
            place=self.place,
            reason=reason,
            raised_at=self._wall(),
            opened=self._clock.now(),
        )
        self._current = alert
        self._history.append(alert)
        self._emit(alert)
        return alert

    def refused(self, reason: str) -> Alert | None:
        """A refusal happened; call staff when the library configured it as needs-staff."""
        if reason in self.needs_staff:
            return self.raise_alert(reason)
        return None

    def acknowledge(self, alert_id: str | None, by: str = "staff") -> Alert:
        """Staff answered ("coming"). `alert_id` None means the open alert."""
        alert = self._find_open(alert_id)
        if alert.state == "acknowledged":
            return alert  # a second console click, or a replayed MQTT message
        alert.state = "acknowledged"
        alert.acked_at = self._wall()
        alert.acked_by = by
        self._emit(alert, by=by)
        return alert

    def resolve(self, alert_id: str | None, by: str = "staff") -> Alert:
        """Staff helped the patron; the alert closes. Resolving a closed alert is a no-op."""
        if alert_id is not None:
            for old in self._history:
                if old.id == alert_id and old.state == "resolved":
                    return old
        alert = self._find_open(alert_id)
        alert.state = "resolved"
        alert.resolved_at = self._wall()
        alert.resolved_by = by
        self._current = None
        self._emit(alert, by=by)
        return alert

    def restore(self, data: dict[str, Any]) -> Alert | None:
        """Open again the alert an earlier run left open (kiosk/staff/store.py): same id, and
        the time the kiosk was down counts towards escalation. Listeners hear it with
        `"restored": True`. Nothing happens when an alert is open already."""
        if self._current is not None or data.get("state") not in OPEN_STATES:
            return None
        raised_at = float(data["raised_at"])
        elapsed = max(0.0, self._wall() - raised_at)
        alert = Alert(
            id=str(data["id"]), kiosk=self.kiosk_id, place=self.place,
            reason=str(data.get("reason") or CALL_BUTTON), raised_at=raised_at,
            opened=self._clock.now() - elapsed, state=str(data["state"]),
            presses=int(data.get("presses", 1)), escalated_at=data.get("escalated_at"),
            acked_at=data.get("acked_at"), acked_by=str(data.get("acked_by", "")),
        )
        self._current = alert
        self._history.append(alert)
        self._emit(alert, restored=True)
        return alert

    def tick(self) -> None:
        """Escalate an alert nobody acknowledged within escalate_after_s."""
        alert = self._current
        if alert is None or alert.state != "raised":
            return
        if self._clock.now() - alert.opened >= self.escalate_after_s:
            alert.state = "escalated"
            alert.escalated_at = self._wall()
            self._emit(alert)

    def _find_open(self, alert_id: str | None) -> Alert:
        alert = self._current
        if alert is None:
            raise AlertError("alert.none_open", alert_id or "")
        if alert_id is not None and alert.id != alert_id:
            known = any(a.id == alert_id for a in self._history)
            raise AlertError("alert.closed" if known else "alert.unknown", alert_id)
        return alert
