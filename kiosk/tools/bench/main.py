"""`kiosk bench [--quick]`: speed, memory and load as a patron and the library feel them.

Prints one JSON object (numbers; milliseconds unless the key names another unit), with
"machine" (CPU, cores, load average at the start and end), "quick" and, when a part
failed, its keys as null and "errors": {part: message}. `--quick` takes about a minute,
the full run at most about ten. Progress goes to stderr.

Parts (each in its own try):
    checkout    kiosk.tools.bench.irbis.checkout_latency: ours over the HTTP tunnel to the
                embedded server vs cbsvibpyirbis over TCP
    field       the same at `kiosk sim --latency-ms 20 --close` (keys *_rtt20); per login,
                checkout, renewal, renew all and return the sequential round trips the
                patron waits for (round_trips_*: requests sent together count once) and the
                requests sent (requests_*: what a CGI gateway starts a process for), counted
                in the transport and by the server (kiosk.tools.bench.trips); and scripted
                sessions at `--overload 0.2` audited record by record (overload_sessions_lost/_stuck)
    speech      kiosk.tools.bench.speech: say event -> first sample of a 10-word sentence
                (kk, ru) at the sink (aplay to ALSA's null device when there is one)
    app         kiosk.tools.bench.app sessions: `kiosk run` offscreen against `kiosk sim` with
                generated data; scan -> screen and scan -> cue (gateway time subtracted),
                RSS idle and after the sessions, all in ONE app process
    startup     kiosk.tools.bench.app run: `kiosk run` offscreen with the embedded defaults,
                process start -> attract frame drawn; then idle CPU and RSS on attract
    server      kiosk.tools.bench.irbis.server_load: 50 simulated kiosks against `kiosk sim`
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.tools.bench.proc import (  # noqa: F401 - _child_env etc. are used by soak
    _child_env,
    _last_line,
    _read_line,
    _start_sim,
    _stop,
    _write_app_config,
    proc_cpu_s,
)
from kiosk.tools.stats import percentile

SESSIONS = 1000


@dataclass(frozen=True)
class Plan:
    checkout_runs: int
    speech_n: int
    sessions: int
    warmup: int
    sessions_budget_s: float
    starts: int
    idle_s: float
    server_s: float
    # the app sessions' readers, played in turn: each ends with sessions / readers loans, so
    # the quick run too reaches readers with more loans than the account screen shows
    readers: int = 100


QUICK = Plan(checkout_runs=60, speech_n=6, sessions=30, warmup=10, sessions_budget_s=15,
             starts=1, idle_s=5, server_s=5, readers=6)
FULL = Plan(checkout_runs=1000, speech_n=30, sessions=SESSIONS, warmup=20,
            sessions_budget_s=360, starts=3, idle_s=10, server_s=20)


# ----------------------------------------------------------------------------- helpers
def pct(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100), rounded to 0.01; None without samples."""
    value = percentile(values, p)
    return None if value is None else round(value, 2)


def machine() -> dict[str, Any]:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.lower().startswith(("model name", "hardware")):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu": model, "cores": os.cpu_count(), "arch": platform.machine(),
            "python": platform.python_version(), "kernel": platform.release(),
            "loadavg_start": [round(x, 2) for x in os.getloadavg()]}


# ----------------------------------------------------------------------------- parts
def part_checkout(plan: Plan) -> dict[str, Any]:
    from kiosk.tools.bench.irbis import checkout_latency

    return checkout_latency(plan.checkout_runs)


def part_field(plan: Plan) -> dict[str, Any]:
    """The gateway as in the field: the checkout comparison at `--latency-ms 20 --close`,
    round trips per action, and scripted sessions at `--overload 0.2`."""
    from kiosk.tools.bench.irbis import field_checkout, overload_sessions, round_trips

    quick = plan.checkout_runs < 100
    return (field_checkout(20 if quick else 100) | round_trips()
            | overload_sessions(40 if quick else 200))


def part_speech(plan: Plan) -> dict[str, Any]:
    from kiosk.tools.bench import speech as measure

    device = "null" if measure.aplay_null_available() else "recording"
    out: dict[str, Any] = {"speech_device": "aplay-null" if device == "null" else "recording"}
    p95s = []
    for lang in ("kk", "ru"):
        r = measure.first_speech_latency(lang, plan.speech_n, device=device)
        if "p95_ms" not in r:
            raise RuntimeError(f"no first audio in {lang}")
        out[f"speech_first_audio_{lang}_ms_p50"] = r["p50_ms"]
        out[f"speech_first_audio_{lang}_ms_p95"] = r["p95_ms"]
        p95s.append(r["p95_ms"])
    out["speech_first_audio_ms_p95"] = max(p95s)
    mixed = measure.first_speech_latency("kk", plan.speech_n, device=device, mixed=True)
    out["speech_first_audio_mixed_ms_p95"] = mixed.get("p95_ms")  # kk sentence, ru title
    cue = measure.cue_latency(max(10, plan.speech_n), device=device)
    out["cue_event_to_sample_ms_p95"] = cue.get("p95_ms")
    return out


def _app_keys(r: dict[str, Any], screen: list[float], cue: list[float]) -> dict[str, Any]:
    """The app child's BENCH object as bench keys."""
    out: dict[str, Any] = {
        "scan_to_screen_ms_p50": pct(screen, 50), "scan_to_screen_ms_p95": pct(screen, 95),
        "scan_to_screen_n": len(screen),
        # to when the GL has finished drawing that frame (the swap returns before it)
        "scan_to_pixels_ms_p50": pct(r.get("scan_to_pixels_ms") or [], 50),
        "scan_to_pixels_ms_p95": pct(r.get("scan_to_pixels_ms") or [], 95),
        "scan_to_cue_ms_p50": pct(cue, 50), "scan_to_cue_ms_p95": pct(cue, 95),
        "scan_to_cue_n": len(cue), "cue_sink": r.get("cue_sink"),
        # the part of scan -> cue before the session publishes the cue event
        "scan_to_cue_event_ms_p50": pct(r.get("cue_published_ms") or [], 50),
        "scan_to_cue_event_ms_p95": pct(r.get("cue_published_ms") or [], 95),
        "rss_mb_idle": _round(r.get("rss_mb_idle")),
        # less the software GL a Pi does not load (libLLVM*, swrast/DRI: kiosk.tools.bench.memory)
        "rss_mb_idle_no_gl": _round(r["rss_mb_idle"] - r["rss_mb_idle_gl"])
        if r.get("rss_mb_idle") is not None and r.get("rss_mb_idle_gl") is not None else None,
        "rss_mb_after_warmup": _round(r.get("rss_mb_after_warmup")),
        "sessions_run": r.get("sessions"), "sessions_s": r.get("sessions_s"),
        "rss_mb_after_sessions": _round(r.get("rss_mb_after_sessions")),
        # freed memory the C allocator kept: what malloc_trim(0) gives back afterwards
        "rss_mb_after_malloc_trim": _round(r.get("rss_mb_after_malloc_trim")),
        "rss_by_mapping_idle": r.get("rss_by_mapping_idle"),
        "rss_by_mapping_after": r.get("rss_by_mapping_after"),
        # where a scan's time goes (ms): to the UI thread, inside the gateway (subtracted
        # above), the SQLite journal, building the views before the result (busy), the
        # rest of the session with the hop back from the gateway thread, building the
        # result's widgets, waiting for and drawing the frame
        "scan_stages_ms": {name: {"p50": pct(v, 50), "p95": pct(v, 95)}
                           for name, v in (r.get("stages_ms") or {}).items()},
    }
    played = int(r.get("sessions") or 0)
    out["rss_mb_after_1000_sessions"] = _round(r.get("rss_mb_after_sessions"))
    if out["rss_mb_after_1000_sessions"] is not None and out["rss_mb_idle"] is not None:
        out["rss_growth_mb"] = round(out["rss_mb_after_1000_sessions"] - out["rss_mb_idle"], 1)
    if played < SESSIONS:
        # quick, or the time budget ran out: the figure is after fewer sessions. Not carried
        # on linearly: the growth is mostly freed memory the allocator keeps, which levels off.
        out["rss_mb_after_1000_sessions_is_after"] = played
    return out


def part_app(plan: Plan) -> dict[str, Any]:
    readers = plan.readers
    with tempfile.TemporaryDirectory(prefix="bench-app-") as tmp:
        folder = Path(tmp)
        sim, ports = _start_sim(folder, readers, plan.sessions + 10)
        try:
            cfg = _write_app_config(folder, ports["http"])
            err = folder / "app.stderr"
            cmd = [sys.executable, "-m", "kiosk.tools.bench.app", "sessions", str(plan.sessions),
                   "--config", str(cfg), "--warmup", str(plan.warmup), "--readers", str(readers),
                   "--budget-s", str(plan.sessions_budget_s)]
            with open(err, "w") as errf:
                app = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errf, text=True,
                                       env=_child_env(str(folder / "state")))
                try:
                    line = _read_line(app, "BENCH ", plan.sessions_budget_s + 180)
                finally:
                    _stop(app)
            if line is None:
                raise RuntimeError(f"the app gave no result: {_last_line(err)}")
        finally:
            _stop(sim)
    r = json.loads(line[len("BENCH "):])
    screen, cue = r.get("scan_to_screen_ms") or [], r.get("scan_to_cue_ms") or []
    out = _app_keys(r, screen, cue)
    problems = []
    if r.get("error"):
        problems.append(str(r["error"]))
    if not screen:
        problems.append("no scan -> screen samples")
    if not cue:
        problems.append("no scan -> cue samples")
    if out["rss_mb_after_1000_sessions"] is None:
        problems.append("no RSS after the sessions")
    if problems:
        out["_error"] = "; ".join(problems)
    return out


def _round(x: Any, nd: int = 1) -> float | None:
    return None if x is None else round(float(x), nd)


def _one_start(folder: Path, idle_s: float, env: dict[str, str] | None = None) -> dict[str, Any]:
    """`kiosk run` (embedded defaults); startup, then RSS and CPU on the attract screen."""
    err = folder / "run.stderr"
    with open(err, "a") as errf:
        t0 = time.time()
        proc = subprocess.Popen([sys.executable, "-m", "kiosk.tools.bench.app", "run"],
                                stdout=subprocess.PIPE, stderr=errf, text=True,
                                env={**_child_env(str(folder / "state")), **(env or {})})
        try:
            line = _read_line(proc, "attract ", 120)
            if line is None:
                raise RuntimeError(f"`kiosk run` never drew the attract screen: {_last_line(err)}")
            startup = float(line.split()[1]) - t0
            if idle_s <= 0:
                return {"startup_s": startup}
            from kiosk.tools.bench.memory import gl_rss_mb, rss_mb

            time.sleep(2.0)  # speech start-up and the first timers are not idling
            c0, w0 = proc_cpu_s(proc.pid), time.monotonic()
            time.sleep(idle_s)
            c1, w1 = proc_cpu_s(proc.pid), time.monotonic()
            return {"startup_s": startup, "idle_cpu_pct": 100 * (c1 - c0) / (w1 - w0),
                    "rss_mb_idle_embedded": rss_mb(proc.pid), "gl_mb": gl_rss_mb(proc.pid)}
        finally:
            _stop(proc)


def part_startup(plan: Plan) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        folder = Path(tmp)
        starts = []
        idle: dict[str, Any] = {}
        for i in range(plan.starts):
            last = i == plan.starts - 1
            r = _one_start(folder, plan.idle_s if last else 0)
            starts.append(r["startup_s"])
            if last:
                idle = r
        # the same `kiosk run` on Kivy's mock GL (every GL call does nothing), less the GL
        # libraries SDL still maps: the kiosk's own memory, without the software
        # rasteriser's framebuffers, shader JIT and texture copies (all of them on the heap)
        mock = _one_start(folder, min(plan.idle_s, 2.0), env={"KIVY_GL_BACKEND": "mock"})
    warm = starts[1:] or starts
    return {"startup_s": round(statistics.median(warm), 2),
            "startup_s_first": round(starts[0], 2),  # creates the demo data dir
            "startup_runs": len(starts),
            "idle_cpu_pct": _round(idle.get("idle_cpu_pct"), 2),
            "idle_s": plan.idle_s,
            "rss_mb_idle_embedded": _round(idle.get("rss_mb_idle_embedded")),
            "rss_mb_idle_no_gl_mock": _round(mock["rss_mb_idle_embedded"] - mock["gl_mb"])}


def part_server(plan: Plan, kiosks: int = 50, processes: int = 2) -> dict[str, Any]:
    """bench_irbis's simulated kiosks (its `_kiosk_worker`) against `kiosk sim`, with the
    data sized to the run: bench_irbis.server_load generates 4000 books per kiosk, and
    loading those 200,000 records into the server takes minutes on a loaded machine."""
    import multiprocessing

    per_kiosk = max(50, int(plan.server_s * 20))  # room for 1000 checkouts/s
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        sim, ports = _start_sim(Path(tmp), kiosks, kiosks * per_kiosk)
        try:
            url = f"http://127.0.0.1:{ports['http']}/cgi-bin/irbis64r/WebToIrbisServer.exe"
            share = kiosks // processes
            jobs = [(url, p * share, share, per_kiosk, plan.server_s) for p in range(processes)]
            cpu0, started = proc_cpu_s(sim.pid), time.perf_counter()
            with multiprocessing.get_context("spawn").Pool(processes) as pool:
                parts = pool.map(_quiet_kiosks, jobs)
            elapsed = time.perf_counter() - started
            cpu_s = proc_cpu_s(sim.pid) - cpu0
        finally:
            _stop(sim)
    samples = [s * 1000 for part in parts for s in part[0]]
    failed = sum(part[1] for part in parts)
    out = {"sim_kiosks": kiosks, "sim_checkouts": len(samples), "sim_kiosks_failed": failed,
           "sim_clients_cpu_pct": round(100 * sum(part[2] for part in parts) / elapsed, 1),
            "sim_checkouts_per_s": round(len(samples) / elapsed, 1),
            "sim_checkout_ms_p50": pct(samples, 50), "sim_checkout_ms_p95": pct(samples, 95),
            "sim_server_cpu_pct": round(100 * cpu_s / elapsed, 1)}  # of one core
    if failed:
        out["_error"] = f"{failed} of {kiosks} simulated kiosks stopped on an error"
    return out


def _quiet_kiosks(job: tuple[str, int, int, int, float]) -> tuple[list[float], int, float]:
    """One process of bench_irbis's simulated kiosks; a kiosk thread that fails (a refused
    or timed-out request) is counted instead of printing its traceback. Returns (samples
    in s, failed kiosks, CPU seconds of this process)."""
    import threading

    from kiosk.tools.bench.irbis import _kiosk_worker

    failed = [0]
    threading.excepthook = lambda _args: failed.__setitem__(0, failed[0] + 1)
    cpu0 = time.process_time()
    samples = _kiosk_worker(job)
    return samples, failed[0], time.process_time() - cpu0


PARTS: list[tuple[str, tuple[str, ...], Callable[[Plan], dict[str, Any]]]] = [
    ("checkout", ("checkout_ms_p50", "checkout_ms_p95", "baseline_checkout_ms_p50",
                  "baseline_checkout_ms_p95", "checkout_ratio", "checkout_ratio_same_work"), part_checkout),
    ("field", ("checkout_ms_p95_rtt20", "checkout_ratio_rtt20", "checkout_ratio_same_work_rtt20",
               "round_trips_login", "round_trips_checkout",
               "round_trips_renew", "round_trips_return", "round_trips_renew_all", "requests_login",
               "requests_checkout", "requests_renew", "requests_return", "requests_renew_all",
               "overload_sessions_lost", "overload_sessions_stuck"), part_field),
    ("speech", ("speech_first_audio_ms_p95",), part_speech),
    ("app", ("scan_to_screen_ms_p50", "scan_to_screen_ms_p95", "scan_to_pixels_ms_p95",
             "scan_to_cue_ms_p50",
             "scan_to_cue_ms_p95", "rss_mb_idle", "rss_mb_idle_no_gl",
             "rss_mb_after_1000_sessions"), part_app),
    ("startup", ("startup_s", "idle_cpu_pct"), part_startup),
    ("server", ("sim_checkouts_per_s", "sim_checkout_ms_p95"), part_server),
]
KEYS: tuple[str, ...] = tuple(k for _, keys, _ in PARTS for k in keys)


def run(plan: Plan, quick: bool, parts: list[str] | None = None,
        log: Callable[[str], None] = lambda _m: None) -> dict[str, Any]:
    """Every key in KEYS is present: a number, or None with an "errors" entry."""
    out: dict[str, Any] = {"quick": quick, "machine": machine()}
    out.update(dict.fromkeys(KEYS))
    errors: dict[str, str] = {}
    for name, keys, fn in PARTS:
        if parts is not None and name not in parts:
            errors[name] = "not run"
            continue
        started = time.monotonic()
        log(f"kiosk bench: {name} ...")
        try:
            result = fn(plan)
            problem = result.pop("_error", None)
            out.update(result)
            missing = [k for k in keys if not isinstance(out.get(k), int | float)]
            if problem or missing:
                errors[name] = problem or f"no value for {', '.join(missing)}"
        except Exception as e:  # noqa: BLE001 - a failed part is a null, never a traceback
            errors[name] = f"{type(e).__name__}: {e}"
        for k in keys:
            if not isinstance(out.get(k), int | float) or out[k] != out[k]:  # NaN too
                out[k] = None
        log(f"kiosk bench: {name} done in {time.monotonic() - started:.1f} s")
    out["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    if errors:
        out["errors"] = errors
    return out


def main(args: argparse.Namespace) -> int:
    if getattr(args, "soak", None):
        from kiosk.tools.bench.soak import soak_main
        return soak_main(args.soak, trace=bool(getattr(args, "tracemalloc", False)))
    if getattr(args, "script_soak", None):
        from kiosk.tools.bench.script_soak import script_soak_main
        return script_soak_main(args.script_soak)
    quick = bool(getattr(args, "quick", False))
    started = time.monotonic()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    result = run(QUICK if quick else FULL, quick, log=log)
    result["bench_s"] = round(time.monotonic() - started, 1)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0
