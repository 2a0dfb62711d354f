"""`kiosk bench` on tiny sizes: every part runs the real pieces (embedded IRBIS server,
cbsvibpyirbis, espeak-ng, the Kivy app offscreen, `kiosk sim`) and gives numbers.
Speed is reported by the benchmark, never asserted here."""

from __future__ import annotations

import json
import math

import pytest

from kiosk.tools.bench import main as bench
from kiosk.tools.bench.main import KEYS, Plan

TINY = Plan(checkout_runs=5, speech_n=2, sessions=3, warmup=1, sessions_budget_s=30,
            starts=1, idle_s=1, server_s=1)


def numbers(result: dict, keys: list[str]) -> None:
    for key in keys:
        value = result.get(key)
        assert isinstance(value, int | float) and not isinstance(value, bool), (key, value)
        assert math.isfinite(value) and value >= 0, (key, value)


def test_checkout_part_compares_ours_with_the_baseline() -> None:
    r = bench.part_checkout(TINY)
    numbers(r, ["checkout_ms_p50", "checkout_ms_p95", "baseline_checkout_ms_p50",
                "baseline_checkout_ms_p95", "checkout_ratio", "baseline_same_work_checkout_ms_p95",
                "checkout_ratio_same_work"])
    assert r["checkout_ms_p50"] <= r["checkout_ms_p95"]
    assert r["checkout_ratio"] == pytest.approx(
        r["checkout_ms_p95"] / r["baseline_checkout_ms_p95"], rel=0.02)
    assert r["checkout_ratio_same_work"] == pytest.approx(
        r["checkout_ms_p95"] / r["baseline_same_work_checkout_ms_p95"], rel=0.02)


def test_speech_part_times_a_sentence_in_kazakh_and_russian() -> None:
    r = bench.part_speech(TINY)
    numbers(r, ["speech_first_audio_ms_p95", "speech_first_audio_kk_ms_p95",
                "speech_first_audio_ru_ms_p95", "cue_event_to_sample_ms_p95",
                "speech_first_audio_mixed_ms_p95"])
    assert r["speech_first_audio_ms_p95"] == max(r["speech_first_audio_kk_ms_p95"],
                                                 r["speech_first_audio_ru_ms_p95"])


def test_app_part_plays_whole_sessions_in_one_app_process() -> None:
    r = bench.part_app(TINY)
    assert "_error" not in r, r.get("_error")
    assert r["sessions_run"] == 3
    # every session: the card scan and the book scan reach the screen, the checkout cues
    assert r["scan_to_screen_n"] == 6
    assert r["scan_to_cue_n"] == 3
    numbers(r, ["scan_to_screen_ms_p50", "scan_to_screen_ms_p95", "scan_to_cue_ms_p50",
                "scan_to_cue_ms_p95", "rss_mb_idle", "rss_mb_idle_no_gl",
                "rss_mb_after_1000_sessions", "scan_to_pixels_ms_p95"])
    # the frame's pixels are done after its swap, never before
    assert r["scan_to_pixels_ms_p50"] >= r["scan_to_screen_ms_p50"]
    assert r["scan_stages_ms"]["raster"]["p50"] >= 0
    assert r["rss_mb_idle"] > 10
    assert 10 < r["rss_mb_idle_no_gl"] <= r["rss_mb_idle"]
    assert r["rss_mb_after_1000_sessions_is_after"] == 3  # tiny run: says how many


def test_startup_part_reaches_the_attract_screen_and_idles() -> None:
    r = bench.part_startup(TINY)
    numbers(r, ["startup_s", "idle_cpu_pct", "rss_mb_idle_embedded", "rss_mb_idle_no_gl_mock"])
    assert r["startup_s"] > 0.1  # an interpreter, Kivy and a window cannot start faster
    # the mock-GL run still reached the attract screen, and without a rasteriser's buffers
    assert 10 < r["rss_mb_idle_no_gl_mock"] < r["rss_mb_idle_embedded"]


def test_server_part_counts_checkouts_of_simulated_kiosks() -> None:
    r = bench.part_server(TINY, kiosks=4, processes=2)
    numbers(r, ["sim_checkouts_per_s", "sim_checkout_ms_p95"])
    assert r["sim_checkouts"] > 0


def test_a_failing_part_gives_nulls_and_an_error_never_a_traceback(capsys) -> None:
    broken = Plan(**{**TINY.__dict__, "checkout_runs": 0})  # no samples: the part fails
    out = bench.run(broken, quick=True, parts=["checkout"])
    assert set(KEYS) <= set(out)
    assert all(out[k] is None for k in KEYS)
    assert "checkout" in out["errors"] and "Traceback" not in out["errors"]["checkout"]
    assert out["machine"]["cores"] >= 1 and len(out["machine"]["loadavg_start"]) == 3
    json.dumps(out, allow_nan=False)  # valid JSON for any reader
    assert "Traceback" not in capsys.readouterr().err


def test_the_same_work_baseline_asks_rqst_as_the_kiosk_does_and_really_lends(tmp_path) -> None:
    from kiosk.irbis.client import IrbisClient
    from kiosk.irbis.server import start_server
    from kiosk.tools.bench.irbis import _baseline
    from kiosk.tools.synthetic import book_barcode, write_databases

    server = start_server(tmp_path / "db", loads=write_databases(tmp_path / "load", 3, 6))
    try:
        plain = server.engine.conditions.requests.copy()
        _baseline(server.tcp_port, 2, 1, 1)
        searches_plain = server.engine.conditions.requests["K"] - plain["K"]
        before = server.engine.conditions.requests.copy()
        _baseline(server.tcp_port, 2, 1, 2, reservations=True)
        searches_same_work = server.engine.conditions.requests["K"] - before["K"]
        assert searches_same_work == searches_plain + 2 * 2  # two RQST searches a run
        peek = IrbisClient.from_url(server.tcp_url, "kiosk1", "kiosk1")
        for code in (book_barcode(2), book_barcode(4), book_barcode(5)):
            [copy] = peek.search_records("IBIS", f'"IN={code}"')
            assert copy.fm(910, "A") == "1", code  # lent: the baseline's loans are real
        peek.close()
    finally:
        server.stop()
