"""A reader with 30 loans whose titles are 200 characters long (Kazakh, Russian, English),
through `kiosk script` (the real app offscreen) against `kiosk sim` serving the demo data
plus this test's own reader: in kk/ru/en, both themes, landscape and portrait.

Checked on the screenshots' descriptions (kiosk.ui.query.on_screen: every label's window
box and texture size): no two visible texts overlap, every text fits its box (wrapped, or
shortened with an ellipsis), nothing lies off screen; focus walks through all 30 loans by
keys, the list follows it, a line says which books are shown ("Books 4–9 of 30"); the headphones
speak each title.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from kiosk.locale import LANGUAGES, tr

ROOT = Path(__file__).resolve().parents[2]
TODAY = "20261125"
CARD = "100190"  # not a demo card (100101-100135)
BASES = {
    "kk": "Қазақ халқының ертегілері мен аңыздары: батырлар жыры, шешендік сөздер, мақал-мәтелдер "
          "және балаларға арналған өлеңдер жинағы, суреттері бар толықтырылған үшінші басылым, "
          "ұлы даланың көне әуендері мен жұмбақтары",
    "ru": "Приключения маленького мальчика и его верной собаки в большом северном городе, где "
          "зимой солнце почти не встаёт, а летом совсем не заходит: повесть для детей среднего "
          "школьного возраста с иллюстрациями и картами",
    "en": "The Extraordinary Adventures of a Curious Young Girl Who Sailed Across the Seven Seas "
          "in a Paper Boat and Came Back Home with a Suitcase Full of Stories, Riddles, Maps and "
          "Songs for Everyone in Her Town",
}
LANG_CODES = {"kk": "kaz", "ru": "rus", "en": "eng"}
LOANS = 30


def title(n: int) -> str:
    """Loan n's title: 200 characters cut at a word, in kk, ru, en by turns, each distinct."""
    return f"{n + 1}. {BASES[LANGUAGES[n % 3]]}"[:201].rsplit(" ", 1)[0].rstrip(",:")


def barcode(n: int) -> str:
    return f"0000{95001 + n}"


def write_data(work: Path) -> tuple[Path, Path]:
    """The reader (RDR) and the 30 copies (IBIS) in IRBIS plain-text exchange format."""
    loans = [f"#40: ^GIBIS^A84/Т{n}^B{95001 + n}^H{barcode(n)}^KАБ^D20261118^1113015"
             f"^E{20261202 + (n % 5)}^F******^VАБ^Ikassa^C{title(n)}" for n in range(LOANS)]
    reader = ["#10: Ұзақбаева-Константинопольская", "#11: Гүлназ-Әйгерім", "#21: 20140305",
              f"#30: {CARD}", "#50: оқушы", "#51: 20250110^CАБ", "#52: 20260112^CАБ", *loans]
    books = []
    for n in range(LOANS):
        books.append("\n".join([
            "#920: PAZK", f"#101: {LANG_CODES[LANGUAGES[n % 3]]}", f"#200: ^A{title(n)}",
            f"#903: 84/Т{n}", f"#910: ^A1^B{95001 + n}^C20200102^DАБ^H{barcode(n)}"]))
    rdr, ibis = work / "rdr.txt", work / "ibis.txt"
    rdr.write_text("\n".join(reader) + "\n", encoding="utf-8")
    ibis.write_text("\n*****\n".join(books) + "\n", encoding="utf-8")
    return rdr, ibis


def scenario(lang_taps: list[str]) -> str:
    """Log in with headphones on, walk the focus down through every loan, then show the
    list in each language and theme (and the summary)."""
    lines = ["headphones in", f"scan {CARD}", "expect screen account"]
    lines += ["key down"] * (LOANS + 4)
    for tap in lang_taps:
        lines += [f"tap {tap}", "key up", "key up"]
    lines += ["tap finish", "expect screen summary"]
    return "\n".join(lines) + "\n"


def run_script(work: Path, name: str, gateway: str, config: Path | None) -> dict[str, Any]:
    out = work / name
    out.mkdir()
    scn = out / "long.scn"
    scn.write_text(scenario(["language_kk", "contrast", "language_ru", "contrast",
                             "language_en", "contrast"]), encoding="utf-8")
    env = {**os.environ, "SDL_VIDEODRIVER": "offscreen", "KIVY_NO_ARGS": "1"}
    cmd = [sys.executable, "-m", "kiosk", "script", str(scn), "--today", TODAY, "--gateway", gateway,
           "--transcript", str(out / "t.jsonl"), "--screenshots", str(out / "shots"),
           *(["--config", str(config)] if config else [])]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    events = [json.loads(line) for line in (out / "t.jsonl").read_text(encoding="utf-8").splitlines()]
    shots = [json.loads(p.read_text(encoding="utf-8")) | {"png": p.with_suffix(".png").name}
             for p in sorted((out / "shots").glob("*.json"))]
    return {"rc": proc.returncode, "stderr": proc.stderr, "events": events, "shots": shots}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    work = tmp_path_factory.mktemp("long")
    rdr, ibis = write_data(work)
    portrait = work / "portrait.toml"
    portrait.write_text('[ui]\norientation = "portrait"\n', encoding="utf-8")
    sim = subprocess.Popen([sys.executable, "-m", "kiosk", "sim", "--load", f"RDR={rdr}",
                            "--load", f"IBIS={ibis}", "--tcp-port", "0", "--http-port", "0"],
                           cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert sim.stdout is not None
        ready = sim.stdout.readline().split()
        http = ready[2].split("=")[1]
        gateway = f"http://127.0.0.1:{http}/cgi-bin/irbis64r/WebToIrbisServer.exe"
        with ThreadPoolExecutor(max_workers=2) as pool:
            both = pool.map(lambda a: run_script(work, a[0], gateway, a[1]),
                            [("landscape", None), ("portrait", portrait)])
            return dict(zip(("landscape", "portrait"), both, strict=True))
    finally:
        sim.terminate()
        sim.wait(timeout=10)



def shots(runs: dict[str, dict[str, Any]], screen: str = "account") -> list[dict[str, Any]]:
    return [dict(s, run=name) for name, r in runs.items() for s in r["shots"] if s["screen"] == screen]


def test_both_runs_hold(runs: dict[str, dict[str, Any]]) -> None:
    for name, r in runs.items():
        assert r["rc"] == 0, (name, r["stderr"][-2000:])


def test_the_list_is_shown_in_every_language_theme_and_orientation(
        runs: dict[str, dict[str, Any]]) -> None:
    seen = {(s["run"], s["lang"], s["contrast"]) for s in shots(runs) if len(s["loan_titles"]) == LOANS}
    assert seen == {(run, lang, contrast) for run in runs for lang in LANGUAGES
                    for contrast in (False, True)}


def test_focus_walks_through_all_30_loans_and_the_list_follows_it(
        runs: dict[str, dict[str, Any]]) -> None:
    rows_shown: dict[str, int] = {}
    for name in runs:
        account = [s for s in shots(runs) if s["run"] == name]
        focused = [s for s in account if (s["focused"] or "").startswith("loan:")]
        assert {s["focused"] for s in focused} == {f"loan:{barcode(n)}" for n in range(LOANS)}, name
        for s in focused:
            rows = [t["id"] for t in s["tappables"] if t["id"].startswith("loan:")]
            assert s["focused"] in rows and len(rows) < LOANS, (name, s["png"])
            order = [f"loan:{barcode(n)}" for n in range(LOANS)]
            first = order.index(rows[0])
            assert rows == order[first:first + len(rows)], (name, s["png"])
            where = tr("ui.account.window", s["lang"], first=first + 1, last=first + len(rows), n=LOANS)
            assert where in [t["text"] for t in s["texts"]], (name, s["png"], where)
        rows_shown[name] = max(len([t for t in s["tappables"] if t["id"].startswith("loan:")])
                               for s in focused)
    # a cut list costs no extra line: the heading says which books are shown
    assert rows_shown["landscape"] >= 3 and rows_shown["portrait"] >= 5, rows_shown


def test_every_title_is_spoken_in_the_headphones(runs: dict[str, dict[str, Any]]) -> None:
    for name, r in runs.items():
        said = [e["text"] for e in r["events"] if e["event"] == "say" and e["private"]]
        for n in range(LOANS):
            words = title(n).split(" ", 1)[1]  # the number is said as a word
            assert any(words in text for text in said), (name, n)


def overlap(a: list[float], b: list[float]) -> float:
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return min(w, h)


def test_no_text_overlaps_spills_out_of_its_box_or_leaves_the_screen(
        runs: dict[str, dict[str, Any]]) -> None:
    checked = 0
    for s in shots(runs) + shots(runs, "summary"):
        width, height = s["window"]
        texts = s["texts"]
        for t in texts:
            x, y, w, h = t["box"]
            where = (s["run"], s["png"], t["text"][:40])
            assert x >= -1 and y >= -1 and x + w <= width + 1 and y + h <= height + 1, where
            tw, th = t["texture"]
            assert tw <= w + 1 and th <= h + 1, (where, t["texture"], t["box"])
            checked += 1
        for i, a in enumerate(texts):
            for b in texts[i + 1:]:
                assert overlap(a["box"], b["box"]) <= 1, (s["run"], s["png"], a["text"][:30], b["text"][:30])
    assert checked > 1000


def test_long_titles_are_shortened_with_an_ellipsis(runs: dict[str, dict[str, Any]]) -> None:
    for s in shots(runs):
        titles = [t for t in s["texts"] if t["text"] in s["loan_titles"]]
        assert titles, s["png"]
        assert all(t["ellipsis"] for t in titles), (s["run"], s["png"])
