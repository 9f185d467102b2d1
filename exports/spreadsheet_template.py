"""The workbook a city downloads to report in bulk: one sheet per kind of claim (measurements,
targets, status), pre-filled with its adopted commitments, indicators, targets and values, a blank
row for each indicator's next period, and validation on status and period cells that shows its
prompt and blocks a wrong entry (Excel, LibreOffice). It speaks the city's language: the help
sheet, the prompts, the messages and the status names (which the reader takes back); the sheet
and column names stay the codes the reader and the API know.

The sheets and their columns are defined here; reading an upload checks it against them.
"""

from __future__ import annotations

import functools
import io
from datetime import date
from typing import Any

from charter.services import get_charter_or_raise, get_city_or_raise
from commitments.choices import CommitmentStatus
from exports.spreadsheet_plan import status_name
from exports.tabular import safe_text
from indicators.bulk import CityState, city_state
from indicators.flags import latest_ended_period
from kernel import clock
from kernel.i18n import DEFAULT_LANGUAGE, supported, translations
from kernel.periods import parse_period

SHEETS: dict[str, list[str]] = {
    "measurements": [
        "city",
        "charter",
        "indicator",
        "indicator_title",
        "unit",
        "period",
        "value",
        "note",
        "evidence",
    ],
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
    "status": [
        "city",
        "charter",
        "commitment",
        "commitment_title",
        "status",
        "reported_on",
        "note",
        "evidence",
    ],
}
"""The sheets of the workbook and their columns; `*_title` and `unit` are for reading only."""
OPTIONAL = "evidence"
"""The last column of a sheet that a file may leave out (a workbook made before it had one)."""


def columns_read(name: str, header: list[str]) -> list[str] | None:
    """The columns of sheet `name` that a file with this header gives, in order: all of them, or
    all but the optional last one (a column of its own after them is not read); None when the
    header is not the template's."""
    columns = SHEETS[name]
    required = columns[:-1] if columns[-1] == OPTIONAL else columns
    if header[: len(columns)] == columns:
        return columns
    if header[: len(required)] == required:
        return required
    return None


ABOUT = "about"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@functools.cache
def _words(lang: str) -> dict[str, str]:
    """The workbook's words in `lang`."""
    t = translations(lang)
    _ = t.gettext
    return {
        "title": _("Charter tracker: %(city)s, charter %(charter)s"),
        "help.1": _("Fill in the sheets measurements, targets and status, then upload the file as it is."),
        "help.2": _(
            "Numbers may be typed as your city writes them (12,5 or 1 250 or ٤٧). Periods: YYYY, "
            "YYYY-Qn or YYYY-MM, ended."
        ),
        "help.3": _(
            "A status is chosen from the list in its cell; its day is a date, written as your city "
            "writes dates."
        ),
        "help.4": _("Formulas are not read: type values. Columns ending in _title and unit are for reading."),
        "help.5": _("A new value for a period already reported is a correction; both stay visible."),
        "help.6": _(
            "Evidence: the numbers of evidence already on file, as the evidence library shows them "
            "(12; 15), or a link (https://…), which is filed as new evidence."
        ),
        "status.title": _("Status"),
        "status.prompt": _("Choose the status from the list."),
        "status.error": _("Choose a status from the list."),
        "period.title": _("Period"),
        "period.prompt": _("YYYY, YYYY-Qn or YYYY-MM, ended."),
        "period.error": _("A period is YYYY, YYYY-Qn or YYYY-MM."),
        "evidence.title": _("Evidence"),
        "evidence.prompt": _("Numbers of evidence on file (12; 15) or a link (https://…)."),
        "evidence.error": _("Numbers of evidence on file (12; 15) or a link (https://…)."),
    }


def template_xlsx(
    city: dict[str, Any], charter_slug: str, state: CityState, today: date, lang: str = DEFAULT_LANGUAGE
) -> bytes:
    """The workbook in `lang`: one sheet per kind, pre-filled, with a blank row for each
    indicator's next period, validation lists on status cells and a format check on period cells."""
    from openpyxl import Workbook

    words = _words(lang)
    book = Workbook()
    about = book.active
    about.title = ABOUT
    about.append([words["title"] % {"city": city["slug"], "charter": charter_slug}])
    for n in range(1, 7):
        about.append([words[f"help.{n}"]])
    sheets = {name: book.create_sheet(name) for name in SHEETS}
    for name, sheet in sheets.items():
        sheet.append(SHEETS[name])
    prefix = [city["slug"], charter_slug]
    for row in _measurement_rows(state, today):
        sheets["measurements"].append(prefix + row)
    for row in _target_rows(state):
        sheets["targets"].append(prefix + row)
    for row in _status_rows(state, lang):
        sheets["status"].append(prefix + row)
    _add_validations(sheets, lang)
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
                    _numbers(value["evidence"]),
                ]
            )
        next_period = latest_ended_period(reported[-1] if reported else None, today)
        if next_period not in reported:
            rows.append([code, title, indicator["unit"], next_period, None, None, None])
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


def _status_rows(state: CityState, lang: str) -> list[list[Any]]:
    """One row per adopted commitment with its latest status, blank where none is reported."""
    rows: list[list[Any]] = []
    for code, adoption in state.adoptions.items():
        last = state.statuses.get(code)
        rows.append(
            [
                code,
                safe_text(adoption["title"]),
                status_name(last["status"], lang) if last else None,
                last["reported_on"] if last else None,
                safe_text(last["note_md"] or "") if last else None,
                _numbers(last["evidence"]) if last else None,
            ]
        )
    return rows


def _numbers(evidence: list[int]) -> str | None:
    """The evidence a claim cites, as its cell names it: `12; 15`."""
    return "; ".join(str(e) for e in evidence) or None


def _add_validations(sheets: dict[str, Any], lang: str) -> None:
    """A list of statuses on status cells; a length check (YYYY to YYYY-Qn) on period cells; each
    shows its prompt when the cell is chosen and stops a wrong entry with its message. Evidence
    cells show theirs, and hold text."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    words = _words(lang)

    def check(kind: str, **rule: Any) -> DataValidation:
        return DataValidation(
            allow_blank=True,
            showErrorMessage=True,
            showInputMessage=True,
            errorStyle="stop",
            errorTitle=words[f"{kind}.title"],
            error=words[f"{kind}.error"],
            promptTitle=words[f"{kind}.title"],
            prompt=words[f"{kind}.prompt"],
            **rule,
        )

    names = [status_name(code, lang) for code in CommitmentStatus]
    statuses = check("status", type="list", formula1='"' + ",".join(n.replace(",", " ") for n in names) + '"')
    sheets["status"].add_data_validation(statuses)
    statuses.add("E2:E10000")
    periods = check("period", type="textLength", operator="between", formula1="4", formula2="7")
    sheets["measurements"].add_data_validation(periods)
    periods.add("F2:F200000")
    periods_t = check("period", type="textLength", operator="between", formula1="4", formula2="7")
    sheets["targets"].add_data_validation(periods_t)
    periods_t.add("G2:G10000")
    periods_t.add("I2:I10000")
    # Evidence cells are text: a spreadsheet would read `12,15` as a number in a comma locale.
    for name, last in (("measurements", 200000), ("status", 10000)):
        sheet = sheets[name]
        column = get_column_letter(SHEETS[name].index("evidence") + 1)
        evidence = check("evidence", type="textLength", operator="lessThanOrEqual", formula1="4000")
        sheet.add_data_validation(evidence)
        evidence.add(f"{column}2:{column}{last}")
        sheet.column_dimensions[column].number_format = "@"
        for row in range(2, sheet.max_row + 1):
            sheet[f"{column}{row}"].number_format = "@"


async def template_for(city_slug: str, charter_slug: str, lang: str | None = None) -> bytes:
    """The workbook of a city for one charter, as of today, in `lang` (else the language of the
    city's locale, else English)."""
    city = await get_city_or_raise(city_slug)
    charter = await get_charter_or_raise(charter_slug)
    state = await city_state(city["id"], charter["id"])
    spoken = supported(lang) or supported(city.get("locale")) or DEFAULT_LANGUAGE
    return template_xlsx(city, charter_slug, state, clock.today(), spoken)
