"""`kiosk journal report|replay`: what staff must look at, and sending what is queued."""

from __future__ import annotations

import argparse
import json
from datetime import date

from kiosk.config import Config, journal_path, load_config
from kiosk.journal.store import Journal

ATTENTION = ("pending", "queued", "conflict", "abandoned")


def open_journal(cfg: Config) -> Journal:
    return Journal(journal_path(cfg))


def report(journal: Journal) -> dict:
    """Counts by state, and every entry that needs a person: no card numbers, only hashes."""
    entries = journal.entries()
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.state] = counts.get(e.state, 0) + 1
    attention = [
        {
            "id": e.id,
            "kind": e.kind,
            "state": e.state,
            "barcode": e.barcode,
            "day": e.day,
            "reason": e.reason,
            "reader": e.card_hash,
        }
        for e in entries
        if e.state in ATTENTION
    ]
    return {"counts": counts, "attention": attention}


def main(args: argparse.Namespace) -> int:
    cfg = load_config(args.config)
    journal = open_journal(cfg)
    try:
        if args.action == "report":
            print(json.dumps(report(journal), ensure_ascii=False, indent=1))
            return 0
        from kiosk.irbis.gateway import open_gateway
        from kiosk.journal.journaled import JournaledCirculation

        with open_gateway(cfg) as gateway:
            circ = JournaledCirculation(
                gateway.circulation, journal, cfg.loans, cfg.journal, emit=_print_event
            )
            print(json.dumps({"ok": True, "settled": circ.sync(date.today())}))
        return 0
    finally:
        journal.close()


def _print_event(event: dict) -> None:
    print(json.dumps(event, ensure_ascii=False))
