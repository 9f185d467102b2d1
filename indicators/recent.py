"""Published claims across cities, as the public reads them in a list: the latest status updates
and values, and the claims that challenges are about, each told by its city, the commitment (and
indicator) it concerns, what it says and how far it can be trusted. Drafts never appear here."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec

from charter.tables import Signature
from commitments.tables import StatusUpdate
from indicators.assurance import assurance_of
from indicators.claims import CLAIM_TABLES, challenges_of
from indicators.tables import Measurement
from kernel.claim_ids import Assurance, claim_id, parse_claim_id
from kernel.db import json_value
from kernel.errors import NotFound
from kernel.text import language_of, pick, picked_language


class ClaimLine(msgspec.Struct, kw_only=True):
    """A published claim in a list across cities. Texts are in the asked language where they
    exist; `*_lang` says which language each text is in (it differs from the one asked when the
    text falls back to the city's or the charter's language)."""

    claim_id: str
    kind: str
    city: str
    city_name: str
    city_name_lang: str | None
    charter: str
    commitment: str | None = None
    commitment_title: str | None = None
    commitment_title_lang: str | None = None
    indicator: str | None = None
    indicator_title: str | None = None
    indicator_title_lang: str | None = None
    unit: str | None = None
    status: str | None = None
    period: str | None = None
    value_text: str | None = None
    claimed_on: date | None = None
    """The date the claim speaks of: a status's date, the end of a value's period, a signature's."""
    published_at: datetime | None = None
    note_md: str | None = None
    assurance: Assurance = Assurance.self_reported


def _status_query():
    adoption = StatusUpdate.adoption
    return StatusUpdate.select(
        *StatusUpdate.all_columns(),
        adoption._.city._.slug.as_alias("city_slug"),
        adoption._.city._.name.as_alias("city_names"),
        adoption._.city._.locale.as_alias("city_locale"),
        adoption._.commitment._.code.as_alias("commitment_code"),
        adoption._.commitment._.title.as_alias("commitment_titles"),
        adoption._.commitment._.charter._.slug.as_alias("charter_slug"),
        adoption._.commitment._.charter._.lang.as_alias("charter_lang"),
    ).where(StatusUpdate.draft.eq(False))


def _measurement_query():
    indicator = Measurement.indicator
    return Measurement.select(
        *Measurement.all_columns(),
        Measurement.city._.slug.as_alias("city_slug"),
        Measurement.city._.name.as_alias("city_names"),
        Measurement.city._.locale.as_alias("city_locale"),
        indicator._.code.as_alias("indicator_code"),
        indicator._.title.as_alias("indicator_titles"),
        indicator._.unit.as_alias("unit"),
        indicator._.commitment._.code.as_alias("commitment_code"),
        indicator._.commitment._.title.as_alias("commitment_titles"),
        indicator._.charter._.slug.as_alias("charter_slug"),
        indicator._.charter._.lang.as_alias("charter_lang"),
    ).where(Measurement.draft.eq(False))


def _signature_query():
    return Signature.select(
        *Signature.all_columns(),
        Signature.city._.slug.as_alias("city_slug"),
        Signature.city._.name.as_alias("city_names"),
        Signature.city._.locale.as_alias("city_locale"),
        Signature.charter._.slug.as_alias("charter_slug"),
        Signature.charter._.lang.as_alias("charter_lang"),
    ).where(Signature.draft.eq(False))


_QUERIES = {"status_update": _status_query, "measurement": _measurement_query, "signature": _signature_query}


async def recent_claims(lang: str | None, limit: int = 10) -> list[ClaimLine]:
    """The status updates and values published last, across cities, newest first (by the time
    they were published, then by the date they speak of)."""
    statuses = (
        await _status_query()
        .order_by(StatusUpdate.published_at, ascending=False)
        .order_by(StatusUpdate.reported_on, ascending=False)
        .order_by(StatusUpdate.id, ascending=False)
        .limit(limit)
    )
    values = (
        await _measurement_query()
        .order_by(Measurement.published_at, ascending=False)
        .order_by(Measurement.period_end, ascending=False)
        .order_by(Measurement.id, ascending=False)
        .limit(limit)
    )
    lines = await _lines("status_update", statuses, lang) + await _lines("measurement", values, lang)
    lines.sort(key=lambda c: (c.published_at or datetime.min, c.claimed_on or date.min), reverse=True)
    return lines[:limit]


async def describe_claims(claim_ids: list[str], lang: str | None) -> dict[str, ClaimLine]:
    """The published claims these ids name, by id; an id that names no published claim (or no
    claim at all) is left out."""
    wanted: dict[str, list[int]] = {}
    for text in claim_ids:
        try:
            kind, row_id = parse_claim_id(text)
        except NotFound:
            continue
        wanted.setdefault(kind, []).append(row_id)
    out: dict[str, ClaimLine] = {}
    for kind, ids in wanted.items():
        table = CLAIM_TABLES[kind]
        rows = await _QUERIES[kind]().where(table.id.is_in(ids))
        out |= {line.claim_id: line for line in await _lines(kind, rows, lang)}
    return out


async def _lines(kind: str, rows: list[dict[str, Any]], lang: str | None) -> list[ClaimLine]:
    """Each row as a line, with its assurance: corrected by a published claim, verified,
    challenged."""
    if not rows:
        return []
    table = CLAIM_TABLES[kind]
    ids = [r["id"] for r in rows]
    corrected = {
        r["supersedes"]
        for r in await table.select(table.supersedes).where(
            table.supersedes.is_in(ids) & table.draft.eq(False)
        )
    }
    challenges = await challenges_of([claim_id(kind, i) for i in ids])
    return [
        _line(kind, r, lang, r["id"] in corrected, challenges.get(claim_id(kind, r["id"]), [])) for r in rows
    ]


def _line(
    kind: str, row: dict[str, Any], lang: str | None, corrected: bool, challenges: list[dict[str, Any]]
) -> ClaimLine:
    names = json_value(row["city_names"])
    city_lang = language_of(row["city_locale"])
    base = row["charter_lang"]
    commitment_titles = json_value(row.get("commitment_titles"))
    indicator_titles = json_value(row.get("indicator_titles"))
    return ClaimLine(
        claim_id=claim_id(kind, row["id"]),
        kind=kind,
        city=row["city_slug"],
        city_name=pick(names, lang, city_lang),
        city_name_lang=picked_language(names, lang, city_lang),
        charter=row["charter_slug"],
        commitment=row.get("commitment_code"),
        commitment_title=pick(commitment_titles, lang, base) if commitment_titles else None,
        commitment_title_lang=picked_language(commitment_titles, lang, base),
        indicator=row.get("indicator_code"),
        indicator_title=pick(indicator_titles, lang, base) if indicator_titles else None,
        indicator_title_lang=picked_language(indicator_titles, lang, base),
        unit=row.get("unit"),
        status=row.get("status"),
        period=row.get("period"),
        value_text=row.get("value_text"),
        claimed_on=row.get("reported_on") or row.get("period_end") or row.get("signed_on"),
        published_at=row.get("published_at"),
        note_md=row.get("note_md"),
        assurance=assurance_of(
            verified=row.get("verified_at") is not None,
            superseded=corrected,
            challenges=[(c["status"], c["outcome"]) for c in challenges],
        ),
    )
