"""A city's spreadsheet imports: upload a file (XLSX or CSV) to get a preview of what would be
created or changed and every error with sheet, row and column; commit the preview, in one
transaction, exactly as shown, or nothing.

Previews are stored with the rows as read, so that a commit checks them again against the data of
that moment: if the city's data changed since, the same rows would do something else, and nothing
is applied.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import date, datetime
from typing import Any

import msgspec

from charter.services import city_for_write, get_charter_or_raise
from exports.schemas import ImportCommitted, ImportPreviewRead
from exports.spreadsheet_plan import Plan, Sheet, build_plan, cell_text
from exports.spreadsheet_read import read_file
from exports.spreadsheet_template import SHEETS
from indicators.bulk import CityState, apply_changes, city_state
from indicators.tables import ImportPreview
from kernel import clock
from kernel.caller import Caller
from kernel.db import audit, json_value, write_transaction
from kernel.errors import Conflict, FieldError, InvalidInput, NotFound

MAX_LISTED = 1000
"""A preview lists at most this many changes and errors; the totals count them all."""


def preview_read(row: dict[str, Any], city_slug: str, charter_slug: str) -> ImportPreviewRead:
    """A preview as the API returns it: counts, the first changes and errors, the commit link."""
    plan = json_value(row["plan"])
    changes, errors = plan["changes"], plan["errors"]
    return msgspec.convert(
        {
            "id": row["id"],
            "city": city_slug,
            "charter": charter_slug,
            "file_name": row["file_name"],
            "status": row["status"],
            "created_at": row["created_at"],
            "summary": {
                "create": sum(c["action"] == "create" for c in changes),
                "change": sum(c["action"] == "change" for c in changes),
                "unchanged": plan["unchanged"],
                "skipped": plan["skipped"],
                "errors": len(errors),
            },
            "changes": changes[:MAX_LISTED],
            "changes_total": len(changes),
            "errors": errors[:MAX_LISTED],
            "errors_total": len(errors),
            "warnings": plan["warnings"],
            "commit": f"/api/v1/imports/{row['id']}/commit"
            if not errors and row["status"] == "preview"
            else None,
        },
        ImportPreviewRead,
    )


def _charter_of(sheets: list[Sheet]) -> str:
    """The charter the file's rows name, when the upload does not say (the template fills it)."""
    named = {cell_text(values.get("charter")) for sheet in sheets for _, values in sheet.rows} - {""}
    if len(named) != 1:
        raise InvalidInput(
            "Which charter is this file about?",
            [
                FieldError(
                    "charter",
                    "Expected ?charter=SLUG (or --charter), or rows that all name the same charter.",
                )
            ],
        )
    return named.pop()


async def preview_import(
    caller: Caller, city_slug: str, charter_slug: str | None, content: bytes, file_name: str
) -> ImportPreviewRead:
    """Read the file and check it against the city's data; store and return the preview. No
    claim, target or status is written. Without `charter_slug`, the rows' charter column says."""
    city = await city_for_write(caller, city_slug)
    plan = Plan()
    # Reading a workbook is long work for a large file: in a thread, so other requests go on.
    sheets = await asyncio.to_thread(read_file, content, file_name, plan)
    charter_slug = charter_slug or _charter_of(sheets)
    charter = await get_charter_or_raise(charter_slug)
    today = clock.today()
    state = await city_state(city["id"], charter["id"])
    # Checking the rows is pure work, long for a large file: in a thread as well.
    await asyncio.to_thread(build_plan, sheets, city, charter_slug, state, today, plan)
    body = {
        "checked_against": await asyncio.to_thread(_checked_against, city, charter_slug, state, today),
        "rows": await asyncio.to_thread(_stored_rows, sheets),
        "changes": plan.changes,
        "unchanged": plan.unchanged,
        "skipped": plan.skipped,
        "errors": plan.errors,
        "warnings": plan.warnings,
    }
    row = (
        await ImportPreview.insert(
            ImportPreview(
                city=city["id"],
                charter=charter["id"],
                file_name=file_name[:255],
                sha256=hashlib.sha256(content).hexdigest(),
                plan=(await asyncio.to_thread(msgspec.json.encode, body, enc_hook=str)).decode(),
                errors=len(plan.errors),
                created_by=caller.user_id,
            )
        ).returning(*ImportPreview.all_columns())
    )[0]
    return preview_read({**row, "plan": body}, city_slug, charter_slug)


def _checked_against(city: dict[str, Any], charter_slug: str, state: CityState, today: date) -> str:
    """A fingerprint of everything a file's rows are checked against: the city's row, the
    charter, what the city says on it (`CityState`) and the day. The check is pure, so while the
    fingerprint is the same the same rows make the same changes and a preview stands as shown."""
    values = [[code, period, value] for (code, period), value in state.values.items()]
    facts = [city, charter_slug, today, state.adoptions, state.indicators, state.targets, values]
    facts += [state.statuses, state.evidence, state.links]
    return hashlib.sha256(msgspec.msgpack.encode(facts, enc_hook=str, order="deterministic")).hexdigest()


def _plan_now(
    plan_body: dict[str, Any], city: dict[str, Any], charter_slug: str, state: CityState, today: date
) -> str | None:
    """Why the stored rows would no longer do what the preview showed, or None if they still
    would: checked again against the city's data as it is now."""
    sheets: dict[str, Sheet] = {}
    for item in plan_body["rows"]:
        sheets.setdefault(item["sheet"], Sheet(item["sheet"], SHEETS[item["sheet"]])).rows.append(
            (item["row"], item["values"])
        )
    again = build_plan(list(sheets.values()), city, charter_slug, state, today, Plan())
    if again.errors:
        return "errors"
    if again.changes != plan_body["changes"]:
        return "changes"
    return None


def _stored_rows(sheets: list[Sheet]) -> list[dict[str, Any]]:
    """The rows as read, in a form that reads back the same (dates as text)."""
    out = []
    for sheet in sheets:
        for number, values in sheet.rows:
            if any(isinstance(v, date) for v in values.values()):
                values = {k: _date_text(v) if isinstance(v, date) else v for k, v in values.items()}
            out.append({"sheet": sheet.name, "row": number, "values": values})
    return out


def _date_text(value: date) -> str:
    """A date cell as text: its day (a spreadsheet gives a date as a date and time at midnight)."""
    return (value.date() if isinstance(value, datetime) else value).isoformat()


async def get_import(caller: Caller, import_id: int) -> ImportPreviewRead:
    """A preview, for the city's editors and the secretariat."""
    row = await _import_or_raise(caller, import_id)
    return preview_read(row, row["city_slug"], row["charter_slug"])


async def _import_or_raise(caller: Caller, import_id: int) -> dict[str, Any]:
    caller.require_authenticated()
    row = (
        await ImportPreview.select(
            *ImportPreview.all_columns(),
            ImportPreview.city.slug.as_alias("city_slug"),
            ImportPreview.charter.slug.as_alias("charter_slug"),
        )
        .where(ImportPreview.id == import_id)
        .first()
    )
    if row is None or not caller.may_edit_city(row["city"]):
        raise NotFound(f"No import {import_id}.")
    return row


async def commit_import(caller: Caller, import_id: int) -> ImportCommitted:
    """Apply the preview in one transaction, exactly as it was shown. If the city's data changed
    since (the same rows would now do something else), nothing is applied: 409, upload again."""

    async with write_transaction():
        row = await _import_or_raise(caller, import_id)
        city = await city_for_write(caller, row["city_slug"])
        plan_body = json_value(row["plan"])
        if row["status"] != "preview":
            raise Conflict(f"Import {import_id} is {row['status']}; upload the file again for a new preview.")
        if plan_body["errors"]:
            raise InvalidInput(
                f"Import {import_id} has {len(plan_body['errors'])} errors; fix the file and "
                "upload it again.",
                [FieldError("errors", "Expected a preview without errors.")],
            )
        state = await city_state(city["id"], row["charter"])
        today = clock.today()
        unchanged = plan_body.get("checked_against") == _checked_against(
            city, row["charter_slug"], state, today
        )
        if not unchanged and _plan_now(plan_body, city, row["charter_slug"], state, today) is not None:
            raise Conflict(
                f"The data of {row['city_slug']!r} changed since this preview: applying it now "
                "would not do what it showed. Nothing was applied; upload the file again.",
                [FieldError("import", "Expected a preview of the current data.")],
            )
        counts = await apply_changes(caller, city, row["charter_slug"], state, plan_body["changes"])
        committed_at = clock.now()
        await ImportPreview.update(
            {ImportPreview.status: "committed", ImportPreview.committed_at: committed_at}
        ).where(ImportPreview.id == import_id)
        await audit(
            caller,
            "commit",
            "import",
            f"import-{import_id}",
            None,
            {"file_name": row["file_name"], "sha256": row["sha256"], **counts},
        )
    # As `get_import` would read it back, without reading the whole plan again.
    done = {**row, "plan": plan_body, "status": "committed", "committed_at": committed_at}
    preview = preview_read(done, row["city_slug"], row["charter_slug"])
    return ImportCommitted(**msgspec.structs.asdict(preview), applied=counts)
