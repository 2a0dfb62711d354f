"""The memory soaks on tiny sizes: `kiosk bench --script-soak N` (kiosk script, virtual
clock) and `--soak N` (kiosk run, real clock) print JSON lines measured in the app
process; the growth in the last line is computed from those lines. No memory limit is
asserted here: the figures go into the bench report."""

from __future__ import annotations

import json

from kiosk.tools.bench.memory import gl_mb, parse_smaps
from kiosk.tools.bench.script_soak import add_growth, scenario, script_soak_main
from kiosk.tools.bench.soak import soak_main
from kiosk.tools.scenario import parse_scenario


def soak_lines(out: str) -> list[dict]:
    return [json.loads(x) for x in out.splitlines() if x.startswith("{")]


def measured(lines: list[dict], sessions: list[int]) -> None:
    assert [x["sessions"] for x in lines] == sessions, lines
    for line in lines:
        assert "error" not in line, line
        assert line["rss_mb"] > 10
        # the biggest mappings of that same process fit inside its RSS
        assert 0 < sum(line["rss_by_mapping"].values()) <= line["rss_mb"] + 0.5
        assert line["widgets"] > 0 and line["textures"] > 0 and line["gc_objects"] > 1000
    last = lines[-1]
    assert 0 < last["rss_mb_after_malloc_trim"] <= last["rss_mb"] + 0.5
    first = next(x for x in lines if x["sessions"] > 0)
    assert last["soak_rss_growth_from"] == first["sessions"]
    assert last["soak_rss_mb_after_first"] == first["rss_mb"]
    assert last["soak_rss_growth_mb"] == round(last["rss_mb"] - first["rss_mb"], 1)


def test_script_soak_plays_its_sessions_in_one_kiosk_script_process(capsys) -> None:
    assert script_soak_main(3, every=1) == 0
    measured(soak_lines(capsys.readouterr().out), [0, 1, 2, 3])


def test_run_soak_reports_the_growth_after_the_first_report(capsys) -> None:
    assert soak_main(2, readers=5, every=1) == 0
    lines = soak_lines(capsys.readouterr().out)
    measured(lines, [0, 1, 2])
    # each line also has the RSS after a trim: lower, but for what the UI thread allocated
    # meanwhile (it keeps running)
    assert all(0 < x["rss_mb_trimmed"] <= x["rss_mb"] + 2 for x in lines), lines
    assert lines[-1]["soak_rss_trimmed_growth_mb"] == \
        round(lines[-1]["rss_mb_trimmed"] - lines[1]["rss_mb_trimmed"], 1)


def test_the_script_soak_scenario_is_a_valid_scenario_of_whole_sessions() -> None:
    text = scenario(7)
    parse_scenario(text)  # raises on a line the contract does not have
    assert text.count("tap done") == 7
    assert {"tap language_ru", "tap language_en", "tap language_kk", "tap contrast"} <= \
        set(text.splitlines())


def test_growth_is_from_the_first_report_after_the_start_to_the_last() -> None:
    lines = [{"sessions": 0, "rss_mb": 200.0}, {"sessions": 100, "rss_mb": 250.5},
             {"sessions": 200, "rss_mb": 251.0}, {"sessions": 300, "rss_mb": 252.7}]
    assert add_growth(lines) == {"soak_rss_mb_after_first": 250.5, "soak_rss_growth_from": 100,
                                 "soak_rss_growth_mb": 2.2}
    assert add_growth(lines[:2]) == {}  # nothing after the first report
    trimmed = [{**x, "rss_mb_trimmed": x["rss_mb"] - 10} for x in lines]
    trimmed[-1]["rss_mb_trimmed"] = 241.0
    assert add_growth(trimmed)["soak_rss_trimmed_growth_mb"] == 0.5


SMAPS = """\
7f00-7f10 r-xp 00000000 08:01 12 /usr/lib/x86_64-linux-gnu/libLLVM-15.so.1
Size:              65536 kB
Rss:               51200 kB
7f10-7f20 r-xp 00000000 08:01 13 /usr/lib/x86_64-linux-gnu/dri/swrast_dri.so
Rss:                8192 kB
7f20-7f30 rw-p 00000000 00:00 0
Rss:               10240 kB
7f30-7f40 r-xp 00000000 08:01 14 /usr/lib/libpython3.11.so.1.0
Rss:                4096 kB
"""


def test_the_gl_part_is_libllvm_and_the_dri_driver_only() -> None:
    sizes = parse_smaps(SMAPS.splitlines())
    assert sizes == {"libLLVM-15.so.1": 50.0, "swrast_dri.so": 8.0, "anon": 10.0,
                     "libpython3.11.so.1.0": 4.0}
    assert gl_mb(sizes) == 58.0
