"""Test parts shared by the staff tests: a virtual clock and a kiosk made of the real pieces."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from kiosk.staff.alerts import AlertManager
from kiosk.staff.mqtt import CommandInbox, MqttNotifier


class VirtualClock:
    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


class Kiosk:
    """AlertManager + MqttNotifier + inbox, as the app wires them; `events` is the transcript."""

    def __init__(self, broker_url: str, kiosk_id: str, place: str, **mqtt_opts: Any) -> None:
        self.clock = VirtualClock()
        self.events: list[dict[str, Any]] = []
        self.alerts = AlertManager(self.clock, kiosk_id, place, escalate_after_s=30)
        self.alerts.on_change(self.events.append)
        self.inbox = CommandInbox()
        opts: dict[str, Any] = {"heartbeat_s": 0.5, "reconnect_min_s": 0.2, "reconnect_max_s": 1}
        opts.update(mqtt_opts)
        self.mqtt = MqttNotifier(
            broker_url, kiosk_id, place, on_command=self.inbox.put,
            health=lambda: {"scanner": "ok", "printer": "paper_low", "gateway": "ok"}, **opts,
        )
        self.alerts.on_change(self.mqtt)

    def start(self) -> Kiosk:
        self.mqtt.start()
        return self

    def pump(self) -> None:
        """What the app's UI thread does on each frame."""
        self.inbox.apply(self.alerts)
        self.alerts.tick()

    def states(self) -> list[str]:
        return [e["state"] for e in self.events]


def wait_for(predicate: Callable[[], Any], timeout_s: float = 10.0, pump: Callable[[], None] | None = None) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        if pump is not None:
            pump()
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)
