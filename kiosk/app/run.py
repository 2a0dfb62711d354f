"""`kiosk run`: the real clock, the worker thread, systemd's watchdog and the exit code.

The process exits with the code the kiosk was stopped with: 0 for a systemd stop (SIGTERM),
75 (kiosk.maintenance.RESTART_EXIT_CODE) when staff chose Restart on the maintenance screen,
so that kiosk.service (RestartForceExitStatus=75) starts it again.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time

from kiosk.app.compose import Kiosk
from kiosk.config import Config, ConfigError, load_config
from kiosk.core.clock import MonotonicClock
from kiosk.core.executor import ThreadExecutor
from kiosk.system.logs import setup_logging
from kiosk.system.memory import HeapTrimmer
from kiosk.system.signals import on_signals
from kiosk.system.watchdog import Watchdog

log = logging.getLogger(__name__)

PROBE_RETRY_S = 30.0  # how often an out-of-order kiosk asks the gateway again


def _secrets(cfg: Config) -> list[str]:
    try:
        return [cfg.gateway.resolved_password()]
    except OSError:
        return []


def _load(path: str | None) -> tuple[Config, str]:
    """The config, or the defaults and the reason when it is invalid: the screen then says
    "out of order, staff called" instead of systemd restarting a black screen ten times."""
    try:
        return load_config(path), ""
    except ConfigError as e:
        print(f"kiosk run: {e}", file=sys.stderr)
        return Config(), str(e)


def lean_kivy_providers() -> None:
    """Kivy's image loaders without PIL: the UI draws no image files (icons are canvas
    instructions, text goes through SDL2_ttf), and the PIL loader pulls PIL, numpy and
    OpenBLAS into the kiosk process, 12 MB resident at idle (kiosk bench). Call before
    Kivy is imported; KIVY_IMAGE set outside wins."""
    os.environ.setdefault("KIVY_IMAGE", "sdl2")


def run_main(args: argparse.Namespace, kiosk_type: type[Kiosk] | None = None) -> int:
    """Run the touchscreen app until it is stopped; returns the process exit code.

    `kiosk_type` lets the bench run its timing subclass through this very path."""
    cfg, config_error = _load(getattr(args, "config", None))
    from kiosk.ui.kivy_setup import configure_kivy

    lean_kivy_providers()
    configure_kivy(cfg.ui, headless=False)
    # after Kivy is set up, so its own log handlers get the redaction filter too
    setup_logging(cfg.logging.level, card_lengths=cfg.logging.card_lengths or None,
                  secrets_to_hide=_secrets(cfg))
    for warning in cfg.warnings:
        log.warning("config: %s", warning)
    from kiosk.ui import loop

    executor = ThreadExecutor(loop.post)
    kiosk = (kiosk_type or Kiosk)(cfg, MonotonicClock(), executor, loop.post, config_error=config_error)
    watchdog = Watchdog.from_environment()

    def started(_app: object) -> None:
        kiosk.start()
        kiosk.session.on_view(HeapTrimmer(time.monotonic))
        loop.every(0.25, kiosk.tick)
        loop.every(max(5.0, cfg.journal.sync_interval_s), kiosk.sync_journal)
        loop.every(PROBE_RETRY_S, kiosk.retry_gateway)
        watchdog.attach(loop.kivy_clock())
        loop.later(0.5, lambda: watchdog.ready("attract"))

    # systemd stop: leave cleanly (exit 0), closing the gateway and devices
    on_signals(lambda _signum: loop.post(lambda: kiosk.stop_app(0)), (signal.SIGTERM,))
    try:
        app = kiosk.build().app
        app.on_started = started
        app.run()
    finally:
        watchdog.stopping()
        executor.close(timeout=2.0)
        kiosk.close()
    if kiosk.exit_code:
        log.info("kiosk run: exiting with %d (restart requested)", kiosk.exit_code)
    return kiosk.exit_code
