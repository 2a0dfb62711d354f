"""The staff console's view of every kiosk and call point, fed by MQTT.

Subscribes to every kiosk's retained status and alert topics; keeps kiosks' health and
today's alerts; sends staff commands back. Thread-safe: paho's network thread writes, the
web server's threads read snapshots and wait for changes.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from kiosk.staff import messages
from kiosk.staff.alerts import OPEN_STATES
from kiosk.staff.messages import Rejections, topic_kiosk
from kiosk.staff.mqtt import ACTIONS, BrokerTls, apply_tls, parse_broker_url, topic
from kiosk.staff.store import ConsoleStore

log = logging.getLogger(__name__)


class CommandError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code  # console.no_such_alert | console.alert_closed | console.bad_action


def _day(epoch: float) -> str:
    return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d")


def response_summary(alerts: list[dict[str, Any]]) -> dict[str, Any]:
    """Raise -> acknowledge times of the given alerts, in seconds, with count/median/max."""
    times = sorted(
        float(a["acked_at"]) - float(a["raised_at"])
        for a in alerts
        if isinstance(a.get("acked_at"), (int, float)) and isinstance(a.get("raised_at"), (int, float))
    )
    if not times:
        return {"count": 0, "median_s": None, "max_s": None}
    mid = len(times) // 2
    median = times[mid] if len(times) % 2 else (times[mid - 1] + times[mid]) / 2
    return {"count": len(times), "median_s": round(median, 1), "max_s": round(times[-1], 1)}


class ConsoleHub:
    def __init__(
        self,
        broker_url: str,
        prefix: str = "kiosk",
        *,
        username: str = "",
        password: str = "",
        wall: Callable[[], float] = time.time,
        reconnect_min_s: float = 1.0,
        reconnect_max_s: float = 30.0,
        store: ConsoleStore | str | None = None,
        escalate_after_s: float = 0.0,
        tls: BrokerTls | None = None,
    ) -> None:
        self.host, self.port = parse_broker_url(broker_url)
        self.prefix = prefix
        self.wall = wall
        # a call still waiting this long after the console first saw it shows as escalated
        # even when the kiosk's own escalation never arrived (0 = only the kiosk's word)
        self.escalate_after_s = escalate_after_s
        self.on_change: Callable[[], None] | None = None  # e.g. the web server's loop wake-up
        self.connected = threading.Event()
        self._lock = threading.Condition()
        self._version = 0
        self._kiosks: dict[str, dict[str, Any]] = {}
        self._alerts: dict[str, dict[str, Any]] = {}
        self._stats: dict[tuple[str, str], dict[str, Any]] = {}  # (kiosk, day) -> its figures
        self.rejections = Rejections(log)
        self.store = ConsoleStore(store) if isinstance(store, str) else store
        if self.store is not None:
            self._alerts.update(self.store.load())  # open alerts and today's, as before
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"{prefix}-console-{uuid.uuid4().hex[:8]}",
            protocol=mqtt.MQTTv311,
        )
        if username:
            self.client.username_pw_set(username, password or None)
        apply_tls(self.client, broker_url, tls)
        self.client.reconnect_delay_set(reconnect_min_s, reconnect_max_s)  # type: ignore[arg-type]
        self.client.max_queued_messages_set(0)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message

    def start(self) -> None:
        self.client.connect_async(self.host, self.port, keepalive=15)
        self.client.loop_start()

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
        if self.store is not None:
            self.store.close()
        with self._lock:
            self._version += 1
            self._lock.notify_all()

    # -- reading -----------------------------------------------------------------------
    @property
    def version(self) -> int:
        return self._version

    def wait_change(self, seen_version: int, timeout_s: float) -> int:
        """Block until the state changes past `seen_version` (or timeout); new version."""
        deadline = time.monotonic() + timeout_s
        with self._lock:
            while True:
                next_due = self._escalate_due()
                if self._version != seen_version:
                    return self._version
                left = deadline - time.monotonic()
                if left <= 0:
                    return self._version
                self._lock.wait(min(left, next_due))

    def _escalate_due(self) -> float:
        """Escalate the calls waiting longer than escalate_after_s since the console saw them
        (the kiosk's own escalation may never arrive: a dead call point); caller holds the
        lock. Returns the seconds until the next one is due."""
        if self.escalate_after_s <= 0:
            return 3600.0
        now, next_due = self.wall(), 3600.0
        for a in self._alerts.values():
            if a.get("state") != "raised":
                continue
            due = float(a.get("seen_at", now)) + self.escalate_after_s - now
            if due <= 0:
                a.update(state="escalated", escalated_by="console")
                self._save(a)
                self._changed()
            else:
                next_due = min(next_due, due)
        return max(0.05, next_due)

    def snapshot(self) -> dict[str, Any]:
        now = self.wall()
        today = _day(now)
        with self._lock:
            self._escalate_due()
            alerts = [
                dict(a)
                for a in self._alerts.values()
                if a.get("state") in OPEN_STATES or _day(float(a.get("raised_at", 0))) == today
            ]
            kiosks = [dict(k) for k in self._kiosks.values()]
            version = self._version
        alerts.sort(key=lambda a: float(a.get("raised_at", 0)), reverse=True)
        kiosks.sort(key=lambda k: k["kiosk"])
        todays = [a for a in alerts if _day(float(a.get("raised_at", 0))) == today]
        return {
            "version": version,
            "now": now,
            "broker": self.connected.is_set(),
            "kiosks": kiosks,
            "alerts": alerts,
            "responses": response_summary(todays),
            "health": self.rejections.health(),
        }

    # -- staff commands ----------------------------------------------------------------
    def command(self, alert_id: str, action: str, by: str) -> dict[str, Any]:
        """Send ack/resolve to the alert's kiosk (queued while the broker is down)."""
        if action not in ACTIONS:
            raise CommandError("console.bad_action")
        with self._lock:
            alert = self._alerts.get(alert_id)
            if alert is None:
                raise CommandError("console.no_such_alert")
            if alert.get("state") not in OPEN_STATES:
                raise CommandError("console.alert_closed")
            kiosk = str(alert["kiosk"])
            offline = self._kiosks.get(kiosk, {}).get("state") == "offline"
            closed = None
            if action == "resolve" and offline:
                # nobody there to confirm: close it for every console now; the kiosk still
                # gets the command if it comes back with the alert open
                alert.update(state="resolved", resolved_at=self.wall(), resolved_by=by,
                             sent_at=self.wall(), why="kiosk_offline")
                alert.pop("pending", None)
                closed = {k: v for k, v in alert.items() if k not in ("seen_at", "updated_at")}
            else:
                alert["pending"] = action
                alert["pending_by"] = by
            self._save(alert)
            self._changed()
        self._publish_command(kiosk, alert_id, action, by)
        if closed is not None:
            payload = json.dumps(closed, ensure_ascii=False)
            self.client.publish(topic(self.prefix, kiosk, "alert"), payload, qos=1, retain=True)
        return {"id": alert_id, "kiosk": kiosk, "action": action}

    # -- paho callbacks ----------------------------------------------------------------
    def _changed(self) -> None:  # caller holds the lock
        self._version += 1
        self._lock.notify_all()
        if self.on_change is not None:
            self.on_change()

    def _on_connect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            log.warning("broker refused the console: %s", reason)
            return
        self.connected.set()
        client.subscribe([(f"{self.prefix}/+/status", 1), (f"{self.prefix}/+/alert", 1),
                          (f"{self.prefix}/+/stats/+", 1)])
        with self._lock:
            self._changed()

    def _on_disconnect(self, _c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        self.connected.clear()
        with self._lock:
            self._changed()

    def _on_message(self, _c: Any, _u: Any, msg: mqtt.MQTTMessage) -> None:
        try:
            self.receive(msg.topic, msg.payload)
        except Exception:  # noqa: BLE001 - nothing a publisher sends may stop the hub
            log.exception("message on %s not handled", msg.topic)

    def receive(self, topic_name: str, payload: bytes) -> None:
        """One MQTT message: checked against its schema, then applied (or counted and ignored)."""
        head = self.prefix + "/"
        if not topic_name.startswith(head) or "/" not in topic_name[len(head):]:
            return
        rest = topic_name[len(head):]
        day = ""
        if rest.count("/") == 2 and rest.split("/")[1] == "stats":
            kiosk_id, kind, day = rest.split("/")  # <kiosk>/stats/<YYYY-MM-DD>
        else:
            kiosk_id, kind = rest.rsplit("/", 1)
        if kind not in ("status", "alert", "stats") or (kind == "stats" and not day):
            return  # ack is ours to send
        if not payload:
            return  # a retained message being cleared
        try:
            topic_kiosk(kiosk_id)
            data = messages.decode(kind, payload)
        except messages.Invalid as e:
            self.rejections.reject(topic_name, kind, e)
            with self._lock:
                self._changed()
            return
        if kind == "stats":
            if data["day"] != day:
                self.rejections.reject(topic_name, kind, messages.Invalid("day", "not the topic's day"))
                return
            with self._lock:
                # one message per kiosk and day, replaced by a later one: never counted twice
                self._stats[(kiosk_id, day)] = {**data, "kiosk": kiosk_id}
                self._changed()
            return
        resend: list[tuple[str, str, str]] = []
        with self._lock:
            if kind == "status":
                self._status(kiosk_id, data)
                if data.get("state") == "online":
                    resend = self._pending_for(kiosk_id)
            else:
                self._alert(kiosk_id, data)
            self._changed()
        for alert_id, action, by in resend:
            # the kiosk is (back) online: repeat what it has not confirmed yet, in case the
            # broker lost it (a broker without persistence); the kiosk ignores repeats
            self._publish_command(kiosk_id, alert_id, action, by)

    def stats_days(self) -> list[dict[str, Any]]:
        """Every kiosk's daily figures received so far (copies; any thread)."""
        with self._lock:
            return [dict(d) for _, d in sorted(self._stats.items())]

    def _pending_for(self, kiosk_id: str) -> list[tuple[str, str, str]]:
        return [
            (a["id"], str(a["pending"]), str(a.get("pending_by", "")))
            for a in self._alerts.values()
            if a.get("kiosk") == kiosk_id and a.get("pending") and a.get("state") in OPEN_STATES
        ]

    def _publish_command(self, kiosk_id: str, alert_id: str, action: str, by: str) -> None:
        payload = json.dumps({"action": action, "id": alert_id, "by": by}, ensure_ascii=False)
        self.client.publish(topic(self.prefix, kiosk_id, "ack"), payload, qos=1)

    def _status(self, kiosk_id: str, data: dict[str, Any]) -> None:
        k = self._kiosks.setdefault(kiosk_id, {"kiosk": kiosk_id, "health": {}})
        k["state"] = "offline" if data.get("state") == "offline" else "online"
        k["why"] = str(data.get("why", ""))
        for key in ("place", "kind", "heartbeat_s"):
            if key in data:
                k[key] = data[key]
        if isinstance(data.get("time"), (int, float)):
            k["time"] = data["time"]
        if isinstance(data.get("boot"), str) and data["boot"] != k.get("boot"):
            k["boot"] = data["boot"]
            for a in self._alerts.values():
                if a.get("kiosk") == kiosk_id and self._close_if_stale(a, k["boot"]):
                    self._save(a)
        if isinstance(data.get("health"), dict):
            k["health"] = {str(a): str(b) for a, b in data["health"].items()}
        if k["state"] == "online":
            k["last_seen"] = self.wall()

    def _alert(self, kiosk_id: str, data: dict[str, Any]) -> None:
        alert_id = data["id"]
        old = self._alerts.get(alert_id)
        if old is not None and old.get("kiosk") != kiosk_id:
            self.rejections.reject(topic(self.prefix, kiosk_id, "alert"), "alert",
                                   messages.Invalid("id", "belongs to another kiosk"))
            return
        if old is not None and float(data.get("sent_at", 0)) < float(old.get("sent_at", 0)):
            return  # an older message delivered late
        new = dict(data)
        new["kiosk"] = kiosk_id
        new["seen_at"] = old["seen_at"] if old else self.wall()
        new["updated_at"] = self.wall()
        if old is not None and old.get("pending") and new["state"] in OPEN_STATES:
            if not (old["pending"] == "ack" and new["state"] == "acknowledged"):
                new["pending"], new["pending_by"] = old["pending"], old.get("pending_by", "")
        boot = self._kiosks.get(kiosk_id, {}).get("boot")
        if boot:
            self._close_if_stale(new, boot)
        self._alerts[alert_id] = new
        self._save(new)
        today = _day(self.wall())
        for old_id in [
            i for i, a in self._alerts.items()
            if a.get("state") == "resolved" and _day(float(a.get("raised_at", 0))) != today
        ]:
            del self._alerts[old_id]  # yesterday's closed alerts: no longer shown
            if self.store is not None:
                self.store.delete(old_id)  # (their response times stay in the store)
        k = self._kiosks.setdefault(kiosk_id, {"kiosk": kiosk_id, "health": {}, "state": "unknown"})
        k.setdefault("place", data.get("place", ""))

    @staticmethod
    def _close_if_stale(alert: dict[str, Any], boot: str) -> bool:
        """An open alert from an earlier run of its kiosk: that run is over, and so is it."""
        if alert.get("state") in OPEN_STATES and alert.get("boot") and alert["boot"] != boot:
            alert.update(state="resolved", resolved_by="", why="restarted")
            alert.pop("pending", None)
            return True
        return False

    def _save(self, alert: dict[str, Any]) -> None:  # caller holds the lock
        if self.store is None:
            return
        try:
            self.store.save(alert)
        except Exception:  # noqa: BLE001 - a full disk must not blind the console
            log.exception("could not keep alert %s", alert.get("id"))
