"""Adoption services: a city takes on a commitment of a charter it has signed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import msgspec

from charter.choices import SignatureStatus
from charter.services import city_for_write, current_signature, get_charter_or_raise, get_city_or_raise
from commitments.schemas import AdoptionCreate, AdoptionRead, AdoptionUpdate
from commitments.tables import Adoption, Commitment
from kernel import clock
from kernel.caller import Caller
from kernel.db import audit, update_versioned, write_transaction
from kernel.errors import Conflict, FieldError, InvalidInput, NotFound
from kernel.text import normalize_code
from kernel.versions import Precondition, check_version


def adoption_key(city: str, charter: str, code: str) -> str:
    return f"{city}/{charter}/{code}"


async def get_commitment_or_raise(charter_slug: str, code: str) -> dict[str, Any]:
    """The commitment `code` of the charter; 404 naming both when there is none."""
    charter = await get_charter_or_raise(charter_slug)
    row = (
        await Commitment.select()
        .where((Commitment.charter == charter["id"]) & (Commitment.code == normalize_code(code)))
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound(f"Charter {charter_slug!r} has no commitment {code!r}.")
    return {**row, "charter_slug": charter["slug"], "charter_lang": charter["lang"]}


async def get_adoption_or_raise(city_slug: str, charter_slug: str, code: str) -> dict[str, Any]:
    """The city's adoption of that commitment (public)."""
    await get_city_or_raise(city_slug)
    key = adoption_key(city_slug, charter_slug, normalize_code(code))
    row = await Adoption.select().where(Adoption.key == key).first()
    if row is None:
        await get_commitment_or_raise(charter_slug, code)
        raise NotFound(f"{city_slug!r} has not adopted {charter_slug}/{code}.")
    return row


async def adoption_for_write(caller: Caller, city_slug: str, charter_slug: str, code: str) -> dict[str, Any]:
    """The adoption, found only within a city the caller may edit."""
    city = await city_for_write(caller, city_slug)
    row = await get_adoption_or_raise(city_slug, charter_slug, code)
    return {**row, "city_row": city}


def _check_adoption(adopted_on: date, due_on: date | None, owner: str | None) -> None:
    errors = []
    if adopted_on > clock.today():
        errors.append(FieldError("adopted_on", "Expected a date not after today."))
    if due_on and due_on < adopted_on:
        errors.append(FieldError("due_on", "Expected a date on or after adopted_on."))
    if owner is not None and len(owner) > 255:
        errors.append(FieldError("owner", "Expected at most 255 characters."))
    if errors:
        raise InvalidInput("The adoption's dates or owner are not valid.", errors)


async def update_adoption(
    caller: Caller,
    city_slug: str,
    charter_slug: str,
    code: str,
    data: AdoptionUpdate,
    precondition: Precondition,
) -> AdoptionRead:
    """Change the local due date or the owning unit, from the version the caller read: of two
    editors writing at once, exactly one wins and the other gets 412."""
    async with write_transaction():
        row = await adoption_for_write(caller, city_slug, charter_slug, code)
        key = row["key"]
        check_version(f"Adoption {key}", row["version"], precondition)
        before = {"due_on": row["due_on"], "owner": row["owner"]}
        after = dict(before)
        if data.due_on is not msgspec.UNSET:
            after["due_on"] = data.due_on
        if data.owner is not msgspec.UNSET:
            after["owner"] = data.owner.strip() if data.owner else None
        _check_adoption(row["adopted_on"], after["due_on"], after["owner"])
        await update_versioned(
            Adoption,
            row["id"],
            row["version"],
            {Adoption.due_on: after["due_on"], Adoption.owner: after["owner"]},
            f"Adoption {key}",
        )
        await audit(caller, "update", "adoption", key, before, after)
    code = key.rsplit("/", 1)[1]
    return AdoptionRead(
        charter_slug, code, row["adopted_on"], after["due_on"], after["owner"], row["version"] + 1
    )


async def adopt(
    caller: Caller, city_slug: str, data: AdoptionCreate, cited: Sequence[int] = ()
) -> AdoptionRead:
    """Record the adoption; the city must have a standing signature of the charter. `cited` are
    the ids of the evidence of the adoption (the council decision), already checked by the
    caller, which links them in the same transaction (`indicators.acts`): they are written in
    the adoption's audit row."""
    async with write_transaction():
        city = await city_for_write(caller, city_slug)
        commitment = await get_commitment_or_raise(data.charter, data.commitment)
        if await current_signature(city["id"], commitment["charter"]) != SignatureStatus.signed:
            raise Conflict(
                f"{city_slug!r} has no standing signature of {data.charter!r}; record the signature first.",
                [FieldError("charter", "Expected a charter the city has signed.")],
            )
        _check_adoption(data.adopted_on, data.due_on, data.owner)
        key = adoption_key(city_slug, data.charter, commitment["code"])
        if await Adoption.exists().where(Adoption.key == key):
            raise Conflict(f"{city_slug!r} has already adopted {data.charter}/{commitment['code']}.")
        owner = data.owner.strip() if data.owner else None
        await Adoption.insert(
            Adoption(
                city=city["id"],
                commitment=commitment["id"],
                key=key,
                adopted_on=data.adopted_on,
                due_on=data.due_on,
                owner=owner,
            )
        )
        read = AdoptionRead(
            data.charter, commitment["code"], data.adopted_on, data.due_on, owner, evidence=list(cited)
        )
        await audit(
            caller,
            "create",
            "adoption",
            key,
            None,
            {"adopted_on": data.adopted_on, "due_on": data.due_on, "owner": owner, "evidence": list(cited)},
        )
    return read
