"""The network report for one charter: every signatory city side by side (a heat map of progress by
principle), adoption curves, a line per city, and the methodology; rendered with the same rules as
the city report (autoescaped Jinja, WeasyPrint in a worker, only the package's own assets,
same data → same bytes, cached by data hash).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from babel.dates import format_date
from babel.numbers import format_percent

from charter.services import get_charter_or_raise, loads
from exports.charts import curves
from exports.comparison import adoption_over_time, comparison
from exports.comparison_query import Filters
from exports.report_context import check_report_lang
from exports.report_labels import LABELS, RTL
from exports.report_render import cached_pdf, render_pdf_in_worker, store_pdf
from exports.reports import RenderedReport
from kernel import clock
from kernel.db import read_snapshot
from kernel.text import pick, strip_bidi_controls

TEMPLATE = "network.html.j2"


def _heat(progress: float | None) -> str:
    """The heat-map class of a cell: h0 … h10 by tenths of progress, `na` without adoption."""
    return "na" if progress is None else f"h{round(progress * 10)}"


async def build_network_context(charter_slug: str, lang: str, *, filters: Filters | None = None,
                                today: date | None = None) -> dict[str, Any]:
    """Plain data for the network report; `hash` identifies it (the report date included)."""
    check_report_lang(lang)
    today = today or clock.today()
    labels = LABELS[lang]
    async with read_snapshot():
        charter = await get_charter_or_raise(charter_slug)
        matrix = await comparison(charter_slug, filters=filters, lang=lang, today=today)
        over_time = await adoption_over_time(charter_slug, filters=filters, lang=lang, today=today)

    def pct(value: float | None) -> str:
        return "—" if value is None else format_percent(value, format="#,##0 %", locale=lang)

    rows = []
    for row in matrix.rows:
        total = row.total
        rows.append({
            "city": row.city, "name": strip_bidi_controls(row.name), "country": row.country,
            "region": row.region_name or "",
            "signed_on": format_date(row.signed_on, format="medium", locale=lang),
            "cells": [{"progress": pct(row.cells[c.code].progress), "heat": _heat(row.cells[c.code].progress),
                       "adopted": row.cells[c.code].adopted} for c in matrix.columns],
            "total": {"adopted": total.adopted, "achieved": total.achieved, "on_track": total.on_track,
                      "delayed": total.delayed, "overdue": total.overdue, "progress": pct(total.progress),
                      "heat": _heat(total.progress), "verified": pct(total.verified_share),
                      "contested": pct(total.contested_share), "claims": total.claims},
        })
    context: dict[str, Any] = {
        "template": TEMPLATE, "lang": lang, "dir": "rtl" if lang in RTL else "ltr", "labels": labels,
        "charter": {"slug": charter_slug, "title": strip_bidi_controls(pick(loads(charter["title"]), lang,
                                                                            charter["lang"])),
                    "issuer": strip_bidi_controls(charter["issuer"] or "")},
        "columns": [{"code": c.code, "title": strip_bidi_controls(c.title)} for c in matrix.columns],
        "rows": rows, "filters": matrix.filters,
        "curve": curves(over_time.years, [(p.code, p.adopted) for p in over_time.principles]),
        "years": over_time.years,
        "report_date": today.isoformat(), "report_date_text": format_date(today, format="long", locale=lang),
    }
    context["charts"] = {"curve": context["curve"]} if context["curve"] else {}
    digest = hashlib.sha256(json.dumps(context, sort_keys=True, ensure_ascii=False,
                                       default=str).encode()).hexdigest()
    context["hash"] = digest
    context["report_id"] = f"{charter_slug}-network-{lang}-{digest[:12]}"
    return context


async def network_pdf(charter_slug: str, lang: str, *, filters: Filters | None = None) -> RenderedReport:
    """The network report as PDF; unchanged data is never rendered again."""
    context = await build_network_context(charter_slug, lang, filters=filters)
    pdf = cached_pdf(context["hash"], None)
    if pdf is not None:
        return RenderedReport(pdf, context["report_id"], context["hash"], True)
    pdf = await render_pdf_in_worker(context)
    store_pdf(context["hash"], None, pdf)
    return RenderedReport(pdf, context["report_id"], context["hash"], False)
