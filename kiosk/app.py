"""Composition: config -> gateway -> session -> screen, speech, devices, staff alerts.

`Kiosk` wires the parts once; `kiosk run` (run_main) drives it on real time with a worker
thread for the gateway, `kiosk script` (kiosk.scripting) on a virtual clock with every
call synchronous. Parts that are not there (no speech, no staff layer) are skipped with a
log line: the touchscreen session works on its own.

Desktop keyboard (`kiosk run` without real devices; hardware.sim's doubles):
    digits, letters + Enter   a scan (typed into the simulated scanner, never a text field)
    Up / Down                 tactile keys up / down
    Right                     select          Left or Backspace   back
    F1 help   F2 repeat   F3 volume down   F4 volume up   F5 language
    F6 headphones in/out      F10 staff acknowledge (stands in for the staff console)
    F12 the staff-call button                 Escape does nothing (kiosk mode)
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from kiosk.config import Config, ConfigError, load_config
from kiosk.core.clock import Clock
from kiosk.core.events import EventBus
from kiosk.core.executor import Executor
from kiosk.core.view import FocusItem, View
from kiosk.ui.theme import Metrics

log = logging.getLogger(__name__)

Post = Callable[[Callable[[], None]], None]
PROBE_RETRY_S = 30.0
# Out of order the screen still speaks the patron's language and offers the contrast theme.
OUT_OF_ORDER_TAPS = ("language_kk", "language_ru", "language_en", "contrast")
OUT_OF_ORDER_FOCUS = tuple(FocusItem(i, f"focus.{i}") for i in OUT_OF_ORDER_TAPS)


def kiosk_metrics(cfg: Config) -> Metrics:
    ui = cfg.ui
    return Metrics.for_panel(ui.width, ui.height, ui.screen_diagonal_in, ui.min_target_mm,
                             ui.bottom_margin_mm)


class GatewaySwitch:
    """The circulation behind a switch (`gateway down|up`) that also adds up the time
    spent inside it (so a scan's screen latency can be measured without the gateway).
    While down every call is refused with gateway_unavailable, as when the link is cut."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.up = True
        self.busy_s = 0.0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            from kiosk.core.domain import Refused

            if not self.up:
                raise Refused("gateway_unavailable", "", "link cut")
            started = time.perf_counter()
            try:
                return attr(*args, **kwargs)
            finally:
                self.busy_s += time.perf_counter() - started

        return call


class Devices:
    """Scanners, tactile keys (with the call button and headphone jack) and the printer.
    Real adapters come from hardware/ when configured; otherwise the desktop doubles."""

    def __init__(self) -> None:
        self.scanner: Any = None  # KeyboardScanner | ScriptedScanner | Scanners
        self.keys: Any = None  # MockKeys (sim) or Keys
        self.printer: Any = None
        self._closers: list[Callable[[], None]] = []

    def close(self) -> None:
        for close in reversed(self._closers):
            try:
                close()
            except Exception:  # noqa: BLE001 - closing must go on
                log.exception("closing a device failed")


class Kiosk:
    """One kiosk: session, UI app and devices. `post(fn)` runs fn on the UI thread."""

    def __init__(self, cfg: Config, clock: Clock, executor: Executor, post: Post, *,
                 scripted: bool = False, gateway_url: str | None = None,
                 today: date | None = None, data_dir: str | None = None,
                 persistent: bool = True) -> None:
        self.cfg = cfg
        self.clock = clock
        self.post = post
        self.scripted = scripted
        self.bus = EventBus(clock)
        self.executor = executor
        self.gateway: Any = None
        self.circulation: GatewaySwitch | None = None
        self.session: Any = None
        self.alerts: Any = None
        self.out_of_order = False
        self.out_of_order_view = View(screen="out_of_order", lang=cfg.kiosk.default_language,
                                      contrast=cfg.ui.contrast, focus=OUT_OF_ORDER_FOCUS)
        self.devices = Devices()
        self.speech: Any = None
        self.app: Any = None
        self._gateway_args = (gateway_url, today, data_dir, persistent)
        self._closers: list[Callable[[], None]] = []

    # ----------------------------------------------------------------- building
    def build(self) -> Kiosk:
        from kiosk.ui.app import KioskApp

        self._open_gateway()
        self._build_session()
        self._build_speech()
        self._build_devices()
        self._build_staff()
        self.app = KioskApp(kiosk_metrics(self.cfg), on_tap=self.tap, on_activity=self.touch,
                            on_key_down=self._key_down if not self.scripted else None)
        return self

    def _open_gateway(self) -> None:
        from kiosk.irbis.gateway import open_gateway

        url, today, data_dir, persistent = self._gateway_args
        try:
            self.gateway = open_gateway(self.cfg, url, today=today, data_dir=data_dir,
                                        persistent=persistent)
            self._closers.append(self.gateway.close)
            self.circulation = GatewaySwitch(self.gateway.circulation)
        except Exception as e:  # noqa: BLE001 - an unreachable gateway is a screen, not a crash
            log.error("gateway could not be opened: %s", type(e).__name__)
            self.gateway = None
            self.circulation = GatewaySwitch(_NoGateway())

    def _build_session(self) -> None:
        from kiosk.core.session import Session

        self.session = Session(self.circulation, self.cfg, self.clock, self.bus, self.executor,
                               render_speech=_render_speech(self.clock))

    def _build_speech(self) -> None:
        try:
            from kiosk.speech import attach_speech  # type: ignore[attr-defined]
        except ImportError:
            log.info("speech: not available, the kiosk runs silent")
            return
        try:
            self.speech = attach_speech(self.bus, self.cfg, simulated=self.scripted)
            if hasattr(self.speech, "close"):
                self._closers.append(self.speech.close)
        except Exception:  # noqa: BLE001 - no sound must not stop the kiosk
            log.exception("speech could not start; the kiosk runs silent")

    def _build_devices(self) -> None:
        from hardware.sim import MemoryPrinter, ScriptedScanner, sim_keys

        d = self.devices

        def on_code(code: str, _role: str) -> None:
            self.post(lambda: self.scan(code))

        def on_key(name: str) -> None:
            self.post(lambda: self.key(name))

        def on_call() -> None:
            self.post(self.call)

        def on_headphones(plugged: bool) -> None:
            self.post(lambda: self.headphones(plugged))

        if self.scripted:
            d.scanner = ScriptedScanner(on_code).start()
            # no debounce in scripts: commands come faster than any finger
            d.keys = sim_keys(debounce_s=0.0, on_key=on_key, on_call=on_call,
                              on_headphones=on_headphones)
            d.printer = MemoryPrinter()
        else:
            from hardware.sim import KeyboardScanner

            d.scanner = KeyboardScanner(on_code).start()
            d.keys = sim_keys(on_key=on_key, on_call=on_call, on_headphones=on_headphones)
            d.printer = MemoryPrinter()
        d._closers.append(d.scanner.stop)
        d._closers.append(d.keys.keys.close)
        self.bus.subscribe(self._on_event)

    def _build_staff(self) -> None:
        """G's alert manager when it is there; else the session keeps the alert itself."""
        # Wired when kiosk.staff offers a kiosk-side manager; the session's own alert state
        # covers call -> raised -> acknowledged meanwhile.
        return

    def _on_event(self, event: dict[str, Any]) -> None:
        if event.get("event") == "print" and self.devices.printer is not None:
            lines = list(event.get("lines") or [])

            def result(outcome: Any) -> None:
                if not getattr(outcome, "ok", True):
                    log.warning("receipt not printed: %s", getattr(outcome, "reason", "?"))

            self.devices.printer.print_lines(lines, result)
        elif event.get("event") == "alert" and self.devices.keys is not None:
            state = event.get("state")
            lamp = {"raised": "blinking", "escalated": "blinking", "acknowledged": "steady"}
            try:
                self.devices.keys.keys.call_lamp(lamp.get(str(state), "off"))
            except Exception:  # noqa: BLE001 - a lamp must not stop the session
                log.exception("call lamp failed")

    # ----------------------------------------------------------------- starting
    def start(self) -> None:
        """Show attract when the gateway answers; else out_of_order with staff called."""
        self.session.on_view(self._show)
        if self.gateway is None:
            self._go_out_of_order()
            return
        self.executor.submit(self._probe, self._probed)

    def _probe(self) -> bool:
        assert self.circulation is not None
        self.circulation.is_reader("0")
        return True

    def _probed(self, result: Any) -> None:
        if result is True:
            self.out_of_order = False
            self.session.start()
            self._show(self.session.view)
        else:
            log.warning("gateway unreachable at start")
            self._go_out_of_order()

    def _go_out_of_order(self) -> None:
        first = not self.out_of_order
        self.out_of_order = True
        if first:
            self.bus.publish({"event": "screen", "name": "out_of_order"})
            self.session.call()  # staff are called: the screen says so
        self._show(self.out_of_order_view)

    def retry_gateway(self) -> None:
        """Called every PROBE_RETRY_S while out of order (run mode)."""
        if self.out_of_order and self.gateway is not None:
            self.executor.submit(self._probe, self._probed)

    def _show(self, view: View) -> None:
        if self.out_of_order:
            view = View(screen="out_of_order", lang=view.lang, contrast=view.contrast,
                        alert_state=view.alert_state, focus=OUT_OF_ORDER_FOCUS)
        if self.app is not None:
            self.app.show(view)

    # ----------------------------------------------------------------- inputs
    def scan(self, code: str) -> None:
        if not self.out_of_order:
            self.session.scan(code)

    def key(self, name: str) -> None:
        if not self.out_of_order:
            self.session.key(name)

    def tap(self, widget_id: str) -> None:
        if self.out_of_order and widget_id not in OUT_OF_ORDER_TAPS:
            return
        self.session.tap(widget_id)

    def touch(self) -> None:
        """A touch anywhere counts as activity (extends the inactivity warning)."""
        if self.out_of_order or self.session is None:
            return
        touch = getattr(self.session, "touch", None)
        if touch is not None:
            touch()
        elif self.session.view.warning_remaining_s is not None:
            # older session without touch(): count the touch as activity the same way
            with self.session._input():
                self.session._activity()

    def call(self) -> None:
        self.session.call()

    def staff_ack(self) -> None:
        self.session.staff_ack()

    def headphones(self, plugged: bool) -> None:
        self.session.headphones(plugged)

    def _key_down(self, keycode: int, text: str | None, modifiers: Any) -> bool:
        d = self.devices
        if d.scanner is not None and hasattr(d.scanner, "kivy_key_down") and \
                d.scanner.kivy_key_down(keycode, text, modifiers):
            return True
        if keycode == 8:  # Backspace
            self.key("back")
            return True
        if keycode == 291:  # F10: staff acknowledge
            self.staff_ack()
            return True
        return bool(d.keys is not None and d.keys.kivy_key_down(keycode))

    def close(self) -> None:
        self.devices.close()
        for close in reversed(self._closers):
            try:
                close()
            except Exception:  # noqa: BLE001
                log.exception("closing failed")


class _NoGateway:
    """Stands in when the gateway could not even be opened: everything is unavailable."""

    def __getattr__(self, name: str) -> Any:
        def refuse(*_: Any, **__: Any) -> Any:
            from kiosk.core.domain import Refused

            raise Refused("gateway_unavailable", "", "gateway not opened")

        return refuse


def _render_speech(clock: Clock) -> Any:
    try:
        from kiosk.speech.wording import spoken_text
    except ImportError:
        return None

    def render(msg_id: str, params: Any, lang: str) -> str:
        return spoken_text(msg_id, params, lang, clock.today())

    return render


# --------------------------------------------------------------------- kiosk run
def run_main(args: argparse.Namespace) -> int:
    import sys

    try:
        cfg = load_config(getattr(args, "config", None))
    except ConfigError as e:
        print(f"kiosk run: {e}", file=sys.stderr)
        return 1
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from kiosk.ui.kivy_setup import configure_kivy

    configure_kivy(cfg.ui, headless=False)
    from kivy.clock import Clock as KivyClock

    from kiosk.core.clock import MonotonicClock
    from kiosk.core.executor import ThreadExecutor
    from kiosk.watchdog import Watchdog

    def post(fn: Callable[[], None]) -> None:
        KivyClock.schedule_once(lambda _dt: fn(), 0)

    clock = MonotonicClock()
    executor = ThreadExecutor(post)
    kiosk = Kiosk(cfg, clock, executor, post)
    watchdog = Watchdog.from_environment()

    def started(_app: Any) -> None:
        kiosk.start()
        KivyClock.schedule_interval(lambda _dt: kiosk.session.tick(), 0.25)
        KivyClock.schedule_interval(lambda _dt: kiosk.retry_gateway(), PROBE_RETRY_S)
        watchdog.attach(KivyClock)
        KivyClock.schedule_once(lambda _dt: watchdog.ready("attract"), 0.5)

    try:
        kiosk.build()
        kiosk.app.on_started = started
        kiosk.app.run()
    finally:
        watchdog.stopping()
        executor.close(timeout=2.0)
        kiosk.close()
    return 0
