"""Composition: reads the configuration, builds the adapters and wires them to the session.

compose      `Kiosk`: builds the parts once and wires them (no screen logic)
modes        the mode router: session / out of order / maintenance, where each input goes
ports        typed interfaces of what the app is given (scanner, board, printer, speech, ...)
devices      scanners, GPIO board and printer: real, desktop doubles or scripted
desktop      the desktop keyboard (kiosk run off the Pi): typed scans and the key table
staff_wiring the staff alert link (lamps, MQTT, heartbeat) and statistics to the console
circulation  what the session talks to: gateway -> optional layer -> journal
run          `kiosk run`: the real clock, the worker thread, systemd's watchdog, exit codes
"""

from kiosk.app.compose import Kiosk, kiosk_metrics
from kiosk.app.run import run_main

__all__ = ["Kiosk", "kiosk_metrics", "run_main"]
