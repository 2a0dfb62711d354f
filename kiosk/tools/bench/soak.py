"""`kiosk bench --soak N`: N whole sessions through the real `kiosk run` path (real clock,
worker thread for the gateway, offscreen window) against `kiosk sim` with generated data,
printing one JSON line every 100 sessions (and at the start and the end):

    {"sessions": 100, "rss_mb": ..., "widgets": ..., "textures": ..., "instructions": ...,
     "gc_objects": ..., "python_mb": ...}

A session: the language and theme for this session (kk, ru, en in turn; the contrast theme
every other three), card, a book checked out, that book renewed (a tap on its row), a
refusal (an unknown barcode), finish, receipt, done. Widgets and textures are counted
with gc on the UI thread's side (kiosk.ui.query.live_counts); python_mb is tracemalloc's
current total when --tracemalloc is given. Every line also has "rss_mb_trimmed", the RSS
right after malloc_trim (what the kiosk's HeapTrimmer gives back when it stands idle; the
raw figure swings by about 5 MB with whether a trim ran just before). The last line adds
the growth: "soak_rss_growth_mb" from "soak_rss_growth_from" (session 100) to the end,
"soak_rss_mb_after_first" (the RSS then), and "soak_rss_trimmed_growth_mb".

    python -m kiosk.tools.bench.soak N --config FILE [--readers R] [--every K] [--tracemalloc]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

from kiosk.tools.bench.app import (
    STEP_TIMEOUT_S,
    Driver,
    FrameWatch,
    _install,
    _watch_frames,
    rss_by_mapping,
    rss_mb,
)
from kiosk.tools.bench.script_soak import add_growth

LANGS = ("kk", "ru", "en")
UNKNOWN_BOOK = "999999999"


class Soak:
    """Plays the sessions from its own thread (like the scanner thread) through the app."""

    def __init__(self, kiosk: Any, watch: FrameWatch, sessions: int, readers: int,
                 every: int) -> None:
        self.kiosk, self.watch = kiosk, watch
        self.sessions, self.readers, self.every = sessions, readers, every
        self.driver = Driver(kiosk, watch, None, sessions, 0, readers, 1e9)
        self.lines: list[dict[str, Any]] = []
        self.baseline: tracemalloc.Snapshot | None = None
        self.error = ""

    def tap(self, tap_id: str) -> None:
        def on_ui() -> None:
            failure = self.kiosk.app.kiosk.tap(tap_id)
            if failure:
                self.error = failure

        self.driver._post(on_ui)

    def step(self, act: Any, want: Any, what: str) -> None:
        self.driver._step(act, want, what)
        self.driver.cue_events.clear()  # the soak times no cue; the list would grow with them
        if self.error:
            raise RuntimeError(f"{what}: {self.error}")

    def view(self) -> Any:
        return self.kiosk.app.kiosk.view

    def session(self, i: int) -> None:
        from kiosk.tools.synthetic import book_barcode, reader_card

        push = self.kiosk.devices.scanner.type_text
        lang, contrast = LANGS[i % 3], (i // 3) % 2 == 1
        if self.view().lang != lang:
            self.step(lambda: self.tap(f"language_{lang}"), lambda v: v.lang == lang, "language")
        if self.view().contrast != contrast:
            self.step(lambda: self.tap("contrast"), lambda v: v.contrast == contrast, "theme")
        card, book = reader_card(i % self.readers), book_barcode(i)
        self.step(lambda: push(card + "\n"),
                  lambda v: v.screen == "account" and not v.busy, f"{i}: card")
        self.step(lambda: push(book + "\n"),
                  lambda v: not v.busy and any(x.barcode == book for x in v.loans), f"{i}: checkout")
        self.step(lambda: self.tap(f"loan:{book}"),
                  lambda v: not v.busy and v.notice is not None and v.notice.kind != "info"
                  and any(x.barcode == book and x.status == "renewed" for x in v.loans)
                  or (v.notice is not None and v.notice.kind == "refused"), f"{i}: renew")
        self.step(lambda: push(UNKNOWN_BOOK + "\n"),
                  lambda v: not v.busy and v.notice is not None and v.notice.kind == "refused"
                  and v.notice.code == UNKNOWN_BOOK, f"{i}: refusal")
        self.step(lambda: self.tap("finish"), lambda v: v.screen == "summary", f"{i}: finish")
        if self.view().receipt_offered:
            self.step(lambda: self.tap("receipt_yes"),
                      lambda v: v.screen != "summary" or not v.receipt_offered, f"{i}: receipt")
        if self.view().screen == "summary":
            self.step(lambda: self.tap("done"), lambda v: v.screen == "attract", f"{i}: done")

    def report(self, played: int, final: bool = False) -> None:
        from kiosk.ui.query import live_counts

        time.sleep(0.3)  # let the last frame and the speech settle
        line: dict[str, Any] = {"sessions": played, "rss_mb": round(rss_mb(), 1)}
        line["rss_by_mapping"] = rss_by_mapping(top=4)
        # what the kiosk's HeapTrimmer gets back when it next stands idle: the raw RSS
        # swings by ~5 MB with whether a trim ran just before the sample (at most one a minute)
        line["rss_mb_trimmed"] = _trimmed_rss()
        line.update(live_counts())
        line["gc_objects"] = len(gc.get_objects())
        line["python_blocks"] = sys.getallocatedblocks()  # also counts bytes/str, which gc does not see
        if tracemalloc.is_tracing():
            line["python_mb"] = round(tracemalloc.get_traced_memory()[0] / 2**20, 2)
            if played == 2 * self.every and not final:
                self.baseline = tracemalloc.take_snapshot()  # screens first used by now
            elif final and self.baseline is not None:
                line["python_growth_top"] = growth_top(self.baseline, tracemalloc.take_snapshot())
        if final and line["rss_mb_trimmed"] is not None:
            line["rss_mb_after_malloc_trim"] = line["rss_mb_trimmed"]
        self.lines.append(line)
        if final:
            line.update(add_growth(self.lines))
        sys.stdout.write("SOAK " + json.dumps(line) + "\n")
        sys.stdout.flush()

    def run(self) -> None:
        played = 0
        try:
            time.sleep(1.0)
            self.report(0)
            for i in range(self.sessions):
                self.session(i)
                played = i + 1
                if played % self.every == 0 and played < self.sessions:
                    self.report(played)
            self.report(played, final=True)
        except Exception as e:  # noqa: BLE001 - reported, then the app stops
            self.error = f"{type(e).__name__}: {e}"
            sys.stdout.write("SOAK " + json.dumps({"sessions": played, "error": self.error}) + "\n")
            sys.stdout.flush()
        finally:
            self.driver._post(self.kiosk.app.stop)


def _trimmed_rss() -> float | None:
    from kiosk.system.memory import libc_trim

    trim = libc_trim()
    if trim is None:
        return None
    trim()
    return round(rss_mb(), 1)


def growth_top(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot, n: int = 10) -> list[dict[str, Any]]:
    """The source lines whose live Python memory grew most between two snapshots."""
    keep = [tracemalloc.Filter(False, tracemalloc.__file__)]
    diffs = after.filter_traces(keep).compare_to(before.filter_traces(keep), "lineno")
    return [{"at": f"{d.traceback[0].filename}:{d.traceback[0].lineno}", "kb": round(d.size_diff / 1024, 1),
             "blocks": d.count_diff} for d in diffs[:n] if d.size_diff > 0]


def _child(config: str, sessions: int, readers: int, every: int, trace: bool) -> int:
    from kiosk.app import run_main

    watch = FrameWatch()

    def started(kiosk: Any) -> None:
        _watch_frames(kiosk, watch)
        soak = Soak(kiosk, watch, sessions, readers, every)
        watch.expect(lambda v: v.screen == "attract")

        def go() -> None:
            if watch.done.wait(STEP_TIMEOUT_S):
                soak.run()
            else:
                soak.driver._post(kiosk.app.stop)

        threading.Thread(target=go, daemon=True).start()

    kiosk_type = _install(started)
    if trace:
        tracemalloc.start(1)
    return run_main(argparse.Namespace(config=config), kiosk_type)


def soak_main(sessions: int, readers: int = 100, every: int = 100, trace: bool = False) -> int:
    """`kiosk bench --soak N [--tracemalloc]`: `kiosk sim` with generated data, then the
    child app; its JSON lines go to stdout as they come. With trace, the last line names
    the source lines whose Python memory grew from session 2 x every to the end."""
    import subprocess

    from kiosk.tools.bench.main import _child_env, _last_line, _start_sim, _stop, _write_app_config

    with tempfile.TemporaryDirectory(prefix="bench-soak-") as tmp:
        folder = Path(tmp)
        sim, ports = _start_sim(folder, readers, sessions + 10)
        try:
            cfg = _write_app_config(folder, ports["http"])
            cmd = [sys.executable, "-m", "kiosk.tools.bench.soak", str(sessions), "--config",
                   str(cfg), "--readers", str(readers), "--every", str(every)] + (["--tracemalloc"] if trace else [])
            errf = open(folder / "app.stderr", "w")  # noqa: SIM115 - closed below
            app = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errf,
                                   text=True, env=_child_env(str(folder / "state")))
            ok = False
            try:
                assert app.stdout is not None
                for raw in app.stdout:
                    if raw.startswith("SOAK "):
                        line = raw[len("SOAK "):].strip()
                        print(line, flush=True)
                        ok = ok or ('"rss_mb_after_malloc_trim"' in line)
                app.wait(timeout=30)
            finally:
                _stop(app)
                errf.close()
            if not ok:
                print(json.dumps({"error": _last_line(folder / "app.stderr")}), flush=True)
        finally:
            _stop(sim)
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.tools.bench.soak")
    parser.add_argument("n", type=int)
    parser.add_argument("--config", required=True)
    parser.add_argument("--readers", type=int, default=100)
    parser.add_argument("--every", type=int, default=100)
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args(argv)
    import os

    os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
    return _child(args.config, args.n, args.readers, args.every, args.tracemalloc)


if __name__ == "__main__":
    raise SystemExit(main())
