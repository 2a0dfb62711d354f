"""A kiosk-like process for the kill test: settles the journal, then checks out planned
books one by one through the journaled circulation, printing each outcome. The test kills
it with SIGKILL at random moments and starts it again.

usage: python driver.py GATEWAY_URL JOURNAL PLAN_FILE TODAY
PLAN_FILE: lines "card barcode".
"""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.config import Config
from kiosk.core.domain import Refused, parse_ymd
from kiosk.irbis.circulation import IrbisCirculation
from kiosk.irbis.client import IrbisClient
from kiosk.journal.journaled import JournaledCirculation
from kiosk.journal.store import Journal


def main() -> int:
    url, journal_path, plan_file, today_text = sys.argv[1:5]
    today = parse_ymd(today_text)
    assert today is not None
    cfg = Config()
    cfg.loans.max_items = 10_000
    cfg.loans.block_on_overdue = False
    client = IrbisClient.from_url(url, "kiosk1", "kiosk1", timeout=3.0)
    journal = Journal(journal_path)
    circ = JournaledCirculation(IrbisCirculation(client, cfg), journal, cfg.loans, cfg.journal)
    print("settled", circ.sync(today), flush=True)
    seen = {e.barcode for e in journal.entries()}
    for line in Path(plan_file).read_text().splitlines():
        card, barcode = line.split()
        if barcode in seen:
            continue
        try:
            result = circ.checkout(card, barcode, today)
            print("ok", barcode, result.due, flush=True)
        except Refused as e:
            print("refused", barcode, e.reason, flush=True)
    print("finished", flush=True)
    client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
