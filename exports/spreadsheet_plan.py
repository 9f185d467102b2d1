"""Checking an uploaded file's rows against a city's data: every row becomes a change to make,
a row left as it is, a blank row skipped, or an error naming its sheet, row and column. Nothing is
written here; the same check runs again when the preview is committed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar
from urllib.parse import urlsplit

from commitments.choices import CommitmentStatus
from exports.report_labels import report_labels
from indicators.bulk import CityState
from kernel.dates import ascii_digits, date_example, typed_date
from kernel.errors import DomainError, FieldError, InvalidInput
from kernel.i18n import LANGUAGES
from kernel.numbers import check_value, read_number
from kernel.periods import Period, ended_period, parse_period
from kernel.schemas import MAX_MARKDOWN, MAX_URL

T = TypeVar("T")


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

    def error(
        self, sheet: str, row: int, column: str, message: str, code: str = "invalid", **params: str
    ) -> None:
        """Record a problem with one cell (or `header`, `row`) of the file: `message` says it in
        English, `code` and `params` let a page say it in its reader's language."""
        self.errors.append(
            {"sheet": sheet, "row": row, "column": column, "message": message, "code": code, "params": params}
        )


class RowProblem(InvalidInput):
    """A refused cell, with the `code` (and `params`) a page says it by in its reader's language."""

    def __init__(self, detail: str, column: str, expected: str, code: str, **params: str) -> None:
        super().__init__(detail, [FieldError(column, expected)])
        self.code = code
        self.params = params


class RowProblems(Exception):
    """Every refused cell of one row, so that the row names all its problems at once."""

    def __init__(self, problems: list[DomainError]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


class _Checks:
    """The checks of a row's cells: each refusal is kept and the others still run."""

    def __init__(self) -> None:
        self.problems: list[DomainError] = []

    def cell(self, check: Callable[..., T], *args: Any) -> T | None:
        """What `check` gives, or None when it refuses the cell (the refusal is kept)."""
        try:
            return check(*args)
        except DomainError as exc:
            self.problems.append(exc)
            return None

    def done(self) -> None:
        """Refuse the row with every problem found, if any."""
        if self.problems:
            raise RowProblems(self.problems)


def _coded(exc: DomainError, code: str, **params: str) -> RowProblem:
    """A refusal of the service's own rules (numbers, periods) as a refused cell with its code."""
    first = exc.errors[0] if exc.errors else FieldError("row", "")
    return RowProblem(exc.detail, first.field, first.message, code, **params)


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
            except RowProblems as row:
                for exc in row.problems:
                    _refused(plan, sheet.name, number, exc)
            except DomainError as exc:
                _refused(plan, sheet.name, number, exc)
    return plan


def _refused(plan: Plan, sheet: str, number: int, exc: DomainError) -> None:
    """Record a refusal of the row's cells, with its code when it has one."""
    code, params = getattr(exc, "code", "invalid"), getattr(exc, "params", {})
    for item in exc.errors or [FieldError("row", exc.detail)]:
        plan.error(sheet, number, item.field, f"{exc.detail} {item.message}".strip(), code, **params)


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
            "other_city",
        )
    elif cell_text(values.get("charter")) not in ("", charter_slug):
        plan.error(
            sheet,
            number,
            "charter",
            f"This row is for charter {cell_text(values['charter'])!r}, not {charter_slug!r}.",
            "other_charter",
        )
    elif sheet == "measurements":
        _measurement(values, city, state, today, plan, sheet, number, seen)
    elif sheet == "targets":
        _target(values, city, state, plan, sheet, number, seen)
    else:
        _status(values, city.get("locale") or "en", state, today, plan, sheet, number, seen)


def _code(values: dict[str, Any], column: str, known: dict[str, Any], what: str) -> str:
    """The row's code in `column`, which must be one of `known`."""
    code = cell_text(values.get(column)).upper()
    if code not in known:
        raise RowProblem(
            f"{code or 'An empty code'} is not {what}.",
            column,
            f"Expected {what} (see the template).",
            "unknown",
        )
    return code


def _duplicate(seen: set[tuple[str, str, str]], key: tuple[str, str, str], column: str) -> None:
    """Refuse a second row for the same value, target or status."""
    if key in seen:
        raise RowProblem(
            "This row repeats an earlier one.", column, "Expected each one once in the file.", "repeated"
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
    try:
        number, typed = _number(values.get(column), locale, column)
    except InvalidInput as exc:
        raise _coded(exc, "number") from None
    try:
        check_value(number, kind, column)
    except InvalidInput as exc:
        raise _coded(exc, "kind", kind=kind) from None
    return number, typed


def _note(values: dict[str, Any]) -> str | None:
    """The row's note, None when it has none; no longer than any note the service takes."""
    note = cell_text(values.get("note")) or None
    if note is not None and len(note) > MAX_MARKDOWN:
        raise RowProblem(
            "The note is too long.", "note", f"Expected at most {MAX_MARKDOWN} characters.", "too_long"
        )
    return note


@dataclass(frozen=True, slots=True)
class Cited:
    """What a row's evidence cell names: evidence on file (by number, or by a link the city has
    on file) and links to file as new evidence."""

    ids: tuple[int, ...]
    links: tuple[str, ...]


_SEPARATORS = re.compile(r"[\s;؛]+")
_NUMBER_SEPARATORS = re.compile(r"[,،]+")


def _evidence(values: dict[str, Any], state: CityState) -> Cited | None:
    """The evidence the row's claim cites; None when the sheet has no evidence column (a file
    made before it), which leaves the evidence out of the comparison. Numbers and links are
    separated by spaces, semicolons or (between numbers) commas: `12, 15`, `#12 https://…`."""
    if "evidence" not in values:
        return None
    ids: set[int] = set()
    links: list[str] = []
    for token in _SEPARATORS.split(cell_text(values.get("evidence"))):
        if token.lower().startswith(("http://", "https://")):
            url = token.rstrip(",.،")
            _check_link(url)
            if url in state.links:
                ids.add(state.links[url])
            elif url not in links:
                links.append(url)
            continue
        for part in _NUMBER_SEPARATORS.split(token):
            if part:
                ids.add(_evidence_number(part, state))
    return Cited(tuple(sorted(ids)), tuple(links))


def _evidence_number(part: str, state: CityState) -> int:
    """A piece of evidence named by its number (`12`, `#12`, `١٢`), which the city has on file."""
    digits = ascii_digits(part.removeprefix("#"))
    if not digits.isascii() or not digits.isdigit():
        raise RowProblem(
            f"{part!r} is neither the number of a piece of evidence nor a link.",
            "evidence",
            _EVIDENCE_EXPECTED,
            "not_evidence",
        )
    number = int(digits)
    if number not in state.evidence:
        raise RowProblem(
            f"Evidence {number} is not on file for this city (or it was withdrawn).",
            "evidence",
            _EVIDENCE_EXPECTED,
            "not_on_file",
            num=str(number),
        )
    return number


_EVIDENCE_EXPECTED = (
    "Expected the numbers of the city's evidence (as its evidence library shows them) or http(s) links."
)


def _check_link(url: str) -> None:
    """A link to file as evidence: http(s), with a host, no longer than the service keeps."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc or len(url) > MAX_URL:
        raise RowProblem(
            f"{url[:80]!r} is not a link.",
            "evidence",
            f"Expected an http:// or https:// link with a host, of at most {MAX_URL} characters.",
            "not_a_link",
        )


def _same_evidence(old: dict[str, Any], cited: Cited | None) -> bool:
    """Whether the row cites what the stored claim cites (always, without an evidence column)."""
    return cited is None or (not cited.links and set(cited.ids) == set(old["evidence"]))


def _cited_fields(cited: Cited | None) -> dict[str, list[Any]]:
    """A change's `evidence` (numbers on file) and `links` (to file)."""
    if cited is None:
        return {"evidence": [], "links": []}
    return {"evidence": list(cited.ids), "links": list(cited.links)}


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
    checks = _Checks()
    period = checks.cell(_ended, cell_text(values.get("period")), today)
    checked = checks.cell(
        _checked_number, values, "value", city["locale"], state.indicators[code]["value_kind"]
    )
    note = checks.cell(_note, values)
    cited = checks.cell(_evidence, values, state)
    checks.done()
    if period is None or checked is None:  # refused above
        return
    _duplicate(seen, ("measurement", code, period.label), "period")
    value, typed = checked
    old = state.values.get((code, period.label))
    if (
        old is not None
        and _same_number(old["value"], value)
        and (old["note_md"] or None) == note
        and _same_evidence(old, cited)
    ):
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
            **_cited_fields(cited),
            "old": {
                "claim_id": f"measurement-{old['id']}",
                "value": _dec(old["value"]),
                "note_md": old["note_md"],
                "evidence": old["evidence"],
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
    checks = _Checks()
    checked = checks.cell(_checked_number, values, "target", city["locale"], kind)
    baseline = None
    if cell_text(values.get("baseline")):
        baseline = checks.cell(_checked_number, values, "baseline", city["locale"], kind)
    periods = {
        column: checks.cell(_period_cell, values, column) for column in ("baseline_period", "target_period")
    }
    checks.done()
    if checked is None:  # refused above
        return
    target = checked[0]
    baseline_number = baseline[0] if baseline else None
    old = state.targets.get(code)
    if old is not None and _same_target(old, target, baseline_number, periods):
        plan.unchanged += 1
        return
    new = {
        "baseline": str(baseline_number) if baseline_number is not None else None,
        "target": str(target),
        **periods,
    }
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


def _ended(text: str, today: date) -> Period:
    """The row's period, which must be over."""
    try:
        parse_period(text)
    except InvalidInput as exc:
        raise _coded(exc, "period") from None
    try:
        return ended_period(text, today)
    except InvalidInput as exc:
        raise _coded(exc, "not_ended") from None


def _period_cell(values: dict[str, Any], column: str) -> str | None:
    """The period in `column` (the baseline's or the target's), as a label; None when left out."""
    text = cell_text(values.get(column))
    try:
        return parse_period(text, column).label if text else None
    except InvalidInput as exc:
        raise _coded(exc, "period") from None


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
    locale: str,
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
    adopted_on = state.adoptions[code]["adopted_on"]
    checks = _Checks()
    status = checks.cell(_status_value, cell_text(values.get("status")))
    reported_on = checks.cell(_reported_on, values.get("reported_on"), adopted_on, today, locale)
    note = checks.cell(_note, values)
    cited = checks.cell(_evidence, values, state)
    checks.done()
    if status is None or reported_on is None:  # refused above
        return
    _duplicate(seen, ("status", code, ""), "commitment")
    old = state.statuses.get(code)
    if (
        old
        and old["status"] == status
        and old["reported_on"] == reported_on
        and (old["note_md"] or None) == note
        and _same_evidence(old, cited)
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
            **_cited_fields(cited),
            "old": {
                "status": old["status"],
                "evidence": old["evidence"],
                "reported_on": old["reported_on"].isoformat()
                if isinstance(old["reported_on"], date)
                else str(old["reported_on"]),
            }
            if old
            else None,
        }
    )


def status_name(code: str, lang: str) -> str:
    """A status as the city's officers read it in `lang`: the reports' word for it."""
    return report_labels(lang)[f"status.{code}"]


@cache
def _status_names() -> dict[str, CommitmentStatus]:
    """Each status by its code and by its name in each language the service speaks
    (`réalisé`, `En cours`, `منجز`), compared without case."""
    names = {str(code).casefold(): code for code in CommitmentStatus}
    for lang in LANGUAGES:
        for code in CommitmentStatus:
            names.setdefault(status_name(code, lang).strip().casefold(), code)
    return names


def _status_value(text: str) -> CommitmentStatus:
    """The status a row reports: its code, or its name in one of the service's languages."""
    found = _status_names().get(text.strip().casefold())
    if found is None:
        raise RowProblem(
            f"Unknown status {text!r}.",
            "status",
            f"Expected one of {', '.join(CommitmentStatus)}, or its name.",
            "status",
        )
    return found


def _reported_on(raw: Any, adopted_on: date, today: date, locale: str) -> date:
    """The date a status is reported on (a date cell, YYYY-MM-DD, or the city's way of writing
    dates, `30/11/2026`), from the adoption to today."""
    if isinstance(raw, datetime):
        reported_on: date | None = raw.date()
    elif isinstance(raw, date):
        reported_on = raw
    else:
        reported_on = typed_date(cell_text(raw), locale)
    if reported_on is None:
        raise RowProblem(
            "Not a date.",
            "reported_on",
            f"Expected YYYY-MM-DD or the city's way, {date_example(locale)}.",
            "date",
        )
    if reported_on > today or reported_on < adopted_on:
        raise RowProblem(
            "The date is out of range.",
            "reported_on",
            f"Expected a date from the adoption ({adopted_on}) to today.",
            "date_range",
        )
    return reported_on
