"""A city's acts of commitment with their proof: signing a charter and adopting its commitments,
each by a decision (a council deliberation, the mayor's signature) that can be filed as evidence
in the same transaction as the act. Signatures and adoptions themselves are recorded by
`charter` and `commitments`; this module owns what links them to the evidence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

import msgspec

from charter.schemas import SignatureCreate, SignatureRead
from charter.services import city_for_write, create_signature
from commitments.schemas import AdoptionCreate, AdoptionRead, AdoptionUpdate
from commitments.services import adopt, update_adoption
from commitments.tables import Adoption
from indicators.evidence import NewEvidence, check_cited, file_new_evidence
from indicators.tables import AdoptionEvidence, SignatureEvidence
from kernel.caller import Caller
from kernel.db import write_transaction
from kernel.errors import FieldError, InvalidInput
from kernel.schemas import Name, RowRef
from kernel.versions import Precondition


class SigningCreate(SignatureCreate, forbid_unknown_fields=True):
    """A signature act and the evidence on file it cites (ids of the city's own evidence)."""

    evidence: list[RowRef] = msgspec.field(default_factory=list)


class AdoptingCreate(AdoptionCreate, forbid_unknown_fields=True):
    """An adoption and the evidence on file of the decision (ids of the city's own evidence)."""

    evidence: list[RowRef] = msgspec.field(default_factory=list)


class Adopting(msgspec.Struct):
    """One commitment taken on in a decision that adopts several: its code, the date it is due
    locally and the department that owns it."""

    commitment: str
    due_on: date | None = None
    owner: Name | None = None


async def _cite(
    caller: Caller, city_slug: str, evidence: Sequence[int], new_evidence: Sequence[NewEvidence]
) -> list[int]:
    """The evidence an act cites: files or links filed now, then checked with those on file."""
    city = await city_for_write(caller, city_slug)
    filed = [(await file_new_evidence(caller, city_slug, item)).id for item in new_evidence]
    return await check_cited(city["id"], [*evidence, *filed])


async def sign(
    caller: Caller, city_slug: str, data: SigningCreate, new_evidence: Sequence[NewEvidence] = ()
) -> SignatureRead:
    """Record a signature act (or the withdrawal of a signature) citing its decision: the evidence
    named in `data` and `new_evidence`, filed in the same transaction (all of it, or none)."""
    async with write_transaction():
        cited = await _cite(caller, city_slug, data.evidence, new_evidence)
        plain = SignatureCreate(data.charter, data.signed_on, data.act, data.status)
        read = await create_signature(caller, city_slug, plain, cited)
        if cited:
            await SignatureEvidence.insert(*(SignatureEvidence(signature=read.id, evidence=e) for e in cited))
    return read


async def adopt_with_evidence(
    caller: Caller, city_slug: str, data: AdoptingCreate, new_evidence: Sequence[NewEvidence] = ()
) -> AdoptionRead:
    """Adopt one commitment citing the evidence of the decision: the evidence named in `data` and
    `new_evidence`, filed in the same transaction (all of it, or none)."""
    async with write_transaction():
        cited = await _cite(caller, city_slug, data.evidence, new_evidence)
        plain = AdoptionCreate(data.charter, data.commitment, data.adopted_on, data.due_on, data.owner)
        read = await adopt(caller, city_slug, plain, cited)
        await _link(city_slug, data.charter, [read], cited)
    return read


async def adopt_several(
    caller: Caller,
    city_slug: str,
    charter_slug: str,
    adopted_on: date,
    items: Sequence[Adopting],
    evidence: Sequence[int] = (),
    new_evidence: Sequence[NewEvidence] = (),
) -> list[AdoptionRead]:
    """Adopt several commitments of one charter by one decision, dated `adopted_on`: every
    adoption cites the same evidence. All of them are recorded, or none (a refused one names its
    place in `items`, `commitments[2].due_on`)."""
    if not items:
        raise InvalidInput(
            "Choose at least one commitment to adopt.",
            [FieldError("commitments", "Expected at least one commitment.")],
        )
    async with write_transaction():
        cited = await _cite(caller, city_slug, evidence, new_evidence)
        reads = []
        for number, item in enumerate(items):
            data = AdoptionCreate(charter_slug, item.commitment, adopted_on, item.due_on, item.owner)
            try:
                reads.append(await adopt(caller, city_slug, data, cited))
            except InvalidInput as exc:
                exc.errors = [FieldError(f"commitments[{number}].{e.field}", e.message) for e in exc.errors]
                raise
        await _link(city_slug, charter_slug, reads, cited)
    return reads


async def _link(city_slug: str, charter_slug: str, reads: Sequence[AdoptionRead], cited: list[int]) -> None:
    """Link the adoptions just recorded to the evidence of their decision."""
    if not cited:
        return
    keys = [f"{city_slug}/{charter_slug}/{r.commitment}" for r in reads]
    rows = await Adoption.select(Adoption.id, Adoption.key).where(Adoption.key.is_in(keys))
    ids = {r["key"]: r["id"] for r in rows}
    await AdoptionEvidence.insert(
        *(AdoptionEvidence(adoption=ids[key], evidence=e) for key in keys for e in cited)
    )


async def change_adoption(
    caller: Caller,
    city_slug: str,
    charter_slug: str,
    code: str,
    data: AdoptionUpdate,
    precondition: Precondition,
) -> AdoptionRead:
    """Change the adoption's due date or owner (`commitments.services.update_adoption`); the
    answer names the evidence of the decision, which does not change."""
    read = await update_adoption(caller, city_slug, charter_slug, code, data, precondition)
    key = f"{city_slug}/{charter_slug}/{read.commitment}"
    read.evidence = (await adoption_evidence([key])).get(key, [])
    return read


async def adoption_evidence(keys: Sequence[str]) -> dict[str, list[int]]:
    """Adoption key (`city/charter/code`) → ids of the evidence of its decision."""
    out: dict[str, list[int]] = defaultdict(list)
    if keys:
        rows = (
            await AdoptionEvidence.select(
                AdoptionEvidence.adoption._.key.as_alias("key"), AdoptionEvidence.evidence
            )
            .where(AdoptionEvidence.adoption._.key.is_in(list(keys)))
            .order_by(AdoptionEvidence.evidence)
        )
        for row in rows:
            out[row["key"]].append(row["evidence"])
    return out
