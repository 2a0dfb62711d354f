"""Staff alerts kept in SQLite, so that a restart (kill -9, power cut) loses none.

Kiosk and call point (`KioskAlertStore`, a file beside the journal):
    open_alert   the open alert, restored into the AlertManager on start (same id; its
                 escalation clock counts the time the kiosk was down)
    outbox       the latest alert message per topic until the broker confirmed it (PUBACK);
                 sent again on start when the restored alert does not supersede it
Console (`ConsoleStore`, its own file):
    alerts       every alert the console shows (open ones and today's), with staff's
                 pending commands, restored into the hub on start
    responses    one row per answered alert: raise -> acknowledge time, who; kept for the
                 daily statistics

Every write commits at once (synchronous=FULL): what was confirmed survives a power cut.
No patron data is in any of these: alerts never carry a name or a card.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.staff import messages
from kiosk.system.database import open_database

if TYPE_CHECKING:
    from kiosk.staff.alerts import Alert, AlertManager
    from kiosk.staff.mqtt import MqttNotifier

log = logging.getLogger(__name__)


class _Db:
    SCHEMA = ""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = open_database(path)
        self._db.executescript(self.SCHEMA)

    def _exec(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()


class KioskAlertStore(_Db):
    SCHEMA = """
        CREATE TABLE IF NOT EXISTS open_alert (kiosk TEXT PRIMARY KEY, data TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS outbox (
            topic TEXT PRIMARY KEY, payload TEXT NOT NULL, delivered INTEGER NOT NULL DEFAULT 0);
    """

    # -- the open alert ----------------------------------------------------------------
    def save_open(self, kiosk: str, alert: dict[str, Any]) -> None:
        self._exec("INSERT OR REPLACE INTO open_alert VALUES (?, ?)", (kiosk, json.dumps(alert)))

    def clear_open(self, kiosk: str) -> None:
        self._exec("DELETE FROM open_alert WHERE kiosk = ?", (kiosk,))

    def load_open(self, kiosk: str) -> dict[str, Any] | None:
        rows = self._exec("SELECT data FROM open_alert WHERE kiosk = ?", (kiosk,))
        if not rows:
            return None
        try:
            data = messages.check("alert", json.loads(rows[0][0]))
        except (ValueError, messages.Invalid):
            log.warning("the stored open alert does not fit; dropped")
            return None
        return data if data["state"] != "resolved" else None

    # -- the outbox --------------------------------------------------------------------
    def put(self, topic: str, payload: str) -> None:
        self._exec("INSERT OR REPLACE INTO outbox VALUES (?, ?, 0)", (topic, payload))

    def delivered(self, topic: str, payload: str) -> None:
        self._exec("UPDATE outbox SET delivered = 1 WHERE topic = ? AND payload = ?", (topic, payload))

    def undelivered(self) -> list[tuple[str, str]]:
        return [(t, p) for t, p in self._exec("SELECT topic, payload FROM outbox WHERE delivered = 0")]


def keep_open_alert(manager: AlertManager, store: KioskAlertStore) -> Callable[[], None]:
    """Keep the manager's open alert in the store (an AlertManager listener)."""

    def listener(event: dict[str, Any]) -> None:
        try:
            if event.get("state") == "resolved":
                store.clear_open(manager.kiosk_id)
            elif manager.current is not None:
                store.save_open(manager.kiosk_id, manager.current.to_dict())
        except Exception:  # noqa: BLE001 - the alert still goes out
            log.exception("could not keep the open alert")

    return manager.on_change(listener)


def resume(manager: AlertManager, store: KioskAlertStore, notifier: MqttNotifier | None) -> Alert | None:
    """On start, after every listener is attached: the alert the last run left open is open
    again (and published anew); else what the broker never confirmed is sent again."""
    data = store.load_open(manager.kiosk_id)
    restored = manager.restore(data) if data is not None else None
    if restored is not None:
        log.info("alert %s from before the restart is open again (%s)", restored.id, restored.state)
    elif notifier is not None:
        notifier.resend_undelivered()
    return restored


class ConsoleStore(_Db):
    SCHEMA = """
        CREATE TABLE IF NOT EXISTS alerts (id TEXT PRIMARY KEY, data TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS responses (
            id TEXT PRIMARY KEY, kiosk TEXT NOT NULL, reason TEXT NOT NULL,
            raised_at REAL NOT NULL, acked_at REAL NOT NULL, acked_by TEXT NOT NULL);
    """
    HUB_KEYS = ("pending", "pending_by", "seen_at", "updated_at", "why", "kiosk", "escalated_by")

    def save(self, alert: dict[str, Any]) -> None:
        self._exec("INSERT OR REPLACE INTO alerts VALUES (?, ?)", (alert["id"], json.dumps(alert)))
        acked = alert.get("acked_at")
        if isinstance(acked, (int, float)) and not isinstance(acked, bool):
            self._exec(
                "INSERT OR IGNORE INTO responses VALUES (?, ?, ?, ?, ?, ?)",
                (alert["id"], str(alert.get("kiosk", "")), str(alert.get("reason", "")),
                 float(alert["raised_at"]), float(acked), str(alert.get("acked_by", ""))),
            )

    def delete(self, alert_id: str) -> None:
        self._exec("DELETE FROM alerts WHERE id = ?", (alert_id,))

    def load(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for (raw,) in self._exec("SELECT data FROM alerts"):
            try:
                stored = json.loads(raw)
                alert = messages.merge_known(messages.check("alert", stored), stored, self.HUB_KEYS)
            except (ValueError, messages.Invalid):
                log.warning("a stored alert does not fit; dropped")
                continue
            if "kiosk" in alert:
                out[alert["id"]] = alert
        return out

    def responses(self, since: float = 0.0) -> list[dict[str, Any]]:
        rows = self._exec(
            "SELECT id, kiosk, reason, raised_at, acked_at, acked_by FROM responses "
            "WHERE raised_at >= ? ORDER BY raised_at", (since,))
        keys = ("id", "kiosk", "reason", "raised_at", "acked_at", "acked_by")
        return [dict(zip(keys, row, strict=True)) for row in rows]
