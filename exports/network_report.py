"""The network report for one charter: every signatory city side by side (a heat map of progress by
principle), adoption curves, a line per city, and the methodology; rendered with the same rules as
the city report (autoescaped Jinja, WeasyPrint in a worker, only the package's own assets,
same data → same bytes, cached by data hash).
"""

from __future__ import annotations

from datetime import date

from babel import Locale
from babel.dates import format_date

from charter.services import get_charter_or_raise
from charter.tables import City
from exports.charts import curves
from exports.comparison import ComparisonRead, ComparisonRow, adoption_over_time, comparison
from exports.comparison_query import Filters
from exports.report_context import check_report_lang, moment, percent
from exports.report_data import data_as_of
from exports.report_labels import report_labels
from exports.report_model import (
    CharterHeading,
    CityTotal,
    ColumnHeading,
    HeatCell,
    NetworkReport,
    NetworkRow,
    sealed,
)
from exports.reports import RenderedReport, check_variant, render_cached
from indicators.flags import FLAG_CODES
from kernel import clock
from kernel.db import json_value, read_snapshot
from kernel.i18n import direction
from kernel.text import pick, strip_bidi_controls


def _heat(progress: float | None) -> str:
    """The heat-map class of a cell: h0 … h10 by tenths of progress, `na` without adoption."""
    return "na" if progress is None else f"h{round(progress * 10)}"


async def build_network_context(
    charter_slug: str, lang: str, *, filters: Filters | None = None, today: date | None = None
) -> NetworkReport:
    """Plain data for the network report; `hash` identifies it (the report date included)."""
    check_report_lang(lang)
    today = today or clock.today()
    async with read_snapshot():
        charter = await get_charter_or_raise(charter_slug)
        matrix = await comparison(charter_slug, filters=filters, lang=lang, today=today)
        over_time = await adoption_over_time(charter_slug, filters=filters, lang=lang, today=today)
        slugs = [r.city for r in matrix.rows] or [""]
        city_ids = [r["id"] for r in await City.select(City.id).where(City.slug.is_in(slugs))]
        as_of = await data_as_of(city_ids)
    labels = report_labels(lang)
    curve = curves(
        over_time.years, [(p.code, p.adopted) for p in over_time.principles], label=labels["adoption_curves"]
    )
    locale = Locale.parse(lang)
    report = NetworkReport(
        lang=lang,
        dir=direction(lang),
        labels=labels,
        charter=CharterHeading(
            charter_slug,
            strip_bidi_controls(pick(json_value(charter["title"]), lang, charter["lang"])),
            strip_bidi_controls(charter["issuer"] or ""),
        ),
        columns=[ColumnHeading(c.code, strip_bidi_controls(c.title)) for c in matrix.columns],
        rows=[_row(row, matrix, lang) for row in matrix.rows],
        filters=matrix.filters,
        curve=curve,
        years=over_time.years,
        report_date=today.isoformat(),
        report_date_text=format_date(today, format="long", locale=lang),
        charts={"curve": curve} if curve else {},
        as_of_text=moment(as_of, locale) if as_of else "—",
        filter_lines=[(labels.get(f"filter.{k}", k), v) for k, v in matrix.filters.items()],
        flag_codes=list(FLAG_CODES),
        scale_marks=[percent(n / 10, lang) if n % 5 == 0 else "" for n in range(11)],
    )
    return sealed(report, f"{charter_slug}-network-{lang}")


def _row(row: ComparisonRow, matrix: ComparisonRead, lang: str) -> NetworkRow:
    """A city's line: a heat-map cell per principle, and its totals."""
    total = row.total
    return NetworkRow(
        city=row.city,
        name=strip_bidi_controls(row.name),
        country=row.country,
        region=row.region_name or "",
        signed_on=format_date(row.signed_on, format="medium", locale=lang),
        cells=[
            HeatCell(
                percent(row.cells[c.code].progress, lang),
                _heat(row.cells[c.code].progress),
                row.cells[c.code].adopted,
            )
            for c in matrix.columns
        ],
        total=CityTotal(
            adopted=total.adopted,
            achieved=total.achieved,
            on_track=total.on_track,
            in_progress=total.in_progress,
            delayed=total.delayed,
            not_started=total.not_started,
            withdrawn=total.withdrawn,
            overdue=total.overdue,
            progress=percent(total.progress, lang),
            heat=_heat(total.progress),
            verified=percent(total.verified_share, lang),
            contested=percent(total.contested_share, lang),
            claims=total.claims,
        ),
    )


async def network_pdf(
    charter_slug: str, lang: str, *, filters: Filters | None = None, variant: str | None = None
) -> RenderedReport:
    """The network report as PDF (or its tagged or archival variant); unchanged data is never
    rendered again."""
    check_variant(variant)
    return await render_cached(await build_network_context(charter_slug, lang, filters=filters), variant)
