"""Claims as one kind of thing: a signature, a status update or a measurement, named by a stable
`claim_id`. Drafts and their publication, corrections by supersession, the secretariat's
verification, and what every claim carries (its standing) live here; claim ids and the shapes
of a standing are in `kernel.claim_ids`.

Published claims are never edited in place: a correction is a new claim that `supersedes` the old
one; both stay visible and only the newest counts.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any, TypeAlias

from piccolo.columns import Column, ForeignKey
from piccolo.table import Table

from charter.schemas import SignatureRead
from charter.services import get_city_or_raise
from charter.tables import Signature
from commitments.tables import StatusUpdate
from indicators import standing
from indicators.assurance import assurance_of
from indicators.choices import EvidenceReview
from indicators.schemas import ClaimRead
from indicators.tables import (
    Challenge,
    Evidence,
    Measurement,
    MeasurementEvidence,
    SignatureEvidence,
    UpdateEvidence,
)
from kernel import clock
from kernel.caller import Caller
from kernel.claim_ids import VerificationRead, claim_id, history_url, parse_claim_id
from kernel.db import audit, update_versioned, write_transaction
from kernel.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from kernel.markdown import render_markdown
from kernel.versions import Precondition, check_version

ClaimTable: TypeAlias = type[Signature] | type[StatusUpdate] | type[Measurement]
LinkTable: TypeAlias = type[UpdateEvidence] | type[MeasurementEvidence] | type[SignatureEvidence]

CLAIM_TABLES: dict[str, ClaimTable] = {
    "signature": Signature,
    "status_update": StatusUpdate,
    "measurement": Measurement,
}
LINK_TABLES: dict[str, tuple[LinkTable, ForeignKey]] = {
    "status_update": (UpdateEvidence, UpdateEvidence.update),
    "measurement": (MeasurementEvidence, MeasurementEvidence.measurement),
    "signature": (SignatureEvidence, SignatureEvidence.signature),
}


def now() -> datetime:
    return clock.now()


def _about(kind: str) -> tuple[ClaimTable, Column, Column, Column]:
    """Where a claim of `kind` names its city (id and slug) and what it is about."""
    if kind == "status_update":
        city = StatusUpdate.adoption._.city
        return StatusUpdate, city, city._.slug, StatusUpdate.adoption._.key
    if kind == "measurement":
        return Measurement, Measurement.city, Measurement.city._.slug, Measurement.indicator._.key
    return Signature, Signature.city, Signature.city._.slug, Signature.charter._.slug


async def load_claim(kind: str, row_id: int) -> dict[str, Any] | None:
    """The claim's row with its city (`city_id`, `city_slug`) and what it is about."""
    table, city, city_slug, subject = _about(kind)
    columns = (city.as_alias("city_id"), city_slug.as_alias("city_slug"), subject.as_alias("subject"))
    return await table.select(*table.all_columns(), *columns).where(table.id == row_id).first()


async def claim_for_read(caller: Caller, text: str) -> tuple[str, dict[str, Any]]:
    """The claim, if the caller may see it: drafts exist only for their city's editors and the
    secretariat (404 for everyone else, as if there were nothing)."""
    kind, row_id = parse_claim_id(text)
    row = await load_claim(kind, row_id)
    if row is None or (row["draft"] and not caller.may_see_drafts_of(row["city_id"])):
        raise NotFound(f"No claim {text!r}.")
    return kind, row


async def claim_for_write(caller: Caller, text: str) -> tuple[str, dict[str, Any]]:
    """The claim, for one of its city's editors (or the secretariat)."""
    caller.require_authenticated()
    kind, row = await claim_for_read(caller, text)
    if not caller.may_edit_city(row["city_id"]):
        raise Forbidden(f"You may not change the claims of {row['city_slug']!r}.")
    return kind, row


async def set_citations(kind: str, row_id: int, evidence_ids: list[int]) -> None:
    """The evidence a claim cites, from now on exactly these."""
    link, column = LINK_TABLES[kind]
    table: type[Table] = link
    await table.delete().where(column == row_id)
    if evidence_ids:
        evidence = table._meta.get_column_by_name("evidence")
        await table.insert(*(table({column: row_id, evidence: e}) for e in evidence_ids))


async def evidence_of(kind: str, row_ids: list[int]) -> dict[int, list[int]]:
    """Row id → ids of the evidence the claim cites."""
    out: dict[int, list[int]] = defaultdict(list)
    if kind in LINK_TABLES and row_ids:
        table, column = LINK_TABLES[kind]
        for link in await table.select().where(column.is_in(row_ids)):
            out[link[column._meta.name]].append(link["evidence"])
    return out


async def challenges_of(claim_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Claim id → its challenges (id, status, outcome), oldest first."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if claim_ids:
        for row in (
            await Challenge.select(Challenge.id, Challenge.claim_id, Challenge.status, Challenge.outcome)
            .where(Challenge.claim_id.is_in(claim_ids))
            .order_by(Challenge.id)
        ):
            out[row["claim_id"]].append(row)
    return out


def claim_standing(
    kind: str, row: dict[str, Any], *, replaced_by: int | None, challenges: list[dict[str, Any]]
) -> dict[str, Any]:
    """The fields of `ClaimStanding` for one claim, given the row that corrects it (among those
    the reader may see) and its challenges."""
    verified = row.get("verified_at") is not None
    return {
        "claim_id": claim_id(kind, row["id"]),
        "draft": bool(row.get("draft")),
        "published_at": row.get("published_at"),
        "supersedes": claim_id(kind, row["supersedes"]) if row.get("supersedes") else None,
        "superseded_by": claim_id(kind, replaced_by) if replaced_by else None,
        "assurance": assurance_of(
            verified=verified,
            superseded=replaced_by is not None,
            challenges=[(c["status"], c["outcome"]) for c in challenges],
        ),
        "verification": VerificationRead(
            row["verified_by_label"] or "",
            row["verified_at"],
            row["verification_note_md"],
            render_markdown(row["verification_note_md"]),
        )
        if verified
        else None,
        "challenges": [c["id"] for c in challenges],
        "history": history_url(kind, claim_id(kind, row["id"])),
    }


async def _replaced_by(kind: str, row_id: int, with_drafts: bool) -> int | None:
    table = CLAIM_TABLES[kind]
    query = table.select(table.id).where(table.supersedes == row_id)
    if not with_drafts:
        query = query.where(table.draft.eq(False))
    row = await query.order_by(table.id, ascending=False).first()
    return row["id"] if row else None


async def get_claim(caller: Caller, text: str) -> tuple[ClaimRead, int]:
    """One claim as the caller may see it, with its version (for the ETag)."""
    kind, row = await claim_for_read(caller, text)
    return await claim_read(caller, kind, row), row["version"]


async def claim_read(caller: Caller, kind: str, row: dict[str, Any]) -> ClaimRead:
    """The claim as the caller may see it: what it says, the evidence it cites, its standing."""
    cid = claim_id(kind, row["id"])
    replaced = await _replaced_by(kind, row["id"], caller.may_see_drafts_of(row["city_id"]))
    cited = (await evidence_of(kind, [row["id"]])).get(row["id"], [])
    note = row.get("note_md") if kind != "signature" else None
    return ClaimRead(
        kind=kind,
        city=row["city_slug"],
        subject=row["subject"],
        period=row.get("period"),
        value=float(row["value"]) if kind == "measurement" else None,
        value_text=row.get("value_text"),
        status=row.get("status"),
        reported_on=row.get("reported_on") or row.get("signed_on"),
        note_md=note,
        note_html=render_markdown(note),
        evidence=cited,
        version=row["version"],
        **claim_standing(kind, row, replaced_by=replaced, challenges=(await challenges_of([cid]))[cid]),
    )


# Signatures, as claims --------------------------------------------------------------------------


async def list_signatures(city_slug: str) -> list[SignatureRead]:
    """The city's signature acts, oldest first, each with its standing as a claim."""
    city = await get_city_or_raise(city_slug)
    rows = (
        await Signature.select(*Signature.all_columns(), Signature.charter.slug.as_alias("charter_slug"))
        .where(Signature.city == city["id"])
        .order_by(Signature.signed_on)
        .order_by(Signature.id)
    )
    challenges = await challenges_of([claim_id("signature", r["id"]) for r in rows])
    cited = await evidence_of("signature", [r["id"] for r in rows])
    return [
        SignatureRead(
            id=r["id"],
            charter=r["charter_slug"],
            signed_on=r["signed_on"],
            act=r["act"],
            status=r["status"],
            evidence=sorted(cited.get(r["id"], [])),
            **claim_standing(
                "signature",
                r,
                replaced_by=None,
                challenges=challenges.get(claim_id("signature", r["id"]), []),
            ),
        )
        for r in rows
    ]


# Corrections ------------------------------------------------------------------------------------


async def check_supersedes(kind: str, text: str, *, parent: tuple[str, int]) -> dict[str, Any]:
    """The published claim a new claim corrects: same kind, same subject (`parent` is the column
    and value that must match: the adoption of a status, the city and indicator of a value), and
    not already corrected by another claim."""
    field = [
        FieldError(
            "supersedes",
            f"Expected the claim id of a published {kind.replace('_', ' ')} "
            "of the same subject, not yet corrected.",
        )
    ]
    try:
        found_kind, row_id = parse_claim_id(text)
    except NotFound:
        raise InvalidInput(f"{text!r} is not a claim id.", field) from None
    table = CLAIM_TABLES[kind]
    row = await table.select().where(table.id == row_id).first() if found_kind == kind else None
    column, value = parent
    if row is None or row[column] != value:
        raise InvalidInput(f"{text!r} is not a {kind.replace('_', ' ')} of this subject.", field)
    if row["draft"]:
        raise Conflict(
            f"{text} is a draft: edit it (PATCH /api/v1/claims/{text}) instead of superseding it.", field
        )
    other = await table.select(table.id).where(table.supersedes == row_id).first()
    if other is not None:
        raise Conflict(
            f"{text} is already corrected by {claim_id(kind, other['id'])}; correct that one instead.", field
        )
    return row


# Publication, verification ------------------------------------------------------------------------


async def publish_claim(caller: Caller, text: str, precondition: Precondition) -> tuple[ClaimRead, int]:
    """Make a draft public (and, if it corrects a claim, make the correction count)."""
    async with write_transaction():
        kind, row = await claim_for_write(caller, text)
        check_version(f"Claim {text}", row["version"], precondition)
        if not row["draft"]:
            raise Conflict(f"{text} is already published.")
        table = CLAIM_TABLES[kind]
        if row.get("supersedes"):
            other = (
                await table.select(table.id)
                .where(
                    (table.supersedes == row["supersedes"])
                    & (table.id != row["id"])
                    & (table.draft.eq(False))
                )
                .first()
            )
            if other is not None:
                raise Conflict(
                    f"{claim_id(kind, row['supersedes'])} was corrected meanwhile by "
                    f"{claim_id(kind, other['id'])}."
                )
        stamp = now()
        await update_versioned(
            table, row["id"], row["version"], {table.draft: False, table.published_at: stamp}, f"Claim {text}"
        )
        await standing.refresh(await standing.adoption_of_claim(kind, row))
        await audit(caller, "publish", kind, text, {"draft": True}, {"draft": False, "published_at": stamp})
        kind, row = await claim_for_read(caller, text)
        return await claim_read(caller, kind, row), row["version"]


async def publish_drafts(caller: Caller, city_slug: str, drafts: list[tuple[str, int]]) -> list[ClaimRead]:
    """Publish several drafts of one city at once, each at the version the caller read: all of
    them, or none (404 for a claim of another city, 412 for one changed meanwhile, 409 for one
    already published)."""
    published = []
    async with write_transaction():
        for text, version in drafts:
            _, row = await claim_for_write(caller, text)
            if row["city_slug"] != city_slug:
                raise NotFound(f"No claim {text!r} of {city_slug!r}.")
            published.append(
                (await publish_claim(caller, text, Precondition(versions=frozenset({version}))))[0]
            )
    return published


async def verify_claim(
    caller: Caller, text: str, note_md: str | None, precondition: Precondition
) -> tuple[ClaimRead, int]:
    """The secretariat has checked the claim's evidence: the claim becomes verified (named
    reviewer, date, note). The claim must be published and cite evidence none of which is rejected."""
    caller.require_secretariat("verify claims")
    async with write_transaction():
        kind, row = await claim_for_read(caller, text)
        caller.require_oversight(row["city_id"], "verify this city's claims")
        check_version(f"Claim {text}", row["version"], precondition)
        if row["draft"]:
            raise Conflict(f"{text} is a draft; only published claims are verified.")
        cited = (await evidence_of(kind, [row["id"]])).get(row["id"], [])
        if kind != "signature" and not cited:
            raise Conflict(
                f"{text} cites no evidence: there is nothing to verify it against.",
                [FieldError("evidence", "Expected a claim that cites evidence.")],
            )
        rejected = [
            r["id"]
            for r in await Evidence.select(Evidence.id).where(
                Evidence.id.is_in(cited or [-1]) & (Evidence.review == EvidenceReview.rejected)
            )
        ]
        if rejected:
            raise Conflict(
                f"{text} cites rejected evidence {rejected}; it cannot be verified.",
                [FieldError("evidence", "Expected no rejected evidence.")],
            )
        table = CLAIM_TABLES[kind]
        stamp = now()
        values = {
            "verified_at": stamp,
            "verified_by": caller.user_id,
            "verified_by_label": caller.public_name,
            "verification_note_md": note_md,
        }
        await update_versioned(
            table,
            row["id"],
            row["version"],
            {getattr(table, k): v for k, v in values.items()},
            f"Claim {text}",
        )
        await standing.refresh(await standing.adoption_of_claim(kind, row))
        await audit(
            caller,
            "verify",
            kind,
            text,
            {"verified_at": row["verified_at"]},
            {**values, "verified_by": caller.public_name},
        )
        kind, row = await claim_for_read(caller, text)
        return await claim_read(caller, kind, row), row["version"]


async def unverify_citing(caller: Caller, evidence_id: int, reason: str) -> list[str]:
    """Claims verified on the strength of evidence now rejected fall back to self-reported; each
    gets a history row saying why. Returns their claim ids. Call inside the review's transaction."""
    changed = []
    for kind, (link_table, column) in LINK_TABLES.items():
        table = CLAIM_TABLES[kind]
        ids = [
            r[column._meta.name]
            for r in await link_table.select(column).where(link_table.evidence == evidence_id)
        ]
        rows = await table.select().where(table.id.is_in(ids or [-1]) & (table.verified_at.is_not_null()))
        for row in rows:
            text = claim_id(kind, row["id"])
            await table.update(
                {
                    table.verified_at: None,
                    table.verified_by: None,
                    table.verified_by_label: None,
                    table.verification_note_md: None,
                    table.version: table.version + 1,
                }
            ).where(table.id == row["id"])
            await standing.refresh(await standing.adoption_of_claim(kind, row))
            await audit(
                caller,
                "unverify",
                kind,
                text,
                {"verified_at": row["verified_at"], "verified_by": row["verified_by_label"]},
                {"verified_at": None, "reason": reason},
            )
            changed.append(text)
    return changed
