"""`kiosk stats`: the kiosk's figures per day, month or year (CSV or JSON), or the annual
plan/done table (`--annual YEAR`). Reads only the statistics file (no card, no name)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from kiosk.config import journal_path, load_config
from kiosk.core.domain import parse_ymd
from kiosk.stats import stats_path
from kiosk.stats.ages import band_labels
from kiosk.stats.figures import days_from_facts, in_range, merge, periods
from kiosk.stats.report import annual_json, annual_rows, rows, to_csv, to_json
from kiosk.stats.store import StatsStore


def _day(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    day = parse_ymd(text)
    if day is None:
        print(f"kiosk stats: {what} {text!r} is not a date YYYYMMDD", file=sys.stderr)
        raise SystemExit(1)
    return day


def build(args: argparse.Namespace) -> tuple[str, Any]:
    """(format, content) for the arguments; content is the rows (csv) or the data (json)."""
    cfg = load_config(args.config)
    path = args.file or stats_path(journal_path(cfg))
    store = StatsStore(path)
    try:
        days = days_from_facts(store.facts(), cfg.kiosk.id)
    finally:
        store.close()
    lang = args.lang or cfg.kiosk.default_language
    if args.annual is not None:
        year = int(args.annual)
        total = merge(in_range(days, date(year, 1, 1), date(year, 12, 31)), str(year))
        table = annual_rows(year, total, cfg.stats, band_labels(cfg.stats.age_bands), lang)
        return args.format, table if args.format == "csv" else {"year": year, "rows": annual_json(table)}
    chosen = in_range(days, _day(args.first, "--from"), _day(args.last, "--to"))
    figures = periods(chosen, args.by)
    if args.format == "csv":
        return "csv", rows(figures, lang)
    return "json", {"kiosk": cfg.kiosk.id, "by": args.by, "from": args.first, "to": args.last,
                    "periods": figures, "total": merge(chosen)}


def main(args: argparse.Namespace) -> int:
    fmt, content = build(args)
    text = to_csv(content) if fmt == "csv" else to_json(content) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            out.write(text)
    else:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
    return 0
