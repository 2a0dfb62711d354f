"""Each kiosk's daily figures to the staff console over the staff MQTT link.

Topic <prefix>/<kiosk>/stats/<YYYY-MM-DD>, retained, QoS 1: the broker keeps every day, and
a message for a day replaces the earlier one, so the console counts each kiosk's day once
however often it is sent. Today's figures go out after every session and staff call; on
every (re)connect the last `days` days are sent again from the statistics file (the kiosk
was offline, the broker lost its store, or the kiosk was killed before a PUBACK).
The payload is kiosk.staff.messages' "stats" schema: counts, tallies and salted reader keys.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from kiosk.stats.figures import day_figures, iso_day
from kiosk.stats.store import StatsStore

log = logging.getLogger(__name__)

TRIGGERS = ("logout", "alert")  # events after which today's figures are sent again


class StatsPublisher:
    def __init__(self, store: StatsStore, notifier: Any, kiosk_id: str, today: Callable[[], date],
                 days: int = 35, prefix: str = "kiosk") -> None:
        self.store = store
        self.notifier = notifier  # kiosk.staff.mqtt.MqttNotifier (its paho client)
        self.kiosk_id = kiosk_id
        self.today = today
        self.days = days
        self.prefix = prefix

    def topic(self, day: str) -> str:
        return f"{self.prefix}/{self.kiosk_id}/stats/{day}"

    def payload(self, ymd: str) -> str:
        figures = day_figures(self.store.facts(ymd, ymd), iso_day(ymd), self.kiosk_id)
        figures["sent_at"] = time.time()
        return json.dumps(figures, ensure_ascii=False)

    def publish(self, ymd: str) -> None:
        self.notifier.client.publish(self.topic(iso_day(ymd)), self.payload(ymd), qos=1, retain=True)

    def publish_recent(self) -> int:
        """Every day with figures in the last `days` days; returns how many were sent."""
        last = self.today()
        first = last - timedelta(days=self.days)
        days = self.store.days(first.strftime("%Y%m%d"), last.strftime("%Y%m%d"))
        for ymd in days:
            self.publish(ymd)
        return len(days)

    def __call__(self, event: dict[str, Any]) -> None:
        """Bus listener: today's figures after a session or a staff call."""
        if event.get("event") in TRIGGERS:
            try:
                self.publish(self.today().strftime("%Y%m%d"))
            except Exception:  # noqa: BLE001 - figures go again at the next trigger
                log.exception("statistics: today's figures not sent")
