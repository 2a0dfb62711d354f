"""`kiosk callpoint`: a Raspberry Pi with only a call button and a lamp (entrance, toilet...).

The same alert software as a kiosk: AlertManager + the button's lamp + MQTT, under its own
id from [kiosk] id (e.g. "callpoint-entrance") and place from [kiosk] place. Off a Pi the
pins are gpiozero's mock pins and the button is pressed by typing `press` on stdin.
Every alert change is printed as a JSON line (the call point's transcript).
"""

from __future__ import annotations

import argparse
import json
import logging
import queue
import sys
import threading
import time
from pathlib import Path
from typing import Any

from gpiozero import LED, DigitalInputDevice
from gpiozero.pins.mock import MockFactory

from hardware.pinfactory import choose_factory_name, make_factory
from kiosk.config import Config
from kiosk.staff.alerts import AlertManager
from kiosk.staff.lamps import ButtonLampNotifier
from kiosk.staff.mqtt import BrokerTls, CommandInbox, MqttNotifier
from kiosk.staff.store import KioskAlertStore, keep_open_alert, resume
from kiosk.system.signals import on_signals

log = logging.getLogger(__name__)


class MonotonicClock:
    def now(self) -> float:
        return time.monotonic()


def open_pins(button_pin: int, lamp_pin: int, factory_name: str = "auto") -> tuple[DigitalInputDevice, LED | None, bool]:
    """The call button and its lamp on this board's pins (gpiozero's mock pins off a Pi).

    Returns (button, lamp or None when not fitted, simulated)."""
    if button_pin < 0:
        raise ValueError("a call point needs its button: set [hardware] call_button_pin (BCM), e.g. 17")
    factory = make_factory(choose_factory_name(factory_name))
    # not a Button: its hold thread would wake ten times a second, and no hold is used
    button = DigitalInputDevice(button_pin, pull_up=True, bounce_time=0.05, pin_factory=factory)
    lamp = LED(lamp_pin, pin_factory=factory) if lamp_pin >= 0 else None
    return button, lamp, isinstance(factory, MockFactory)


def open_store(cfg: Any) -> KioskAlertStore | None:
    """[staff] state_file, else <state dir>/staff-alerts.sqlite3 when a state directory is
    configured ([kiosk] data_dir or systemd's $STATE_DIRECTORY); else alerts are not kept."""
    import os

    from kiosk.irbis.gateway import state_dir

    path = cfg.staff.state_file
    if not path and (cfg.kiosk.data_dir or os.environ.get("STATE_DIRECTORY")):
        path = str(state_dir(cfg) / "staff-alerts.sqlite3")
    if not path:
        log.warning("no [kiosk] data_dir: an alert open at a restart is not kept")
        return None
    return KioskAlertStore(path)


def _read_stdin(button: DigitalInputDevice, actions: queue.SimpleQueue[str]) -> None:
    for line in sys.stdin:
        word = line.strip().lower()
        if word == "press":
            button.pin.drive_low()  # type: ignore[attr-defined]  # mock pin
            time.sleep(0.06)
            button.pin.drive_high()  # type: ignore[attr-defined]
        elif word == "quit":
            actions.put("quit")


def _notifier(cfg: Config, store: KioskAlertStore | None, inbox: CommandInbox) -> MqttNotifier | None:
    """The call point's MQTT link to the staff console, when [staff] names a broker."""
    staff = cfg.staff
    if not staff.broker_url:
        return None
    password = Path(staff.broker_password_file).read_text().strip() if staff.broker_password_file else ""
    return MqttNotifier(
        staff.broker_url, cfg.kiosk.id, cfg.kiosk.place,
        prefix=staff.topic_prefix, kind="callpoint", heartbeat_s=staff.heartbeat_s,
        health=lambda: {"button": "ok", "lamp": "ok"}, on_command=inbox.put,
        username=staff.broker_username, password=password, store=store,
        tls=BrokerTls.from_config(staff),
    )


def _serve(actions: queue.SimpleQueue[str], alerts: AlertManager, inbox: CommandInbox) -> None:
    """Presses, console commands and escalation until SIGTERM/SIGINT."""
    while True:
        try:
            action = actions.get(timeout=0.25)
        except queue.Empty:
            action = ""
        if action == "quit":
            return
        if action == "press":
            alerts.raise_alert()
        inbox.apply(alerts)
        alerts.tick()


def main(args: argparse.Namespace) -> int:
    from kiosk.config import ConfigError, load_config

    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        cfg = load_config(args.config)
        staff = cfg.staff
        hw = cfg.hardware
        button, lamp, simulated = open_pins(hw.call_button_pin, hw.call_lamp_pin, hw.pin_factory)
        alerts = AlertManager(
            MonotonicClock(), cfg.kiosk.id, cfg.kiosk.place, staff.escalate_after_s, staff.needs_staff
        )
    except (ConfigError, ValueError, OSError) as e:
        print(f"kiosk callpoint: {e}", file=sys.stderr)
        return 1

    actions: queue.SimpleQueue[str] = queue.SimpleQueue()
    inbox = CommandInbox()
    inbox.wakeup = lambda: actions.put("command")

    def transcript(event: dict[str, Any]) -> None:
        print(json.dumps(event, ensure_ascii=False), flush=True)

    store = open_store(cfg)
    alerts.on_change(transcript)
    if lamp is not None:
        alerts.on_change(ButtonLampNotifier(lamp))
    notifier = _notifier(cfg, store, inbox)
    if notifier is not None:
        alerts.on_change(notifier)
    else:
        log.warning("no [staff] broker_url: the call point only lights its lamp")
    if store is not None:
        keep_open_alert(alerts, store)
        resume(alerts, store, notifier)
    if notifier is not None:
        notifier.start()

    button.when_activated = lambda: actions.put("press")
    on_signals(lambda _signum: actions.put("quit"))
    if simulated:
        threading.Thread(target=_read_stdin, args=(button, actions), daemon=True).start()
    print(json.dumps({"event": "ready", "kiosk": cfg.kiosk.id, "simulated": simulated}), flush=True)

    _serve(actions, alerts, inbox)

    if notifier is not None:
        notifier.stop()
    if store is not None:
        store.close()
    button.close()
    if lamp is not None:
        lamp.off()
        lamp.close()
    return 0
