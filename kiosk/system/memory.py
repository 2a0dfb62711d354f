"""Give freed C heap back to the system while the kiosk stands idle.

Every object count stays flat over hundreds of sessions (`kiosk bench --soak`), yet glibc
keeps the pages that Kivy's label rendering and the GL driver freed, so the RSS of a kiosk
that runs for months creeps up by a few MB per hundred sessions. `malloc_trim(0)` returns
them. It walks the whole heap (a few ms on a Pi), so it runs only when a patron has just
left (the attract screen came back) and at most once per `min_interval_s`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from collections.abc import Callable

from kiosk.core.view import View

log = logging.getLogger(__name__)


def libc_trim() -> Callable[[], object] | None:
    """glibc's malloc_trim(0) as a callable, or None where there is no glibc."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        return None
    return lambda: trim(0)


class HeapTrimmer:
    """A view listener: trims the C heap when the attract screen comes back after a patron."""

    def __init__(self, now: Callable[[], float], min_interval_s: float = 60.0,
                 trim: Callable[[], object] | None = None) -> None:
        self.now = now
        self.min_interval_s = min_interval_s
        self._trim = trim if trim is not None else libc_trim()
        self._last_trim: float | None = None
        self._last_screen = ""
        self.trims = 0

    def __call__(self, view: View) -> None:
        screen = view.screen
        left = screen == "attract" and self._last_screen not in ("", "attract")
        self._last_screen = screen
        if not left or self._trim is None:
            return
        now = self.now()
        if self._last_trim is not None and now - self._last_trim < self.min_interval_s:
            return
        self._last_trim = now
        try:
            self._trim()
        except Exception:  # noqa: BLE001 - only memory is at stake, never the patron
            log.exception("malloc_trim failed")
            return
        self.trims += 1
