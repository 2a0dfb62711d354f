"""The Statistics page's charts, drawn by matplotlib (Agg: no display needed) as PNG.

Each function takes merged figures (kiosk.stats.figures) and a language; every label comes
from the catalogues. Figures are made with matplotlib.figure.Figure, not pyplot, so the
console's request threads share no global state.
"""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402 - after choosing the backend
from matplotlib.ticker import MaxNLocator  # noqa: E402

from kiosk.locale import tr  # noqa: E402
from kiosk.stats.report import label, reason_label  # noqa: E402

SIZE = (8.0, 4.0)
DPI = 100
COLOURS = ("#1f5f8b", "#e07b00", "#3c8d2f")


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
    return buf.getvalue()


def monthly(months: list[dict[str, Any]], year: int, lang: str) -> bytes:
    """Visits, loans and loans in Kazakh for each month of `year` (grouped bars)."""
    by_month = {p["period"]: p for p in months}
    keys = [f"{year}-{m:02d}" for m in range(1, 13)]
    fig = Figure(figsize=SIZE)
    ax = fig.subplots()
    width = 0.27
    for i, (key, colour) in enumerate(zip(("visits", "loans", "loans_kazakh"), COLOURS, strict=True)):
        values = [by_month.get(k, {}).get(key, 0) for k in keys]
        ax.bar([m + (i - 1) * width for m in range(12)], values, width, label=label(key, lang),
               color=colour)
    ax.set_xticks(range(12), [str(m) for m in range(1, 13)])
    ax.set_xlabel(tr("stats.chart.month", lang))
    ax.set_ylabel(tr("stats.chart.count", lang))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(f"{tr('stats.page.monthly', lang)} — {year}")
    ax.legend()
    return _png(fig)


def refusals(total: dict[str, Any], lang: str) -> bytes:
    """Refusals by reason, the most frequent on top."""
    items = sorted(total.get("refusals", {}).items(), key=lambda kv: kv[1])
    fig = Figure(figsize=(SIZE[0], max(2.0, 0.45 * len(items) + 1.2)))
    ax = fig.subplots()
    ax.barh([reason_label(code, lang) for code, _ in items], [n for _, n in items], color=COLOURS[1])
    ax.set_xlabel(tr("stats.chart.count", lang))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts are whole
    ax.set_title(tr("stats.page.refusals", lang))
    return _png(fig)


def hours(total: dict[str, Any], lang: str) -> bytes:
    """Sessions by weekday (rows) and hour (columns)."""
    grid = total.get("hours") or [[0] * 24 for _ in range(7)]
    fig = Figure(figsize=SIZE)
    ax = fig.subplots()
    image = ax.imshow(grid, aspect="auto", cmap="Blues")
    ax.set_yticks(range(7), [tr(f"stats.weekday.{d}", lang) for d in range(7)])
    ax.set_xticks(range(0, 24, 2), [str(h) for h in range(0, 24, 2)])
    ax.set_xlabel(tr("stats.chart.hour", lang))
    ax.set_title(tr("stats.page.hours", lang))
    bar = fig.colorbar(image, ax=ax, label=label("sessions", lang))
    bar.locator = MaxNLocator(integer=True)  # a count of sessions is whole
    bar.update_ticks()
    return _png(fig)


def responses(values: list[float], total: dict[str, Any], lang: str) -> bytes:
    """How long staff took to acknowledge a call: a histogram with the median and 95th
    percentile marked."""
    fig = Figure(figsize=SIZE)
    ax = fig.subplots()
    if values:
        ax.hist(values, bins=min(20, max(1, len(values))), color=COLOURS[0])
    for key, style in (("response_p50_s", "-"), ("response_p95_s", "--")):
        if total.get(key) is not None:
            ax.axvline(total[key], color=COLOURS[1], linestyle=style,
                       label=f"{label(key, lang)}: {round(total[key])}")
    ax.set_xlabel(tr("stats.chart.seconds", lang))
    ax.set_ylabel(tr("stats.chart.count", lang))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(tr("stats.page.responses", lang))
    if total.get("response_p50_s") is not None:
        ax.legend()
    return _png(fig)
