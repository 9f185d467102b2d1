"""Synthetic charters and cities for benchmarks, loaded with batched inserts in one transaction."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

PRINCIPLES, PER_PRINCIPLE, INDICATORS = 5, 8, 3  # 40 commitments, 120 indicators
STATUSES = ("in_progress", "in_progress", "in_progress", "achieved", "not_started", "delayed", "withdrawn")
"""The statuses reported, one adoption after another: mostly in progress."""


def charter_document(
    slug: str = "bench",
    principles: int = PRINCIPLES,
    per_principle: int = PER_PRINCIPLE,
    indicators: int = INDICATORS,
) -> str:
    lines = [
        "---",
        f"slug: {slug}",
        "lang: en",
        "title: Benchmark charter",
        "issuer: Benchmark network",
        "---",
        "",
    ]
    for p in range(principles):
        lines += [f"## P{p}: Principle {p}", "", f"What principle {p} asks of cities.", ""]
        for c in range(per_principle):
            code = f"C{p}-{c:02d}"
            lines += [
                f"### {code}: Commitment {code} of the benchmark charter",
                "",
                "| code | indicator | unit | type | direction |",
                "|---|---|---|---|---|",
            ]
            lines += [
                f"| {code}-I{i} | Indicator {i} of {code} | persons | count | increase |"
                for i in range(indicators)
            ]
            lines.append("")
    return "\n".join(lines)


async def load_cities(
    charter_slug: str,
    count: int,
    *,
    periods: int,
    evidence_per_commitment: int = 0,
    prefix: str = "city",
    first_year: int = 2017,
) -> list[str]:
    """`count` cities that signed the charter and adopted all its commitments, with targets,
    a status update, `periods` yearly measurements per indicator and evidence."""
    from charter.tables import Charter
    from commitments.tables import Commitment
    from indicators.standing import refresh
    from indicators.tables import Indicator
    from kernel.db import write_transaction

    charter = await Charter.select().where(Charter.slug == charter_slug).first()
    commitments = await Commitment.select(Commitment.id, Commitment.code).where(
        Commitment.charter == charter["id"]
    )
    indicators = await Indicator.select(Indicator.id, Indicator.code, Indicator.commitment).where(
        Indicator.charter == charter["id"]
    )
    slugs = [f"{prefix}-{n:04d}" for n in range(count)]
    async with write_transaction():
        cities = await _signed_cities(slugs, charter["id"])
        adoptions = await _adopt_all(cities, commitments, charter_slug)
        await _set_targets(cities, indicators, charter_slug, first_year)
        await _measure(cities, indicators, periods, first_year)
        if evidence_per_commitment:
            last_period = str(first_year + periods - 1)
            await _cite_evidence(cities, commitments, adoptions, evidence_per_commitment, last_period)
        await refresh([a["id"] for a in adoptions])
    return slugs


async def _batched(table: Any, rows: list[Any], size: int = 500) -> None:
    for start in range(0, len(rows), size):
        await table.insert(*rows[start : start + size])


async def _signed_cities(slugs: list[str], charter_id: int) -> list[dict[str, Any]]:
    """A city for each slug, each a signatory of the charter."""
    from charter.tables import City, Signature

    await _batched(
        City,
        [
            City(
                slug=s,
                name=json.dumps({"en": s.title(), "ar": "مدينة"}),
                country="TN",
                locale="fr-TN",
                population=10_000 + n,
            )
            for n, s in enumerate(slugs)
        ],
    )
    cities = await City.select(City.id, City.slug).where(City.slug.is_in(slugs))
    await _batched(
        Signature,
        [
            Signature(city=c["id"], charter=charter_id, signed_on=date(2020, 1, 1), act="Council decision")
            for c in cities
        ],
    )
    return cities


async def _adopt_all(
    cities: list[dict[str, Any]], commitments: list[dict[str, Any]], charter_slug: str
) -> list[dict[str, Any]]:
    """Every city adopts every commitment and reports one status for each: due dates and
    statuses vary from one adoption to the next, as in a network (some overdue, some achieved,
    most in progress), so that no two neighbouring cells of a comparison are alike."""
    from commitments.tables import Adoption, StatusUpdate

    await _batched(
        Adoption,
        [
            Adoption(
                city=c["id"],
                commitment=m["id"],
                key=f"{c['slug']}/{charter_slug}/{m['code']}",
                adopted_on=date(2020, 6, 1),
                due_on=(None, date(2025, 12, 31), date(2027, 12, 31), date(2030, 6, 30))[(n + k) % 4],
                owner="Social affairs",
            )
            for n, c in enumerate(cities)
            for k, m in enumerate(commitments)
        ],
    )
    adoptions = await Adoption.select(Adoption.id, Adoption.city).where(
        Adoption.city.is_in([c["id"] for c in cities])
    )
    await _batched(
        StatusUpdate,
        [
            StatusUpdate(
                adoption=a["id"],
                status=STATUSES[a["id"] % len(STATUSES)],
                reported_on=date(2026, 3, 31),
                note_md="Work goes on: **two** districts covered.",
            )
            for a in adoptions
        ],
    )
    return adoptions


async def _set_targets(
    cities: list[dict[str, Any]], indicators: list[dict[str, Any]], charter_slug: str, first_year: int
) -> None:
    """Every city sets a target for every indicator, from a baseline in the first year."""
    from indicators.tables import Target

    await _batched(
        Target,
        [
            Target(
                city=c["id"],
                indicator=i["id"],
                key=f"{c['slug']}/{charter_slug}/{i['code']}",
                baseline=100,
                baseline_period=str(first_year),
                target=200,
                target_period="2027",
            )
            for c in cities
            for i in indicators
        ],
    )


async def _measure(
    cities: list[dict[str, Any]], indicators: list[dict[str, Any]], periods: int, first_year: int
) -> None:
    """Every city reports a value of every indicator for each of `periods` years."""
    from indicators.tables import Measurement

    await _batched(
        Measurement,
        [
            Measurement(
                city=c["id"],
                indicator=i["id"],
                period=str(first_year + y),
                period_end=date(first_year + y, 12, 31),
                value=100 + (12 + (n + k) % 37) * y,
                value_text=str(100 + (12 + (n + k) % 37) * y),
            )
            for n, c in enumerate(cities)
            for k, i in enumerate(indicators)
            for y in range(periods)
        ],
        size=1000,
    )


async def _cite_evidence(
    cities: list[dict[str, Any]],
    commitments: list[dict[str, Any]],
    adoptions: list[dict[str, Any]],
    per_commitment: int,
    last_period: str,
) -> None:
    """`per_commitment` pieces of evidence per city and commitment: each status update cites all
    of its commitment's, each value of the last period the first of them."""
    from commitments.tables import StatusUpdate
    from indicators.tables import Measurement, MeasurementEvidence, UpdateEvidence

    by_code = await _file_evidence(cities, commitments, per_commitment)
    updates = await StatusUpdate.select(
        StatusUpdate.id,
        StatusUpdate.adoption.city.as_alias("city"),
        StatusUpdate.adoption.commitment.code.as_alias("code"),
    ).where(StatusUpdate.adoption.is_in([a["id"] for a in adoptions]))
    await _batched(
        UpdateEvidence,
        [
            UpdateEvidence(update=u["id"], evidence=e)
            for u in updates
            for e in by_code[(u["city"], u["code"])]
        ],
    )
    last = await Measurement.select(
        Measurement.id, Measurement.city, Measurement.indicator.commitment.code.as_alias("code")
    ).where(Measurement.city.is_in([c["id"] for c in cities]) & (Measurement.period == last_period))
    await _batched(
        MeasurementEvidence,
        [MeasurementEvidence(measurement=m["id"], evidence=by_code[(m["city"], m["code"])][0]) for m in last],
    )


async def _file_evidence(
    cities: list[dict[str, Any]], commitments: list[dict[str, Any]], per_commitment: int
) -> dict[tuple[int, str], list[int]]:
    """The evidence filed, by city and commitment code: `per_commitment` links for each."""
    from indicators.tables import Evidence

    await _batched(
        Evidence,
        [
            Evidence(
                city=c["id"],
                title=f"Evidence {k} for {m['code']}",
                kind="report",
                issued_on=date(2025, 3, 1),
                url=f"https://{c['slug']}.example/{m['code']}/{k}.pdf",
            )
            for c in cities
            for m in commitments
            for k in range(per_commitment)
        ],
    )
    evidence = await Evidence.select(Evidence.id, Evidence.city, Evidence.url).where(
        Evidence.city.is_in([c["id"] for c in cities])
    )
    by_code: dict[tuple[int, str], list[int]] = {}
    for e in evidence:
        code = e["url"].split("/")[3]
        by_code.setdefault((e["city"], code), []).append(e["id"])
    return by_code
