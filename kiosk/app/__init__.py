"""Composition: reads the configuration, builds the adapters and wires them to the session.

compose  `Kiosk`: gateway, journal, session, speech, devices, staff link, maintenance
run      `kiosk run`: the real clock, the worker thread, systemd's watchdog, exit codes
"""

from kiosk.app.compose import Kiosk, kiosk_metrics
from kiosk.app.run import run_main

__all__ = ["Kiosk", "kiosk_metrics", "run_main"]
