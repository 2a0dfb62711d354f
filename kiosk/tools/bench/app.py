"""The app half of `kiosk bench`: the real `kiosk run` code path (kiosk.app.run_main) in an
offscreen window, in a process of its own (one Kivy app per process), with measuring hooks.

    python -m kiosk.tools.bench.app run [--config FILE]
        `kiosk run` as it is. Prints `attract <unix time>` once the frame showing the
        attract screen has been drawn (on_flip), then keeps running until terminated; the
        parent reads startup time, RSS and CPU from /proc/<pid>.

    python -m kiosk.tools.bench.app sessions N --config FILE [--warmup W]
        `kiosk run` against the gateway in FILE, then a driver thread (standing in for
        the scanner thread) plays N sessions: scan card -> account, scan book -> on loan,
        tap finish -> summary, tap done -> attract. Prints one JSON object: scan -> screen
        and scan -> cue samples (ms, time inside the gateway subtracted), RSS on the idle
        attract screen, after W sessions and after N.

Hooks, all from outside (no app code is changed): `kiosk.app.compose.Kiosk` is replaced by a
subclass that watches what the app is given to show and the frames drawn, and the speech
sink (aplay to ALSA's null device, else a real-time recording sink) is wrapped to stamp
the first block of each cue.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from kiosk.tools.bench.memory import gl_rss_mb, rss_by_mapping, rss_mb
from kiosk.tools.bench.memory import memory_probe as _memory_probe
from kiosk.tools.bench.watch import CueStampSink, FrameWatch, _cue_sink

STEP_TIMEOUT_S = 15.0


def _install(on_start: Callable[[Any], None], speech_sink: Any = None) -> type:
    """A Kiosk subclass for run_main that times the gateway (through the GatewaySwitch it
    puts in front of it) and calls on_start(kiosk) after Kiosk.start."""
    from kiosk.app.compose import Kiosk
    from kiosk.tools.switch import GatewaySwitch

    class BenchKiosk(Kiosk):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("wrap_gateway", GatewaySwitch)
            super().__init__(*args, **kwargs)

        def start(self) -> None:
            super().start()
            on_start(self)

    if speech_sink is not None:
        import kiosk.speech as speech_module

        original = speech_module.attach_speech

        def attach(bus: Any, config: Any, simulated: bool = False, **_: Any) -> Any:
            speaker = original(bus, config, sink=speech_sink)
            speech_sink.speaker = speaker
            return speaker

        speech_module.attach_speech = attach
    return BenchKiosk


def _watch_frames(kiosk: Any, watch: FrameWatch) -> None:
    from kivy.core.window import Window

    show, scan = kiosk.app.show, kiosk.scan

    def shown(view: Any) -> None:
        at = time.perf_counter()
        show(view)
        watch.shown(view, at, time.perf_counter() - at)

    def scanned(code: str) -> None:
        watch.received()
        scan(code)

    kiosk.app.show = shown
    kiosk.scan = scanned
    Window.bind(on_flip=watch.flipped)


# ----------------------------------------------------------------------- run (startup)
def _run(config: str | None) -> int:
    from kiosk.app import run_main

    watch = FrameWatch()
    watch.expect(lambda v: v.screen == "attract")

    def report() -> None:
        watch.done.wait()
        print(f"attract {time.time():.6f}", flush=True)

    threading.Thread(target=report, daemon=True).start()
    kiosk_type = _install(lambda kiosk: _watch_frames(kiosk, watch))
    return run_main(argparse.Namespace(config=config), kiosk_type)


# ----------------------------------------------------------------------- sessions
class CallTimer:
    """Adds up the time spent in the public methods of one object (the circulation the
    session calls: the journal in front of the gateway), by wrapping them on the instance."""

    def __init__(self, obj: Any) -> None:
        import inspect

        self.busy_s = 0.0
        for name, method in inspect.getmembers(obj, inspect.ismethod):
            if not name.startswith("_"):
                setattr(obj, name, self._timed(method))

    def _timed(self, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.busy_s += time.perf_counter() - started

        return call


def _gateway_busy(kiosk: Any) -> float:
    """Seconds spent inside the gateway so far (the app's GatewaySwitch adds them up; the
    journal in front of it is the kiosk's own work and stays in the figures)."""
    for holder in (kiosk.link, kiosk.circulation):
        busy = getattr(holder, "busy_s", None)
        if isinstance(busy, float):
            return busy
    raise RuntimeError("the app's gateway switch no longer counts busy_s")


class Driver:
    """Plays sessions through the app from its own thread, like the scanner thread."""

    def __init__(self, kiosk: Any, watch: FrameWatch, sink: CueStampSink | None,
                 sessions: int, warmup: int, readers: int, budget_s: float,
                 trace: bool = False) -> None:
        self.kiosk = kiosk
        self.watch = watch
        self.sink = sink
        self.sessions = sessions
        self.warmup = warmup
        self.readers = readers
        self.budget_s = budget_s
        self.trace = trace  # tracemalloc: which Python lines hold the growth
        outer = kiosk.circulation
        self.outer = CallTimer(outer) if outer is not kiosk.link else None
        self._snapshot: Any = None
        self.screen_ms: list[float] = []
        self.cue_ms: list[float] = []
        self.cue_events: list[float] = []  # when the session published each cue event
        self.cue_published_ms: list[float] = []  # scan -> cue event (gateway subtracted)
        kiosk.bus.subscribe(self._on_event)
        # per scan: to the UI thread, gateway, rendering the views before the result ("busy"),
        # the rest of the session + the hop back from the gateway thread, rendering the
        # result, waiting for and drawing the frame
        self.stages_ms: dict[str, list[float]] = {
            "to_ui_thread": [], "gateway": [], "journal": [], "early_render": [],
            "session_and_hop": [],
            "render": [], "to_frame": [], "raster": []}
        self.pixels_ms: list[float] = []  # scan -> the GL finished the frame (gateway excluded)
        self.result: dict[str, Any] = {}

    def _post(self, fn: Callable[[], None]) -> None:
        from kivy.clock import Clock

        Clock.schedule_once(lambda _dt: fn(), 0)

    def _step(self, act: Callable[[], None], want: Callable[[Any], bool], what: str,
              scan: bool = False, cue: bool = False) -> float:
        busy_before = _gateway_busy(self.kiosk)
        outer_before = self.outer.busy_s if self.outer is not None else 0.0
        self.watch.expect(want)
        t0 = time.perf_counter()
        act()
        if not self.watch.done.wait(STEP_TIMEOUT_S):
            raise TimeoutError(f"{what}: the screen did not show the result in {STEP_TIMEOUT_S} s")
        gateway = _gateway_busy(self.kiosk) - busy_before
        journal = (self.outer.busy_s - outer_before - gateway) if self.outer is not None else 0.0
        w = self.watch
        drawn = w.drawn_at or time.perf_counter()
        if scan and w.received_at is not None and w.show_at is not None:
            rest = w.show_at - w.received_at - gateway - journal - w.early_render_s
            for name, value in (("to_ui_thread", w.received_at - t0), ("gateway", gateway),
                                ("journal", journal), ("early_render", w.early_render_s),
                                ("session_and_hop", rest),
                                ("render", w.render_s),
                                ("to_frame", drawn - w.show_at - w.render_s)):
                self.stages_ms[name].append(round(value * 1000, 3))
            if w.pixels_at is not None:
                self.stages_ms["raster"].append(round((w.pixels_at - drawn) * 1000, 3))
                self.pixels_ms.append(round(max(0.0, w.pixels_at - t0 - gateway) * 1000, 3))
        if cue and self.sink is not None:
            deadline = time.perf_counter() + 2.0
            heard = self.sink.first_cue_after(t0)
            while heard is None and time.perf_counter() < deadline:
                time.sleep(0.002)
                heard = self.sink.first_cue_after(t0)
            if heard is not None:
                self.cue_ms.append(max(0.0, heard - t0 - gateway) * 1000)
            published = next((t for t in self.cue_events if t >= t0), None)
            if published is not None:
                self.cue_published_ms.append(max(0.0, published - t0 - gateway) * 1000)
            self.cue_events.clear()
        return max(0.0, drawn - t0 - gateway) * 1000

    def _on_event(self, event: dict[str, Any]) -> None:
        if event.get("event") == "cue":
            self.cue_events.append(time.perf_counter())

    def _idle(self) -> None:
        """Let the app settle: no frame for a while (timers, speech start-up)."""
        time.sleep(1.0)

    def run(self) -> None:
        from kiosk.tools.synthetic import book_barcode, reader_card

        played = 0
        try:
            self._idle()
            self.result["rss_mb_idle"] = rss_mb()
            self.result["rss_mb_idle_gl"] = gl_rss_mb()
            self.result["rss_by_mapping_idle"] = rss_by_mapping()
            scanner = self.kiosk.devices.scanner
            # `kiosk run` has the desktop KeyboardScanner; both decode key events to a code
            push = getattr(scanner, "push", None) or (lambda code: scanner.type_text(code + "\n"))
            started = time.perf_counter()
            for i in range(self.sessions):
                if i > self.warmup and time.perf_counter() - started > self.budget_s:
                    break
                card, book = reader_card(i % self.readers), book_barcode(i)
                self.screen_ms.append(self._step(
                    lambda c=card: push(c),
                    lambda v: v.screen == "account" and not v.busy and v.pending_scans == 0,
                    f"session {i}: login", scan=True))
                self.screen_ms.append(self._step(
                    lambda b=book: push(b),
                    lambda v, b=book: not v.busy and any(loan.barcode == b for loan in v.loans),
                    f"session {i}: checkout", scan=True, cue=True))
                self._step(lambda: self._post(lambda: self.kiosk.tap("finish")),
                           lambda v: v.screen == "summary", f"session {i}: finish")
                self._step(lambda: self._post(lambda: self.kiosk.tap("done")),
                           lambda v: v.screen == "attract", f"session {i}: done")
                played = i + 1
                if played == self.warmup:
                    self.result["rss_mb_after_warmup"] = rss_mb()
                    self.result["gc_objects_after_warmup"] = len(gc.get_objects())
                    if self.trace:
                        self._snapshot = tracemalloc.take_snapshot()
            self.result["sessions_s"] = round(time.perf_counter() - started, 2)
            self._idle()
            self.result["rss_mb_after_sessions"] = rss_mb()
            self.result["rss_by_mapping_after"] = rss_by_mapping()
            self.result.update(_memory_probe())
            if self.trace and self._snapshot is not None:
                diff = tracemalloc.take_snapshot().compare_to(self._snapshot, "traceback")
                self.result["python_growth_top"] = [
                    f"{d.size_diff / 1024:.0f} KiB in {d.count_diff} blocks: "
                    + " <- ".join(f"{f.filename.rsplit('site-packages/', 1)[-1]}:{f.lineno}"
                                  for f in list(d.traceback)[::-1][:4])
                    for d in diff[:15]]
        except Exception as e:  # noqa: BLE001 - reported to the parent, not raised
            self.result["error"] = f"{type(e).__name__}: {e}"
        finally:
            self.result.update(sessions=played, warmup=self.warmup,
                               scan_to_screen_ms=self.screen_ms, scan_to_cue_ms=self.cue_ms,
                               scan_to_pixels_ms=self.pixels_ms,
                               stages_ms=self.stages_ms, cue_published_ms=self.cue_published_ms)
            self._post(self.kiosk.app.stop)


def _gl_finish() -> None:
    from kivy.graphics.opengl import glFinish

    glFinish()


def _sessions(config: str, sessions: int, warmup: int, readers: int, budget_s: float,
              trace: bool = False) -> int:
    from kiosk.app import run_main

    sink, sink_kind = _cue_sink()
    watch = FrameWatch(finish=_gl_finish)
    drivers: list[Driver] = []

    def started(kiosk: Any) -> None:
        _watch_frames(kiosk, watch)
        driver = Driver(kiosk, watch, sink, sessions, warmup, readers, budget_s, trace)
        drivers.append(driver)
        watch.expect(lambda v: v.screen == "attract")

        def go() -> None:
            if not watch.done.wait(STEP_TIMEOUT_S):
                driver.result["error"] = "the attract screen was never drawn"
                driver._post(kiosk.app.stop)
                return
            driver.run()

        threading.Thread(target=go, daemon=True).start()

    kiosk_type = _install(started, speech_sink=sink)
    if trace:
        tracemalloc.start(8)
    code = run_main(argparse.Namespace(config=config), kiosk_type)
    result = drivers[0].result if drivers else {"error": "the app did not start"}
    result["cue_sink"] = sink_kind
    result["exit"] = code
    sys.stdout.write("BENCH " + json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.tools.bench.app")
    sub = parser.add_subparsers(dest="mode", required=True)
    run = sub.add_parser("run")
    run.add_argument("--config")
    ses = sub.add_parser("sessions")
    ses.add_argument("n", type=int)
    ses.add_argument("--config", required=True)
    ses.add_argument("--warmup", type=int, default=20)
    ses.add_argument("--readers", type=int, default=100)
    ses.add_argument("--budget-s", type=float, default=600.0,
                     help="stop after this long (after the warm-up) and report what was played")
    ses.add_argument("--tracemalloc", action="store_true",
                     help="also list the Python allocations that grew after the warm-up (slow)")
    args = parser.parse_args(argv)
    os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
    if args.mode == "run":
        return _run(args.config)
    return _sessions(args.config, args.n, min(args.warmup, args.n), args.readers, args.budget_s,
                     args.tracemalloc)


if __name__ == "__main__":
    raise SystemExit(main())
