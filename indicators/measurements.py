"""Measurements: the values a city reports for an indicator, one standing value per ended
period, read in the city's locale and checked against the indicator's type. Each is a claim."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from charter.services import city_for_write, get_city_or_raise
from indicators import standing
from indicators.assurance import superseded_by
from indicators.charter_tree import indicator_for_city
from indicators.claims import challenges_of, check_supersedes, claim_standing, evidence_of, set_citations
from indicators.claims import now as claim_now
from indicators.evidence import NewEvidence, check_cited, file_new_evidence
from indicators.schemas import MeasurementCreate, MeasurementRead
from indicators.tables import Measurement
from kernel import clock
from kernel.caller import Caller
from kernel.claim_ids import claim_id
from kernel.db import audit, write_transaction
from kernel.errors import Conflict, FieldError, InvalidInput
from kernel.markdown import render_markdown
from kernel.numbers import read_value
from kernel.periods import ended_period


def measurement_read(
    row: dict[str, Any],
    cited: list[int],
    replaced_by: int | None = None,
    challenges: list[dict[str, Any]] | None = None,
) -> MeasurementRead:
    """One reported value with its standing as a claim."""
    return MeasurementRead(
        row["id"],
        row["period"],
        float(row["value"]),
        row["value_text"],
        row["note_md"],
        render_markdown(row["note_md"]),
        cited,
        row["created_at"],
        **claim_standing("measurement", row, replaced_by=replaced_by, challenges=challenges or []),
    )


async def _check_period_free(
    city_id: int, indicator: dict[str, Any], period: str, corrected_id: int | None
) -> None:
    """One standing value per period: a second one is a correction of the first."""
    rows = await Measurement.select(Measurement.id, Measurement.supersedes).where(
        (Measurement.city == city_id) & (Measurement.indicator == indicator["id"])
    )
    replaced = {r["supersedes"] for r in rows if r["supersedes"]}
    standing_rows = await Measurement.select(Measurement.id).where(
        (Measurement.city == city_id)
        & (Measurement.indicator == indicator["id"])
        & (Measurement.period == period)
    )
    clash = [r["id"] for r in standing_rows if r["id"] not in replaced and r["id"] != corrected_id]
    if clash:
        other = claim_id("measurement", clash[0])
        raise Conflict(
            f"{indicator['code']} already has a value for {period} ({other}). To correct it, post the "
            f'new value with "supersedes": "{other}".',
            [FieldError("period", f'Expected a period not yet reported, or "supersedes": "{other}".')],
        )


async def add_measurement(
    caller: Caller,
    city_slug: str,
    charter_slug: str,
    code: str,
    data: MeasurementCreate,
    new_evidence: Sequence[NewEvidence] = (),
) -> MeasurementRead:
    """Report a value for an ended period, read in the city's locale and checked against its type;
    published at once or a draft; a correction names the published value it `supersedes`. It
    cites the evidence on file named in `data` and `new_evidence`, filed in the same transaction
    (all of it is written, or none)."""
    async with write_transaction():
        city = await city_for_write(caller, city_slug)
        indicator = await indicator_for_city(city, charter_slug, code)
        period = ended_period(data.period, clock.today())
        value, text = read_value(data.value, city["locale"], indicator["value_kind"], "value")
        corrected = None
        if data.supersedes is not None:
            corrected = await check_supersedes(
                "measurement", data.supersedes, parent=("indicator", indicator["id"])
            )
            if corrected["city"] != city["id"]:
                raise InvalidInput(
                    f"{data.supersedes} is not a value of {city_slug!r}.",
                    [FieldError("supersedes", "Expected a value of this city.")],
                )
        await _check_period_free(city["id"], indicator, period.label, corrected["id"] if corrected else None)
        filed = [(await file_new_evidence(caller, city_slug, item)).id for item in new_evidence]
        cited = await check_cited(city["id"], [*data.evidence, *filed])
        row = (
            await Measurement.insert(
                Measurement(
                    city=city["id"],
                    indicator=indicator["id"],
                    period=period.label,
                    period_end=period.end,
                    value=value,
                    value_text=text,
                    note_md=data.note_md,
                    created_by=caller.user_id,
                    draft=data.draft,
                    published_at=None if data.draft else claim_now(),
                    supersedes=corrected["id"] if corrected else None,
                )
            ).returning(*Measurement.all_columns())
        )[0]
        await set_citations("measurement", row["id"], cited)
        await standing.refresh(await standing.adoption_of_value(city["id"], indicator["id"]))
        await audit(
            caller,
            "create",
            "measurement",
            claim_id("measurement", row["id"]),
            None,
            {
                "indicator": f"{city_slug}/{charter_slug}/{indicator['code']}",
                "period": period.label,
                "value": value,
                "value_text": text,
                "note_md": data.note_md,
                "evidence": cited,
                "draft": data.draft,
                "supersedes": data.supersedes,
            },
        )
    return measurement_read(row, cited)


async def list_measurements(
    caller: Caller, city_slug: str, charter_slug: str, code: str
) -> list[MeasurementRead]:
    """Every value of the indicator the caller may see (drafts for the city's editors), with
    corrections marked."""
    city = await get_city_or_raise(city_slug)
    indicator = await indicator_for_city(city, charter_slug, code)
    query = Measurement.select().where(
        (Measurement.city == city["id"]) & (Measurement.indicator == indicator["id"])
    )
    if not caller.may_see_drafts_of(city["id"]):
        query = query.where(Measurement.draft.eq(False))
    rows = await query.order_by(Measurement.period_end).order_by(Measurement.id)
    cited = await evidence_of("measurement", [r["id"] for r in rows])
    replaced = superseded_by(rows)
    challenges = await challenges_of([claim_id("measurement", r["id"]) for r in rows])
    return [
        measurement_read(
            r, cited[r["id"]], replaced.get(r["id"]), challenges.get(claim_id("measurement", r["id"]), [])
        )
        for r in rows
    ]
