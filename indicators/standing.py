"""Each adoption's standing (last status, progress, claims verified and contested), computed in
SQL from the claims that count and stored in `adoption_standing`, so that comparing a thousand
cities is a sum over rows rather than a recomputation.

Every write that can change a standing calls `refresh` with the adoptions it touched, inside its
own transaction. The rules are those of `progress.py` and `assurance.py`, written as SQL; a test
holds both to the same numbers. The joins are written in the order of the lookups (CROSS JOIN
keeps SQLite to that order): from the adoptions to their indicators, to the city's values.
"""

from __future__ import annotations

from typing import Any

from commitments.choices import CommitmentStatus
from commitments.tables import Adoption, StatusUpdate
from indicators.assurance import OPEN_CHALLENGE, STANDING_OUTCOMES
from indicators.choices import Direction
from indicators.tables import AdoptionStanding, Indicator, Measurement
from kernel.db import Turns, found, sql_literals, take_turns

_ACHIEVED = sql_literals([CommitmentStatus.achieved])
_INCREASE = sql_literals([Direction.increase])

_CONTESTED = f"""EXISTS (SELECT 1 FROM challenge ch WHERE ch.claim_id = '{{prefix}}-' || {{alias}}.id
  AND (ch.status IN ({sql_literals(OPEN_CHALLENGE)}) OR ch.outcome IN ({sql_literals(STANDING_OUTCOMES)})))"""

_STANDING = f"""
WITH chosen AS (
  SELECT cc.id, cc.city, cc.commitment FROM adoption cc WHERE {{where}}
),
share AS (
  SELECT a.id AS adoption, i.direction, t.baseline, t.target, (
    SELECT m.value FROM measurement m
    WHERE m.city = a.city AND m.indicator = i.id AND m.draft = FALSE AND NOT EXISTS (
      SELECT 1 FROM measurement n WHERE n.supersedes = m.id AND n.draft = FALSE)
    ORDER BY m.period_end DESC, m.id DESC LIMIT 1) AS value
  FROM chosen a CROSS JOIN indicator i
  LEFT JOIN target t ON t.city = a.city AND t.indicator = i.id
  WHERE i.commitment = a.commitment
),
share_raw AS (
  SELECT adoption, direction, baseline, target, value,
         CASE WHEN target <> baseline THEN (value - baseline) * 1.0 / (target - baseline) END AS raw
  FROM share
),
indicator_progress AS (
  SELECT adoption, AVG(CASE
    WHEN value IS NULL OR target IS NULL OR baseline IS NULL THEN 0.0
    WHEN target = baseline THEN CASE
      WHEN (direction = {_INCREASE} AND value >= target) OR (direction <> {_INCREASE} AND value <= target)
      THEN 1.0 ELSE 0.0 END
    WHEN raw < 0 THEN 0.0 WHEN raw > 1 THEN 1.0 ELSE raw END) AS progress
  FROM share_raw GROUP BY adoption
),
claim AS (
  SELECT su.adoption AS adoption, su.verified_at,
         CASE WHEN {_CONTESTED.format(prefix="status", alias="su")} THEN 1 ELSE 0 END AS contested
  FROM chosen a CROSS JOIN status_update su
  WHERE su.adoption = a.id AND su.draft = FALSE AND NOT EXISTS (
    SELECT 1 FROM status_update n WHERE n.supersedes = su.id AND n.draft = FALSE)
  UNION ALL
  SELECT a.id AS adoption, m.verified_at,
         CASE WHEN {_CONTESTED.format(prefix="measurement", alias="m")} THEN 1 ELSE 0 END AS contested
  FROM chosen a CROSS JOIN indicator i CROSS JOIN measurement m
  WHERE i.commitment = a.commitment AND m.city = a.city AND m.indicator = i.id
    AND m.draft = FALSE AND NOT EXISTS (
    SELECT 1 FROM measurement n WHERE n.supersedes = m.id AND n.draft = FALSE)
),
claim_count AS (
  SELECT adoption, COUNT(*) AS claims, SUM(contested) AS contested,
         SUM(CASE WHEN contested = 0 AND verified_at IS NOT NULL THEN 1 ELSE 0 END) AS verified
  FROM claim GROUP BY adoption
),
with_status AS (
  SELECT a.id, a.city, (
    SELECT su.status FROM status_update su
    WHERE su.adoption = a.id AND su.draft = FALSE AND NOT EXISTS (
      SELECT 1 FROM status_update n WHERE n.supersedes = su.id AND n.draft = FALSE)
    ORDER BY su.reported_on DESC, su.id DESC LIMIT 1) AS status
  FROM chosen a
)
INSERT INTO adoption_standing (adoption, city, status, progress, claims, verified, contested)
SELECT w.id, w.city, w.status,
       COALESCE(ip.progress, CASE WHEN w.status = {_ACHIEVED} THEN 1.0 ELSE 0.0 END),
       COALESCE(cc.claims, 0), COALESCE(cc.verified, 0), COALESCE(cc.contested, 0)
FROM with_status w LEFT JOIN indicator_progress ip ON ip.adoption = w.id
LEFT JOIN claim_count cc ON cc.adoption = w.id
WHERE true
ON CONFLICT (adoption) DO UPDATE SET city = excluded.city, status = excluded.status,
  progress = excluded.progress, claims = excluded.claims, verified = excluded.verified,
  contested = excluded.contested"""


async def refresh(adoption_ids: list[int]) -> None:
    """Recompute the standing of these adoptions; call it in the transaction of the write."""
    ids = sorted({i for i in adoption_ids if i is not None})
    # Waiting for the other writers of these adoptions first: the standing is then computed
    # from what they committed, so the last writer's standing counts every claim.
    await take_turns(Turns.standing, ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("{}" for _ in chunk)
        await AdoptionStanding.raw(_STANDING.format(where=f"cc.id IN ({marks})"), *chunk)


async def refresh_charter(charter_id: int) -> None:
    """Recompute every adoption of a charter's commitments (after its text changed, or a bulk load)."""
    adoptions = await Adoption.select(Adoption.id).where(Adoption.commitment.charter == charter_id)
    await take_turns(Turns.standing, [a["id"] for a in adoptions])
    await AdoptionStanding.raw(
        _STANDING.format(where="cc.commitment IN (SELECT id FROM commitment WHERE charter = {})"), charter_id
    )


async def adoption_of_value(city_id: int, indicator_id: int) -> list[int]:
    """The adoption a value of that city for that indicator counts toward."""
    indicator = found(
        await Indicator.select(Indicator.commitment).where(Indicator.id == indicator_id).first(),
        f"Indicator {indicator_id}",
    )
    row = (
        await Adoption.select(Adoption.id)
        .where((Adoption.city == city_id) & (Adoption.commitment == indicator["commitment"]))
        .first()
    )
    return [row["id"]] if row else []


async def adoption_of_claim(kind: str, row: dict[str, Any]) -> list[int]:
    """The adoption a claim counts toward (none for a signature)."""
    if kind == "status_update":
        return [row["adoption"]]
    if kind == "measurement":
        return await adoption_of_value(row["city"], row["indicator"])
    return []


async def adoption_of_claim_id(kind: str, row_id: int) -> list[int]:
    if kind == "status_update":
        found = await StatusUpdate.select(StatusUpdate.adoption).where(StatusUpdate.id == row_id).first()
        return [found["adoption"]] if found else []
    if kind == "measurement":
        found = (
            await Measurement.select(Measurement.city, Measurement.indicator)
            .where(Measurement.id == row_id)
            .first()
        )
        return await adoption_of_value(found["city"], found["indicator"]) if found else []
    return []
