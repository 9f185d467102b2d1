"""A city's spreadsheet round trip: download a workbook pre-filled with its adopted commitments,
indicators, targets and values; upload it back (XLSX or CSV) to get a preview of what would be
created or changed and every error with sheet, row and column; commit the preview, in one
transaction, exactly as shown, or nothing.

Files are read defensively: bounded size and decompression, formulas refused (a value must be
typed, not computed), numbers read in the city's locale (`12,5`, `٤٧`), periods that have not
ended refused, rows of another city or charter refused.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from charter.services import city_for_write, get_charter_or_raise, get_city_or_raise
from commitments.choices import CommitmentStatus
from exports.tabular import safe_text
from indicators.bulk import CityState, apply_changes, city_state
from indicators.flags import latest_ended_period
from indicators.tables import ImportPreview
from kernel import clock
from kernel.caller import Caller
from kernel.db import audit, write_transaction
from kernel.errors import (
    Conflict,
    DomainError,
    FieldError,
    InvalidInput,
    NotFound,
    TooLarge,
    UnsupportedMedia,
)
from kernel.numbers import check_value, read_number
from kernel.periods import ended_period, parse_period
from kernel.settings import get_settings

SHEETS: dict[str, list[str]] = {
    "measurements": ["city", "charter", "indicator", "indicator_title", "unit", "period", "value", "note"],
    "targets": ["city", "charter", "indicator", "indicator_title", "unit", "baseline", "baseline_period",
                "target", "target_period"],
    "status": ["city", "charter", "commitment", "commitment_title", "status", "reported_on", "note"],
}
"""The sheets of the workbook and their columns; `*_title` and `unit` are for reading only."""
ABOUT = "about"
MAX_ROWS = 200_000
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_LISTED = 1000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        self.errors.append({"sheet": sheet, "row": row, "column": column, "message": message})


# The template --------------------------------------------------------------------------------------


def template_xlsx(city: dict[str, Any], charter_slug: str, state: CityState, today: date) -> bytes:
    """The workbook: one sheet per kind, pre-filled, with a blank row for each indicator's next
    period, validation lists on status cells and a format check on period cells."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    slug = city["slug"]
    book = Workbook()
    about = book.active
    about.title = ABOUT
    for line in (
        [f"Charter tracker: {slug}, charter {charter_slug}"],
        ["Fill in the sheets measurements, targets and status, then upload the file as it is."],
        ["Numbers may be typed as in your locale (12,5 or 1 250 or ٤٧). Periods: YYYY, YYYY-Qn or YYYY-MM,"],
        ["ended. Formulas are not read: type values. Columns ending in _title and unit are for reading."],
        ["A new value for a period already reported is a correction; both stay visible."],
    ):
        about.append(line)
    sheets = {name: book.create_sheet(name) for name in SHEETS}
    for name, sheet in sheets.items():
        sheet.append(SHEETS[name])
    for code, indicator in state.indicators.items():
        reported = sorted((p for (c, p) in state.values if c == code), key=lambda p: parse_period(p).end)
        for period in reported:
            value = state.values[(code, period)]
            sheets["measurements"].append([slug, charter_slug, code, safe_text(indicator["title"]),
                                           indicator["unit"], period, float(value["value"]),
                                           safe_text(value["note_md"] or "")])
        next_period = latest_ended_period(reported[-1] if reported else None, today)
        if next_period not in reported:
            sheets["measurements"].append([slug, charter_slug, code, safe_text(indicator["title"]),
                                           indicator["unit"], next_period, None, None])
        target = state.targets.get(code)
        sheets["targets"].append([
            slug, charter_slug, code, safe_text(indicator["title"]), indicator["unit"],
            float(target["baseline"]) if target and target["baseline"] is not None else None,
            target["baseline_period"] if target else None,
            float(target["target"]) if target else None, target["target_period"] if target else None])
    for code, adoption in state.adoptions.items():
        last = state.statuses.get(code)
        sheets["status"].append([slug, charter_slug, code, safe_text(adoption["title"]),
                                 last["status"] if last else None,
                                 last["reported_on"] if last else None,
                                 safe_text(last["note_md"] or "") if last else None])
    statuses = DataValidation(type="list", formula1='"' + ",".join(CommitmentStatus) + '"',
                              allow_blank=True, error="Choose a status from the list.")
    sheets["status"].add_data_validation(statuses)
    statuses.add("E2:E10000")
    periods = DataValidation(type="textLength", operator="between", formula1="4", formula2="7",
                             allow_blank=True, error="A period is YYYY, YYYY-Qn or YYYY-MM.",
                             prompt="YYYY, YYYY-Qn or YYYY-MM (ended)")
    sheets["measurements"].add_data_validation(periods)
    periods.add("F2:F200000")
    periods_t = DataValidation(type="textLength", operator="between", formula1="4", formula2="7",
                               allow_blank=True, error="A period is YYYY, YYYY-Qn or YYYY-MM.")
    sheets["targets"].add_data_validation(periods_t)
    periods_t.add("G2:G10000")
    periods_t.add("I2:I10000")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# Reading files --------------------------------------------------------------------------------------


def _kind_of(header: list[str]) -> str | None:
    for name, columns in SHEETS.items():
        if header[:len(columns)] == columns:
            return name
    return None


def read_file(content: bytes, file_name: str, plan: Plan) -> list[Sheet]:
    """The sheets of an XLSX workbook or a CSV file, or a clear refusal."""
    limit = get_settings().max_upload_bytes
    if len(content) > limit:
        raise TooLarge(f"The file has {len(content)} bytes; the limit is {limit}.")
    if content[:4] == b"PK\x03\x04":
        return _read_xlsx(content, plan)
    if b"\x00" in content[:4096] or not content.strip():
        raise UnsupportedMedia(f"{file_name!r} is neither an XLSX workbook nor a CSV file.", [FieldError(
            "file", "Expected an XLSX workbook (as downloaded from template.xlsx) or a CSV file.")])
    return [_read_csv(content, plan)]


def _read_xlsx(content: bytes, plan: Plan) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        unzipped = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise UnsupportedMedia("The file is not a valid workbook.", [FieldError(
            "file", "Expected an XLSX workbook.")]) from None
    if unzipped > MAX_UNZIPPED or len(archive.infolist()) > 10_000:
        raise TooLarge(f"The workbook unpacks to {unzipped} bytes; at most {MAX_UNZIPPED} are read.")
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise UnsupportedMedia(f"The workbook cannot be read: {exc}", [FieldError(
            "file", "Expected an XLSX workbook.")]) from None
    try:
        return _sheets_of(book, plan)
    except DomainError:
        raise
    except Exception as exc:  # a damaged or hostile sheet (entity expansion...) fails while read
        raise UnsupportedMedia(f"The workbook cannot be read: {type(exc).__name__}", [FieldError(
            "file", "Expected an XLSX workbook as saved by a spreadsheet program.")]) from None
    finally:
        book.close()


def _sheets_of(book, plan: Plan) -> list[Sheet]:
    sheets = []
    for ws in book.worksheets:
        if ws.title == ABOUT:
            continue
        if ws.title not in SHEETS:
            plan.warnings.append(f"Sheet {ws.title!r} is not one of {', '.join(SHEETS)}: ignored.")
            continue
        rows = ws.iter_rows()
        header_cells = next(rows, ())
        header = [str(c.value).strip() if c.value is not None else "" for c in header_cells]
        expected = SHEETS[ws.title]
        if header[:len(expected)] != expected:
            plan.error(ws.title, 1, "header", f"Expected the columns {', '.join(expected)} (as in the "
                                              "template), without merged cells.")
            continue
        sheet = Sheet(ws.title, expected)
        for number, cells in enumerate(rows, start=2):
            values: dict[str, Any] = {}
            for column, cell in zip(expected, cells, strict=False):
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                    plan.error(ws.title, number, column, "A formula is not read: type the value itself.")
                    values[column] = None
                else:
                    values[column] = cell.value
            if any(v not in (None, "") for v in values.values()):
                sheet.rows.append((number, values))
            if len(sheet.rows) > MAX_ROWS:
                raise TooLarge(f"Sheet {ws.title!r} has more than {MAX_ROWS} rows.")
        sheets.append(sheet)
    return sheets


def _read_csv(content: bytes, plan: Plan) -> Sheet:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            raise UnsupportedMedia("The CSV file is not UTF-8 text.", [FieldError(
                "file", "Expected a CSV file in UTF-8 (or Windows-1252).")]) from None
        plan.warnings.append("The CSV file is not UTF-8: it was read as Windows-1252.")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    kind = _kind_of(header)
    if kind is None:
        raise InvalidInput("The CSV header is not one of the template's sheets.", [FieldError(
            "header", "Expected the columns of measurements, targets or status: "
                      + " | ".join(", ".join(c) for c in SHEETS.values()))])
    sheet = Sheet(kind, SHEETS[kind])
    for number, row in enumerate(reader, start=2):
        values = {column: (row[i].strip() if i < len(row) else "") for i, column in enumerate(SHEETS[kind])}
        for column, value in values.items():
            if value.startswith("="):
                plan.error(kind, number, column, "A formula is not read: type the value itself.")
                values[column] = None
        if any(v not in (None, "") for v in values.values()):
            sheet.rows.append((number, values))
        if len(sheet.rows) > MAX_ROWS:
            raise TooLarge(f"The file has more than {MAX_ROWS} rows.")
    return sheet


# Checking rows against the city's data -----------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _dec(value: Any) -> str:
    """A stored number as plain text without trailing zeros (410, 12.5), whatever the engine."""
    return format(Decimal(str(value)).normalize(), "f")


def _number(value: Any, locale: str, column: str = "value") -> tuple[Decimal, str]:
    if isinstance(value, bool):
        raise InvalidInput("Not a number.", [FieldError(column, "Expected a number.")])
    if isinstance(value, int | float):
        return read_number(value, locale, column)
    return read_number(str(value), locale, column)


def build_plan(sheets: list[Sheet], city: dict[str, Any], charter_slug: str, state: CityState,
               today: date, plan: Plan) -> Plan:
    """Check every row; list what would be created or changed. Pure: nothing is written."""
    seen: set[tuple[str, str, str]] = set()
    for sheet in sheets:
        for number, values in sheet.rows:
            def fail(column: str, message: str, sheet=sheet, number=number) -> None:
                plan.error(sheet.name, number, column, message)

            if _text(values.get("city")) not in ("", city["slug"]):
                fail("city", f"This row is for {_text(values['city'])!r}; "
                             f"this upload is for {city['slug']!r}.")
                continue
            if _text(values.get("charter")) not in ("", charter_slug):
                fail("charter", f"This row is for charter {_text(values['charter'])!r}, "
                                f"not {charter_slug!r}.")
                continue
            try:
                if sheet.name == "measurements":
                    _measurement(values, city, state, today, plan, sheet.name, number, seen)
                elif sheet.name == "targets":
                    _target(values, city, state, plan, sheet.name, number, seen)
                else:
                    _status(values, state, today, plan, sheet.name, number, seen)
            except DomainError as exc:
                for item in exc.errors or [FieldError("row", exc.detail)]:
                    fail(item.field, f"{exc.detail} {item.message}".strip())
    return plan


def _code(values: dict[str, Any], column: str, known: dict[str, Any], what: str) -> str:
    code = _text(values.get(column)).upper()
    if code not in known:
        raise InvalidInput(f"{code or 'An empty code'} is not {what}.",
                           [FieldError(column, f"Expected {what} (see the template).")])
    return code


def _duplicate(seen: set, key: tuple[str, str, str], column: str) -> None:
    if key in seen:
        raise InvalidInput("This row repeats an earlier one.",
                           [FieldError(column, "Expected each one once in the file.")])
    seen.add(key)


def _measurement(values, city, state, today, plan, sheet, number, seen) -> None:
    code = _code(values, "indicator", state.indicators, "an indicator of a commitment the city adopted")
    if _text(values.get("value")) == "":
        plan.skipped += 1
        return
    period = ended_period(_text(values.get("period")), today)
    _duplicate(seen, ("measurement", code, period.label), "period")
    value, typed = _number(values.get("value"), city["locale"])
    check_value(value, state.indicators[code]["value_kind"], "value")
    note = _text(values.get("note")) or None
    old = state.values.get((code, period.label))
    if old is not None and Decimal(str(old["value"])) == value and (old["note_md"] or None) == note:
        plan.unchanged += 1
        return
    plan.changes.append({
        "kind": "measurement", "action": "change" if old else "create", "sheet": sheet, "row": number,
        "code": code, "period": period.label, "value": str(value), "value_text": typed, "note_md": note,
        "old": {"claim_id": f"measurement-{old['id']}", "value": _dec(old["value"]),
                "note_md": old["note_md"]} if old else None})


def _target(values, city, state, plan, sheet, number, seen) -> None:
    code = _code(values, "indicator", state.indicators, "an indicator of a commitment the city adopted")
    if _text(values.get("target")) == "":
        plan.skipped += 1
        return
    _duplicate(seen, ("target", code, ""), "indicator")
    kind = state.indicators[code]["value_kind"]
    target, _ = _number(values.get("target"), city["locale"], "target")
    check_value(target, kind, "target")
    baseline = None
    if _text(values.get("baseline")):
        baseline, _ = _number(values.get("baseline"), city["locale"], "baseline")
        check_value(baseline, kind, "baseline")
    periods = {}
    for column in ("baseline_period", "target_period"):
        text = _text(values.get(column))
        periods[column] = parse_period(text, column).label if text else None
    old = state.targets.get(code)
    new = {"baseline": str(baseline) if baseline is not None else None, "target": str(target), **periods}
    if old is not None:
        same = (old["target"] is not None and Decimal(str(old["target"])) == target
                and ((old["baseline"] is None and baseline is None) or (
                    old["baseline"] is not None and baseline is not None
                    and Decimal(str(old["baseline"])) == baseline))
                and old["baseline_period"] == periods["baseline_period"]
                and old["target_period"] == periods["target_period"])
        if same:
            plan.unchanged += 1
            return
    plan.changes.append({"kind": "target", "action": "change" if old else "create", "sheet": sheet,
                         "row": number, "code": code, **new,
                         "old": {"target": _dec(old["target"]),
                                 "baseline": _dec(old["baseline"])
                                 if old["baseline"] is not None else None} if old else None})


def _status(values, state, today, plan, sheet, number, seen) -> None:
    code = _code(values, "commitment", state.adoptions, "a commitment the city adopted")
    status_text = _text(values.get("status"))
    if status_text == "":
        plan.skipped += 1
        return
    try:
        status = CommitmentStatus(status_text)
    except ValueError:
        raise InvalidInput(f"Unknown status {status_text!r}.", [FieldError(
            "status", f"Expected one of {', '.join(CommitmentStatus)}.")]) from None
    raw = values.get("reported_on")
    try:
        reported_on = raw.date() if isinstance(raw, datetime) else raw if isinstance(raw, date) else (
            date.fromisoformat(_text(raw)))
    except ValueError:
        raise InvalidInput("Not a date.", [FieldError("reported_on", "Expected YYYY-MM-DD.")]) from None
    if reported_on > today or reported_on < state.adoptions[code]["adopted_on"]:
        raise InvalidInput("The date is out of range.", [FieldError(
            "reported_on", f"Expected a date from the adoption ({state.adoptions[code]['adopted_on']}) "
                           "to today.")])
    _duplicate(seen, ("status", code, ""), "commitment")
    note = _text(values.get("note")) or None
    old = state.statuses.get(code)
    if (old and old["status"] == status and old["reported_on"] == reported_on
            and (old["note_md"] or None) == note):
        plan.unchanged += 1
        return
    plan.changes.append({"kind": "status", "action": "create", "sheet": sheet, "row": number, "code": code,
                         "status": str(status), "reported_on": reported_on.isoformat(), "note_md": note,
                         "old": {"status": old["status"], "reported_on": old["reported_on"].isoformat()
                                 if isinstance(old["reported_on"], date) else str(old["reported_on"])}
                         if old else None})


# Previews and commits ----------------------------------------------------------------------------


def preview_read(row: dict[str, Any], city_slug: str, charter_slug: str) -> dict[str, Any]:
    """A preview as the API returns it: counts, the first changes and errors, the commit link."""
    plan = row["plan"] if isinstance(row["plan"], dict) else json.loads(row["plan"])
    changes, errors = plan["changes"], plan["errors"]
    return {
        "id": row["id"], "city": city_slug, "charter": charter_slug, "file_name": row["file_name"],
        "status": row["status"], "created_at": row["created_at"],
        "summary": {"create": sum(c["action"] == "create" for c in changes),
                    "change": sum(c["action"] == "change" for c in changes),
                    "unchanged": plan["unchanged"], "skipped": plan["skipped"], "errors": len(errors)},
        "changes": changes[:MAX_LISTED], "changes_total": len(changes),
        "errors": errors[:MAX_LISTED], "errors_total": len(errors), "warnings": plan["warnings"],
        "commit": f"/api/v1/imports/{row['id']}/commit"
        if not errors and row["status"] == "preview" else None,
    }


def _charter_of(sheets: list[Sheet]) -> str:
    """The charter the file's rows name, when the upload does not say (the template fills it)."""
    named = {_text(values.get("charter")) for sheet in sheets for _, values in sheet.rows} - {""}
    if len(named) != 1:
        raise InvalidInput("Which charter is this file about?", [FieldError(
            "charter", "Expected ?charter=SLUG (or --charter), or rows that all name the same charter.")])
    return named.pop()


async def preview_import(caller: Caller, city_slug: str, charter_slug: str | None, content: bytes,
                         file_name: str) -> dict[str, Any]:
    """Read the file and check it against the city's data; store and return the preview. No
    claim, target or status is written. Without `charter_slug`, the rows' charter column says."""
    city = await city_for_write(caller, city_slug)
    plan = Plan()
    sheets = read_file(content, file_name, plan)
    charter_slug = charter_slug or _charter_of(sheets)
    charter = await get_charter_or_raise(charter_slug)
    today = clock.today()
    state = await city_state(city["id"], charter["id"])
    build_plan(sheets, city, charter_slug, state, today, plan)
    body = {"rows": _stored_rows(sheets), "changes": plan.changes, "unchanged": plan.unchanged,
            "skipped": plan.skipped, "errors": plan.errors, "warnings": plan.warnings}
    row = (await ImportPreview.insert(ImportPreview(
        city=city["id"], charter=charter["id"], file_name=file_name[:255],
        sha256=hashlib.sha256(content).hexdigest(), plan=json.dumps(body, ensure_ascii=False, default=str),
        errors=len(plan.errors), created_by=caller.user_id,
    )).returning(*ImportPreview.all_columns()))[0]
    return preview_read({**row, "plan": body}, city_slug, charter_slug)


def _stored_rows(sheets: list[Sheet]) -> list[dict[str, Any]]:
    """The rows as read, in a form that reads back the same (dates and numbers as text)."""
    out = []
    for sheet in sheets:
        for number, values in sheet.rows:
            out.append({"sheet": sheet.name, "row": number, "values": {
                k: v.date().isoformat() if isinstance(v, datetime) else v.isoformat()
                if isinstance(v, date) else v for k, v in values.items()}})
    return out


async def get_import(caller: Caller, import_id: int) -> dict[str, Any]:
    row = await _import_or_raise(caller, import_id)
    return preview_read(row, row["city_slug"], row["charter_slug"])


async def _import_or_raise(caller: Caller, import_id: int) -> dict[str, Any]:
    caller.require_authenticated()
    row = await ImportPreview.select(*ImportPreview.all_columns(),
                                     ImportPreview.city.slug.as_alias("city_slug"),
                                     ImportPreview.charter.slug.as_alias("charter_slug")).where(
        ImportPreview.id == import_id).first()
    if row is None or not caller.may_edit_city(row["city"]):
        raise NotFound(f"No import {import_id}.")
    return row


async def commit_import(caller: Caller, import_id: int) -> dict[str, Any]:
    """Apply the preview in one transaction, exactly as it was shown. If the city's data changed
    since (the same rows would now do something else), nothing is applied: 409, upload again."""

    async with write_transaction():
        row = await _import_or_raise(caller, import_id)
        city = await city_for_write(caller, row["city_slug"])
        plan_body = json.loads(row["plan"]) if isinstance(row["plan"], str) else row["plan"]
        if row["status"] != "preview":
            raise Conflict(f"Import {import_id} is {row['status']}; upload the file again for a new preview.")
        if plan_body["errors"]:
            raise InvalidInput(f"Import {import_id} has {len(plan_body['errors'])} errors; fix the file and "
                               "upload it again.",
                               [FieldError("errors", "Expected a preview without errors.")])
        state = await city_state(city["id"], row["charter"])
        sheets: dict[str, Sheet] = {}
        for item in plan_body["rows"]:
            sheets.setdefault(item["sheet"], Sheet(item["sheet"], SHEETS[item["sheet"]])).rows.append(
                (item["row"], item["values"]))
        again = build_plan(list(sheets.values()), city, row["charter_slug"], state, clock.today(),
                           Plan())
        if again.errors or again.changes != plan_body["changes"]:
            raise Conflict(f"The data of {row['city_slug']!r} changed since this preview: applying it now "
                           "would not do what it showed. Nothing was applied; upload the file again.",
                           [FieldError("import", "Expected a preview of the current data.")])
        counts = await apply_changes(caller, city, row["charter_slug"], state, plan_body["changes"])
        await ImportPreview.update({ImportPreview.status: "committed",
                                    ImportPreview.committed_at: clock.now()}).where(
            ImportPreview.id == import_id)
        await audit(caller, "commit", "import", f"import-{import_id}", None,
                    {"file_name": row["file_name"], "sha256": row["sha256"], **counts})
    return {**(await get_import(caller, import_id)), "applied": counts}


async def template_for(city_slug: str, charter_slug: str) -> bytes:
    city = await get_city_or_raise(city_slug)
    charter = await get_charter_or_raise(charter_slug)
    state = await city_state(city["id"], charter["id"])
    return template_xlsx(city, charter_slug, state, clock.today())
