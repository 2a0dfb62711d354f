"""Scripted sessions whose numbers are known beforehand -> `kiosk stats` shows exactly those;
the figures survive kill -9 and a restart; no card or name is in the statistics file."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.stats.store import StatsStore
from tests.stats.helpers import NAMES, TODAY, Library, stats_kiosk

PYTHON = sys.executable
DAY1 = """
scan 200001
expect screen account
scan 300001
expect event {"event":"checkout","barcode":"300001","ok":true}
scan 300002
expect event {"event":"checkout","barcode":"300002","ok":true}
tap finish
expect screen summary
tap done
scan 200002
expect screen account
scan 300003
expect event {"event":"checkout","barcode":"300003","ok":true}
scan 399999
expect event {"event":"refused","reason":"unknown_item"}
tap finish
tap done
scan 299999
expect event {"event":"refused","reason":"unknown_card"}
wait 5
scan 200001
expect screen account
tap finish
tap done
call
wait 30
staff ack
expect event {"event":"alert","state":"acknowledged"}
"""
DAY2 = """
scan 200001
expect screen account
scan 300001
expect event {"event":"renew","barcode":"300001","ok":true}
scan 300004
expect event {"event":"checkout","barcode":"300004","ok":true}
tap finish
tap done
"""


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library(tmp_path)
    yield lib
    lib.close()


def stats(*args: str) -> bytes:
    env = dict(os.environ, KIVY_NO_ARGS="1")
    out = subprocess.run([PYTHON, "-m", "kiosk", "stats", *args], capture_output=True, env=env,
                         check=True, timeout=120)
    return out.stdout


def run_days(library: Library, path: Path) -> None:
    k = stats_kiosk(library, path)
    k.run(DAY1)
    k.close()
    k = stats_kiosk(library, path, today=TODAY.replace(day=26))  # a restart, the next day
    k.run(DAY2)
    k.close()


def test_kiosk_stats_shows_exactly_the_scripted_numbers(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "stats.sqlite3"
    run_days(library, path)
    data = json.loads(stats("--file", str(path), "--by", "day", "--format", "json"))
    day1, day2 = data["periods"]
    assert day1["period"] == "2026-11-25" and day2["period"] == "2026-11-26"
    assert {k: day1[k] for k in ("sessions", "visits", "readers", "loans", "loans_kazakh",
                                 "renewals", "refusals_total", "calls")} == {
        "sessions": 3, "visits": 2, "readers": 2, "loans": 3, "loans_kazakh": 2,
        "renewals": 0, "refusals_total": 2, "calls": 1}
    assert day1["refusals"] == {"unknown_card": 1, "unknown_item": 1}
    assert day1["loans_by_language"] == {"kaz": 2, "rus": 1}
    assert day1["loans_by_age"] == {"11-14": 1, "7-10": 2}
    assert day1["loans_by_category"] == {"мектеп оқушысы": 1, "оқушы": 2}
    assert day1["response_p50_s"] == 30.0 and day1["response_p95_s"] == 30.0
    wednesday = TODAY.weekday()
    assert day1["hours"][wednesday][10] == 3 and sum(map(sum, day1["hours"])) == 3
    assert (day2["sessions"], day2["visits"], day2["loans"], day2["renewals"]) == (1, 1, 1, 1)
    assert day2["loans_by_language"] == {"eng": 1}
    total = data["total"]
    assert (total["sessions"], total["visits"], total["readers"], total["loans"],
            total["loans_kazakh"], total["renewals"]) == (4, 3, 2, 4, 2, 1)
    month = json.loads(stats("--file", str(path), "--by", "month", "--format", "json"))["periods"]
    assert [(p["period"], p["visits"], p["readers"]) for p in month] == [("2026-11", 3, 2)]
    only2 = json.loads(stats("--file", str(path), "--from", "20261126", "--format", "json"))
    assert only2["total"]["loans"] == 1


def test_csv_opens_in_excel_with_cyrillic_intact(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "stats.sqlite3"
    run_days(library, path)
    raw = stats("--file", str(path), "--by", "month", "--lang", "kk")
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: Excel reads it as UTF-8
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header, row = table[0], dict(zip(table[0], table[1], strict=True))
    assert header[:3] == ["Кезең", "Сеанстар", "Келулер"]
    assert row["Кітап берілімі"] == "4" and row["оның ішінде қазақ тілінде"] == "2"
    assert row["Берілім, санаты: мектеп оқушысы"] == "1"
    en = list(csv.reader(io.StringIO(stats("--file", str(path), "--lang", "en").decode("utf-8-sig")),
                         delimiter=";"))
    assert en[0][:4] == ["Period", "Sessions", "Visits", "Readers"]


def test_annual_table_against_the_plan(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "stats.sqlite3"
    run_days(library, path)
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text("[stats]\nplan_readers = 4\nplan_visits = 6\nplan_loans = 8\n"
                   "plan_loans_kazakh = 4\n", encoding="utf-8")
    data = json.loads(stats("--config", str(cfg), "--file", str(path), "--annual", "2026",
                            "--format", "json", "--lang", "ru"))
    rows = {r["indicator"]: r for r in data["rows"]}
    assert rows["Читатели"] == {"indicator": "Читатели", "plan": 4, "done": 2, "percent": 50.0}
    assert rows["Посещения"]["done"] == 3 and rows["Посещения"]["percent"] == 50.0
    assert rows["Книговыдача"]["done"] == 4 and rows["в т. ч. на казахском языке"]["done"] == 2
    assert rows["Книговыдача: 7-10 лет"]["done"] == 3  # reader 200001, both days
    table = stats("--config", str(cfg), "--file", str(path), "--annual", "2026", "--lang", "ru")
    assert table.decode("utf-8-sig").splitlines()[0] == "Показатели 2026 года;План;Выполнено;% плана"


def test_no_card_or_name_in_the_statistics_file(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "stats.sqlite3"
    run_days(library, path)
    blob = b"".join(p.read_bytes() for p in tmp_path.glob("stats.sqlite3*"))
    for secret in ("200001", "200002", "299999", *NAMES, "Бірінші кітап"):
        assert secret.encode("utf-8") not in blob, secret
    out = stats("--file", str(path), "--format", "json", "--by", "day")
    for secret in ("200001", "200002", *NAMES):
        assert secret.encode("utf-8") not in out


KILLED = """
import sys
from pathlib import Path
from tests.stats.helpers import Library, stats_kiosk
tmp = Path(sys.argv[1])
lib = Library(tmp / "lib")
k = stats_kiosk(lib, tmp / "stats.sqlite3")
k.run(sys.argv[2])
print("ran", flush=True)
sys.stdin.read()  # killed here, the store never closed
"""


def test_figures_survive_kill_9_and_a_restart(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    script = "scan 200001\nexpect screen account\nscan 300001\n" \
             'expect event {"event":"checkout","barcode":"300001","ok":true}\ntap finish\ntap done\n'
    env = dict(os.environ, KIVY_NO_ARGS="1", PYTHONPATH=os.getcwd())
    proc = subprocess.Popen([PYTHON, "-c", KILLED, str(tmp_path), script], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=env, cwd=os.getcwd())
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ran"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    store = StatsStore(tmp_path / "stats.sqlite3")  # reopened after the kill
    kinds = sorted(f.kind for f in store.facts())
    store.close()
    assert kinds == ["loan", "session"]
    data = json.loads(stats("--file", str(tmp_path / "stats.sqlite3"), "--format", "json"))
    assert (data["total"]["sessions"], data["total"]["loans"], data["total"]["loans_kazakh"]) == (1, 1, 1)
