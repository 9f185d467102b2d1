"""Checking an uploaded file's rows against a city's data: every row becomes a change to make,
a row left as it is, a blank row skipped, or an error naming its sheet, row and column. Nothing is
written here; the same check runs again when the preview is committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from commitments.choices import CommitmentStatus
from indicators.bulk import CityState
from kernel.errors import DomainError, FieldError, InvalidInput
from kernel.numbers import check_value, read_number
from kernel.periods import ended_period, parse_period
from kernel.schemas import MAX_MARKDOWN


@dataclass
class Sheet:
    """Rows read from one sheet (or a CSV file): header, then (row number, values by column)."""

    name: str
    header: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


@dataclass
class Plan:
    """What applying the file would do: normalised changes, rows left as they are, errors."""

    changes: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def error(self, sheet: str, row: int, column: str, message: str) -> None:
        """Record a problem with one cell (or `header`, `row`) of the file."""
        self.errors.append({"sheet": sheet, "row": row, "column": column, "message": message})


def cell_text(value: Any) -> str:
    """A cell as typed text: blank for an empty cell, `2023` for a year a spreadsheet made 2023.0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _dec(value: Any) -> str:
    """A stored number as plain text without trailing zeros (410, 12.5), whatever the engine."""
    return format(Decimal(str(value)).normalize(), "f")


def _number(value: Any, locale: str, column: str = "value") -> tuple[Decimal, str]:
    """A number typed in the city's locale, and the text as typed."""
    if isinstance(value, bool):
        raise InvalidInput("Not a number.", [FieldError(column, "Expected a number.")])
    if isinstance(value, int | float):
        return read_number(value, locale, column)
    return read_number(str(value), locale, column)


def build_plan(
    sheets: list[Sheet], city: dict[str, Any], charter_slug: str, state: CityState, today: date, plan: Plan
) -> Plan:
    """Check every row; list what would be created or changed. Pure: nothing is written."""
    seen: set[tuple[str, str, str]] = set()
    for sheet in sheets:
        for number, values in sheet.rows:
            try:
                _check_row(sheet.name, number, values, city, charter_slug, state, today, plan, seen)
            except DomainError as exc:
                for item in exc.errors or [FieldError("row", exc.detail)]:
                    plan.error(sheet.name, number, item.field, f"{exc.detail} {item.message}".strip())
    return plan


def _check_row(
    sheet: str,
    number: int,
    values: dict[str, Any],
    city: dict[str, Any],
    charter_slug: str,
    state: CityState,
    today: date,
    plan: Plan,
    seen: set[tuple[str, str, str]],
) -> None:
    """One row: refused when it names another city or charter, else checked by its sheet's rules."""
    if cell_text(values.get("city")) not in ("", city["slug"]):
        plan.error(
            sheet,
            number,
            "city",
            f"This row is for {cell_text(values['city'])!r}; this upload is for {city['slug']!r}.",
        )
    elif cell_text(values.get("charter")) not in ("", charter_slug):
        plan.error(
            sheet,
            number,
            "charter",
            f"This row is for charter {cell_text(values['charter'])!r}, not {charter_slug!r}.",
        )
    elif sheet == "measurements":
        _measurement(values, city, state, today, plan, sheet, number, seen)
    elif sheet == "targets":
        _target(values, city, state, plan, sheet, number, seen)
    else:
        _status(values, state, today, plan, sheet, number, seen)


def _code(values: dict[str, Any], column: str, known: dict[str, Any], what: str) -> str:
    """The row's code in `column`, which must be one of `known`."""
    code = cell_text(values.get(column)).upper()
    if code not in known:
        raise InvalidInput(
            f"{code or 'An empty code'} is not {what}.",
            [FieldError(column, f"Expected {what} (see the template).")],
        )
    return code


def _duplicate(seen: set[tuple[str, str, str]], key: tuple[str, str, str], column: str) -> None:
    """Refuse a second row for the same value, target or status."""
    if key in seen:
        raise InvalidInput(
            "This row repeats an earlier one.", [FieldError(column, "Expected each one once in the file.")]
        )
    seen.add(key)


def _blank(values: dict[str, Any], column: str, plan: Plan) -> bool:
    """Whether the row leaves `column` (what it reports) empty: such a row is skipped."""
    if cell_text(values.get(column)) == "":
        plan.skipped += 1
        return True
    return False


def _checked_number(values: dict[str, Any], column: str, locale: str, kind: str) -> tuple[Decimal, str]:
    """The number in `column`, typed in the city's locale and fit for the indicator's type, and the
    text as typed."""
    number, typed = _number(values.get(column), locale, column)
    check_value(number, kind, column)
    return number, typed


def _note(values: dict[str, Any]) -> str | None:
    """The row's note, None when it has none; no longer than any note the service takes."""
    note = cell_text(values.get("note")) or None
    if note is not None and len(note) > MAX_MARKDOWN:
        raise InvalidInput(
            "The note is too long.", [FieldError("note", f"Expected at most {MAX_MARKDOWN} characters.")]
        )
    return note


def _same_number(stored: Any, number: Decimal | None) -> bool:
    """Whether a stored number is the one in the row (both absent counts as the same)."""
    if stored is None or number is None:
        return stored is None and number is None
    return Decimal(str(stored)) == number


def _measurement(
    values: dict[str, Any],
    city: dict[str, Any],
    state: CityState,
    today: date,
    plan: Plan,
    sheet: str,
    number: int,
    seen: set[tuple[str, str, str]],
) -> None:
    """A value for an ended period: new, a correction of the stored one, or the same."""
    code = _code(values, "indicator", state.indicators, "an indicator of a commitment the city adopted")
    if _blank(values, "value", plan):
        return
    period = ended_period(cell_text(values.get("period")), today)
    _duplicate(seen, ("measurement", code, period.label), "period")
    value, typed = _checked_number(values, "value", city["locale"], state.indicators[code]["value_kind"])
    note = _note(values)
    old = state.values.get((code, period.label))
    if old is not None and _same_number(old["value"], value) and (old["note_md"] or None) == note:
        plan.unchanged += 1
        return
    plan.changes.append(
        {
            "kind": "measurement",
            "action": "change" if old else "create",
            "sheet": sheet,
            "row": number,
            "code": code,
            "period": period.label,
            "value": str(value),
            "value_text": typed,
            "note_md": note,
            "old": {
                "claim_id": f"measurement-{old['id']}",
                "value": _dec(old["value"]),
                "note_md": old["note_md"],
            }
            if old
            else None,
        }
    )


def _target(
    values: dict[str, Any],
    city: dict[str, Any],
    state: CityState,
    plan: Plan,
    sheet: str,
    number: int,
    seen: set[tuple[str, str, str]],
) -> None:
    """A target (and baseline) for an indicator: new, changed, or the same."""
    code = _code(values, "indicator", state.indicators, "an indicator of a commitment the city adopted")
    if _blank(values, "target", plan):
        return
    _duplicate(seen, ("target", code, ""), "indicator")
    kind = state.indicators[code]["value_kind"]
    target, _ = _checked_number(values, "target", city["locale"], kind)
    baseline = None
    if cell_text(values.get("baseline")):
        baseline, _ = _checked_number(values, "baseline", city["locale"], kind)
    periods = _target_periods(values)
    old = state.targets.get(code)
    if old is not None and _same_target(old, target, baseline, periods):
        plan.unchanged += 1
        return
    new = {"baseline": str(baseline) if baseline is not None else None, "target": str(target), **periods}
    plan.changes.append(
        {
            "kind": "target",
            "action": "change" if old else "create",
            "sheet": sheet,
            "row": number,
            "code": code,
            **new,
            "old": {
                "target": _dec(old["target"]),
                "baseline": _dec(old["baseline"]) if old["baseline"] is not None else None,
            }
            if old
            else None,
        }
    )


def _target_periods(values: dict[str, Any]) -> dict[str, str | None]:
    """The periods of the baseline and of the target, as labels; None where the row leaves one out."""
    periods = {}
    for column in ("baseline_period", "target_period"):
        text = cell_text(values.get(column))
        periods[column] = parse_period(text, column).label if text else None
    return periods


def _same_target(
    old: dict[str, Any], target: Decimal, baseline: Decimal | None, periods: dict[str, str | None]
) -> bool:
    """Whether the stored target says what the row says: target, baseline and both periods."""
    return (
        _same_number(old["target"], target)
        and _same_number(old["baseline"], baseline)
        and old["baseline_period"] == periods["baseline_period"]
        and old["target_period"] == periods["target_period"]
    )


def _status(
    values: dict[str, Any],
    state: CityState,
    today: date,
    plan: Plan,
    sheet: str,
    number: int,
    seen: set[tuple[str, str, str]],
) -> None:
    """A status reported between the adoption and today, unless it is the latest one again."""
    code = _code(values, "commitment", state.adoptions, "a commitment the city adopted")
    if _blank(values, "status", plan):
        return
    status = _status_value(cell_text(values.get("status")))
    reported_on = _reported_on(values.get("reported_on"), state.adoptions[code]["adopted_on"], today)
    _duplicate(seen, ("status", code, ""), "commitment")
    note = _note(values)
    old = state.statuses.get(code)
    if (
        old
        and old["status"] == status
        and old["reported_on"] == reported_on
        and (old["note_md"] or None) == note
    ):
        plan.unchanged += 1
        return
    plan.changes.append(
        {
            "kind": "status",
            "action": "create",
            "sheet": sheet,
            "row": number,
            "code": code,
            "status": str(status),
            "reported_on": reported_on.isoformat(),
            "note_md": note,
            "old": {
                "status": old["status"],
                "reported_on": old["reported_on"].isoformat()
                if isinstance(old["reported_on"], date)
                else str(old["reported_on"]),
            }
            if old
            else None,
        }
    )


def _status_value(text: str) -> CommitmentStatus:
    """The status a row reports, one of the commitment statuses."""
    try:
        return CommitmentStatus(text)
    except ValueError:
        raise InvalidInput(
            f"Unknown status {text!r}.",
            [FieldError("status", f"Expected one of {', '.join(CommitmentStatus)}.")],
        ) from None


def _reported_on(raw: Any, adopted_on: date, today: date) -> date:
    """The date a status is reported on (a date cell or YYYY-MM-DD text), from the adoption to
    today."""
    try:
        reported_on = (
            raw.date()
            if isinstance(raw, datetime)
            else raw
            if isinstance(raw, date)
            else (date.fromisoformat(cell_text(raw)))
        )
    except ValueError:
        raise InvalidInput("Not a date.", [FieldError("reported_on", "Expected YYYY-MM-DD.")]) from None
    if reported_on > today or reported_on < adopted_on:
        raise InvalidInput(
            "The date is out of range.",
            [FieldError("reported_on", f"Expected a date from the adoption ({adopted_on}) to today.")],
        )
    return reported_on
