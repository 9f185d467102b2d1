"""Edits of draft claims (status updates and measurements): the same rules as a new claim. A
published claim is never edited; it is corrected by a new claim that supersedes it."""

from __future__ import annotations

from typing import Any

import msgspec

from charter.services import get_city_or_raise
from commitments.tables import Adoption
from indicators.claims import (
    CLAIM_TABLES,
    claim_for_read,
    claim_for_write,
    claim_read,
    evidence_of,
    set_citations,
)
from indicators.evidence import check_cited
from indicators.schemas import ClaimEdit, ClaimRead
from indicators.status_updates import check_status_date
from indicators.tables import Indicator
from kernel.caller import Caller
from kernel.db import audit, found, update_versioned, write_transaction
from kernel.errors import Conflict, FieldError, InvalidInput
from kernel.numbers import read_value
from kernel.versions import Precondition, check_version


async def edit_draft(
    caller: Caller, text: str, data: ClaimEdit, precondition: Precondition
) -> tuple[ClaimRead, int]:
    """Change a draft claim, with the same rules as a new one. A published claim is never edited
    in place: 409, with the way to correct it (a new claim that supersedes it)."""
    async with write_transaction():
        kind, row = await claim_for_write(caller, text)
        _refuse_published(text, row)
        check_version(f"Claim {text}", row["version"], precondition)
        given = _fields_given(kind, data)
        values: dict[str, Any] = {}
        if "note_md" in given:
            values["note_md"] = data.note_md
        if kind == "status_update":
            values |= await _status_values(row, data, given)
        elif "value" in given:
            values |= await _measured_value(row, data)
        table = CLAIM_TABLES[kind]
        await update_versioned(
            table,
            row["id"],
            row["version"],
            {getattr(table, k): v for k, v in values.items()},
            f"Claim {text}",
        )
        before = {k: row[k] for k in values}
        if "evidence" in given:
            cited = await check_cited(row["city_id"], data.evidence)  # type: ignore[arg-type]
            before["evidence"] = (await evidence_of(kind, [row["id"]])).get(row["id"], [])
            await set_citations(kind, row["id"], cited)
            values["evidence"] = cited
        await audit(caller, "update", kind, text, before, values)
        kind, row = await claim_for_read(caller, text)
        return await claim_read(caller, kind, row), row["version"]


def _refuse_published(text: str, row: dict[str, Any]) -> None:
    """A published claim is corrected by a new claim that supersedes it, never edited."""
    if not row["draft"]:
        raise Conflict(
            f"{text} is published, and published claims are never edited in place. Post a "
            f'correction with "supersedes": "{text}"; both stay visible and only the newest counts.',
            [FieldError("supersedes", f'Expected a new claim with "supersedes": "{text}".')],
        )


def _fields_given(kind: str, data: ClaimEdit) -> set[str]:
    """The fields the edit changes, which must be ones a draft of that kind may change."""
    allowed = {
        "status_update": {"status", "reported_on", "note_md", "evidence"},
        "measurement": {"value", "note_md", "evidence"},
    }[kind]
    given = {f for f in ClaimEdit.__struct_fields__ if getattr(data, f) is not msgspec.UNSET}
    wrong = sorted(given - allowed)
    if wrong:
        raise InvalidInput(
            f"A {kind.replace('_', ' ')} draft cannot change {', '.join(wrong)}.",
            [FieldError(f, f"Expected only {', '.join(sorted(allowed))}.") for f in wrong],
        )
    return given


async def _status_values(row: dict[str, Any], data: ClaimEdit, given: set[str]) -> dict[str, Any]:
    """A status update draft's new status and date; the date is checked as a new update's is."""
    adoption = found(
        await Adoption.select().where(Adoption.id == row["adoption"]).first(), "The claim's adoption"
    )
    values: dict[str, Any] = {}
    if "status" in given:
        values["status"] = str(data.status)
    if "reported_on" in given:
        check_status_date(data.reported_on, adoption["adopted_on"])  # type: ignore[arg-type]
        values["reported_on"] = data.reported_on
    return values


async def _measured_value(row: dict[str, Any], data: ClaimEdit) -> dict[str, Any]:
    """A measurement draft's new value, read in the city's locale and checked against the
    indicator's type, as a new measurement's is."""
    city = await get_city_or_raise(row["city_slug"])
    indicator = found(
        await Indicator.select().where(Indicator.id == row["indicator"]).first(), "The claim's indicator"
    )
    value, value_text = read_value(data.value, city["locale"], indicator["value_kind"], "value")  # type: ignore[arg-type]
    return {"value": value, "value_text": value_text}
