"""The kiosk side of staff alerts, wired to the session: what kiosk.app plugs in.

    link = StaffLink.build(cfg, session, bus, clock, desk_lamp=BoardLamp(keys, "desk"),
                           call_lamp=BoardLamp(keys, "call"),
                           health=lambda: {"scanner": "ok", "printer": "ok", "gateway": "ok"})
    link.start()                # MQTT connects in the background (nothing if no broker_url)
    ... on the UI thread, a few times a second:  link.tick()
    ... on exit:                link.close()

The call button reaches the AlertManager through `session.set_alert_handler`; every state
the manager reports goes back through `session.alert_changed(state)`, which says and shows
it to the patron. Refusals the library marks as needs-staff ([staff] needs_staff) raise an
alert too, and so does a returned copy someone reserved when needs_staff names `reserved`. An acknowledgement made on the kiosk itself (`session.staff_ack()`: the `staff ack`
scenario command, F10) is passed on to the manager so the console hears of it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from kiosk.staff.alerts import WAITING_STATES, AlertManager, Clock
from kiosk.staff.lamps import ButtonLampNotifier, DeskLampNotifier, Lamp
from kiosk.staff.mqtt import BrokerTls, CommandInbox, Health, MqttNotifier
from kiosk.staff.store import KioskAlertStore, keep_open_alert, resume

log = logging.getLogger(__name__)


class SessionLike(Protocol):
    alert_state: str | None

    def set_alert_handler(self, handler: Callable[[], None] | None) -> None: ...

    def alert_changed(self, state: str) -> None: ...


class BusLike(Protocol):
    def subscribe(self, listener: Callable[[dict[str, Any]], None]) -> Callable[[], None]: ...


class StaffLink:
    def __init__(
        self,
        alerts: AlertManager,
        session: SessionLike,
        bus: BusLike,
        mqtt: MqttNotifier | None = None,
        inbox: CommandInbox | None = None,
        desk_lamp: Lamp | None = None,
        call_lamp: Lamp | None = None,
    ) -> None:
        self.alerts = alerts
        self.session = session
        self.mqtt = mqtt
        self.inbox = inbox or CommandInbox()
        self.store: KioskAlertStore | None = None
        self._unsubscribe: list[Callable[[], None]] = []
        session.set_alert_handler(self._call_pressed)
        self._unsubscribe.append(alerts.on_change(self._to_session))
        if desk_lamp is not None:
            self._unsubscribe.append(alerts.on_change(DeskLampNotifier(desk_lamp)))
        if call_lamp is not None:
            self._unsubscribe.append(alerts.on_change(ButtonLampNotifier(call_lamp)))
        if mqtt is not None:
            self._unsubscribe.append(alerts.on_change(mqtt))
        self._unsubscribe.append(bus.subscribe(self._on_event))

    @classmethod
    def build(
        cls,
        cfg: Any,
        session: SessionLike,
        bus: BusLike,
        clock: Clock,
        *,
        desk_lamp: Lamp | None = None,
        call_lamp: Lamp | None = None,
        health: Health | None = None,
        state_path: str | Path | None = None,
    ) -> StaffLink:
        """From the config's [kiosk] and [staff] sections. Alerts are kept in `state_path`
        (else [staff] state_file; kiosk.app passes a file beside the journal)."""
        staff = cfg.staff
        alerts = AlertManager(
            clock, cfg.kiosk.id, cfg.kiosk.place, staff.escalate_after_s, staff.needs_staff
        )
        inbox = CommandInbox()
        path = state_path or getattr(staff, "state_file", "")
        store = KioskAlertStore(path) if path else None
        mqtt = None
        if staff.broker_url:
            password = ""
            if staff.broker_password_file:
                password = Path(staff.broker_password_file).read_text(encoding="utf-8").strip()
            mqtt = MqttNotifier(
                staff.broker_url, cfg.kiosk.id, cfg.kiosk.place,
                prefix=staff.topic_prefix, heartbeat_s=staff.heartbeat_s, health=health,
                on_command=inbox.put, username=staff.broker_username, password=password,
                store=store, tls=BrokerTls.from_config(staff),
            )
        link = cls(alerts, session, bus, mqtt, inbox, desk_lamp, call_lamp)
        if store is not None:
            link.store = store
            link._unsubscribe.append(keep_open_alert(alerts, store))
            resume(alerts, store, mqtt)
        return link

    def start(self) -> None:
        if self.mqtt is not None:
            self.mqtt.start()

    def health_changed(self) -> None:
        """Publish the kiosk's status now (e.g. the gateway answered at start) instead of at
        the next heartbeat."""
        if self.mqtt is not None:
            self.mqtt.publish_status()

    def broker_problem(self) -> str | None:
        """For the health table: None when the broker is connected, else why not."""
        if self.mqtt is None or self.mqtt.connected.is_set():
            return None
        return f"not connected to {self.mqtt.host}:{self.mqtt.port}"

    def tick(self) -> None:
        """On the UI thread: apply staff commands from the console; escalate on time."""
        self.inbox.apply(self.alerts)
        self.alerts.tick()

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self.session.set_alert_handler(None)
        if self.mqtt is not None:
            self.mqtt.stop()
        if self.store is not None:
            self.store.close()

    # -- wiring --------------------------------------------------------------------------
    def _call_pressed(self) -> None:
        self.alerts.raise_alert()

    def _to_session(self, event: dict[str, Any]) -> None:
        state = str(event["state"])
        if event.get("restored"):
            return  # an alert from before a restart: staff still come; nobody to tell yet
        if self.session.alert_state == state and not event.get("repeat"):
            return  # the session already said it (its own staff_ack)
        if state == "resolved" and self.session.alert_state is None:
            return
        self.session.alert_changed(state)

    def _on_event(self, event: dict[str, Any]) -> None:
        name = event.get("event")
        if name == "refused":
            self.alerts.refused(str(event.get("reason", "")))
        elif name == "return" and event.get("reserved"):
            # a returned copy another reader reserved waits in the reserved box for staff
            self.alerts.refused("reserved")
        elif name == "alert" and event.get("state") == "acknowledged":
            current = self.alerts.current
            if current is not None and current.state in WAITING_STATES:
                self.alerts.acknowledge(current.id, by="kiosk")
