"""Builders: rows made through the real services, with only the fields a test cares about."""

from __future__ import annotations

from pathlib import Path

from accounts.services import add_user, issue_token
from charter.schemas import CityCreate, SignatureCreate
from charter.services import create_city, create_signature
from exports.charter_documents import import_document
from kernel.caller import SYSTEM

CHARTER_MD = """---
slug: lampedusa
lang: en
title: Lampedusa Charter
issuer: UCLG
adopted_on: 2022-10-11
---

Cities commit to dignity and equity.

## DIG: Dignity

Ensure the dignity and protection of all persons.

### LAM-DIG-01: Free legal advice for every resident

| code | indicator | unit | type | direction |
|---|---|---|---|---|
| LAM-DIG-01-I1 | Residents receiving free legal consultations | persons/year | count | increase |
| LAM-DIG-01-I2 | Median days to a first appointment | days | days | decrease |

### LAM-DIG-02: Administrative domiciliation within 15 days

## EQU: Equity

### LAM-EQU-01: Universal access to basic services

| code | indicator | unit | type | direction |
|---|---|---|---|---|
| LAM-EQU-01-I1 | Services open without residence proof | % | percent | increase |
"""

DEMO_CHARTERS = Path(__file__).resolve().parent.parent / "tracker" / "demo" / "charters"


async def charter(source: str = CHARTER_MD) -> str:
    result = await import_document(SYSTEM, source)
    return result["slug"]


async def city(
    slug: str = "grenoble",
    locale: str = "fr-FR",
    country: str = "FR",
    name: str | dict[str, str] | None = None,
) -> str:
    await create_city(
        SYSTEM, CityCreate(slug=slug, name=name or slug.title(), country=country, locale=locale)
    )
    return slug


async def signed(city_slug: str, charter_slug: str = "lampedusa") -> None:
    from datetime import date

    await create_signature(
        SYSTEM,
        city_slug,
        SignatureCreate(charter=charter_slug, signed_on=date(2022, 12, 18), act="Council decision 2022-118"),
    )


async def token(
    role: str, city_slug: str | None = None, email: str | None = None, organisation: str | None = None
) -> str:
    email = email or f"{role}-{city_slug or 'x'}@example.org"
    await add_user(SYSTEM, email, role, city_slug, organisation=organisation)
    return await issue_token(SYSTEM, email)


def bearer(value: str, if_match: str | None = None) -> dict[str, str]:
    """Headers of a request with that token (and an `If-Match`, for writes on versioned items)."""
    headers = {"Authorization": f"Bearer {value}"}
    if if_match is not None:
        headers["If-Match"] = if_match
    return headers


async def adopted(
    city_slug: str = "grenoble", code: str = "LAM-DIG-01", charter_slug: str = "lampedusa"
) -> None:
    """A city that has signed the charter and adopted one commitment."""
    from datetime import date

    from commitments.schemas import AdoptionCreate
    from commitments.services import adopt
    from kernel.caller import SYSTEM

    await adopt(
        SYSTEM,
        city_slug,
        AdoptionCreate(
            charter=charter_slug,
            commitment=code,
            adopted_on=date(2023, 1, 15),
            due_on=date(2025, 12, 31),
            owner="Legal affairs",
        ),
    )


async def editor_with_adoption(city_slug: str = "grenoble", locale: str = "fr-FR") -> str:
    """The usual set-up: the charter, a city that signed and adopted LAM-DIG-01, its editor's token."""
    from charter.tables import Charter

    if not await Charter.exists().where(Charter.slug == "lampedusa"):
        await charter()
    await city(city_slug, locale=locale)
    await signed(city_slug)
    await adopted(city_slug)
    return await token("city_editor", city_slug)


async def kept_and_recomputed_standings(charter_slug: str = "lampedusa") -> tuple[list[dict], list[dict]]:
    """The standings the writes kept, and the same standings recomputed from every claim (row ids
    left out): a write that kept its standing right leaves the two equal."""
    from charter.tables import Charter
    from indicators.standing import refresh_charter
    from indicators.tables import AdoptionStanding
    from kernel.db import write_transaction

    kept = await AdoptionStanding.select().order_by(AdoptionStanding.adoption)
    charter_row = await Charter.select(Charter.id).where(Charter.slug == charter_slug).first()
    async with write_transaction():
        await refresh_charter(charter_row["id"])
    rebuilt = await AdoptionStanding.select().order_by(AdoptionStanding.adoption)
    return [_without_id(r) for r in kept], [_without_id(r) for r in rebuilt]


def _without_id(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "id"}
