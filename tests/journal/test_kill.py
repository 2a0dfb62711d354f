"""kill -9 of a kiosk at random moments through 200 checkouts: after each restart the
journal is settled against IRBIS, and at the end IRBIS (read by an independent client)
holds exactly the loans the journal calls done: no duplicates, no half writes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from kiosk.irbis.server import start_server
from kiosk.journal.store import Journal

from .consistency import check
from .data import TODAY_TEXT, book_barcode, reader_card, write_databases

DRIVER = Path(__file__).with_name("driver.py")
CHECKOUTS = 200
READERS = 10


def run_driver(url: str, journal: Path, plan: Path, kill_after: tuple[int, float] | None
               ) -> tuple[bool, str]:
    """Run the driver; kill_after = (checkouts, seconds): SIGKILL it that many seconds after
    its n-th completed checkout (so the kill lands anywhere: between requests, mid-request,
    mid-journal write), whatever the machine's speed. Returns (finished, output)."""
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    proc = subprocess.Popen(
        [sys.executable, str(DRIVER), url, str(journal), str(plan), TODAY_TEXT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdout is not None
    if kill_after is not None:
        target, delay = kill_after
        seen: list[str] = []
        done = 0
        for line in proc.stdout:
            seen.append(line)
            if line.startswith(("ok", "refused")):
                done += 1
            if done >= target or line.startswith("finished"):
                break
        if not any(line.startswith("finished") for line in seen):
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            return False, "".join(seen)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return "finished" in out or kill_after is not None, out


def test_kill_at_random_points_loses_and_doubles_nothing(tmp_path):
    server = start_server(tmp_path / "irbis", loads=write_databases(tmp_path / "load", READERS, CHECKOUTS))
    plan = tmp_path / "plan.txt"
    plan.write_text(
        "".join(f"{reader_card(i % READERS)} {book_barcode(i)}\n" for i in range(CHECKOUTS)),
        encoding="utf-8",
    )
    journal_path = tmp_path / "journal.sqlite3"
    rng = random.Random(20261125)
    kills = 0
    try:
        finished = False
        while not finished and kills < 12:
            kill_after = (rng.randint(3, 20), rng.uniform(0.0, 0.02))
            finished, _ = run_driver(server.http_url, journal_path, plan, kill_after)
            kills += 0 if finished else 1
        finished, out = run_driver(server.http_url, journal_path, plan, None)
        assert finished, out
        loans, problems = check("127.0.0.1", server.tcp_port)
    finally:
        server.stop()
    journal = Journal(journal_path)
    entries = journal.entries()
    assert journal.unfinished() == []
    done = {e.barcode: e.card_hash for e in entries if e.state == "done"}
    assert problems == []
    assert set(done) == set(loans)
    assert all(journal.card_hash(loans[b]) == h for b, h in done.items())
    assert len(entries) == CHECKOUTS  # one entry per planned book, none written twice
    assert kills >= 3, "the driver finished before it could be killed: raise the counts"
    print(f"kill test: {CHECKOUTS} checkouts, {kills} kills, {len(done)} loans, 0 inconsistencies")
