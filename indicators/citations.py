"""What cites a piece of evidence: the claims (status updates, measurements) and the challenges
or replies that name it, as a reader may see them (drafts only for their city's editors and the
secretariat, as everywhere else)."""

from __future__ import annotations

from datetime import date

import msgspec

from commitments.tables import Adoption, StatusUpdate
from indicators.tables import ChallengeEvidence, Indicator, Measurement, MeasurementEvidence, UpdateEvidence
from kernel.caller import Caller
from kernel.claim_ids import claim_id


class CitingClaim(msgspec.Struct, kw_only=True):
    """A claim that cites the evidence: which city's commitment (and indicator) it is about and
    what it says."""

    claim_id: str
    kind: str
    city: str
    charter: str
    commitment: str
    indicator: str | None = None
    status: str | None = None
    reported_on: date | None = None
    period: str | None = None
    value: float | None = None
    value_text: str | None = None
    draft: bool = False


class CitingChallenge(msgspec.Struct):
    """A challenge whose reason, or one of whose replies (`reply`), cites the evidence."""

    challenge: int
    claim_id: str
    reply: int | None


async def claims_citing(caller: Caller, evidence_id: int) -> list[CitingClaim]:
    """The claims citing the evidence that the caller may see, status updates then measurements,
    each oldest first. (Joins stay short: PostgreSQL cuts longer join aliases to 63 characters.)"""
    update_ids = [
        r["update"]
        for r in await UpdateEvidence.select(UpdateEvidence.update).where(
            UpdateEvidence.evidence == evidence_id
        )
    ]
    updates = (
        await StatusUpdate.select(
            StatusUpdate.id,
            StatusUpdate.draft,
            StatusUpdate.status,
            StatusUpdate.reported_on,
            StatusUpdate.adoption,
        )
        .where(StatusUpdate.id.is_in(update_ids or [-1]))
        .order_by(StatusUpdate.reported_on)
        .order_by(StatusUpdate.id)
    )
    adoptions = {
        a["id"]: a
        for a in await Adoption.select(
            Adoption.id,
            Adoption.city.as_alias("city_id"),
            Adoption.city._.slug.as_alias("city"),
            Adoption.commitment._.code.as_alias("commitment"),
            Adoption.commitment._.charter._.slug.as_alias("charter"),
        ).where(Adoption.id.is_in(sorted({u["adoption"] for u in updates}) or [-1]))
    }
    value_ids = [
        r["measurement"]
        for r in await MeasurementEvidence.select(MeasurementEvidence.measurement).where(
            MeasurementEvidence.evidence == evidence_id
        )
    ]
    values = (
        await Measurement.select(
            Measurement.id,
            Measurement.draft,
            Measurement.period,
            Measurement.value,
            Measurement.value_text,
            Measurement.indicator,
            Measurement.city.as_alias("city_id"),
            Measurement.city._.slug.as_alias("city"),
        )
        .where(Measurement.id.is_in(value_ids or [-1]))
        .order_by(Measurement.period_end)
        .order_by(Measurement.id)
    )
    indicators = {
        i["id"]: i
        for i in await Indicator.select(
            Indicator.id,
            Indicator.code,
            Indicator.commitment._.code.as_alias("commitment"),
            Indicator.commitment._.charter._.slug.as_alias("charter"),
        ).where(Indicator.id.is_in(sorted({v["indicator"] for v in values}) or [-1]))
    }
    out = []
    for u in updates:
        a = adoptions[u["adoption"]]
        if u["draft"] and not caller.may_see_drafts_of(a["city_id"]):
            continue
        out.append(
            CitingClaim(
                claim_id=claim_id("status_update", u["id"]),
                kind="status_update",
                city=a["city"],
                charter=a["charter"],
                commitment=a["commitment"],
                status=u["status"],
                reported_on=u["reported_on"],
                draft=bool(u["draft"]),
            )
        )
    for v in values:
        if v["draft"] and not caller.may_see_drafts_of(v["city_id"]):
            continue
        i = indicators[v["indicator"]]
        out.append(
            CitingClaim(
                claim_id=claim_id("measurement", v["id"]),
                kind="measurement",
                city=v["city"],
                charter=i["charter"],
                commitment=i["commitment"],
                indicator=i["code"],
                period=v["period"],
                value=float(v["value"]),
                value_text=v["value_text"],
                draft=bool(v["draft"]),
            )
        )
    return out


async def challenges_citing(evidence_id: int) -> list[CitingChallenge]:
    """The challenges whose reason or replies cite the evidence, oldest first (public)."""
    rows = (
        await ChallengeEvidence.select(
            ChallengeEvidence.challenge,
            ChallengeEvidence.reply,
            ChallengeEvidence.challenge._.claim_id.as_alias("claim_id"),
        )
        .where(ChallengeEvidence.evidence == evidence_id)
        .order_by(ChallengeEvidence.challenge)
        .order_by(ChallengeEvidence.id)
    )
    return [CitingChallenge(r["challenge"], r["claim_id"], r["reply"]) for r in rows]
