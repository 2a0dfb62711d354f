"""Composition: config -> gateway -> session -> screen, speech, devices, staff alerts.

`Kiosk` wires the parts once; `kiosk run` (run_main) drives it on real time with a worker
thread for the gateway, `kiosk script` (kiosk.tools.script) on a virtual clock with every
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

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.config import SUGGESTED_WIRING, Config
from kiosk.core.clock import Clock
from kiosk.core.events import EventBus
from kiosk.core.executor import Executor
from kiosk.core.keys import DESKTOP_BACKSPACE, DESKTOP_KEYMAP, DESKTOP_STAFF_ACK
from kiosk.core.view import FocusItem, View
from kiosk.ui.theme import Metrics

log = logging.getLogger(__name__)

Post = Callable[[Callable[[], None]], None]
# Out of order the screen still speaks the patron's language and offers the contrast theme.
OUT_OF_ORDER_TAPS = ("language_kk", "language_ru", "language_en", "contrast")
OUT_OF_ORDER_FOCUS = tuple(FocusItem(i, f"focus.{i}") for i in OUT_OF_ORDER_TAPS)


def kiosk_metrics(cfg: Config) -> Metrics:
    ui = cfg.ui
    return Metrics.for_panel(ui.width, ui.height, ui.screen_diagonal_in, ui.min_target_mm,
                             ui.bottom_margin_mm)


class Devices:
    """Scanners, tactile keys (with the call button and headphone jack) and the printer.
    Real adapters come from hardware/ when configured; otherwise the desktop doubles."""

    def __init__(self) -> None:
        self.scanner: Any = None  # KeyboardScanner | ScriptedScanner | Scanners
        self.keys: Any = None  # hardware.board.Board (real or mock pins)
        self.mock_keys: Any = None  # hardware.sim.MockBoard when simulated
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
                 persistent: bool = True, journal_path: str | None = None,
                 config_error: str = "",
                 wrap_gateway: Callable[[Any], Any] | None = None) -> None:
        """`wrap_gateway(circulation)` may put a layer between the session and the gateway
        (kiosk script cuts the link and times it there); by default there is none."""
        self.cfg = cfg
        self.config_error = config_error
        self.clock = clock
        self.post = post
        self.scripted = scripted
        self.bus = EventBus(clock)
        self.executor = executor
        self.gateway: Any = None
        self._wrap_gateway = wrap_gateway or (lambda circulation: circulation)
        self.link: Any = self._wrap_gateway(_NoGateway())  # the gateway as the journal sees it
        self.circulation: Any = self.link  # what the session talks to
        self.journaled: Any = None
        self.stats_store: Any = None  # kiosk.stats.store.StatsStore when open
        self.stats_path = ""
        self.journal_path: str | None = journal_path
        self.staff: Any = None
        self.maintenance: Any = None  # kiosk.maintenance.screen.MaintenanceScreen when configured
        self.session: Any = None
        self.out_of_order = False
        self.out_of_order_view = View(screen="out_of_order", lang=cfg.kiosk.default_language,
                                      contrast=cfg.ui.contrast, focus=OUT_OF_ORDER_FOCUS)
        self.devices = Devices()
        self.speech: Any = None
        self.app: Any = None
        self._gateway_args = (gateway_url, today, data_dir, persistent)
        self._closers: list[Callable[[], None]] = []
        self.exit_code = 0  # what `kiosk run` exits with (75 = restart me, kiosk.service)

    # ----------------------------------------------------------------- building
    def build(self) -> Kiosk:
        from kiosk.ui.app import KioskApp

        self._open_gateway()
        self._build_session()
        self._build_speech()
        self._build_devices()
        self._build_staff()
        self._build_maintenance()

        self.app = KioskApp(kiosk_metrics(self.cfg), on_tap=self.tap, on_activity=self.touch,
                            on_key_down=self._key_down if not self.scripted else None)
        return self

    def _open_gateway(self) -> None:
        from kiosk.irbis.gateway import open_gateway

        if self.config_error:
            # Never lend on guessed settings (the defaults would start the demo server).
            log.error("configuration invalid, out of order: %s", self.config_error)
            return
        url, today, data_dir, persistent = self._gateway_args
        try:
            self.gateway = open_gateway(self.cfg, url, today=today, data_dir=data_dir,
                                        persistent=persistent)
            self._closers.append(self.gateway.close)
            self.link = self._wrap_gateway(self.gateway.circulation)
        except Exception as e:  # noqa: BLE001 - an unreachable gateway is a screen, not a crash
            log.error("gateway could not be opened: %s", type(e).__name__)
            self.gateway = None
            self.link = self._wrap_gateway(_NoGateway())
        self.circulation = self.link
        self._open_journal()

    def _open_journal(self) -> None:
        """Every transaction is written to the journal first (and queued offline if the
        policy says so); without the journal module the session talks to the gateway."""
        try:
            from kiosk.journal.journaled import JournaledCirculation
            from kiosk.journal.store import Journal
        except ImportError:
            log.info("journal: not available")
            return
        try:
            if self.journal_path is None:
                from kiosk.journal.cli import journal_path

                self.journal_path = journal_path(self.cfg)
            Path(self.journal_path).parent.mkdir(parents=True, exist_ok=True)
            journal = Journal(self.journal_path)
        except Exception:  # noqa: BLE001 - no journal must not stop lending
            log.exception("journal could not be opened; transactions are not journaled")
            return
        self._closers.append(journal.close)

        def emit(event: dict[str, Any]) -> None:
            self.post(lambda: self.bus.publish(event))

        self.journaled = JournaledCirculation(self.link, journal, self.cfg.loans,
                                              self.cfg.journal, emit=emit)
        self.circulation = self.journaled
        self._open_stats()

    def _open_stats(self) -> None:
        """The library's numbers (kiosk/stats) beside the journal, and the reader's visit
        saved in IRBIS at logout when no loan carried it (kiosk/irbis/visits)."""
        from kiosk.irbis.visits import VisitOnLogout

        self.bus.subscribe(VisitOnLogout(self.link, self.executor.submit, self.clock.today))
        try:
            from kiosk.stats import stats_path
            from kiosk.stats.wiring import attach_stats, wall_clock

            self.stats_path = str(stats_path(str(self.journal_path)))
            self.circulation, store = attach_stats(
                self.circulation, self.bus, self.stats_path,
                wall_clock(self.clock, self.scripted), self.cfg.stats.age_bands)
        except Exception:  # noqa: BLE001 - no statistics must not stop lending
            log.exception("statistics could not be opened; nothing is counted")
            return
        self.stats_store = store
        self._closers.append(store.close)

    def sync_journal(self) -> None:
        """Send what was queued while the gateway was down (on the worker thread)."""
        if self.journaled is not None and not self.out_of_order:
            journaled, today = self.journaled, self.clock.today()
            self.executor.submit(lambda: journaled.sync(today), lambda _result: None)

    def _build_session(self) -> None:
        from kiosk.config import session_settings
        from kiosk.core.session import Session
        from kiosk.locale.display import display_text

        self.session = Session(self.circulation, session_settings(self.cfg), self.clock,
                               self.bus, self.executor, render_text=display_text,
                               render_speech=_render_speech(self.clock))
        # the touchscreen has a globe button that opens the language screen
        self.session.offer_language_screen = True

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
        d = self.devices

        def on_code(code: str, _role: str) -> None:
            self.post(lambda: self.scan(code))

        def on_dropped(_role: str) -> None:
            log.warning("scanner dropped characters of a code: the patron must scan again")
            self.post(self.scan_garbled)

        def on_key(name: str) -> None:
            self.post(lambda: self.key(name))

        def on_call() -> None:
            self.post(self.call)

        def on_hold(name: str) -> None:
            self.post(lambda: self.hold(name))

        def on_headphones(plugged: bool) -> None:
            self.post(lambda: self.headphones(plugged))

        if self.scripted:
            from hardware.sim import MemoryPrinter, ScriptedScanner, sim_board

            d.scanner = ScriptedScanner(on_code, on_dropped).start()
            # no debounce in scripts: commands come faster than any finger
            d.mock_keys = sim_board(SUGGESTED_WIRING, debounce_s=0.0, on_key=on_key, on_call=on_call,
                                   on_headphones=on_headphones)
            d.keys = d.mock_keys.board
            d.printer = MemoryPrinter()
        else:
            from hardware.assemble import build_devices

            built = build_devices(self.cfg.hardware, sim_pins=SUGGESTED_WIRING, on_code=on_code, on_dropped=on_dropped,
                                  on_key=on_key, on_hold=on_hold, on_call=on_call,
                                  on_headphones=on_headphones)
            for problem in built.problems:
                log.error("device problem: %s", problem)
            built.start()
            d.scanner, d.keys, d.printer, d.mock_keys = (built.scanner, built.board, built.printer,
                                                         built.mock_board)
        d._closers.append(d.scanner.stop)
        d._closers.append(d.keys.close)
        self.bus.subscribe(self._on_event)

    def _build_staff(self) -> None:
        """The staff alert manager (escalation, MQTT, desk lamp); without it the session
        keeps the alert state itself."""
        try:
            from kiosk.staff.lamps import BoardLamp
            from kiosk.staff.link import StaffLink
        except ImportError:
            log.info("staff alerts: not available; the session keeps the alert state")
            return
        try:
            keys = self.devices.keys
            # the staff link is the one owner of both lamps: they follow its alert states
            desk = BoardLamp(keys, "desk") if keys is not None else None
            call = BoardLamp(keys, "call") if keys is not None else None
            self.staff = StaffLink.build(self.cfg, self.session, self.bus, self.clock,
                                         desk_lamp=desk, call_lamp=call, health=self.health, state_path=(
                Path(self.journal_path).with_name("staff-alerts.sqlite3") if self.journal_path else None))
            self._publish_stats()
            self.staff.start()
            self._closers.append(self.staff.close)
        except Exception:  # noqa: BLE001 - the call button still works through the session
            log.exception("staff alerts could not start")
            self.staff = None

    def _publish_stats(self) -> None:
        """Daily figures to the staff console over the staff link's MQTT (kiosk/stats/publish)."""
        mqtt = getattr(self.staff, "mqtt", None)
        if mqtt is None or self.stats_store is None or not self.cfg.stats.publish:
            return
        from kiosk.stats.publish import StatsPublisher

        publisher = StatsPublisher(self.stats_store, mqtt, self.cfg.kiosk.id, self.clock.today,
                                   self.cfg.stats.publish_days, self.cfg.staff.topic_prefix)
        mqtt.on_connected.append(publisher.publish_recent)
        self.bus.subscribe(publisher)

    def _build_maintenance(self) -> None:
        """The staff maintenance screen, when [maintenance] lists staff cards."""
        if not self.cfg.maintenance.staff:
            return
        try:
            from kiosk.maintenance import MaintenanceActions, MaintenanceGate
            from kiosk.maintenance.screen import MaintenanceScreen
        except ImportError:
            log.info("maintenance: not available")
            return
        state = Path(self.journal_path).parent / "maintenance.json" if self.journal_path else None

        def test_print() -> None:
            if self.devices.printer is not None:
                self.devices.printer.print_lines([self.cfg.kiosk.library_name, "test"],
                                                 lambda _r: None)

        def test_sound() -> None:
            self.bus.publish({"event": "cue", "name": "success"})

        actions = MaintenanceActions(
            self.cfg, gateway_check=lambda: None if self.gateway is not None else "gateway",
            test_print=test_print, test_sound=test_sound,
            stop_app=self.stop_app,
            data_dir=str(Path(self.journal_path).parent) if self.journal_path else None)
        gate = MaintenanceGate(self.cfg.maintenance, self.clock.now, state_file=state)
        self.maintenance = MaintenanceScreen(gate, actions, self.clock.now,
                                             self.cfg.maintenance.idle_timeout_s,
                                             self.bus.publish)

    def stop_app(self, code: int = 0) -> None:
        """Leave the UI loop; `kiosk run` then exits with `code` (75: systemd restarts it)."""
        self.exit_code = code
        if self.app is not None:
            self.app.stop()

    def _maintaining(self) -> bool:
        return self.maintenance is not None and self.maintenance.active

    def _show_maintenance(self) -> None:
        view = self.session.view
        if self.app is not None:
            self.app.show(self.maintenance.view(view.lang, view.contrast))

    def tick(self) -> None:
        """A few times a second on the UI thread (run) or after every command (script)."""
        if self.session is not None:
            self.session.tick()
        self.tick_others()

    def tick_others(self) -> None:
        """The clocks beside the session's: staff alert escalation, the maintenance idle
        timeout (scripts call it after advancing the session)."""
        if self.staff is not None:
            self.staff.tick()
        if self._maintaining():
            self.maintenance.tick()
            self._after_maintenance()

    def _on_event(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind in ("login", "logout"):
            self._redact_reader(kind == "login")
        if kind == "print" and self.devices.printer is not None:
            lines = list(event.get("lines") or [])

            def result(outcome: Any) -> None:
                if not getattr(outcome, "ok", True):
                    log.warning("receipt not printed: %s", getattr(outcome, "reason", "?"))

            self.devices.printer.print_lines(lines, result)

    def _redact_reader(self, logged_in: bool) -> None:
        """While a reader is logged in, their name and card are masked in every log line."""
        from kiosk.system.logs import redactor

        if not logged_in:
            redactor().forget_private()
            return
        reader = getattr(self.session, "reader", None)
        if reader is not None:
            for value in (reader.card, reader.first_name, reader.surname):
                redactor().add_private(value)

    def health(self) -> dict[str, str]:
        """For the staff console's heartbeat (called on its thread: plain reads only)."""
        printer = self.devices.printer
        return {
            "scanner": _scanner_health(self.devices.scanner),
            "printer": "ok" if printer is not None else "missing",
            "gateway": "unreachable" if self.out_of_order or self.gateway is None else "ok",
        }

    # ----------------------------------------------------------------- starting
    def start(self) -> None:
        """Show attract when the gateway answers; else out_of_order with staff called."""
        self.session.on_view(self._show)
        if self.gateway is None:
            self._go_out_of_order()
            return
        self.executor.submit(self._probe, self._probed)

    def _probe(self) -> bool:
        self.link.is_reader("0")
        return True

    def _probed(self, result: Any) -> None:
        if result is True:
            was_out = self.out_of_order
            self.out_of_order = False
            self.session.start()
            self._show(self.session.view)
            log.info("ready: the attract screen is up%s", " again" if was_out else "")
        else:
            log.warning("gateway unreachable at start: out of order, staff called")
            self._go_out_of_order()

    def _go_out_of_order(self) -> None:
        first = not self.out_of_order
        self.out_of_order = True
        if first:
            self.bus.publish({"event": "screen", "name": "out_of_order"})
            self.session.call()  # staff are called: the screen says so
        self._show(self.out_of_order_view)

    def retry_gateway(self) -> None:
        """Called every run.PROBE_RETRY_S while out of order (run mode)."""
        if self.out_of_order and self.gateway is not None:
            self.executor.submit(self._probe, self._probed)

    def _show(self, view: View) -> None:
        if self._maintaining():
            return  # the maintenance screen stays until staff close it
        if self.out_of_order:
            view = View(screen="out_of_order", lang=view.lang, contrast=view.contrast,
                        alert_state=view.alert_state, focus=OUT_OF_ORDER_FOCUS)
        if self.app is not None:
            self.app.show(view)

    # ----------------------------------------------------------------- inputs
    def _interrupt(self) -> None:
        """Speech stops at once on any key, touch or scan (EN 301 549 5.1.3.5)."""
        interrupt = getattr(self.speech, "interrupt", None)
        if interrupt is not None:
            try:
                interrupt()
            except Exception:  # noqa: BLE001
                log.exception("speech interrupt failed")

    def scan(self, code: str) -> None:
        self._interrupt()
        if self._maintaining():
            return  # staff are at the screen: scans wait until they close it
        if self.maintenance is not None and self.session.view.screen == "attract" and \
                self.maintenance.wants(code):
            self.maintenance.open(code)
            self._show_maintenance()
            return
        if not self.out_of_order:
            self.session.scan(code)

    def scan_garbled(self) -> None:
        self._interrupt()
        if not self.out_of_order and not self._maintaining():
            self.session.scan_garbled()

    def key(self, name: str) -> None:
        self._interrupt()
        if self._maintaining():
            self.maintenance.key(name)
            self._after_maintenance()
        elif not self.out_of_order:
            self.session.key(name)

    def hold(self, name: str) -> None:
        """A tactile key held down: holding Repeat pauses speech, holding it again resumes
        (EN 301 549 5.1.3.4); other holds do nothing more than their press did."""
        if name == "repeat":
            toggle = getattr(self.speech, "toggle_pause", None)
            if toggle is not None:
                toggle()

    def _after_maintenance(self) -> None:
        if self._maintaining():
            self._show_maintenance()
        else:
            self._show(self.session.view)

    def tap(self, widget_id: str) -> None:
        self._interrupt()
        if self._maintaining():
            self.maintenance.tap(widget_id)
            self._after_maintenance()
            return
        if self.out_of_order and widget_id not in OUT_OF_ORDER_TAPS:
            return
        self.session.tap(widget_id)

    def touch(self) -> None:
        """A touch anywhere counts as activity (extends the inactivity warning)."""
        if self.out_of_order or self.session is None or self._maintaining():
            return
        self.session.touch()

    def call(self) -> None:
        self.session.call()

    def staff_ack(self) -> None:
        self.session.staff_ack()

    def headphones(self, plugged: bool) -> None:
        """The jack goes to the session only; its announcement (msg headphones.in/out) on
        the bus is how speech learns the state: one channel."""
        self.session.headphones(plugged)

    def _key_down(self, keycode: int, text: str | None, modifiers: Any) -> bool:
        d = self.devices
        if d.scanner is not None and hasattr(d.scanner, "kivy_key_down") and \
                d.scanner.kivy_key_down(keycode, text, modifiers):
            return True
        if keycode == DESKTOP_BACKSPACE:
            self.key("back")
            return True
        if keycode == DESKTOP_STAFF_ACK:
            self.staff_ack()
            return True
        return bool(d.mock_keys is not None and d.mock_keys.press_binding(DESKTOP_KEYMAP.get(keycode, "")))

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


def _scanner_health(scanner: object) -> str:
    """What the reader threads see: "ok" when a scanner is open (and grabbed), "missing"
    when none is, "error" when one is open but another program holds it. The desktop and
    script doubles have no device to lose."""
    from hardware.scanner import Scanners

    if scanner is None:
        return "missing"
    if not isinstance(scanner, Scanners):
        return "ok"  # hardware.sim: the keyboard or the script is the scanner
    seen = [s for s in scanner.status() if s.present]
    if not seen:
        return "missing"
    return "ok" if all(s.grabbed for s in seen) or not scanner.grab else "error"
