"""The workbook a city downloads to report in bulk: one sheet per kind of claim (measurements,
targets, status), pre-filled with its adopted commitments, indicators, targets and values, a blank
row for each indicator's next period, and validation on status and period cells.

The sheets and their columns are defined here; reading an upload checks it against them.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from charter.services import get_charter_or_raise, get_city_or_raise
from commitments.choices import CommitmentStatus
from exports.tabular import safe_text
from indicators.bulk import CityState, city_state
from indicators.flags import latest_ended_period
from kernel import clock
from kernel.periods import parse_period

SHEETS: dict[str, list[str]] = {
    "measurements": ["city", "charter", "indicator", "indicator_title", "unit", "period", "value", "note"],
    "targets": [
        "city",
        "charter",
        "indicator",
        "indicator_title",
        "unit",
        "baseline",
        "baseline_period",
        "target",
        "target_period",
    ],
    "status": ["city", "charter", "commitment", "commitment_title", "status", "reported_on", "note"],
}
"""The sheets of the workbook and their columns; `*_title` and `unit` are for reading only."""
ABOUT = "about"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INSTRUCTIONS = (
    "Fill in the sheets measurements, targets and status, then upload the file as it is.",
    "Numbers may be typed as in your locale (12,5 or 1 250 or ٤٧). Periods: YYYY, YYYY-Qn or YYYY-MM,",
    "ended. Formulas are not read: type values. Columns ending in _title and unit are for reading.",
    "A new value for a period already reported is a correction; both stay visible.",
)
"""What the `about` sheet tells the person filling in the workbook, below its title line."""


def template_xlsx(city: dict[str, Any], charter_slug: str, state: CityState, today: date) -> bytes:
    """The workbook: one sheet per kind, pre-filled, with a blank row for each indicator's next
    period, validation lists on status cells and a format check on period cells."""
    from openpyxl import Workbook

    book = Workbook()
    about = book.active
    about.title = ABOUT
    for line in (f"Charter tracker: {city['slug']}, charter {charter_slug}", *INSTRUCTIONS):
        about.append([line])
    sheets = {name: book.create_sheet(name) for name in SHEETS}
    for name, sheet in sheets.items():
        sheet.append(SHEETS[name])
    prefix = [city["slug"], charter_slug]
    for row in _measurement_rows(state, today):
        sheets["measurements"].append(prefix + row)
    for row in _target_rows(state):
        sheets["targets"].append(prefix + row)
    for row in _status_rows(state):
        sheets["status"].append(prefix + row)
    _add_validations(sheets)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _measurement_rows(state: CityState, today: date) -> list[list[Any]]:
    """Each indicator's values in period order, then a blank row for the latest ended period
    when it has no value yet (after the city and charter columns)."""
    rows: list[list[Any]] = []
    for code, indicator in state.indicators.items():
        title = safe_text(indicator["title"])
        reported = sorted((p for (c, p) in state.values if c == code), key=lambda p: parse_period(p).end)
        for period in reported:
            value = state.values[(code, period)]
            rows.append(
                [
                    code,
                    title,
                    indicator["unit"],
                    period,
                    float(value["value"]),
                    safe_text(value["note_md"] or ""),
                ]
            )
        next_period = latest_ended_period(reported[-1] if reported else None, today)
        if next_period not in reported:
            rows.append([code, title, indicator["unit"], next_period, None, None])
    return rows


def _target_rows(state: CityState) -> list[list[Any]]:
    """One row per indicator with its target, blank where none is set."""
    rows: list[list[Any]] = []
    for code, indicator in state.indicators.items():
        target = state.targets.get(code)
        rows.append(
            [
                code,
                safe_text(indicator["title"]),
                indicator["unit"],
                float(target["baseline"]) if target and target["baseline"] is not None else None,
                target["baseline_period"] if target else None,
                float(target["target"]) if target else None,
                target["target_period"] if target else None,
            ]
        )
    return rows


def _status_rows(state: CityState) -> list[list[Any]]:
    """One row per adopted commitment with its latest status, blank where none is reported."""
    rows: list[list[Any]] = []
    for code, adoption in state.adoptions.items():
        last = state.statuses.get(code)
        rows.append(
            [
                code,
                safe_text(adoption["title"]),
                last["status"] if last else None,
                last["reported_on"] if last else None,
                safe_text(last["note_md"] or "") if last else None,
            ]
        )
    return rows


def _add_validations(sheets: dict[str, Any]) -> None:
    """A list of statuses on status cells; a length check (YYYY to YYYY-Qn) on period cells."""
    from openpyxl.worksheet.datavalidation import DataValidation

    statuses = DataValidation(
        type="list",
        formula1='"' + ",".join(CommitmentStatus) + '"',
        allow_blank=True,
        error="Choose a status from the list.",
    )
    sheets["status"].add_data_validation(statuses)
    statuses.add("E2:E10000")
    periods = DataValidation(
        type="textLength",
        operator="between",
        formula1="4",
        formula2="7",
        allow_blank=True,
        error="A period is YYYY, YYYY-Qn or YYYY-MM.",
        prompt="YYYY, YYYY-Qn or YYYY-MM (ended)",
    )
    sheets["measurements"].add_data_validation(periods)
    periods.add("F2:F200000")
    periods_t = DataValidation(
        type="textLength",
        operator="between",
        formula1="4",
        formula2="7",
        allow_blank=True,
        error="A period is YYYY, YYYY-Qn or YYYY-MM.",
    )
    sheets["targets"].add_data_validation(periods_t)
    periods_t.add("G2:G10000")
    periods_t.add("I2:I10000")


async def template_for(city_slug: str, charter_slug: str) -> bytes:
    """The workbook of a city for one charter, as of today."""
    city = await get_city_or_raise(city_slug)
    charter = await get_charter_or_raise(charter_slug)
    state = await city_state(city["id"], charter["id"])
    return template_xlsx(city, charter_slug, state, clock.today())
