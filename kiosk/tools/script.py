"""`kiosk script SCENARIO`: the real Kivy app in an offscreen window, driven by a scenario.

Virtual clock, synchronous gateway calls, simulated devices (hardware.sim): `scan` goes
through the scripted scanner's decoder, `key`/`call`/`headphones` through the real Keys
on gpiozero's mock pins, `tap` through a touch dispatched at the widget's centre by
Kivy's event loop (so a widget that is not on screen, or is covered, fails the tap).
Each command runs after the previous one has been drawn.

`gateway down|up` cuts the link by switching the circulation off: every request is then
refused with gateway_unavailable, as the IRBIS adapter does when the server cannot be
reached (the embedded server keeps running; its data is untouched).

Without --gateway the embedded IRBIS server starts with the demo data in a fresh temp
dir, dated for --today (default: today), so every run starts from the same state.

--transcript FILE: the bus events as JSON lines (contracts.md).
--screenshots DIR: a PNG whenever what is shown changes (screen, language, contrast,
notice or timeout warning), named NNN-<screen>-<lang>[-contrast].png, each with a
NNN-....json beside it: the texts on screen with their font files, and the tappable ids
with their rectangles (for the glyph, privacy and touch-target checks).
KIOSK_SCRIPT_STATS=FILE writes the scan -> screen times (gateway time excluded) as JSON.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple, TextIO

log = logging.getLogger(__name__)

FRAME_TIMEOUT_S = 2.0


def _fail(message: str) -> int:
    print(f"kiosk script: {message}", file=sys.stderr)
    return 1


class _Inputs(NamedTuple):
    cfg: Any
    commands: list[Any]
    today: date | None
    shots: Path | None
    transcript: TextIO | None


def _inputs(args: argparse.Namespace) -> _Inputs | str:
    """The config, scenario, date and output places, or why the run cannot start."""
    from kiosk.config import ConfigError, load_config
    from kiosk.core.clock import parse_today
    from kiosk.tools.scenario import ScenarioError, parse_scenario

    try:
        cfg = load_config(args.config)
    except ConfigError as e:
        return str(e)
    try:
        commands = parse_scenario(Path(args.scenario).read_text(encoding="utf-8"))
    except OSError as e:
        return f"{args.scenario}: cannot read the scenario ({e.strerror})"
    except ScenarioError as e:
        return f"{args.scenario}: {e}"
    try:
        today = parse_today(args.today)
    except ValueError as e:
        return str(e)
    shots = Path(args.screenshots) if args.screenshots else None
    try:
        if shots is not None:
            shots.mkdir(parents=True, exist_ok=True)
        transcript = open(args.transcript, "w", encoding="utf-8") if args.transcript else None  # noqa: SIM115
    except OSError as e:
        return f"{e.filename}: cannot write there ({e.strerror})"
    return _Inputs(cfg, commands, today, shots, transcript)


def main(args: argparse.Namespace) -> int:
    got = _inputs(args)
    if isinstance(got, str):
        return _fail(got)
    cfg, commands, today, shots, transcript = got
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    cfg.ui.maxfps = 0  # no frame pacing: every command waits for its own frame anyway
    from kiosk.app.run import lean_kivy_providers
    from kiosk.ui.kivy_setup import configure_kivy

    lean_kivy_providers()
    configure_kivy(cfg.ui, headless=True)

    from kiosk.app import Kiosk
    from kiosk.core.clock import VirtualClock
    from kiosk.core.events import EventLog
    from kiosk.core.executor import SyncExecutor
    from kiosk.tools.switch import GatewaySwitch

    clock = VirtualClock(today=today or date.today())
    work = tempfile.mkdtemp(prefix="kiosk-script-")
    data_dir = None if args.gateway else str(Path(work) / "sim")
    kiosk = Kiosk(cfg, clock, SyncExecutor(), lambda fn: fn(), scripted=True,
                  gateway_url=args.gateway, today=clock.today(), data_dir=data_dir,
                  persistent=False, journal_path=str(Path(work) / "journal.sqlite3"),
                  wrap_gateway=GatewaySwitch)
    events = EventLog()
    kiosk.bus.subscribe(events)
    if transcript is not None:
        def write(event: dict[str, Any]) -> None:
            transcript.write(json.dumps(event, ensure_ascii=False, default=str) + "\n")
            transcript.flush()  # a crash still leaves the events so far

        kiosk.bus.subscribe(write)
    runner = None
    try:
        kiosk.build()
        runner = ScriptRunner(kiosk, commands, events, shots)
        kiosk.app.on_started = runner.begin
        kiosk.app.run()
    except Exception as e:  # noqa: BLE001 - a broken run is a failure message, not a traceback
        log.exception("kiosk script crashed")
        return _fail(f"the app failed: {type(e).__name__}: {e}")
    finally:
        if transcript is not None:
            transcript.close()
        kiosk.close()
        shutil.rmtree(work, ignore_errors=True)
    if runner is None:
        return _fail("the app did not start")
    runner.write_stats()
    if runner.failures:
        for failure in runner.failures:
            print(f"kiosk script: {args.scenario}: {failure}", file=sys.stderr)
        return 1
    if not runner.finished:
        return _fail("the scenario did not run to its end")
    return 0


class ScriptRunner:
    """Runs the commands one per frame on Kivy's clock; screenshots after each frame."""

    def __init__(self, kiosk: Any, commands: list[Any], events: Any, shots: Path | None) -> None:
        from kiosk.tools.harness import Expectations

        self.kiosk = kiosk
        self.commands = commands
        self.events = events
        self.expect = Expectations(events)
        self.shots = shots
        self.failures: list[str] = []
        self.finished = False
        self.latencies_ms: list[float] = []
        self.render_ms: list[float] = []
        self.missed_frames = 0
        self.frame_ms: list[float] = []  # from a command's end to its frame on screen
        self.started = time.perf_counter()
        self._index = 0
        self._waiting_since: float | None = None
        self._scan: tuple[float, float] | None = None  # (started, gateway busy_s before)
        self._shot_key: Any = None
        self._shot_n = 0
        self._taps: list[str] = []
        self.live: list[dict[str, int]] = []
        self._stats = bool(os.environ.get("KIOSK_SCRIPT_STATS"))
        self._last_screen = ""

    # ------------------------------------------------------------------- loop
    def begin(self, app: Any) -> None:
        from kivy.clock import Clock
        from kivy.core.window import Window

        app.kiosk.add_tap_listener(self._taps.append)
        Window.bind(on_flip=self._flipped)
        self._guard = Clock.schedule_interval(self._watch, 0.25)
        self._run(self.kiosk.start)

    def _run(self, action: Any) -> None:
        from kivy.core.window import Window

        try:
            action()
        except Exception as e:  # noqa: BLE001
            log.exception("scenario command failed")
            self.failures.append(f"internal error: {type(e).__name__}: {e}")
        self._waiting_since = time.perf_counter()
        Window.canvas.ask_update()

    def _watch(self, _dt: float) -> None:
        # a frame that never comes must not hang the run
        if self._waiting_since is not None and \
                time.perf_counter() - self._waiting_since > FRAME_TIMEOUT_S:
            self.missed_frames += 1
            self._after_frame()

    def _flipped(self, *_: Any) -> None:
        if self._waiting_since is not None:
            self._after_frame()

    def _after_frame(self) -> None:
        from kivy.clock import Clock

        now = time.perf_counter()
        if self._waiting_since is not None and self._stats:
            self.frame_ms.append((now - self._waiting_since) * 1000)
        self._waiting_since = None
        if self._scan is not None:
            started, busy_before = self._scan
            gateway = self.kiosk.link.busy_s - busy_before
            if self._stats:  # kept only when asked for: a long run would grow with them
                self.latencies_ms.append(max(0.0, (now - started - gateway) * 1000))
                self.render_ms.append(self.kiosk.app.kiosk.last_render_ms)
            self._scan = None
        self._maybe_screenshot()
        self._count_live()
        Clock.schedule_once(self._step, 0)

    def _step(self, _dt: float) -> None:
        if self.failures or self._index >= len(self.commands):
            self.finished = not self.failures
            self._stop()
            return
        command = self.commands[self._index]
        self._index += 1
        self._run(lambda: self._apply(command))

    def _stop(self) -> None:
        from kivy.core.window import Window

        Window.unbind(on_flip=self._flipped)
        self._guard.cancel()
        self.kiosk.app.stop()

    # ------------------------------------------------------------------- commands
    def _apply(self, command: Any) -> None:
        from kiosk.tools.harness import advance
        from kiosk.tools.scenario import (
            Call,
            ExpectEvent,
            ExpectScreen,
            Garbled,
            Gateway,
            Headphones,
            Key,
            Scan,
            StaffAck,
            Tap,
            Wait,
        )

        k = self.kiosk
        devices = k.devices
        if not isinstance(command, ExpectScreen | ExpectEvent):
            self.expect.action()
            self._forget_checked()
        match command:
            case Scan(code=code):
                self._scan = (time.perf_counter(), k.link.busy_s)
                devices.scanner.push(code)
            case Garbled():
                devices.scanner.push_dropped()
            case Key(name=name):
                devices.mock_board.tap(name)
            case Tap(widget_id=widget_id):
                failure = self._tap(widget_id)
                if failure:
                    self.failures.append(f"line {command.line}: {failure}")
            case Call():
                devices.mock_board.tap("call_button")
            case StaffAck():
                k.staff_ack()
            case Headphones(plugged=plugged):
                devices.mock_board.headphones(plugged)
            case Wait(seconds=seconds):
                advance(k.session, k.clock, seconds)
                k.tick_others()
            case Gateway(up=up):
                k.link.up = up
                if up:
                    k.sync_journal()
            case ExpectScreen() | ExpectEvent():
                failure = self.expect.check(command, self.shown.screen)
                if failure:
                    self.failures.append(failure)

    def _forget_checked(self) -> None:
        """Drop the events no expect will look at again (each group sees only those since
        the previous one), so a long scenario does not keep every event of every session."""
        if self.expect.mark:
            del self.events.events[:self.expect.mark]
            self.expect.mark = 0

    @property
    def shown(self) -> Any:
        return self.kiosk.app.kiosk.view

    def _tap(self, widget_id: str) -> str | None:
        return self.kiosk.app.kiosk.tap(widget_id)

    # ------------------------------------------------------------------- output
    def _maybe_screenshot(self) -> None:
        if self.shots is None:
            return
        view = self.shown
        notice = (view.notice.kind, view.notice.msg) if view.notice else None
        key = (view.screen, view.lang, view.contrast, notice, view.warning_remaining_s is not None,
               view.receipt_offered, view.help_layer, view.focused.id if view.focused else None,
               getattr(view, "stage", None), getattr(view, "message", None))
        if key == self._shot_key:
            return
        self._shot_key = key
        self._shot_n += 1

        stem = f"{self._shot_n:03d}-{view.screen}-{view.lang}" + ("-contrast" if view.contrast else "")
        save_screenshot(self.shots / f"{stem}.png")
        (self.shots / f"{stem}.json").write_text(
            json.dumps(describe(self.kiosk.app.kiosk), ensure_ascii=False, indent=1),
            encoding="utf-8")

    def _count_live(self) -> None:
        """With KIOSK_SCRIPT_STATS: the live widgets and textures each time the attract
        screen comes back (the memory checks compare them between sessions)."""
        screen = self.shown.screen
        if os.environ.get("KIOSK_SCRIPT_STATS") and screen == "attract" and self._last_screen != screen:
            from kiosk.ui.query import live_counts

            self.live.append(live_counts())
        self._last_screen = screen

    def write_stats(self) -> None:
        target = os.environ.get("KIOSK_SCRIPT_STATS")
        if not target:
            return
        Path(target).write_text(json.dumps({
            "scan_to_screen_ms": self.latencies_ms, "render_ms": self.render_ms,
            "frame_ms": self.frame_ms,
            "missed_frames": self.missed_frames, "live_at_attract": self.live,
            "commands": self._index, "seconds": time.perf_counter() - self.started,
        }), encoding="utf-8")


def save_screenshot(path: Path) -> None:
    """The frame just drawn, as PNG. Called from on_flip (earlier the buffer is empty);
    Pillow with light compression is ~10x faster than Kivy's own Window.screenshot."""
    from kivy.core.window import Window
    from kivy.graphics.opengl import GL_RGB, GL_UNSIGNED_BYTE, glReadPixels
    from PIL import Image

    width, height = (int(v) for v in Window.size)
    data = glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE)
    image = Image.frombytes("RGB", (width, height), data).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    image.save(path, compress_level=1)


def describe(root: Any) -> dict[str, Any]:
    """What is on screen (kiosk.ui.query.on_screen): texts with font files, tappable ids
    with rectangles (window px), pictures, focus, and the texts retained widgets hold."""
    return root.on_screen()
