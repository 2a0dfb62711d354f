"""Logs never hold a reader's name, a card number in clear, or the IRBIS password.

A real flow -- the pure-Python session harness, the journal, IrbisCirculation and the
embedded IRBIS server over the HTTP tunnel with the demo data -- runs with every logger at
DEBUG. Every record is captured raw (before any redacting filter) from the root logger,
message and traceback, and searched for every demo reader's names and card number and
for the password.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import pytest

from kiosk.config import Config
from kiosk.irbis.gateway import open_gateway
from kiosk.journal.journaled import JournaledCirculation
from kiosk.journal.store import Journal
from kiosk.tools.harness import Harness
from tests.security.demo import demo_readers, leaks

TODAY = date(2026, 11, 25)  # the demo data's own date
PASSWORD = "Tz9-kiosk-Qw7"
CARDS, NAMES = demo_readers()

# Every situation the demo data has: loans, renewals, refusals of every kind, a cut link,
# a timeout, and the readers that are blocked, expired or unknown.
FLOW = """
scan 100102
scan 000010001
scan 000010005
tap renew_all
tap finish
tap receipt_yes
tap done
scan 100103
scan 000010002
scan 000010012
wait 200
scan 100104
scan 100107
scan 100999
scan 000010003
scan 100105
scan 000010003
scan 100106
scan 000010095
scan 100108
scan 000010110
scan 100101
scan 000010040
scan 000010030
scan 000010005
scan 000010010
scan 000010020
gateway down
scan 000010006
scan 100112
gateway up
scan 100112
tap renew_all
scan 100113
scan 000010007
scan 000010008
key help
key repeat
tap finish
tap receipt_no
wait 200
"""


# for the real app: scans and waits only (a tap must name a widget on the screen)
APP_FLOW = """
scan 100102
scan 000010001
wait 3
scan 000010005
wait 200
scan 100103
scan 000010002
wait 200
scan 100104
scan 100107
scan 100999
scan 100105
scan 000010003
wait 200
gateway down
scan 100101
gateway up
wait 200
"""


class RawCapture(logging.Handler):
    """Keeps every record's rendered message and traceback, unredacted."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = f"{record.name} {record.levelname} {record.getMessage()}"
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        if record.stack_info:
            text += "\n" + record.stack_info
        self.texts.append(text)


@contextmanager
def raw_logs():
    """Every logger at DEBUG, every record captured from the root logger."""
    root = logging.getLogger()
    handler = RawCapture()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    # loggers that were quietened elsewhere must speak too
    quiet = {name: lg.level for name, lg in logging.root.manager.loggerDict.items()
             if isinstance(lg, logging.Logger) and lg.level > logging.DEBUG}
    for name in quiet:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        for name, level in quiet.items():
            logging.getLogger(name).setLevel(level)


def config(where, password: str = PASSWORD) -> Config:
    """A config whose password is in a 0600 file, as on a real kiosk."""
    cfg = Config()
    where.mkdir(parents=True, exist_ok=True)
    secret = where / "irbis.password"
    secret.write_text(password + "\n", encoding="utf-8")
    secret.chmod(0o600)
    cfg.gateway.password_file = str(secret)
    return cfg


@dataclass
class Day:
    events: list[dict]
    logs: str
    journal_rows: dict[str, list]  # what the journal holds once the day is over


@pytest.fixture(scope="module")
def day(tmp_path_factory) -> Day:
    tmp = tmp_path_factory.mktemp("day")
    cfg = config(tmp)
    with raw_logs() as captured:
        with open_gateway(cfg, today=TODAY, data_dir=tmp / "sim") as gw:
            journal = Journal(tmp / "journal.sqlite3")
            try:
                circ = JournaledCirculation(gw.circulation, journal, cfg.loans, cfg.journal)
                result = Harness(circ, cfg, today=TODAY).run(FLOW, stop_on_failure=False)
            finally:
                journal.close()
    db = sqlite3.connect(tmp / "journal.sqlite3")
    try:
        rows = {"tx": db.execute("SELECT state, card FROM tx").fetchall(),
                "patron_cache": [r[0] for r in db.execute("SELECT card_hash FROM patron_cache")]}
    finally:
        db.close()
    return Day(list(result.events), "\n".join(captured.texts), rows)


def test_a_day_of_lending_logs_no_names_cards_or_password(day) -> None:
    events = [e["event"] for e in day.events]
    # the flow really lent, renewed and refused (else this test would prove nothing)
    assert {"login", "checkout", "renew", "refused", "logout"} <= set(events)
    reasons = {e.get("reason") for e in day.events if e["event"] == "refused"}
    assert {"overdue_block", "reader_blocked", "unknown_card", "loan_limit", "gateway_unavailable"} <= reasons
    assert day.logs, "nothing was logged at DEBUG: the capture is not working"
    assert leaks(day.logs, CARDS) == []
    assert leaks(day.logs, NAMES) == []
    assert PASSWORD not in day.logs


def test_the_journal_keeps_no_card_once_transactions_are_finished(day) -> None:
    rows = day.journal_rows
    assert rows["tx"] and all(state in ("done", "refused") for state, _ in rows["tx"])
    assert [card for _, card in rows["tx"] if card is not None] == []
    assert rows["patron_cache"] and not set(rows["patron_cache"]) & CARDS


def test_a_wrong_password_is_not_logged(tmp_path) -> None:
    cfg = config(tmp_path)
    wrong = "Wr0ng-" + PASSWORD
    with raw_logs() as captured, open_gateway(cfg, today=TODAY, data_dir=tmp_path / "sim") as gw:
        # a second kiosk with a mistyped password, against the same server
        cfg2 = config(tmp_path / "other", wrong)
        with open_gateway(cfg2, url=gw.url, today=TODAY) as bad:
            result = Harness(bad.circulation, cfg2, today=TODAY).run("scan 100102\nscan 000010001",
                                                                      stop_on_failure=False)
    refused = [e for e in result.events if e["event"] == "refused"]
    assert refused and refused[0]["reason"] == "gateway_unavailable"
    text = "\n".join(captured.texts)
    assert wrong not in text and PASSWORD not in text
    assert leaks(text, CARDS) == []


def test_the_real_app_prints_no_names_cards_or_password(tmp_path) -> None:
    """`kiosk script` runs the whole app (Kivy offscreen, speech, journal, embedded server)
    through the demo's refusals and a checkout; whatever it writes on stdout and stderr
    (its log) holds no reader data and not the password it was given."""
    scenario = tmp_path / "day.scn"
    scenario.write_text(APP_FLOW, encoding="utf-8")
    env = dict(os.environ, IRBIS_PASSWORD=PASSWORD, SDL_VIDEODRIVER="offscreen",
               KIVY_HOME=str(tmp_path / "kivy"), HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "kiosk", "script", str(scenario), "--today", "20261125",
                           "--transcript", str(tmp_path / "t.jsonl")],
                          capture_output=True, text=True, env=env, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    events = [json.loads(line) for line in (tmp_path / "t.jsonl").read_text(encoding="utf-8").splitlines()]
    assert any(e["event"] == "checkout" for e in events)
    reasons = {e.get("reason") for e in events if e["event"] == "refused"}
    assert {"overdue_block", "reader_blocked", "unknown_card", "gateway_unavailable"} <= reasons
    out = done.stdout + done.stderr
    assert leaks(out, CARDS) == [] and leaks(out, NAMES) == [] and PASSWORD not in out
