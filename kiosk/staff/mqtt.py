"""Alerts over MQTT (paho-mqtt 2.x) between kiosks, call points and the staff console.

Topics, for kiosk id K under the prefix P (default "kiosk"):
    P/K/alert   the kiosk's latest alert event, JSON, QoS 1, retained
    P/K/status  {"state": "online"|"offline", "health": {...}, ...}, QoS 1, retained; the
                last will says "offline" so staff see a kiosk that died
    P/K/ack     staff commands to the kiosk: {"action": "ack"|"resolve", "id": ..., "by": ...}

The kiosk keeps a persistent session (clean_session off, fixed client id) so commands sent
while it is away wait at the broker. Messages published while the broker is down stay in
paho's QoS 1 queue and go out when the connection returns; reconnection backs off.
"""

from __future__ import annotations

import json
import logging
import queue
import ssl
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from kiosk.staff import messages
from kiosk.staff.alerts import AlertError, AlertManager
from kiosk.staff.messages import ACTIONS

if TYPE_CHECKING:
    from kiosk.staff.store import KioskAlertStore

log = logging.getLogger(__name__)

__all__ = ["ACTIONS", "BrokerTls", "apply_tls", "CommandInbox", "MqttNotifier", "parse_broker_url", "parse_command", "topic"]
Command = dict[str, str]
Health = Callable[[], dict[str, str]]


class BrokerUrlError(ValueError):
    pass


def parse_broker_url(url: str) -> tuple[str, int]:
    """`mqtt://host:port`, `mqtts://host:port` (TLS; port 8883 by default), `host:port` or
    `host` -> (host, port)."""
    text = url.strip()
    if not text:
        raise BrokerUrlError("no broker url: set [staff] broker_url = \"mqtt://host:1883\"")
    if "://" not in text:
        text = "mqtt://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("mqtt", "tcp", "mqtts", "ssl"):
        raise BrokerUrlError(f"{url!r}: use mqtt://host:port or mqtts://host:port (TLS)")
    try:
        port = parts.port or (8883 if broker_uses_tls(text) else 1883)
    except ValueError as e:
        raise BrokerUrlError(f"{url!r}: the port is not a number") from e
    if not parts.hostname:
        raise BrokerUrlError(f"{url!r}: no host name")
    return parts.hostname, port


def broker_uses_tls(url: str) -> bool:
    return url.strip().lower().startswith(("mqtts://", "ssl://"))


@dataclass(frozen=True)
class BrokerTls:
    """TLS to the broker: the CA that signed the broker's certificate (empty = the system's
    CAs) and, when the broker asks for one, this device's certificate and key."""

    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""

    @classmethod
    def from_config(cls, staff: Any) -> BrokerTls:
        return cls(getattr(staff, "broker_ca_file", ""), getattr(staff, "broker_cert_file", ""),
                   getattr(staff, "broker_key_file", ""))


def apply_tls(client: mqtt.Client, url: str, tls: BrokerTls | None) -> bool:
    """Turn TLS on for `mqtts://` urls (certificate and host name verified)."""
    if not broker_uses_tls(url):
        return False
    tls = tls or BrokerTls()
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=tls.ca_file or None)
    if tls.cert_file:
        context.load_cert_chain(tls.cert_file, tls.key_file or None)
    client.tls_set_context(context)
    return True


def topic(prefix: str, kiosk_id: str, kind: str) -> str:
    return f"{prefix}/{kiosk_id}/{kind}"


def parse_command(payload: bytes) -> Command | None:
    """A staff command from the console, or None when it does not fit (messages.SCHEMAS["ack"])."""
    try:
        data = messages.decode("ack", payload)
    except messages.Invalid:
        return None
    return {"action": data["action"], "id": data["id"], "by": data.get("by", "staff")}


class CommandInbox:
    """Hands staff commands from the MQTT thread to the thread that owns the AlertManager."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Command] = queue.SimpleQueue()
        self.wakeup: Callable[[], None] | None = None  # e.g. Kivy Clock.schedule_once

    def put(self, command: Command) -> None:
        self._queue.put(command)
        if self.wakeup is not None:
            self.wakeup()

    def apply(self, manager: AlertManager) -> int:
        """Apply every waiting command; returns how many changed something or were stale."""
        done = 0
        while True:
            try:
                cmd = self._queue.get_nowait()
            except queue.Empty:
                return done
            try:
                if cmd["action"] == "ack":
                    manager.acknowledge(cmd["id"], by=cmd["by"])
                else:
                    manager.resolve(cmd["id"], by=cmd["by"])
            except AlertError as e:
                log.info("staff command %s for %s ignored: %s", cmd["action"], cmd["id"], e.code)
            done += 1


class MqttNotifier:
    """Publishes a kiosk's alerts and status; receives staff commands.

    Use as an AlertManager listener: `alerts.on_change(notifier)`. `health()` is called from
    the heartbeat thread and must only read simple values.
    """

    def __init__(
        self,
        broker_url: str,
        kiosk_id: str,
        place: str,
        *,
        prefix: str = "kiosk",
        kind: str = "kiosk",
        heartbeat_s: float = 30.0,
        health: Health | None = None,
        on_command: Callable[[Command], None] | None = None,
        username: str = "",
        password: str = "",
        keepalive_s: int = 15,
        reconnect_min_s: float = 1.0,
        reconnect_max_s: float = 30.0,
        wall: Callable[[], float] = time.time,
        store: KioskAlertStore | None = None,
        tls: BrokerTls | None = None,
    ) -> None:
        self.host, self.port = parse_broker_url(broker_url)
        self.kiosk_id = kiosk_id
        self.store = store  # alerts not yet confirmed by the broker survive a restart
        self.rejections = messages.Rejections(log)
        self._in_flight: dict[int, tuple[str, str]] = {}
        self._acked_before_known: set[int] = set()
        self._publishing = 0  # kept messages between client.publish() and their bookkeeping
        self._flight_lock = threading.Lock()
        self._last_alert = ""  # sent again on every (re)connect: a broker that died unsaved
        self.place = place
        self.prefix = prefix
        self.kind = kind
        self.heartbeat_s = heartbeat_s
        self.health = health or (lambda: {})
        self.on_command = on_command
        self.keepalive_s = keepalive_s
        self.wall = wall
        self.connected = threading.Event()
        # called on paho's thread after every (re)connect: kiosk.stats.publish re-sends days
        self.on_connected: list[Callable[[], None]] = []
        self._stop = threading.Event()
        self._heartbeat: threading.Thread | None = None
        self.topics = {k: topic(prefix, kiosk_id, k) for k in ("alert", "status", "ack")}
        # Names this process. Status and alerts carry it: an open alert from an earlier boot
        # (the kiosk crashed or restarted) is over, and the console closes it.
        self.boot = uuid.uuid4().hex[:12]
        self.client = self._make_client(broker_url, username, password, tls,
                                        reconnect_min_s, reconnect_max_s)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_publish = self._on_publish

    # -- lifecycle ---------------------------------------------------------------------

    def _make_client(self, broker_url: str, username: str, password: str, tls: BrokerTls | None,
                     reconnect_min_s: float, reconnect_max_s: float) -> mqtt.Client:
        """A persistent-session paho client that queues without limit while the broker is
        away and leaves an "offline" will."""
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"{self.prefix}-{self.kiosk_id}",
            clean_session=False,
            protocol=mqtt.MQTTv311,
        )
        if username:
            client.username_pw_set(username, password or None)
        apply_tls(client, broker_url, tls)
        client.reconnect_delay_set(reconnect_min_s, reconnect_max_s)  # type: ignore[arg-type]
        client.max_queued_messages_set(0)  # keep every alert until the broker is back
        client.will_set(
            self.topics["status"], self._status_payload("offline", why="lost"), qos=1, retain=True
        )
        return client

    def start(self) -> None:
        """Connect in the background (retrying with backoff) and start the heartbeat."""
        self.client.connect_async(self.host, self.port, keepalive=self.keepalive_s)
        self.client.loop_start()
        self._heartbeat = threading.Thread(
            target=self._heartbeat_loop, name=f"mqtt-heartbeat-{self.kiosk_id}", daemon=True
        )
        self._heartbeat.start()

    def stop(self, timeout_s: float = 2.0) -> None:
        """Say "offline" (a clean stop, not a death), then disconnect."""
        self._stop.set()
        if self.connected.is_set():
            info = self.client.publish(
                self.topics["status"], self._status_payload("offline", why="stopped"), 1, True
            )
            try:
                info.wait_for_publish(timeout_s)
            except (RuntimeError, ValueError):
                pass
        self.client.disconnect()
        self.client.loop_stop()
        if self._heartbeat is not None:
            self._heartbeat.join(timeout_s)

    # -- publishing --------------------------------------------------------------------
    def __call__(self, event: dict[str, Any]) -> None:
        """AlertManager listener: publish the alert's new state (queued while offline)."""
        payload = {k: v for k, v in event.items() if k not in ("t", "event")}
        payload["sent_at"] = self.wall()
        payload["boot"] = self.boot
        self._last_alert = json.dumps(payload)
        self._publish_kept(self.topics["alert"], self._last_alert)

    def resend_undelivered(self) -> int:
        """On start: what the last run published but the broker never confirmed."""
        if self.store is None:
            return 0
        rows = self.store.undelivered()
        for topic_name, payload in rows:
            self._publish_kept(topic_name, payload)
        return len(rows)

    def _publish_kept(self, topic_name: str, payload: str) -> None:
        if self.store is not None:
            try:
                self.store.put(topic_name, payload)
            except Exception:  # noqa: BLE001 - the alert still goes out over MQTT
                log.exception("could not keep the alert message")
        # paho calls on_publish holding its own message lock, so ours is never held while
        # calling into paho (the two orders would deadlock); a PUBACK can therefore beat
        # the bookkeeping below, and is remembered while a kept message is being published.
        with self._flight_lock:
            self._publishing += 1
        mid: int | None = None
        try:
            mid = self.client.publish(topic_name, payload, qos=1, retain=True).mid
        finally:
            with self._flight_lock:
                self._publishing -= 1
                acked = mid in self._acked_before_known
                if mid is not None and not acked:
                    self._in_flight[mid] = (topic_name, payload)
                if self._publishing == 0:
                    self._acked_before_known.clear()
        if acked:
            self._mark_delivered(topic_name, payload)

    def _on_publish(self, _c: Any, _u: Any, mid: int, _reason: Any = None, _p: Any = None) -> None:
        with self._flight_lock:
            sent = self._in_flight.pop(mid, None)
            if sent is None and self._publishing:
                self._acked_before_known.add(mid)
        if sent is not None:
            self._mark_delivered(*sent)

    def _mark_delivered(self, topic_name: str, payload: str) -> None:
        if self.store is not None:
            try:
                self.store.delivered(topic_name, payload)
            except Exception:  # noqa: BLE001
                log.exception("could not mark the alert message delivered")

    def publish_status(self) -> None:
        if self.connected.is_set():
            self.client.publish(self.topics["status"], self._status_payload("online"), 1, True)

    def _status_payload(self, state: str, why: str = "") -> str:
        data: dict[str, Any] = {
            "kiosk": self.kiosk_id,
            "place": self.place,
            "kind": self.kind,
            "state": state,
            "time": self.wall(),
            "heartbeat_s": self.heartbeat_s,
            "boot": self.boot,
        }
        if state == "online":
            try:
                data["health"] = {str(k): str(v) for k, v in self.health().items()}
            except Exception:  # a broken probe must not stop the heartbeat
                log.exception("health probe failed")
                data["health"] = {}
        if why:
            data["why"] = why
        return json.dumps(data, ensure_ascii=False)

    def _heartbeat_loop(self) -> None:
        while not self._stop.wait(self.heartbeat_s):
            self.publish_status()

    # -- paho callbacks (network thread) -----------------------------------------------
    def _on_connect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            log.warning("broker refused the connection: %s", reason)
            return
        self.connected.set()
        client.subscribe(self.topics["ack"], qos=1)
        client.publish(self.topics["status"], self._status_payload("online"), 1, True)
        if self._last_alert:
            # the broker may have lost its retained copy (killed before it saved): say it again
            # (the console takes a repeat of the same message as it is)
            client.publish(self.topics["alert"], self._last_alert, 1, True)
        log.info("connected to the broker %s:%s", self.host, self.port)
        for hook in list(self.on_connected):
            try:
                hook()
            except Exception:  # noqa: BLE001 - a hook must not break the connection
                log.exception("a connect hook failed")

    def _on_disconnect(self, _c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        self.connected.clear()
        if not self._stop.is_set():
            log.warning("lost the broker (%s); retrying", reason)

    def _on_message(self, _c: Any, _u: Any, msg: mqtt.MQTTMessage) -> None:
        try:
            data = messages.decode("ack", msg.payload)
        except messages.Invalid as e:
            self.rejections.reject(msg.topic, "ack", e)
            return
        command = {"action": data["action"], "id": data["id"], "by": data.get("by", "staff")}
        if self.on_command is not None:
            self.on_command(command)
