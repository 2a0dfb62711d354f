"""The scenario files, run through `kiosk script`: the real Kivy app in an offscreen window,
the embedded IRBIS server with the demo data, simulated devices.

Each file runs once (two at a time); the tests then look at what the runs left behind:
exit codes, transcripts and the screenshots with their descriptions (texts and fonts,
tappable widgets with their rectangles, pictures).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kiosk.locale import LANGUAGES, tr
from kiosk.ui.fonts import missing_glyphs
from kiosk.ui.theme import theme_for

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
TODAY = "20261125"
UNREACHABLE = "http://127.0.0.1:9/cgi-bin/irbis64r/WebToIrbisServer.exe"
OPTIONS: dict[str, list[str]] = {
    "out_of_order": ["--gateway", UNREACHABLE],
    "portrait": ["--config", str(HERE / "portrait.toml")],
    "offline": ["--config", str(HERE / "offline.toml")],
    "maintenance": ["--config", str(HERE / "maintenance.toml")],
    "returns_own_ru": ["--config", str(HERE / "returns_own.toml")],
    "returns_any_kk": ["--config", str(HERE / "returns_any.toml")],
}
SCENARIOS = sorted(p.stem for p in HERE.glob("*.scn"))


@dataclass
class Run:
    name: str
    returncode: int
    stderr: str
    events: list[dict[str, Any]]
    shots: Path
    latencies_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    render_ms: list[float] = field(default_factory=list)

    def sidecars(self) -> list[dict[str, Any]]:
        out = []
        for path in sorted(self.shots.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            data["png"] = path.with_suffix(".png")
            out.append(data)
        return out


def _run(name: str, work: Path) -> Run:
    out = work / name
    out.mkdir(parents=True, exist_ok=True)
    transcript, stats = out / "transcript.jsonl", out / "stats.json"
    env = {**os.environ, "SDL_VIDEODRIVER": "offscreen", "KIVY_NO_ARGS": "1",
           "KIOSK_SCRIPT_STATS": str(stats)}
    cmd = [sys.executable, "-m", "kiosk", "script", str(HERE / f"{name}.scn"), "--today", TODAY,
           "--transcript", str(transcript), "--screenshots", str(out / "shots"),
           *OPTIONS.get(name, [])]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    events = [json.loads(line) for line in transcript.read_text(encoding="utf-8").splitlines()
              if line.strip()] if transcript.exists() else []
    numbers = json.loads(stats.read_text()) if stats.exists() else {}
    return Run(name, proc.returncode, proc.stderr, events, out / "shots",
               numbers.get("scan_to_screen_ms", []), numbers.get("seconds", 0.0),
               numbers.get("render_ms", []))


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    work = tmp_path_factory.mktemp("scenarios")
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda n: _run(n, work), SCENARIOS))
    return {r.name: r for r in results}


@pytest.fixture(scope="session")
def sidecars(runs: dict[str, Run]) -> list[dict[str, Any]]:
    return [dict(s, run=r.name) for r in runs.values() for s in r.sidecars()]


# --------------------------------------------------------------------------- the runs


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_holds(runs: dict[str, Run], name: str) -> None:
    run = runs[name]
    assert run.returncode == 0, f"{name}: exit {run.returncode}\n{run.stderr[-3000:]}"


def test_a_failing_expectation_exits_1_with_the_reason(tmp_path: Path) -> None:
    scn = tmp_path / "wrong.scn"
    scn.write_text("scan 100101\nexpect screen summary\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kiosk", "script", str(scn), "--today", TODAY],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "SDL_VIDEODRIVER": "offscreen"})
    assert proc.returncode == 1
    assert "line 2" in proc.stderr and "summary" in proc.stderr and "account" in proc.stderr


def test_a_tap_on_a_widget_not_on_screen_fails(tmp_path: Path) -> None:
    scn = tmp_path / "tap.scn"
    scn.write_text("expect screen attract\ntap finish\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kiosk", "script", str(scn), "--today", TODAY],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "SDL_VIDEODRIVER": "offscreen"})
    assert proc.returncode == 1
    assert "tap finish" in proc.stderr and "attract" in proc.stderr


def test_the_timeout_warning_keeps_a_touch_from_what_lies_under_it(tmp_path: Path) -> None:
    scn = tmp_path / "warn.scn"
    scn.write_text("scan 100102\nexpect screen account\nwait 41\nexpect event "
                   '{"event":"warning"}\ntap loan:000010005\n', encoding="utf-8")
    transcript = tmp_path / "t.jsonl"
    proc = subprocess.run([sys.executable, "-m", "kiosk", "script", str(scn), "--today", TODAY,
                           "--transcript", str(transcript)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "SDL_VIDEODRIVER": "offscreen"})
    assert proc.returncode == 1 and "covered" in proc.stderr, proc.stderr
    events = [json.loads(line) for line in transcript.read_text(encoding="utf-8").splitlines()]
    assert not [e for e in events if e["event"] == "renew"]  # the loan under it was not renewed


def test_transcript_lines_have_time_and_event(runs: dict[str, Run]) -> None:
    for run in runs.values():
        assert run.events, run.name
        for event in run.events:
            assert isinstance(event["t"], int | float) and isinstance(event["event"], str)


def test_every_reason_code_was_shown(runs: dict[str, Run]) -> None:
    from kiosk.core.domain import REASONS

    seen = {e["reason"] for r in runs.values() for e in r.events if e["event"] == "refused"}
    # out_of_service needs a full disk under the journal: covered by the journal's tests
    assert set(REASONS) - {"out_of_service"} <= seen, sorted(set(REASONS) - seen)
    for lang in LANGUAGES:
        in_lang = {e["reason"] for e in runs[f"reasons_{lang}"].events if e["event"] == "refused"}
        assert len(in_lang) >= 12, (lang, sorted(in_lang))


def test_spoken_language_follows_the_screen(runs: dict[str, Run]) -> None:
    for lang in LANGUAGES:
        says = [e for e in runs[f"flows_{lang}"].events if e["event"] == "say"]
        after_login = says[-20:]
        assert after_login and all(e["lang"] == lang for e in after_login), lang


# --------------------------------------------------------------------------- the screenshots


def test_every_screen_in_every_language_was_shot(sidecars: list[dict[str, Any]]) -> None:
    seen = {(s["screen"], s["lang"]) for s in sidecars}
    for screen in ("attract", "account", "summary", "help", "out_of_order"):
        for lang in LANGUAGES:
            assert (screen, lang) in seen, (screen, lang)
    assert any(s["contrast"] for s in sidecars)
    assert any(s["window"][1] > s["window"][0] for s in sidecars), "no portrait screenshot"
    assert any(s["warning"] is not None for s in sidecars), "no timeout warning screenshot"


def test_screenshots_are_pictures_not_black(sidecars: list[dict[str, Any]]) -> None:
    from PIL import Image

    for s in sidecars:
        with Image.open(s["png"]) as img:
            assert img.size == tuple(int(v) for v in s["window"]), s["png"].name
            small = img.convert("RGB").resize((160, 100))
            colours = small.getcolors(maxcolors=100_000) or []
            assert len(colours) > 8, f"{s['png'].name}: blank ({len(colours)} colours)"
            background = theme_for(s["contrast"]).background
            main = [rgb for _, rgb in sorted(colours, reverse=True)[:3]]
            assert any(all(abs(c / 255 - b) < 0.05 for c, b in zip(rgb, background, strict=True))
                       for rgb in main), f"{s['png'].name}: theme background missing ({main})"


def test_no_missing_glyphs_in_any_text_on_any_screen(sidecars: list[dict[str, Any]]) -> None:
    checked: set[tuple[str, str]] = set()
    for s in sidecars:
        for item in s["texts"]:
            key = (item["text"], item["font"])
            if key in checked:
                continue
            checked.add(key)
            assert Path(item["font"]).is_file(), f"{s['png'].name}: font {item['font']} is no file"
            assert missing_glyphs(item["text"], item["font"]) == [], (s["png"].name, item)
    shown = set("".join(t for t, _ in checked).lower())
    assert len(set("әғқңөұүһі") & shown) >= 7, "the Kazakh screens were not checked"


def test_touch_targets_are_12_mm_and_off_the_bottom_edge(sidecars: list[dict[str, Any]]) -> None:
    for s in sidecars:
        least = 12 * s["px_per_mm"] - 0.5
        width, height = s["window"]
        for t in s["tappables"]:
            where = f"{s['png'].name} {t['id']}"
            assert min(t["w"], t["h"]) >= least, f"{where}: {t['w']:.0f}x{t['h']:.0f} px"
            assert t["y"] >= s["bottom_margin_px"] - 0.5, f"{where}: in the bottom margin"
            assert 0 <= t["x"] and t["x"] + t["w"] <= width + 0.5 and t["y"] + t["h"] <= height


def test_contract_widget_ids_appear_on_screen(sidecars: list[dict[str, Any]]) -> None:
    ids = {t["id"] for s in sidecars for t in s["tappables"]}
    for wanted in ("finish", "renew_all", "receipt_yes", "receipt_no", "done", "call_staff",
                   "help", "language_kk", "language_ru", "language_en", "contrast"):
        assert wanted in ids, wanted


def test_no_english_on_kazakh_or_russian_screens(sidecars: list[dict[str, Any]]) -> None:
    for s in sidecars:
        if s["lang"] == "en" or s["screen"] == "maintenance":  # staff-only screen
            continue
        for item in s["texts"]:
            words = set(re.findall(r"[A-Za-z]{2,}", item["text"])) - {"English"}
            assert not words, f"{s['png'].name}: {item['text']!r}"


def test_overdue_is_marked_by_picture_and_words(sidecars: list[dict[str, Any]]) -> None:
    found = 0
    for s in sidecars:
        if s["screen"] != "account":
            continue
        words = tr("ui.loan.overdue", s["lang"])
        if any(words in item["text"] for item in s["texts"]):
            assert "warning" in s["icons"], s["png"].name
            found += 1
    assert found, "no account screen showed an overdue loan"


def test_nothing_of_the_patron_stays_on_screen_after_logout(sidecars: list[dict[str, Any]]) -> None:
    by_run: dict[str, list[dict[str, Any]]] = {}
    for s in sidecars:
        by_run.setdefault(s["run"], []).append(s)
    checked = 0
    for shots in by_run.values():
        personal: set[str] = set()
        for s in shots:
            if s["screen"] == "account":
                personal |= {s["reader_name"], *s["loan_titles"]} - {""}
            texts = " ".join(item["text"] for item in s["texts"] + [{"text": t} for t in s["kept_texts"]])
            if s["screen"] in ("attract", "out_of_order"):
                assert s["reader_name"] == "" and s["loan_titles"] == []
                leaked = [p for p in personal if p in texts]
                assert not leaked, f"{s['png'].name}: {leaked}"
                checked += bool(personal)
            if s["screen"] == "summary":
                names = {x for x in personal if x and " " not in x}  # first names
                assert not [n for n in names if re.search(rf"\b{re.escape(n)}\b", texts)], \
                    s["png"].name
    assert checked, "no logout was screenshotted"


def test_focus_ring_is_drawn_around_the_focused_widget(sidecars: list[dict[str, Any]]) -> None:
    from PIL import Image

    checked = 0
    for s in sidecars:
        target = next((t for t in s["tappables"] if t["id"] == s["focused"]), None)
        if target is None:
            continue
        focus = tuple(round(c * 255) for c in theme_for(s["contrast"]).focus)
        ring = max(3.0, s["px_per_mm"])
        with Image.open(s["png"]) as img:
            rgb = img.convert("RGB")
            h = rgb.height
            # a horizontal line through the ring, just left of the widget (window y is up)
            y = int(h - (target["y"] + target["h"] / 2))
            band = range(max(0, int(target["x"] - 3 * ring)), int(target["x"]))
            hits = [x for x in band
                    if all(abs(a - b) < 40 for a, b in zip(rgb.getpixel((x, y)), focus, strict=True))]
        assert len(hits) >= 3, f"{s['png'].name}: no focus ring left of {target['id']}"
        checked += 1
    assert checked, "no screenshot had a focused button"


def test_report_scan_to_screen_time(runs: dict[str, Run]) -> None:
    """Measured, not asserted: printed for the report (pytest -s or -rP)."""
    def line(what: str, values: list[float]) -> str:
        times = sorted(values)
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        return (f"{what}: n={len(times)} p50={statistics.median(times):.1f} ms "
                f"p95={p95:.1f} ms max={times[-1]:.1f} ms")

    frames = [t for r in runs.values() for t in r.latencies_ms]
    renders = [t for r in runs.values() for t in r.render_ms]
    assert frames and renders, "no scan was timed"
    print("\n" + line("scan -> frame on screen, gateway excluded", frames))
    print(line("scan's view -> widgets updated (render only)", renders))
    print("run seconds: " + ", ".join(f"{r.name} {r.seconds:.0f}" for r in runs.values()))


# ------------------------------------------- issue 16: waiting books, returns at the kiosk
def _said(run: Run, msg: str) -> list[dict[str, Any]]:
    return [e for e in run.events if e["event"] == "say" and e["msg"] == msg]


def _shots(sidecars: list[dict[str, Any]], run: str) -> list[dict[str, Any]]:
    return [s for s in sidecars if s["run"] == run]


WAITING_TITLE = "Волков А. М. Волшебник Изумрудного города"  # 000010185, waiting for 100133


@pytest.mark.parametrize("name", ["waiting_en", "waiting_kk"])
def test_a_waiting_book_is_named_in_headphones_and_not_on_the_loudspeaker(
        runs: dict[str, Run], name: str) -> None:
    run = runs[name]
    private, public = _said(run, "account.waiting"), _said(run, "account.waiting.public")
    assert private and public, name
    assert all(e["private"] for e in private)
    assert all(not e["private"] and ("АБ" in e["text"] or "ЧЗ" in e["text"]) for e in public)
    titles = ("Волшебник", "Өлеңдер", "Кошкин")
    assert all(any(t in e["text"] for t in titles) for e in private)
    assert not [e for e in public if any(t in e["text"] for t in titles)]


def test_the_waiting_book_is_on_the_account_the_summary_and_the_receipt(
        runs: dict[str, Run], sidecars: list[dict[str, Any]]) -> None:
    shots = _shots(sidecars, "waiting_en")
    account = [s for s in shots if s["screen"] == "account" and s["waiting_titles"]]
    assert account
    words = " ".join(t["text"] for t in account[0]["texts"])
    assert WAITING_TITLE in words and "АБ" in words  # the title and where to collect it
    summary = [s for s in shots if s["screen"] == "summary"]
    assert any(tr("ui.summary.waiting", "en", place_msg="АБ") in [t["text"] for t in s["texts"]]
               for s in summary)
    printed = [e["lines"] for e in runs["waiting_en"].events if e["event"] == "print"][0]
    assert any(WAITING_TITLE in line and "АБ" in line for line in printed), printed


def test_the_waiting_titles_vanish_at_logout(sidecars: list[dict[str, Any]]) -> None:
    checked = 0
    for run in ("waiting_en", "waiting_kk"):
        seen: set[str] = set()
        for s in _shots(sidecars, run):
            seen |= set(s["waiting_titles"])
            if s["screen"] == "attract":
                texts = " ".join([t["text"] for t in s["texts"]] + s["kept_texts"])
                assert s["waiting_titles"] == []
                assert not [t for t in seen if t in texts], s["png"].name
                checked += bool(seen)
    assert checked


def test_the_child_takes_their_reserved_copy_and_nobody_else_can(runs: dict[str, Run]) -> None:
    en = runs["waiting_en"].events
    assert {"event": "refused", "code": "000010030", "reason": "reserved"} in \
        [{k: e.get(k) for k in ("event", "code", "reason")} for e in en]
    lent = {e["barcode"] for r in ("waiting_en", "waiting_kk") for e in runs[r].events
            if e["event"] == "checkout"}
    assert {"000010150", "000010030"} <= lent


def test_own_return_leaves_the_loans_and_is_on_the_receipt(
        runs: dict[str, Run], sidecars: list[dict[str, Any]]) -> None:
    run = runs["returns_own_ru"]
    returned = [e for e in run.events if e["event"] == "return"]
    assert [e["barcode"] for e in returned] == ["000010005"]
    said = _said(run, "return.ok.public")[0]
    assert tr("return.where.box", "ru") in said["text"] and said["lang"] == "ru"
    after = [s for s in _shots(sidecars, "returns_own_ru") if s["screen"] == "account"][-1]
    title = "Құнанбаев А. Қара сөздер"
    assert title not in after["loan_titles"] and after["loan_titles"]
    printed = [e["lines"] for e in run.events if e["event"] == "print"][0]
    assert tr("receipt.returns", "ru", count=1) in printed
    assert any(title in line for line in printed)
    assert tr("ui.action.return_book", "ru") in [t["text"] for t in after["texts"]]


def test_a_book_drop_returns_without_a_card_and_a_reserved_copy_calls_staff(
        runs: dict[str, Run]) -> None:
    run = runs["returns_any_kk"]
    events = run.events
    assert [e["barcode"] for e in events if e["event"] == "return"] == ["000010012", "000010110"]
    assert not [e for e in events if e["event"] == "login" and e["t"] < 9]
    words = [e["text"] for e in _said(run, "return.ok.public")]
    assert "Кітапты сөреге қойыңыз." in words[0]  # this cabinet's words ([session] return_place_kk)
    assert tr("return.where.reserved", "kk") in words[1]
    reserved_at = next(e["t"] for e in events if e["event"] == "return" and e.get("reserved"))
    assert [e for e in events if e["event"] == "alert" and e["state"] == "raised"
            and e["t"] == reserved_at]


def test_returns_off_offers_no_return_and_a_book_on_attract_needs_a_card(
        runs: dict[str, Run], sidecars: list[dict[str, Any]]) -> None:
    off = [n for n in runs if not n.startswith("returns_")]
    assert not [s for s in sidecars if s["run"] in off
                for t in s["tappables"] if t["id"] == "return_book"]
    assert not [e for n in off for e in runs[n].events if e["event"] == "return"]
    refused = [e for e in runs["reasons_en"].events if e["event"] == "refused"]
    assert "card_first" in {e["reason"] for e in refused}
