"""What cites a piece of evidence: the claims (status updates, measurements), the acts (a signature, an
adoption, whose decision it is) and the challenges or replies that name it, as a reader may see them
(drafts only for their city's editors and the secretariat, as everywhere else)."""

from __future__ import annotations

from datetime import date

import msgspec

from commitments.tables import Adoption, StatusUpdate
from indicators.tables import (
    AdoptionEvidence,
    ChallengeEvidence,
    Indicator,
    Measurement,
    MeasurementEvidence,
    SignatureEvidence,
    UpdateEvidence,
)
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


class CitingAct(msgspec.Struct, kw_only=True):
    """A signature (`kind` signature, a claim with its `claim_id`) or an adoption (`kind`
    adoption, with its `commitment`) whose decision the evidence is."""

    kind: str
    city: str
    charter: str
    on: date
    commitment: str | None = None
    claim_id: str | None = None


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


async def acts_citing(caller: Caller, evidence_id: int) -> list[CitingAct]:
    """The signatures and adoptions whose decision the evidence is, as the caller may see them
    (a draft signature only for its city's editors and the secretariat), oldest first."""
    signatures = await SignatureEvidence.select(
        SignatureEvidence.signature.as_alias("id"),
        SignatureEvidence.signature._.draft.as_alias("draft"),
        SignatureEvidence.signature._.signed_on.as_alias("on"),
        SignatureEvidence.signature._.city.as_alias("city_id"),
        SignatureEvidence.signature._.city._.slug.as_alias("city"),
        SignatureEvidence.signature._.charter._.slug.as_alias("charter"),
    ).where(SignatureEvidence.evidence == evidence_id)
    adoptions = await AdoptionEvidence.select(
        AdoptionEvidence.adoption._.adopted_on.as_alias("on"),
        AdoptionEvidence.adoption._.city._.slug.as_alias("city"),
        AdoptionEvidence.adoption._.key.as_alias("key"),
    ).where(AdoptionEvidence.evidence == evidence_id)
    out = [
        CitingAct(
            kind="signature",
            city=r["city"],
            charter=r["charter"],
            on=r["on"],
            claim_id=claim_id("signature", r["id"]),
        )
        for r in signatures
        if not r["draft"] or caller.may_see_drafts_of(r["city_id"])
    ]
    for r in adoptions:
        _, charter, code = r["key"].split("/")
        out.append(CitingAct(kind="adoption", city=r["city"], charter=charter, on=r["on"], commitment=code))
    return sorted(out, key=lambda act: (act.on, act.kind, act.commitment or ""))


class Citation(msgspec.Struct, kw_only=True):
    """One thing that cites a piece of evidence, named as the history and the API name it: a
    claim by its `claim_id` (a draft one marked), an adoption by its key, a challenge by its id."""

    kind: str
    name: str
    draft: bool = False
    claim_id: str | None = None
    challenge: int | None = None


async def citations_of(evidence_ids: list[int]) -> dict[int, list[Citation]]:
    """Everything that cites each of these pieces of evidence, drafts included (for the city's
    own library and for the rule that cited evidence stays on file); one query per kind of link."""
    wanted = sorted(set(evidence_ids))
    out: dict[int, list[Citation]] = {}
    if not wanted:
        return out

    def add(evidence: int, citation: Citation) -> None:
        out.setdefault(evidence, []).append(citation)

    for link, column, kind in (
        (UpdateEvidence, UpdateEvidence.update, "status_update"),
        (MeasurementEvidence, MeasurementEvidence.measurement, "measurement"),
        (SignatureEvidence, SignatureEvidence.signature, "signature"),
    ):
        rows = await link.select(
            link.evidence.as_alias("evidence"), column.as_alias("claim"), column._.draft.as_alias("draft")
        ).where(link.evidence.is_in(wanted))
        for r in rows:
            named = claim_id(kind, r["claim"])
            add(r["evidence"], Citation(kind=kind, name=named, draft=bool(r["draft"]), claim_id=named))
    for r in await AdoptionEvidence.select(
        AdoptionEvidence.evidence, AdoptionEvidence.adoption._.key.as_alias("key")
    ).where(AdoptionEvidence.evidence.is_in(wanted)):
        add(r["evidence"], Citation(kind="adoption", name=f"adoption {r['key']}"))
    for r in await ChallengeEvidence.select(ChallengeEvidence.evidence, ChallengeEvidence.challenge).where(
        ChallengeEvidence.evidence.is_in(wanted)
    ):
        add(
            r["evidence"],
            Citation(kind="challenge", name=f"challenge {r['challenge']}", challenge=r["challenge"]),
        )
    return out
