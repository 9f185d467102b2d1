"""Who sees a piece of evidence and who downloads its file.

Evidence becomes public when something published cites it: a claim that is not a draft, a challenge,
a reply to a challenge, or an adoption (the council decision). Until then only the city's editors,
the secretariat and whoever filed it see it (a confidential draft budget cited by a draft stays
private). When the secretariat rejects evidence, its description stays visible wherever a published
claim cites it, marked rejected, but the public cannot download its file unless the secretariat
releases it."""

from __future__ import annotations

from typing import Any

from piccolo.columns.combination import Combinable

from indicators.choices import EvidenceReview
from indicators.tables import (
    AdoptionEvidence,
    ChallengeEvidence,
    Evidence,
    MeasurementEvidence,
    SignatureEvidence,
    UpdateEvidence,
)
from kernel.caller import Caller


def published() -> Combinable:
    """The SQL condition "something published cites this evidence"."""
    by_update = UpdateEvidence.select(UpdateEvidence.evidence).where(UpdateEvidence.update._.draft.eq(False))
    by_measurement = MeasurementEvidence.select(MeasurementEvidence.evidence).where(
        MeasurementEvidence.measurement._.draft.eq(False)
    )
    by_challenge = ChallengeEvidence.select(ChallengeEvidence.evidence)
    by_signature = SignatureEvidence.select(SignatureEvidence.evidence).where(
        SignatureEvidence.signature._.draft.eq(False)
    )
    by_adoption = AdoptionEvidence.select(AdoptionEvidence.evidence)
    return (
        Evidence.id.is_in(by_update)
        | Evidence.id.is_in(by_measurement)
        | Evidence.id.is_in(by_challenge)
        | Evidence.id.is_in(by_signature)
        | Evidence.id.is_in(by_adoption)
    )


def sees_everything_of(caller: Caller, city_id: int) -> bool:
    """The city's editors and the secretariat see all of the city's evidence, published or not;
    so do the command line and the demo loader."""
    return caller.system or caller.may_edit_city(city_id)


def visible_to(caller: Caller, city_id: int) -> Combinable | None:
    """The SQL condition on the city's evidence that the caller may see; None when it sees all."""
    if sees_everything_of(caller, city_id):
        return None
    where = published()
    if caller.user_id is not None:
        where = where | (Evidence.created_by == caller.user_id)
    return where


def file_withheld(row: dict[str, Any]) -> bool:
    """The secretariat rejected the evidence and has not released its file to the public."""
    return row.get("review") == EvidenceReview.rejected and not row.get("file_released")


def may_download(caller: Caller, row: dict[str, Any]) -> bool:
    """Anyone may download the file of visible evidence unless it is withheld; the city's
    editors, the secretariat and whoever filed it always may."""
    if not file_withheld(row) or sees_everything_of(caller, row["city"]):
        return True
    return caller.user_id is not None and row.get("created_by") == caller.user_id


async def published_ids(ids: list[int]) -> set[int]:
    """Which of these pieces of evidence are public (one query)."""
    if not ids:
        return set()
    rows = await Evidence.select(Evidence.id).where(Evidence.id.is_in(sorted(set(ids))) & published())
    return {r["id"] for r in rows}
