"""What cites a piece of evidence: the claims (status updates, measurements) and the challenges
or replies that name it, as a reader may see them (drafts only for their city's editors and the
secretariat, as everywhere else)."""

from __future__ import annotations

from datetime import date

import msgspec

from indicators.tables import ChallengeEvidence, MeasurementEvidence, UpdateEvidence
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
    each oldest first."""
    update = UpdateEvidence.update
    adoption = update._.adoption
    updates = (
        await UpdateEvidence.select(
            update.id.as_alias("id"),
            update.draft.as_alias("draft"),
            update.status.as_alias("status"),
            update.reported_on.as_alias("reported_on"),
            adoption._.city.as_alias("city_id"),
            adoption._.city._.slug.as_alias("city"),
            adoption._.commitment._.code.as_alias("commitment"),
            adoption._.commitment._.charter._.slug.as_alias("charter"),
        )
        .where(UpdateEvidence.evidence == evidence_id)
        .order_by(update.reported_on)
        .order_by(update.id)
    )
    measurement = MeasurementEvidence.measurement
    indicator = measurement._.indicator
    values = (
        await MeasurementEvidence.select(
            measurement.id.as_alias("id"),
            measurement.draft.as_alias("draft"),
            measurement.period.as_alias("period"),
            measurement.value.as_alias("value"),
            measurement.value_text.as_alias("value_text"),
            measurement._.city.as_alias("city_id"),
            measurement._.city._.slug.as_alias("city"),
            indicator._.code.as_alias("indicator"),
            indicator._.commitment._.code.as_alias("commitment"),
            indicator._.commitment._.charter._.slug.as_alias("charter"),
        )
        .where(MeasurementEvidence.evidence == evidence_id)
        .order_by(measurement.period_end)
        .order_by(measurement.id)
    )
    out = [
        CitingClaim(
            claim_id=claim_id("status_update", r["id"]),
            kind="status_update",
            city=r["city"],
            charter=r["charter"],
            commitment=r["commitment"],
            status=r["status"],
            reported_on=r["reported_on"],
            draft=bool(r["draft"]),
        )
        for r in updates
        if not r["draft"] or caller.may_see_drafts_of(r["city_id"])
    ]
    out += [
        CitingClaim(
            claim_id=claim_id("measurement", r["id"]),
            kind="measurement",
            city=r["city"],
            charter=r["charter"],
            commitment=r["commitment"],
            indicator=r["indicator"],
            period=r["period"],
            value=float(r["value"]),
            value_text=r["value_text"],
            draft=bool(r["draft"]),
        )
        for r in values
        if not r["draft"] or caller.may_see_drafts_of(r["city_id"])
    ]
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
