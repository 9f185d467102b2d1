"""Bulk load and per-city commitment list, on SQLite and PostgreSQL, measured side by side.

Loads 200 cities × 40 adopted commitments × 3 indicators × 8 measurements (192,000 measurements)
with batched inserts in one transaction, then times `GET /cities/{city}/commitments` (the service
behind it) for every city. For comparison it also loads one more city through the services, one
audited write at a time. Run: `.venv/bin/python benchmarks/load_speed.py [--cities 200]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import INDICATORS, PER_PRINCIPLE, PRINCIPLES, charter_document, load_cities  # noqa: E402 (after the sys.path line above)

YEARS = 8


async def run(engine_name: str, cities: int) -> dict[str, float]:
    """The figures of one engine, on a fresh database: the bulk load of `cities` cities, the
    commitment list of each, and one more city written through the services."""
    from commitments.tables import Commitment
    from exports.charter_documents import import_document
    from indicators.tables import Indicator, Measurement
    from kernel.caller import SYSTEM

    engine = await _fresh_database(engine_name)
    await import_document(SYSTEM, charter_document())
    commitments = await Commitment.select(Commitment.id, Commitment.code).where(
        Commitment.charter.slug == "bench"
    )
    indicators = await Indicator.select(Indicator.id, Indicator.code).where(Indicator.charter.slug == "bench")

    started = time.perf_counter()
    slugs = await load_cities("bench", cities, periods=YEARS)
    bulk = time.perf_counter() - started
    measurements = await Measurement.count()
    timings = await _list_timings(slugs, len(commitments))
    writes, service = await _one_city_by_service(commitments, indicators)
    if engine_name == "postgres":
        await engine.close_connection_pool()
    timings.sort()
    return {
        "measurements": measurements,
        "bulk_s": bulk,
        "bulk_rows_per_s": measurements / bulk,
        "list_median_ms": statistics.median(timings) * 1000,
        "list_p95_ms": timings[int(len(timings) * 0.95)] * 1000,
        "service_writes": writes,
        "service_s": service,
        "service_writes_per_s": writes / service,
    }


async def _fresh_database(engine_name: str) -> Any:
    """The engine, its database migrated from empty (PostgreSQL's schema dropped first)."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from kernel.db import get_engine

    engine = get_engine()
    if engine_name == "postgres":
        await engine._run_in_new_connection("DROP SCHEMA public CASCADE")
        await engine._run_in_new_connection("CREATE SCHEMA public")
        await engine.start_connection_pool(min_size=1, max_size=4)
    with contextlib.redirect_stdout(io.StringIO()):
        await run_forwards("all")
    return engine


async def _list_timings(slugs: list[str], commitments: int) -> list[float]:
    """Seconds to list each city's commitments, in the order of the cities."""
    from indicators.city_view import list_city_commitments

    timings = []
    for slug in slugs:
        t0 = time.perf_counter()
        listed = await list_city_commitments(slug, None)
        timings.append(time.perf_counter() - t0)
        assert len(listed) == commitments
    return timings


async def _one_city_by_service(
    commitments: list[dict[str, Any]], indicators: list[dict[str, Any]]
) -> tuple[int, float]:
    """One more city through the services, each write audited in its own transaction: how many
    writes, in how many seconds."""
    from charter.schemas import CityCreate, SignatureCreate
    from charter.services import create_city, create_signature
    from commitments.schemas import AdoptionCreate
    from commitments.services import adopt
    from indicators.measurements import add_measurement
    from indicators.schemas import MeasurementCreate, TargetSet
    from indicators.targets import set_target
    from kernel.caller import SYSTEM
    from kernel.versions import ANY_VERSION

    t0 = time.perf_counter()
    await create_city(SYSTEM, CityCreate(slug="by-service", name="By service", country="TN", locale="fr-TN"))
    await create_signature(SYSTEM, "by-service", SignatureCreate(charter="bench", signed_on=date(2020, 1, 1)))
    writes = 2
    for m in commitments:
        await adopt(
            SYSTEM,
            "by-service",
            AdoptionCreate(charter="bench", commitment=m["code"], adopted_on=date(2020, 6, 1)),
        )
        writes += 1
    for i in indicators:
        code = i["code"]
        await set_target(
            SYSTEM, "by-service", "bench", code, TargetSet(target=200, baseline=100), ANY_VERSION
        )
        for y in range(YEARS):
            await add_measurement(
                SYSTEM,
                "by-service",
                "bench",
                code,
                MeasurementCreate(period=str(2017 + y), value=100 + 10 * y),
            )
        writes += 1 + YEARS
    return writes, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cities", type=int, default=200)
    parser.add_argument("--engine", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/bench")
    args = parser.parse_args()
    if args.engine:
        print(json.dumps(asyncio.run(run(args.engine, args.cities))))
        return
    if "bench" in args.postgres_url.rsplit("/", 1)[-1]:
        subprocess.run(
            ["psql", args.postgres_url.rsplit("/", 1)[0] + "/postgres", "-qc", "CREATE DATABASE bench"],
            capture_output=True,
            check=False,
        )
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, url in (("sqlite", f"sqlite:///{tmp}/bench.db"), ("postgres", args.postgres_url)):
            out = subprocess.run(
                [sys.executable, __file__, "--engine", name, "--cities", str(args.cities)],
                env={**os.environ, "DATABASE_URL": url},
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            results[name] = json.loads(out.stdout.strip().splitlines()[-1])
    s, p = results["sqlite"], results["postgres"]
    print(
        f"{args.cities} cities × {PRINCIPLES * PER_PRINCIPLE} commitments × {INDICATORS} indicators × "
        f"{YEARS} periods = {s['measurements']} measurements"
    )
    print(f"{'':34}{'SQLite':>12}{'PostgreSQL':>12}{'PG/SQLite':>11}")
    for label, key, fmt in (
        ("bulk load (s)", "bulk_s", "{:.2f}"),
        ("bulk load (measurements/s)", "bulk_rows_per_s", "{:,.0f}"),
        ("city commitment list, median (ms)", "list_median_ms", "{:.1f}"),
        ("city commitment list, p95 (ms)", "list_p95_ms", "{:.1f}"),
        ("one city via services (s)", "service_s", "{:.2f}"),
        ("audited writes via services (/s)", "service_writes_per_s", "{:,.0f}"),
    ):
        print(f"{label:34}{fmt.format(s[key]):>12}{fmt.format(p[key]):>12}{p[key] / s[key]:>10.2f}x")
    for name, r in results.items():
        print(
            f"{name}: bulk path is {r['bulk_rows_per_s'] / r['service_writes_per_s']:.0f}× the "
            f"per-write service path ({r['service_writes']} audited writes for one city)"
        )


if __name__ == "__main__":
    main()
