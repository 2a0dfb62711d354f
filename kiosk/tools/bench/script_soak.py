"""`kiosk bench --script-soak N`: N whole sessions through `kiosk script` (the real app
headless, virtual clock, synchronous gateway, the embedded server with the demo data) in
ONE process, printing one JSON line every 100 sessions (and at the start and the end):

    {"sessions": 100, "rss_mb": ..., "widgets": ..., "textures": ..., "instructions": ...,
     "gc_objects": ..., "python_blocks": ...}

A session: the language and theme in turn (kk, ru, en; the contrast theme every other
three), card, a book checked out, an unknown barcode refused, finish, done. A session is
counted each time the attract screen comes back. The last line adds the RSS after
malloc_trim and the summary: "soak_rss_mb_after_first" (RSS after the first report, session
100), "soak_rss_growth_mb" (from there to the end) and "soak_rss_growth_from" (that session).

    python -m kiosk.tools.bench.script_soak N [--every K] [--tracemalloc]
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import sys
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

from kiosk.tools.bench.memory import rss_by_mapping, rss_mb

CARD = "100102"  # demo reader
BOOK = "000010001"  # demo copy; checked out in the first session, "already yours" after
UNKNOWN_BOOK = "999999999"
TODAY = "20261125"


def scenario(sessions: int) -> str:
    """The scenario text of `sessions` sessions (contracts.md: scenario files)."""
    lines = ["wait 1"]
    lang, contrast = "kk", False
    for i in range(sessions):
        want_lang, want_contrast = ("kk", "ru", "en")[i % 3], (i // 3) % 2 == 1
        if want_lang != lang:
            lines.append(f"tap language_{want_lang}")
            lang = want_lang
        if want_contrast != contrast:
            lines.append("tap contrast")
            contrast = want_contrast
        lines += [f"scan {CARD}", "expect screen account", f"scan {BOOK}",
                  f"scan {UNKNOWN_BOOK}", "tap finish", "expect screen summary", "tap done",
                  "expect screen attract", "wait 3"]
    return "\n".join(lines) + "\n"


def memory_line(played: int, final: bool = False) -> dict[str, Any]:
    """RSS, the live Kivy widgets/textures/instructions and Python's object counts now."""
    from kiosk.ui.query import live_counts

    line: dict[str, Any] = {"sessions": played, "rss_mb": round(rss_mb(), 1),
                            "rss_by_mapping": rss_by_mapping(top=4)}
    line.update(live_counts())
    line["gc_objects"] = len(gc.get_objects())
    line["python_blocks"] = sys.getallocatedblocks()
    if tracemalloc.is_tracing():
        line["python_mb"] = round(tracemalloc.get_traced_memory()[0] / 2**20, 2)
    if final:
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
            line["rss_mb_after_malloc_trim"] = round(rss_mb(), 1)
        except (OSError, AttributeError):
            pass
    return line


def add_growth(lines: list[dict[str, Any]]) -> dict[str, Any]:
    """The summary keys for the last line: RSS growth from the first report after session
    0 (session 100 by default) to the end."""
    played = [x for x in lines if x.get("sessions", 0) > 0 and "rss_mb" in x]
    if len(played) < 2:
        return {}
    first, last = played[0], played[-1]
    out = {"soak_rss_mb_after_first": first["rss_mb"],
           "soak_rss_growth_from": first["sessions"],
           "soak_rss_growth_mb": round(last["rss_mb"] - first["rss_mb"], 1)}
    if first.get("rss_mb_trimmed") is not None and last.get("rss_mb_trimmed") is not None:
        out["soak_rss_trimmed_growth_mb"] = round(last["rss_mb_trimmed"] - first["rss_mb_trimmed"], 1)
    return out


class Reporter:
    """Hooked into ScriptRunner._count_live (called after every frame): counts the returns
    to the attract screen and prints a line every `every` sessions."""

    def __init__(self, sessions: int, every: int) -> None:
        self.sessions, self.every = sessions, every
        self.played = 0
        self.lines: list[dict[str, Any]] = []
        self._prev = ""

    def after_frame(self, screen: str) -> None:
        back = screen == "attract" and self._prev not in ("", "attract")
        self._prev = screen
        if not back:
            return
        self.played += 1
        if self.played == self.sessions:
            self.emit(memory_line(self.played, final=True), final=True)
        elif self.played % self.every == 0:
            self.emit(memory_line(self.played))

    def emit(self, line: dict[str, Any], final: bool = False) -> None:
        self.lines.append(line)
        if final:
            line.update(add_growth(self.lines))
        sys.stdout.write("SOAK " + json.dumps(line) + "\n")
        sys.stdout.flush()


def _child(sessions: int, every: int, trace: bool) -> int:
    from kiosk.tools import script

    reporter = Reporter(sessions, every)
    original = script.ScriptRunner._count_live

    def count_live(runner: Any) -> None:
        original(runner)
        if not reporter.lines:
            reporter.emit(memory_line(0))
        reporter.after_frame(runner.shown.screen)

    script.ScriptRunner._count_live = count_live  # type: ignore[method-assign]
    if trace:
        tracemalloc.start(1)
    with tempfile.TemporaryDirectory(prefix="bench-script-soak-") as tmp:
        path = Path(tmp) / "soak.scn"
        path.write_text(scenario(sessions), encoding="utf-8")
        args = argparse.Namespace(scenario=str(path), config=None, gateway=None, today=TODAY,
                                  transcript=None, screenshots=None)
        code = script.main(args)
    if reporter.played < sessions:
        sys.stdout.write("SOAK " + json.dumps(
            {"sessions": reporter.played, "error": f"kiosk script exited {code}"}) + "\n")
    return code


def script_soak_main(sessions: int, every: int = 100) -> int:
    """`kiosk bench --script-soak N`: the child process; its JSON lines go to stdout."""
    import subprocess

    from kiosk.tools.bench.proc import _child_env, _last_line, _stop

    with tempfile.TemporaryDirectory(prefix="bench-script-soak-") as tmp:
        folder = Path(tmp)
        cmd = [sys.executable, "-m", "kiosk.tools.bench.script_soak", str(sessions),
               "--every", str(every)]
        ok = False
        with open(folder / "app.stderr", "w") as errf:
            app = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errf, text=True,
                                   env=_child_env(str(folder / "state")))
            try:
                assert app.stdout is not None
                for raw in app.stdout:
                    if raw.startswith("SOAK "):
                        line = raw[len("SOAK "):].strip()
                        print(line, flush=True)
                        ok = ok or '"rss_mb_after_malloc_trim"' in line
                app.wait(timeout=60)
            finally:
                _stop(app)
        if not ok:
            print(json.dumps({"error": _last_line(folder / "app.stderr")}), flush=True)
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.tools.bench.script_soak")
    parser.add_argument("n", type=int)
    parser.add_argument("--every", type=int, default=100)
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args(argv)
    import os

    os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
    return _child(args.n, max(1, args.every), args.tracemalloc)


if __name__ == "__main__":
    raise SystemExit(main())
