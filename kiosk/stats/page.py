"""The staff console's Statistics page: every kiosk's daily figures merged for one year.

    GET /stats?year=YYYY            the page (headline plan/done table, charts, refusals,
                                    response times), in the console's language
    GET /stats/<chart>.png?year=    monthly | refusals | hours | responses; &download=1 to save
    GET /api/stats?year=            the same figures as JSON

The console (kiosk.staff.console) checks the staff sign-in before calling `respond`.
"""

from __future__ import annotations

import html
import json
from datetime import date
from typing import Any
from urllib.parse import parse_qs

from kiosk.config.schema import StatsSection
from kiosk.locale import LANGUAGES, tr
from kiosk.stats.ages import band_labels
from kiosk.stats.figures import in_range, merge, periods
from kiosk.stats.report import annual_rows, label, reason_label

CHARTS = ("monthly", "refusals", "hours", "responses")
Reply = tuple[int, bytes, str, list[tuple[str, str]]]


def _year(query: str, days: list[dict[str, Any]]) -> int:
    text = parse_qs(query).get("year", [""])[0]
    if text.isdigit() and 2000 <= int(text) <= 2999:
        return int(text)
    return int(max((str(d["day"]) for d in days), default=str(date.today().year))[:4])


def year_figures(days: list[dict[str, Any]], year: int) -> dict[str, Any]:
    chosen = in_range(days, date(year, 1, 1), date(year, 12, 31))
    return {
        "year": year,
        "kiosks": sorted({str(d.get("kiosk", "")) for d in chosen}),
        "total": merge(chosen, str(year)),
        "months": periods(chosen, "month"),
        "responses": sorted(float(v) for d in chosen for v in d.get("responses", [])),
    }


def respond(path: str, query: str, lang: str, days: list[dict[str, Any]], plan: Any) -> Reply:
    asked = parse_qs(query).get("lang", [""])[0]
    lang = asked if asked in LANGUAGES else lang
    plan = plan or StatsSection()
    year = _year(query, days)
    figures = year_figures(days, year)
    if path == "/api/stats":
        body = json.dumps({k: v for k, v in figures.items() if k != "responses"}, ensure_ascii=False)
        return 200, body.encode("utf-8"), "application/json; charset=utf-8", []
    if path == "/stats":
        return 200, render(figures, plan, lang), "text/html; charset=utf-8", []
    name = path.removeprefix("/stats/").removesuffix(".png")
    if path.endswith(".png") and name in CHARTS:
        extra = []
        if parse_qs(query).get("download"):
            extra.append(("Content-Disposition", f'attachment; filename="{name}-{year}-{lang}.png"'))
        return 200, chart(name, figures, lang), "image/png", extra
    return 404, b"not found", "text/plain; charset=utf-8", []


def chart(name: str, figures: dict[str, Any], lang: str) -> bytes:
    from kiosk.stats import charts  # matplotlib only when a chart is asked for

    total = figures["total"]
    if name == "monthly":
        return charts.monthly(figures["months"], figures["year"], lang)
    if name == "refusals":
        return charts.refusals(total, lang)
    if name == "hours":
        return charts.hours(total, lang)
    return charts.responses(figures["responses"], total, lang)


def _table(rows: list[list[Any]], css: str) -> str:
    head, *body = rows
    out = [f'<table class="{css}"><thead><tr>']
    out += [f"<th>{html.escape(str(c))}</th>" for c in head]
    out.append("</tr></thead><tbody>")
    for row in body:
        out.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def render(figures: dict[str, Any], plan: Any, lang: str) -> bytes:
    year, total = figures["year"], figures["total"]
    bands = band_labels(getattr(plan, "age_bands", (7, 11, 15)))
    headline = annual_rows(year, total, plan, bands, lang)
    refusals = [[label("refusals", lang), label("refusals_total", lang)]]
    refusals += [[reason_label(code, lang), n] for code, n in sorted(total["refusals"].items(),
                                                                     key=lambda kv: -kv[1])]
    times = [[label("calls", lang), label("response_p50_s", lang), label("response_p95_s", lang),
              label("out_of_order_min", lang)],
             [total["calls"], _round(total["response_p50_s"]), _round(total["response_p95_s"]),
              total["out_of_order_min"]]]
    parts = [
        f'<!doctype html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">',
        f"<title>{html.escape(tr('stats.page.title', lang))}</title>",
        "<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;"
        "margin:.5em 0 1.5em}td,th{border:1px solid #999;padding:.3em .6em;text-align:left}"
        "img{max-width:100%;display:block}</style></head><body>",
        f'<h1 id="stats-title">{html.escape(tr("stats.page.title", lang))} — {year}</h1>',
        f'<p id="stats-kiosks">{html.escape(tr("stats.page.kiosks", lang, kiosks=", ".join(figures["kiosks"]) or "—"))}</p>',
    ]
    if not figures["kiosks"]:
        parts.append(f'<p id="stats-none">{html.escape(tr("stats.page.none", lang))}</p>')
    parts += [f'<h2>{html.escape(tr("stats.page.headline", lang))}</h2>', _table(headline, "headline")]
    for name, title in (("monthly", "stats.page.monthly"), ("refusals", "stats.page.refusals"),
                        ("hours", "stats.page.hours"), ("responses", "stats.page.responses")):
        src = f"/stats/{name}.png?year={year}&amp;lang={lang}"
        parts.append(f"<h2>{html.escape(tr(title, lang))}</h2>")
        if name == "refusals":
            parts.append(_table(refusals, "refusals"))
        if name == "responses":
            parts.append(_table(times, "responses"))
        parts.append(f'<img id="chart-{name}" src="{src}" alt="{html.escape(tr(title, lang))}">')
        parts.append(f'<a id="download-{name}" href="{src}&amp;download=1" download>'
                     f'{html.escape(tr("stats.page.download", lang))}</a>')
    parts.append("</body></html>")
    return "".join(parts).encode("utf-8")


def _round(value: float | None) -> Any:
    return "—" if value is None else round(value)
