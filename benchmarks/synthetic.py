"""Synthetic charters and cities for benchmarks, loaded with batched inserts in one transaction."""

from __future__ import annotations

import json
from datetime import date

PRINCIPLES, PER_PRINCIPLE, INDICATORS = 5, 8, 3  # 40 commitments, 120 indicators


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
    from charter.tables import Charter, City, Signature
    from commitments.tables import Adoption, Commitment, StatusUpdate
    from indicators.tables import (
        Evidence,
        Indicator,
        Measurement,
        MeasurementEvidence,
        Target,
        UpdateEvidence,
    )
    from kernel.db import write_transaction

    charter = await Charter.select().where(Charter.slug == charter_slug).first()
    commitments = await Commitment.select(Commitment.id, Commitment.code).where(
        Commitment.charter == charter["id"]
    )
    indicators = await Indicator.select(Indicator.id, Indicator.code, Indicator.commitment).where(
        Indicator.charter == charter["id"]
    )

    async def batched(table, rows, size=500):
        for start in range(0, len(rows), size):
            await table.insert(*rows[start : start + size])

    slugs = [f"{prefix}-{n:04d}" for n in range(count)]
    async with write_transaction():
        await batched(
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
        await batched(
            Signature,
            [
                Signature(
                    city=c["id"], charter=charter["id"], signed_on=date(2020, 1, 1), act="Council decision"
                )
                for c in cities
            ],
        )
        await batched(
            Adoption,
            [
                Adoption(
                    city=c["id"],
                    commitment=m["id"],
                    key=f"{c['slug']}/{charter_slug}/{m['code']}",
                    adopted_on=date(2020, 6, 1),
                    due_on=date(2027, 12, 31),
                    owner="Social affairs",
                )
                for c in cities
                for m in commitments
            ],
        )
        adoptions = await Adoption.select(Adoption.id, Adoption.city).where(
            Adoption.city.is_in([c["id"] for c in cities])
        )
        await batched(
            StatusUpdate,
            [
                StatusUpdate(
                    adoption=a["id"],
                    status="in_progress",
                    reported_on=date(2026, 3, 31),
                    note_md="Work goes on: **two** districts covered.",
                )
                for a in adoptions
            ],
        )
        await batched(
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
        await batched(
            Measurement,
            [
                Measurement(
                    city=c["id"],
                    indicator=i["id"],
                    period=str(first_year + y),
                    period_end=date(first_year + y, 12, 31),
                    value=100 + 12 * y,
                    value_text=str(100 + 12 * y),
                )
                for c in cities
                for i in indicators
                for y in range(periods)
            ],
            size=1000,
        )
        if evidence_per_commitment:
            await batched(
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
                    for k in range(evidence_per_commitment)
                ],
            )
            evidence = await Evidence.select(Evidence.id, Evidence.city, Evidence.url).where(
                Evidence.city.is_in([c["id"] for c in cities])
            )
            by_code: dict[tuple[int, str], list[int]] = {}
            for e in evidence:
                code = e["url"].split("/")[3]
                by_code.setdefault((e["city"], code), []).append(e["id"])
            updates = await StatusUpdate.select(
                StatusUpdate.id,
                StatusUpdate.adoption.city.as_alias("city"),
                StatusUpdate.adoption.commitment.code.as_alias("code"),
            ).where(StatusUpdate.adoption.is_in([a["id"] for a in adoptions]))
            await batched(
                UpdateEvidence,
                [
                    UpdateEvidence(update=u["id"], evidence=e)
                    for u in updates
                    for e in by_code[(u["city"], u["code"])]
                ],
            )
            last = await Measurement.select(
                Measurement.id, Measurement.city, Measurement.indicator.commitment.code.as_alias("code")
            ).where(
                Measurement.city.is_in([c["id"] for c in cities])
                & (Measurement.period == str(first_year + periods - 1))
            )
            await batched(
                MeasurementEvidence,
                [
                    MeasurementEvidence(measurement=m["id"], evidence=by_code[(m["city"], m["code"])][0])
                    for m in last
                ],
            )
        from indicators.standing import refresh

        await refresh([a["id"] for a in adoptions])
    return slugs
