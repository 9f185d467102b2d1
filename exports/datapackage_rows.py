"""The rows of the open data package, one query per table: what is published, in key order.

Claims (signatures, status updates, measurements) carry their claim id, the claims they correct or
that correct them, and their assurance. Drafts are left out.
"""

from __future__ import annotations

from typing import Any

from charter.tables import Charter, City, Principle, Signature
from commitments.tables import Adoption, Commitment, StatusUpdate
from indicators.assurance import assurance_of, superseded_by
from indicators.evidence_access import published
from indicators.tables import (
    AdoptionEvidence,
    Challenge,
    ChallengeReply,
    Evidence,
    Indicator,
    Measurement,
    MeasurementEvidence,
    SignatureEvidence,
    Target,
    UpdateEvidence,
)
from kernel.claim_ids import claim_id
from kernel.db import json_value
from kernel.text import language_of, pick


async def _challenges_by_claim() -> dict[str, list[tuple[str, str | None]]]:
    out: dict[str, list[tuple[str, str | None]]] = {}
    for row in await Challenge.select(Challenge.claim_id, Challenge.status, Challenge.outcome):
        out.setdefault(row["claim_id"], []).append((row["status"], row["outcome"]))
    return out


def _assurance(
    kind: str,
    row: dict[str, Any],
    replaced: dict[int, int],
    challenges: dict[str, list[tuple[str, str | None]]],
) -> str:
    return str(
        assurance_of(
            verified=row["verified_at"] is not None,
            superseded=row["id"] in replaced,
            challenges=challenges.get(claim_id(kind, row["id"]), []),
        )
    )


async def charters() -> list[list[Any]]:
    rows = await Charter.select().order_by(Charter.slug)
    return [
        [
            r["slug"],
            r["lang"],
            pick(json_value(r["title"]), None, r["lang"]),
            r["issuer"],
            r["adopted_on"],
            r["source_url"],
            r["edition"],
            sorted(json_value(r["title"])),
        ]
        for r in rows
    ]


async def principles() -> list[list[Any]]:
    rows = await Principle.select(
        *Principle.all_columns(),
        Principle.charter.slug.as_alias("charter_slug"),
        Principle.charter.lang.as_alias("lang"),
    ).order_by(Principle.key)
    return [
        [r["key"], r["charter_slug"], r["code"], r["position"], pick(json_value(r["title"]), None, r["lang"])]
        for r in rows
    ]


async def commitments() -> list[list[Any]]:
    rows = await Commitment.select(
        *Commitment.all_columns(),
        Commitment.charter.slug.as_alias("charter_slug"),
        Commitment.charter.lang.as_alias("lang"),
        Commitment.principle.key.as_alias("principle_key"),
    ).order_by(Commitment.key)
    return [
        [
            r["key"],
            r["charter_slug"],
            r["principle_key"],
            r["code"],
            r["position"],
            pick(json_value(r["title"]), None, r["lang"]),
        ]
        for r in rows
    ]


async def indicators() -> list[list[Any]]:
    rows = await Indicator.select(
        *Indicator.all_columns(),
        Indicator.charter.slug.as_alias("charter_slug"),
        Indicator.charter.lang.as_alias("lang"),
        Indicator.commitment.key.as_alias("commitment_key"),
    ).order_by(Indicator.key)
    return [
        [
            r["key"],
            r["charter_slug"],
            r["commitment_key"],
            r["code"],
            pick(json_value(r["title"]), None, r["lang"]),
            r["unit"],
            r["value_kind"],
            r["direction"],
        ]
        for r in rows
    ]


async def cities() -> list[list[Any]]:
    rows = await City.select().order_by(City.slug)
    return [
        [
            r["slug"],
            pick(json_value(r["name"]), None, language_of(r["locale"])),
            r["country"],
            r["locale"],
            r["region"],
            r["population"],
            json_value(r["networks"]) or [],
        ]
        for r in rows
    ]


async def signatures() -> list[list[Any]]:
    rows = (
        await Signature.select(
            *Signature.all_columns(),
            Signature.city.slug.as_alias("city_slug"),
            Signature.charter.slug.as_alias("charter_slug"),
        )
        .where(Signature.draft.eq(False))
        .order_by(Signature.id)
    )
    by_claim = await _challenges_by_claim()
    return [
        [
            claim_id("signature", r["id"]),
            r["city_slug"],
            r["charter_slug"],
            r["signed_on"],
            r["act"],
            r["status"],
            _assurance("signature", r, {}, by_claim),
            r["verified_at"],
        ]
        for r in rows
    ]


async def adoptions() -> list[list[Any]]:
    rows = await Adoption.select(
        *Adoption.all_columns(),
        Adoption.city.slug.as_alias("city_slug"),
        Adoption.commitment.key.as_alias("commitment_key"),
    ).order_by(Adoption.key)
    return [
        [r["key"], r["city_slug"], r["commitment_key"], r["adopted_on"], r["due_on"], r["owner"]]
        for r in rows
    ]


async def targets() -> list[list[Any]]:
    rows = await Target.select(
        *Target.all_columns(),
        Target.city.slug.as_alias("city_slug"),
        Target.indicator.key.as_alias("indicator_key"),
    ).order_by(Target.key)
    return [
        [
            r["key"],
            r["city_slug"],
            r["indicator_key"],
            r["baseline"],
            r["baseline_period"],
            r["target"],
            r["target_period"],
        ]
        for r in rows
    ]


def _standing(kind: str, r: dict[str, Any], replaced: dict[int, int], by_claim: dict[str, Any]) -> list[Any]:
    """The columns every published claim ends with: what it corrects and what corrects it, its
    assurance, when it was verified and published."""
    return [
        claim_id(kind, r["supersedes"]) if r["supersedes"] else None,
        claim_id(kind, replaced[r["id"]]) if r["id"] in replaced else None,
        _assurance(kind, r, replaced, by_claim),
        r["verified_at"],
        r["published_at"],
    ]


async def status_updates() -> list[list[Any]]:
    rows = (
        await StatusUpdate.select(
            *StatusUpdate.all_columns(), StatusUpdate.adoption.key.as_alias("adoption_key")
        )
        .where(StatusUpdate.draft.eq(False))
        .order_by(StatusUpdate.id)
    )
    replaced, by_claim = superseded_by(rows), await _challenges_by_claim()
    kind = "status_update"
    return [
        [
            claim_id(kind, r["id"]),
            r["adoption_key"],
            r["status"],
            r["reported_on"],
            r["note_md"],
            *_standing(kind, r, replaced, by_claim),
        ]
        for r in rows
    ]


async def measurements() -> list[list[Any]]:
    rows = (
        await Measurement.select(
            *Measurement.all_columns(),
            Measurement.city.slug.as_alias("city_slug"),
            Measurement.indicator.key.as_alias("indicator_key"),
        )
        .where(Measurement.draft.eq(False))
        .order_by(Measurement.id)
    )
    replaced, by_claim = superseded_by(rows), await _challenges_by_claim()
    kind = "measurement"
    return [
        [
            claim_id(kind, r["id"]),
            r["city_slug"],
            r["indicator_key"],
            r["period"],
            r["value"],
            r["value_text"],
            r["note_md"],
            *_standing(kind, r, replaced, by_claim),
        ]
        for r in rows
    ]


async def evidence() -> list[list[Any]]:
    """Evidence something published cites (evidence cited only by drafts is not public)."""
    rows = (
        await Evidence.select(*Evidence.all_columns(), Evidence.city.slug.as_alias("city_slug"))
        .where(published())
        .order_by(Evidence.id)
    )
    return [
        [
            f"evidence-{r['id']}",
            r["city_slug"],
            r["title"],
            r["kind"],
            r["issued_on"],
            r["url"],
            r["file_name"],
            r["sha256"],
            r["media_type"],
            r["size"],
            r["origin"],
            r["review"],
        ]
        for r in rows
    ]


async def update_evidence() -> list[list[Any]]:
    rows = (
        await UpdateEvidence.select(UpdateEvidence.update, UpdateEvidence.evidence)
        .where(UpdateEvidence.update._.draft.eq(False))
        .order_by(UpdateEvidence.update)
        .order_by(UpdateEvidence.evidence)
    )
    return [[claim_id("status_update", r["update"]), f"evidence-{r['evidence']}"] for r in rows]


async def measurement_evidence() -> list[list[Any]]:
    links = MeasurementEvidence
    rows = (
        await links.select(links.measurement, links.evidence)
        .where(links.measurement._.draft.eq(False))
        .order_by(MeasurementEvidence.measurement)
        .order_by(MeasurementEvidence.evidence)
    )
    return [[claim_id("measurement", r["measurement"]), f"evidence-{r['evidence']}"] for r in rows]


async def signature_evidence() -> list[list[Any]]:
    links = SignatureEvidence
    rows = (
        await links.select(links.signature, links.evidence)
        .where(links.signature._.draft.eq(False))
        .order_by(links.signature)
        .order_by(links.evidence)
    )
    return [[claim_id("signature", r["signature"]), f"evidence-{r['evidence']}"] for r in rows]


async def adoption_evidence() -> list[list[Any]]:
    links = AdoptionEvidence
    rows = (
        await links.select(links.adoption._.key.as_alias("key"), links.evidence)
        .order_by(links.adoption)
        .order_by(links.evidence)
    )
    return [[r["key"], f"evidence-{r['evidence']}"] for r in rows]


async def challenges() -> list[list[Any]]:
    rows = await Challenge.select(
        *Challenge.all_columns(), Challenge.city.slug.as_alias("city_slug")
    ).order_by(Challenge.id)
    return [
        [
            f"challenge-{r['id']}",
            r["claim_id"],
            r["city_slug"],
            r["status"],
            r["outcome"],
            r["organisation"] or r["opened_by_label"],
            r["opened_at"],
            r["reason_md"],
            r["ruling_note_md"],
            r["ruled_at"],
            r["ruled_by_label"],
        ]
        for r in rows
    ]


async def replies() -> list[list[Any]]:
    rows = await ChallengeReply.select().order_by(ChallengeReply.id)
    return [
        [
            f"reply-{r['id']}",
            f"challenge-{r['challenge']}",
            r["side"],
            r["created_by_label"],
            r["created_at"],
            r["body_md"],
        ]
        for r in rows
    ]
