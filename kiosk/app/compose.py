"""Composition: config -> gateway -> session -> screen, speech, devices, staff alerts.

`Kiosk` builds the parts once and wires them; the mode router (kiosk.app.modes) decides
where each input goes. `kiosk run` (run_main) drives it on real time with a worker thread
for the gateway, `kiosk script` (kiosk.tools.script) on a virtual clock with every call
synchronous. A part that fails to start (no sound, no staff broker) is logged and left
out: the touchscreen session works on its own.

The desktop keyboard (`kiosk run` without real devices) is kiosk.app.desktop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from hardware.printer import PrintResult
from kiosk import speech as speech_room
from kiosk.app.circulation import Chain, GatewayArgs, NoGateway, Wrap, open_chain
from kiosk.app.desktop import DesktopKeyboard
from kiosk.app.devices import Devices, Inputs, configured_devices, scripted_devices
from kiosk.app.modes import ModeRouter
from kiosk.app.ports import Screen, Speech, StaffLink
from kiosk.app.staff_wiring import start_staff_link
from kiosk.config import Config, session_settings
from kiosk.core.clock import Clock
from kiosk.core.domain import Circulation
from kiosk.core.events import EventBus
from kiosk.core.executor import Executor
from kiosk.core.session import Session
from kiosk.core.view import View
from kiosk.irbis.visits import VisitOnLogout
from kiosk.locale.display import display_text
from kiosk.maintenance import MaintenanceActions, MaintenanceGate
from kiosk.maintenance.screen import MaintenanceScreen
from kiosk.speech.wording import spoken_text
from kiosk.stats import stats_path
from kiosk.stats.store import StatsStore
from kiosk.stats.wiring import attach_stats, wall_clock
from kiosk.system.health import Finding, Parts, check_health, heartbeat, printer_problem
from kiosk.system.logs import redactor
from kiosk.system.probe import probe_gateway
from kiosk.ui.theme import Metrics

log = logging.getLogger(__name__)

Post = Callable[[Callable[[], None]], None]


def kiosk_metrics(cfg: Config) -> Metrics:
    ui = cfg.ui
    return Metrics.for_panel(ui.width, ui.height, ui.screen_diagonal_in, ui.min_target_mm,
                             ui.bottom_margin_mm)


GATEWAY_UNCHECKED = "not checked yet"


class Kiosk:
    """One kiosk: session, UI app and devices. `post(fn)` runs fn on the UI thread."""

    def __init__(self, cfg: Config, clock: Clock, executor: Executor, post: Post, *,
                 scripted: bool = False, gateway_url: str | None = None,
                 today: date | None = None, data_dir: str | None = None,
                 persistent: bool = True, journal_path: str | None = None,
                 config_error: str = "", wrap_gateway: Wrap | None = None) -> None:
        """`wrap_gateway(circulation)` may put a layer between the session and the gateway
        (kiosk script cuts the link and times it there); by default there is none."""
        self.cfg = cfg
        self.config_error = config_error
        self.clock = clock
        self.post = post
        self.scripted = scripted
        self.bus = EventBus(clock)
        self.executor = executor
        self._gateway_args = GatewayArgs(gateway_url, today, data_dir, persistent)
        self._wrap: Wrap = wrap_gateway or (lambda circulation: circulation)
        self._journal_path = journal_path
        # what the session talks to: nothing until build() opens the gateway
        self.chain = Chain(None, NoGateway(), NoGateway(), journal_path=journal_path)
        # made by build(): the session and the mode router
        self.session: Session
        self.modes: ModeRouter
        # until the first probe answers the gateway is not known to work (health says so)
        self.gateway_problem: str | None = GATEWAY_UNCHECKED
        self.speech: Speech | None = None
        self.devices: Devices | None = None
        self.staff: StaffLink | None = None
        self.maintenance: MaintenanceScreen | None = None
        self.app: Screen | None = None
        self.stats_store: StatsStore | None = None  # the library's numbers (kiosk/stats)
        self.stats_path = ""
        self.exit_code = 0  # what `kiosk run` exits with (75 = restart me, kiosk.service)

    @property
    def link(self) -> Circulation:
        return self.chain.link

    @property
    def circulation(self) -> Circulation:
        return self.chain.circulation

    @property
    def journal_path(self) -> str | None:
        return self.chain.journal_path

    @property
    def out_of_order(self) -> bool:
        return self.modes.out_of_order

    # ----------------------------------------------------------------- building
    def build(self) -> Kiosk:
        from kiosk.ui.app import KioskApp

        self._build_session()
        self._build_speech()
        self._build_devices()
        self._build_staff()
        self._build_maintenance()
        self.app = KioskApp(kiosk_metrics(self.cfg), on_tap=self.tap, on_activity=self.touch,
                            on_key_down=None if self.scripted else DesktopKeyboard(
                                self.devices, self.key, self.staff_ack).key_down)
        return self

    def _build_session(self) -> None:
        cfg = self.cfg
        self.chain = open_chain(cfg, self._gateway_args, self._wrap,
                                config_error=self.config_error, journal_path=self._journal_path,
                                emit=lambda event: self.post(lambda: self.bus.publish(event)))
        if self.chain.gateway is None:
            self.gateway_problem = "gateway not opened"
        if self.chain.journaled is not None:
            self._open_stats()
        self.session = Session(self.chain.circulation, session_settings(cfg), self.clock,
                               self.bus, self.executor, render_text=display_text,
                               render_speech=self._render_speech)
        # the touchscreen has a globe button that opens the language screen
        self.session.offer_language_screen = True
        self.modes = ModeRouter(self.session, self._draw, self.bus.publish,
                                interrupt=self._interrupt)

    def _render_speech(self, msg_id: str, params: dict[str, Any] | None, lang: str) -> str:
        return spoken_text(msg_id, params, lang, self.clock.today())

    def _open_stats(self) -> None:
        """The library's numbers (kiosk/stats) beside the journal, and the reader's visit
        saved in IRBIS at logout when no loan carried it (kiosk/irbis/visits)."""
        self.bus.subscribe(VisitOnLogout(self.link, self.executor.submit, self.clock.today))
        try:
            self.stats_path = str(stats_path(str(self.journal_path)))
            self.chain.circulation, store = attach_stats(
                self.chain.circulation, self.bus, self.stats_path,
                wall_clock(self.clock, self.scripted), self.cfg.stats.age_bands)
        except Exception:  # noqa: BLE001 - no statistics must not stop lending
            log.exception("statistics could not be opened; nothing is counted")
            return
        self.stats_store = store
        self.chain.closers.append(store.close)

    def _build_speech(self) -> None:
        try:
            self.speech = speech_room.attach_speech(self.bus, self.cfg, simulated=self.scripted)
        except Exception:  # noqa: BLE001 - no sound must not stop the kiosk
            log.exception("speech could not start; the kiosk runs silent")

    def _build_devices(self) -> None:
        post = self.post
        inputs = Inputs(
            on_code=lambda code, _role: post(lambda: self.scan(code)),
            on_dropped=lambda _role: post(self._dropped),
            on_key=lambda name: post(lambda: self.key(name)),
            on_hold=lambda name: post(lambda: self.hold(name)),
            on_call=lambda: post(self.call),
            on_headphones=lambda plugged: post(lambda: self.headphones(plugged)))
        self.devices = scripted_devices(inputs) if self.scripted else \
            configured_devices(self.cfg, inputs)
        self.bus.subscribe(self._on_event)

    def _dropped(self) -> None:
        log.warning("scanner dropped characters of a code: the patron must scan again")
        self.modes.scan_garbled()

    def _build_staff(self) -> None:
        """The staff alert manager (escalation, MQTT, desk lamp); without it the session
        keeps the alert state itself."""
        self.staff = start_staff_link(
            self.cfg, self.session, self.bus, self.clock,
            board=self.devices.board if self.devices else None,
            journal_path=self.journal_path, health=lambda: heartbeat(self.findings()),
            stats_store=self.stats_store)

    def _build_maintenance(self) -> None:
        """The staff maintenance screen, when [maintenance] lists staff cards."""
        if not self.cfg.maintenance.staff:
            return
        data = Path(self.journal_path).parent if self.journal_path else None
        actions = MaintenanceActions(self.cfg, health=self.findings, test_print=self._test_print,
                                     test_sound=self._test_sound, stop_app=self.stop_app,
                                     data_dir=str(data) if data else None)
        gate = MaintenanceGate(self.cfg.maintenance, self.clock.now,
                               state_file=data / "maintenance.json" if data else None)
        self.maintenance = MaintenanceScreen(gate, actions, self.clock.now,
                                             self.cfg.maintenance.idle_timeout_s,
                                             self.bus.publish, say=self._say)
        self.modes.maintenance = self.maintenance

    def _say(self, msg: str) -> None:
        """A message spoken in the patron's language, outside the session (staff screens)."""
        lang = self.session.view.lang
        self.bus.publish({"event": "say", "lang": lang, "text": self._render_speech(msg, {}, lang),
                          "msg": msg, "private": False})

    def _test_print(self) -> None:
        self._print([self.cfg.kiosk.library_name, "test"])

    def _test_sound(self) -> None:
        self.bus.publish({"event": "cue", "name": "success"})

    def stop_app(self, code: int = 0) -> None:
        """Leave the UI loop; `kiosk run` then exits with `code` (75: systemd restarts it)."""
        self.exit_code = code
        if self.app is not None:
            self.app.stop()

    # ----------------------------------------------------------------- health
    def findings(self) -> list[Finding]:
        """The health table (kiosk.system.health) over the running parts; also called on
        the staff link's thread, so it only reads."""
        d, cfg = self.devices, self.cfg
        statuses = d.statuses if d else None
        data = Path(self.journal_path).parent if self.journal_path else None
        staff = self.staff
        return check_health(Parts(
            gateway=lambda: self.gateway_problem,
            gateway_url=self._gateway_args.url or cfg.gateway.url,
            scanners=statuses.status if statuses else None,
            scanners_grab=statuses.grab if statuses else True,
            printer=(lambda: printer_problem(cfg.hardware.printer)) if cfg.hardware.printer else None,
            speech=(lambda: None) if self.speech is not None else None,
            data_dir=data,
            journal=(lambda: None if self.chain.journaled else "not open") if data else None,
            staff=staff.broker_problem if staff is not None and cfg.staff.broker_url else None))

    # ----------------------------------------------------------------- events
    def _on_event(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind in ("login", "logout"):
            self._redact_reader(kind == "login")
        if kind == "print":
            self._print(list(event.get("lines") or []))

    def _print(self, lines: Iterable[str]) -> None:
        printer = self.devices.printer if self.devices else None
        if printer is None:
            return

        def result(outcome: PrintResult) -> None:
            if not outcome.ok:
                log.warning("receipt not printed: %s", outcome.reason)

        printer.print_lines(lines, result)

    def _redact_reader(self, logged_in: bool) -> None:
        """While a reader is logged in, their name and card are masked in every log line."""
        if not logged_in:
            redactor().forget_private()
            return
        reader = self.session.reader
        if reader is not None:
            for value in (reader.card, reader.first_name, reader.surname):
                redactor().add_private(value)

    # ----------------------------------------------------------------- starting
    def start(self) -> None:
        """Show attract when the gateway answers; else out_of_order with staff called."""
        self.session.on_view(self.modes.show)
        if self.chain.gateway is None:
            self.modes.go_out_of_order()
            return
        self.executor.submit(self._probe, self._probed)

    def _probe(self) -> str | None:
        """On the worker thread: None when the gateway answers, else why not."""
        try:
            self.link.is_reader("0")
        except Exception as e:  # noqa: BLE001 - any failure is "unreachable" to the patron
            url = self._gateway_args.url or self.cfg.gateway.url
            answer = probe_gateway(url, self.cfg.gateway.timeout_s, self.cfg.gateway.ca_file) \
                if url else None
            return (answer.problem if answer else None) or f"no answer ({type(e).__name__})"
        return None

    def _probed(self, problem: object) -> None:
        self.gateway_problem = problem if isinstance(problem, str) else (
            None if problem is None else f"no answer ({type(problem).__name__})")
        if self.staff is not None:
            self.staff.health_changed()
        if self.gateway_problem is None:
            self.modes.in_service()
        else:
            log.warning("gateway unreachable at start: out of order, staff called")
            self.modes.go_out_of_order()

    def retry_gateway(self) -> None:
        """Called every run.PROBE_RETRY_S while out of order (run mode)."""
        if self.modes.out_of_order and self.chain.gateway is not None:
            self.executor.submit(self._probe, self._probed)

    def sync_journal(self) -> None:
        """Send what was queued while the gateway was down (on the worker thread)."""
        journaled = self.chain.journaled
        if journaled is not None and not self.modes.out_of_order:
            today = self.clock.today()
            self.executor.submit(lambda: journaled.sync(today), lambda _result: None)

    def tick(self) -> None:
        """A few times a second on the UI thread (run) or after every command (script)."""
        self.session.tick()
        self.tick_others()

    def tick_others(self) -> None:
        """The clocks beside the session's: staff alert escalation, the maintenance idle
        timeout (scripts call it after advancing the session)."""
        if self.staff is not None:
            self.staff.tick()
        self.modes.tick()

    # ----------------------------------------------------------------- inputs
    def _draw(self, view: View) -> None:
        if self.app is not None:
            self.app.show(view)

    def _interrupt(self) -> None:
        """Speech stops at once on any key, touch or scan (EN 301 549 5.1.3.5)."""
        if self.speech is not None:
            try:
                self.speech.interrupt()
            except Exception:  # noqa: BLE001
                log.exception("speech interrupt failed")

    def scan(self, code: str) -> None:
        self.modes.scan(code)

    def key(self, name: str) -> None:
        self.modes.key(name)

    def tap(self, widget_id: str) -> None:
        self.modes.tap(widget_id)

    def touch(self) -> None:
        self.modes.touch()

    def hold(self, name: str) -> None:
        """A tactile key held down: holding Repeat pauses speech, holding it again resumes
        (EN 301 549 5.1.3.4); other holds do nothing more than their press did."""
        if name == "repeat" and self.speech is not None:
            self.speech.toggle_pause()

    def call(self) -> None:
        self.session.call()

    def staff_ack(self) -> None:
        self.session.staff_ack()

    def headphones(self, plugged: bool) -> None:
        """The jack goes to the session only; its announcement (msg headphones.in/out) on
        the bus is how speech learns the state: one channel."""
        self.session.headphones(plugged)

    def close(self) -> None:
        if self.devices is not None:
            self.devices.close()
        closers: list[Callable[[], None]] = list(self.chain.closers)
        for part in (self.speech, self.staff):
            if part is not None:
                closers.append(part.close)
        for close in reversed(closers):
            try:
                close()
            except Exception:  # noqa: BLE001
                log.exception("closing failed")
