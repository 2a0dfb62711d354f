"""The staff alert link for one kiosk: the alert manager with both lamps, MQTT, the health
heartbeat, and the daily statistics published to the staff console (kiosk/stats/publish)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from kiosk.app.ports import Board
from kiosk.config import Config
from kiosk.core.clock import Clock
from kiosk.core.events import EventBus
from kiosk.core.session import Session
from kiosk.staff.lamps import BoardLamp
from kiosk.staff.link import StaffLink
from kiosk.stats.publish import StatsPublisher
from kiosk.stats.store import StatsStore

log = logging.getLogger(__name__)


def start_staff_link(cfg: Config, session: Session, bus: EventBus, clock: Clock, *,
                     board: Board | None, journal_path: str | None,
                     health: Callable[[], dict[str, str]],
                     stats_store: StatsStore | None) -> StaffLink | None:
    """The started link, or None when it could not start (the call button then still works
    through the session, which keeps the alert state itself)."""
    try:
        # the staff link is the one owner of both lamps: they follow its alert states
        link = StaffLink.build(
            cfg, session, bus, clock,
            desk_lamp=BoardLamp(board, "desk") if board else None,
            call_lamp=BoardLamp(board, "call") if board else None,
            health=health,
            state_path=Path(journal_path).with_name("staff-alerts.sqlite3") if journal_path else None)
        _publish_stats(cfg, link, bus, clock, stats_store)
        link.start()
        return link
    except Exception:  # noqa: BLE001 - the call button still works through the session
        log.exception("staff alerts could not start")
        return None


def _publish_stats(cfg: Config, link: StaffLink, bus: EventBus, clock: Clock,
                   stats_store: StatsStore | None) -> None:
    """Daily figures to the staff console over the staff link's MQTT."""
    mqtt = link.mqtt
    if mqtt is None or stats_store is None or not cfg.stats.publish:
        return
    publisher = StatsPublisher(stats_store, mqtt, cfg.kiosk.id, clock.today,
                               cfg.stats.publish_days, cfg.staff.topic_prefix)
    mqtt.on_connected.append(publisher.publish_recent)
    bus.subscribe(publisher)
