"""The kiosk's modes and where input goes in each: one small router.

    session       the patron's screens: every scan, key, tap and touch goes to the session
    out_of_order  the gateway did not answer at start: a fixed screen that says staff are
                  called; only the language buttons and the contrast theme answer
    maintenance   a staff card on the attract screen and its PIN (kiosk.maintenance); it
                  takes every input until staff close it or it times out, over either mode

The session never produces the out_of_order or maintenance screens: their Views are made
here and in kiosk.maintenance.screen. Speech stops on any input (EN 301 549 5.1.3.5).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from kiosk.core.view import FocusItem, View
from kiosk.maintenance.screen import MaintenanceScreen

log = logging.getLogger(__name__)

OUT_OF_ORDER = "out_of_order"
# Out of order the screen still speaks the patron's language and offers the contrast theme.
OUT_OF_ORDER_TAPS = ("language_kk", "language_ru", "language_en", "contrast")
OUT_OF_ORDER_FOCUS = tuple(FocusItem(i, f"focus.{i}") for i in OUT_OF_ORDER_TAPS)


class PatronSession(Protocol):
    """What the router uses of kiosk.core.session.Session."""

    @property
    def view(self) -> View: ...

    def start(self) -> None: ...

    def scan(self, code: str) -> None: ...

    def scan_garbled(self) -> None: ...

    def key(self, name: str) -> None: ...

    def tap(self, widget_id: str) -> None: ...

    def touch(self) -> None: ...

    def call(self) -> None: ...


def out_of_order_view(seen: View) -> View:
    """The out-of-order screen in the language and theme the patron chose."""
    return View(screen=OUT_OF_ORDER, lang=seen.lang, contrast=seen.contrast,
                alert_state=seen.alert_state, focus=OUT_OF_ORDER_FOCUS)


class ModeRouter:
    """Owns the mode; `draw(view)` puts a View on the screen. `session.on_view` should call
    `show`, so that the session's Views pass through the current mode."""

    def __init__(self, session: PatronSession, draw: Callable[[View], None],
                 publish: Callable[[dict[str, Any]], Any],
                 maintenance: MaintenanceScreen | None = None,
                 interrupt: Callable[[], None] = lambda: None) -> None:
        self.session = session
        self.draw = draw
        self.publish = publish
        self.maintenance = maintenance
        self.interrupt = interrupt
        self.out_of_order = False

    @property
    def mode(self) -> str:
        if self.maintaining:
            return "maintenance"
        return OUT_OF_ORDER if self.out_of_order else "session"

    @property
    def maintaining(self) -> bool:
        return self.maintenance is not None and self.maintenance.active

    # ----------------------------------------------------------------- modes
    def go_out_of_order(self) -> None:
        """Gateway unreachable: the out-of-order screen, and staff called (once)."""
        first = not self.out_of_order
        self.out_of_order = True
        if first:
            self.publish({"event": "screen", "name": OUT_OF_ORDER})
            self.session.call()  # staff are called: the screen says so
        self.show(self.session.view)

    def in_service(self) -> None:
        """The gateway answers: the session starts (again) on its attract screen."""
        was_out, self.out_of_order = self.out_of_order, False
        self.session.start()
        self.show(self.session.view)
        log.info("ready: the attract screen is up%s", " again" if was_out else "")

    def show(self, view: View) -> None:
        if self.maintaining:
            return  # the maintenance screen stays until staff close it
        self.draw(out_of_order_view(view) if self.out_of_order else view)

    def _after_maintenance(self) -> None:
        if self.maintenance is not None and self.maintenance.active:
            seen = self.session.view
            self.draw(self.maintenance.view(seen.lang, seen.contrast))
        else:
            self.show(self.session.view)

    # ----------------------------------------------------------------- inputs
    def scan(self, code: str) -> None:
        self.interrupt()
        if self.maintaining:
            return  # staff are at the screen: scans wait until they close it
        m = self.maintenance
        if m is not None and self.session.view.screen == "attract" and m.wants(code):
            m.open(code)
            self._after_maintenance()
        elif not self.out_of_order:
            self.session.scan(code)

    def scan_garbled(self) -> None:
        self.interrupt()
        if self.mode == "session":
            self.session.scan_garbled()

    def key(self, name: str) -> None:
        self.interrupt()
        if self.maintenance is not None and self.maintenance.active:
            self.maintenance.key(name)
            self._after_maintenance()
        elif not self.out_of_order:
            self.session.key(name)

    def tap(self, widget_id: str) -> None:
        self.interrupt()
        if self.maintenance is not None and self.maintenance.active:
            self.maintenance.tap(widget_id)
            self._after_maintenance()
        elif not self.out_of_order or widget_id in OUT_OF_ORDER_TAPS:
            self.session.tap(widget_id)

    def touch(self) -> None:
        """A touch anywhere counts as activity (extends the inactivity warning)."""
        if self.mode == "session":
            self.session.touch()

    def tick(self) -> None:
        """The maintenance idle timeout (the session has its own tick)."""
        if self.maintenance is not None and self.maintenance.active:
            self.maintenance.tick()
            self._after_maintenance()
