"""Targets: a city's baseline and the value it aims for on an indicator, with the periods they
refer to. A target is the city's own yardstick; progress is measured against it."""

from __future__ import annotations

from typing import Any

from charter.services import city_for_write
from indicators import standing
from indicators.charter_tree import indicator_for_city
from indicators.claims import now as claim_now
from indicators.schemas import TargetRead, TargetSet
from indicators.tables import Target
from kernel.caller import Caller
from kernel.db import Turns, audit, take_turns, update_versioned, write_transaction
from kernel.numbers import read_value
from kernel.periods import parse_period
from kernel.versions import Precondition, check_version


def target_read(row: dict[str, Any] | None) -> TargetRead | None:
    """The city's baseline and target as the API shows them (none when the city set no target)."""
    if row is None:
        return None
    baseline = row["baseline"]
    return TargetRead(
        float(baseline) if baseline is not None else None,
        row["baseline_period"],
        float(row["target"]),
        row["target_period"],
        row.get("version", 1),
    )


async def set_target(
    caller: Caller, city_slug: str, charter_slug: str, code: str, data: TargetSet, precondition: Precondition
) -> TargetRead:
    """Set the city's baseline and target for an indicator; replacing them takes the version
    the caller read (`If-Match`)."""
    async with write_transaction():
        city = await city_for_write(caller, city_slug)
        indicator = await indicator_for_city(city, charter_slug, code)
        target, _ = read_value(data.target, city["locale"], indicator["value_kind"], "target")
        baseline = None
        if data.baseline is not None:
            baseline, _ = read_value(data.baseline, city["locale"], indicator["value_kind"], "baseline")
        for field in ("baseline_period", "target_period"):
            if getattr(data, field) is not None:
                parse_period(getattr(data, field), field)
        key = f"{city_slug}/{charter_slug}/{indicator['code']}"
        adoption = await standing.adoption_of_value(city["id"], indicator["id"])
        # Two first settings at once: the second waits, then finds the first and needs its version.
        await take_turns(Turns.standing, adoption)
        before = await Target.select().where(Target.key == key).first()
        values: dict[str, Any] = {
            "baseline": baseline,
            "baseline_period": data.baseline_period,
            "target": target,
            "target_period": data.target_period,
        }
        if before is None:
            await Target.insert(Target(city=city["id"], indicator=indicator["id"], key=key, **values))
        else:
            check_version(f"Target {key}", before["version"], precondition)
            await update_versioned(
                Target,
                before["id"],
                before["version"],
                {
                    Target.baseline: baseline,
                    Target.baseline_period: data.baseline_period,
                    Target.target: target,
                    Target.target_period: data.target_period,
                    Target.updated_at: claim_now(),
                },
                f"Target {key}",
            )
        await standing.refresh(adoption)
        await audit(
            caller,
            "create" if before is None else "update",
            "target",
            key,
            {k: before[k] for k in values} if before else None,
            values,
        )
    return target_read({**values, "version": before["version"] + 1 if before else 1})  # type: ignore[return-value]
