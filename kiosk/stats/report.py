"""The figures as staff read them: CSV for Excel, JSON for scripts, the annual plan/done table.

CSV is UTF-8 with a byte-order mark (Excel then reads Cyrillic and Kazakh letters right)
and `;` between columns (the list separator of Excel in Kazakh and Russian). Column and
row labels come from the catalogues (stats.po), in the language asked for.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from kiosk.locale import has, tr

BOM = "\ufeff"
DELIMITER = ";"
MAIN_COLUMNS = ("sessions", "visits", "readers", "loans", "loans_kazakh", "renewals", "returns",
                "refusals_total", "calls", "response_p50_s", "response_p95_s", "out_of_order_min")
TALLIES = ("refusals", "loans_by_language", "loans_by_category", "loans_by_age",
           "visits_by_category", "visits_by_age")


def label(key: str, lang: str) -> str:
    return tr(f"stats.col.{key}", lang)


def reason_label(code: str, lang: str) -> str:
    """Staff's words for a reason code (the console's), else the patron's short ones."""
    for msg_id in (f"staff.reason.{code}", f"reason.{code}.short"):
        if has(msg_id, lang):
            return tr(msg_id, lang)
    return code


def tally_label(tally: str, key: str, lang: str) -> str:
    """A column of one tally: "Refused: loan limit", "Loans, language: kaz", ..."""
    if tally == "refusals":
        return f"{label(tally, lang)}: {reason_label(key, lang)}"
    if key == "-":
        key = tr("stats.unknown", lang)
    return f"{label(tally, lang)}: {key}"


def _number(value: Any) -> Any:
    if value is None:
        return ""
    return round(value) if isinstance(value, float) else value


def rows(periods: list[dict[str, Any]], lang: str) -> list[list[Any]]:
    """A header row then one row per period; every tally key seen in any period is a column."""
    keys = {t: sorted({k for p in periods for k in p.get(t, {})}) for t in TALLIES}
    header = [label("period", lang)] + [label(c, lang) for c in MAIN_COLUMNS]
    header += [tally_label(t, k, lang) for t in TALLIES for k in keys[t]]
    out: list[list[Any]] = [header]
    for p in periods:
        row = [p["period"]] + [_number(p.get(c)) for c in MAIN_COLUMNS]
        row += [p.get(t, {}).get(k, 0) for t in TALLIES for k in keys[t]]
        out.append(row)
    return out


def to_csv(table: list[list[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerows(table)
    return BOM + buf.getvalue()


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


def annual_rows(year: int, total: dict[str, Any], plan: Any, bands: list[str],
                lang: str) -> list[list[Any]]:
    """The library's plan/done table: indicator, plan, done, % of plan; then the loans and
    visits within it by age band and by category (done only: the plan gives no split)."""
    header = [tr("stats.annual.indicator", lang, year=year), tr("stats.annual.plan", lang),
              tr("stats.annual.done", lang), tr("stats.annual.percent", lang)]
    table: list[list[Any]] = [header]
    for key, planned in (("readers", plan.plan_readers), ("visits", plan.plan_visits),
                         ("loans", plan.plan_loans), ("loans_kazakh", plan.plan_loans_kazakh)):
        done = int(total.get(key, 0))
        percent = round(100.0 * done / planned, 1) if planned else ""
        table.append([label(key, lang), planned or "", done, percent])
    for tally, title in (("visits_by_age", "visits"), ("loans_by_age", "loans")):
        for band in bands:
            table.append([tr("stats.annual.by_age", lang, what=label(title, lang), band=band),
                          "", int(total.get(tally, {}).get(band, 0)), ""])
    for tally, title in (("visits_by_category", "visits"), ("loans_by_category", "loans")):
        for cat, n in sorted(total.get(tally, {}).items()):
            name = tr("stats.unknown", lang) if cat == "-" else cat
            table.append([tr("stats.annual.by_category", lang, what=label(title, lang), category=name),
                          "", int(n), ""])
    return table


def annual_json(table: list[list[Any]]) -> list[dict[str, Any]]:
    keys = ("indicator", "plan", "done", "percent")
    return [dict(zip(keys, row, strict=True)) for row in table[1:]]
