"""The library's figures: facts -> one kiosk's day -> days merged into periods.

A *day* (`day_figures`) is what a kiosk publishes over MQTT and what the console merges:
counts, refusals by reason, loans and visits by language, category and age band, sessions
by weekday x hour, every staff-call response time, and the reader keys (salted hashes)
seen that day, so that distinct readers of a month or a year can be counted. `merge`
turns days (of one or many kiosks) into the figures of one period; `kiosk stats` and the
console's Statistics page both use it, so both show the same numbers.

Visits count a reader once a day (as IRBIS counts the visit repeats in RDR 40); sessions
count every identification. Readers are distinct per kiosk (each kiosk has its own salt).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from kiosk.stats.store import Fact

COUNTS = ("sessions", "visits", "readers", "loans", "loans_kazakh", "renewals", "returns",
          "refusals_total", "calls", "out_of_order_min")
KAZAKH = "kaz"
BY = ("day", "month", "year")


def iso_day(ymd: str) -> str:
    return f"{ymd[:4]}-{ymd[4:6]}-{ymd[6:8]}"


def period_of(day: str, by: str) -> str:
    """"2026-12-04" -> "2026-12-04" | "2026-12" | "2026"."""
    return {"day": day, "month": day[:7], "year": day[:4]}[by]


def empty_grid() -> list[list[int]]:
    return [[0] * 24 for _ in range(7)]


def day_figures(facts: Iterable[Fact], day: str, kiosk: str = "") -> dict[str, Any]:
    """One kiosk's figures for one day (ISO `day`) from its facts of that day."""
    counts: Counter[str] = Counter()
    tallies: dict[str, Counter[str]] = {k: Counter() for k in (
        "refusals", "loans_by_language", "loans_by_category", "loans_by_age",
        "visits_by_category", "visits_by_age")}
    hours = empty_grid()
    responses: list[float] = []
    readers: set[str] = set()
    outage = 0.0
    for f in facts:
        if f.kind == "session":
            counts["sessions"] += 1
            hours[f.weekday][f.hour] += 1
            if f.reader and f.reader not in readers:
                readers.add(f.reader)
                counts["visits"] += 1
                tallies["visits_by_category"][f.category or "-"] += 1
                tallies["visits_by_age"][f.age or "-"] += 1
        elif f.kind == "loan":
            counts["loans"] += 1
            counts["loans_kazakh"] += f.language == KAZAKH
            tallies["loans_by_language"][f.language or "-"] += 1
            tallies["loans_by_category"][f.category or "-"] += 1
            tallies["loans_by_age"][f.age or "-"] += 1
        elif f.kind == "renew":
            counts["renewals"] += 1
        elif f.kind == "return":
            counts["returns"] += 1
        elif f.kind == "refusal":
            tallies["refusals"][f.reason or "-"] += 1
        elif f.kind == "call":
            responses.append(round(f.value, 1))
        elif f.kind == "outage":
            outage += f.value
    counts["calls"] = len(responses)
    counts["out_of_order_min"] = round(outage)
    out: dict[str, Any] = {"day": day}
    if kiosk:
        out["kiosk"] = kiosk
    out["counts"] = {k: int(counts[k]) for k in COUNTS if k not in ("readers", "refusals_total")}
    out.update({k: dict(sorted(v.items())) for k, v in tallies.items()})
    out["hours"] = hours
    out["responses"] = responses
    out["readers"] = sorted(readers)
    return out


def days_from_facts(facts: Iterable[Fact], kiosk: str = "") -> list[dict[str, Any]]:
    by_day: dict[str, list[Fact]] = {}
    for f in facts:
        by_day.setdefault(f.day, []).append(f)
    return [day_figures(fs, iso_day(d), kiosk) for d, fs in sorted(by_day.items())]


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (the value below which q % of the values lie), None if none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def merge(days: Iterable[dict[str, Any]], label: str = "total") -> dict[str, Any]:
    """The figures of one period from days (one kiosk's or many kiosks')."""
    counts: Counter[str] = Counter()
    tallies: dict[str, Counter[str]] = {}
    hours = empty_grid()
    responses: list[float] = []
    readers: set[tuple[str, str]] = set()
    for d in days:
        counts.update(d.get("counts", {}))
        for key in ("refusals", "loans_by_language", "loans_by_category", "loans_by_age",
                    "visits_by_category", "visits_by_age"):
            tallies.setdefault(key, Counter()).update(d.get(key, {}))
        for w, row in enumerate(d.get("hours", [])[:7]):
            for h, n in enumerate(row[:24]):
                hours[w][h] += int(n)
        responses.extend(float(v) for v in d.get("responses", []))
        readers.update((str(d.get("kiosk", "")), str(k)) for k in d.get("readers", []))
    figures: dict[str, Any] = {"period": label}
    for key in COUNTS:
        figures[key] = int(counts[key])
    figures["readers"] = len(readers)
    figures["refusals_total"] = sum(tallies.get("refusals", Counter()).values())
    for key in ("refusals", "loans_by_language", "loans_by_category", "loans_by_age",
                "visits_by_category", "visits_by_age"):
        figures[key] = dict(sorted(tallies.get(key, Counter()).items()))
    figures["response_p50_s"] = percentile(responses, 50)
    figures["response_p95_s"] = percentile(responses, 95)
    figures["hours"] = hours
    return figures


def periods(days: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    """Figures per day, month or year (in order), from days of one or many kiosks."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for d in days:
        groups.setdefault(period_of(str(d["day"]), by), []).append(d)
    return [merge(g, label) for label, g in sorted(groups.items())]


def in_range(days: list[dict[str, Any]], first: date | None, last: date | None) -> list[dict[str, Any]]:
    lo = first.isoformat() if first else "0000-00-00"
    hi = last.isoformat() if last else "9999-99-99"
    return [d for d in days if lo <= str(d["day"]) <= hi]
