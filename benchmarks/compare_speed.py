"""Comparison and import speed, on SQLite and PostgreSQL side by side.

1 000 signatory cities × 100 adopted commitments (one indicator each, a target, a status update and
two yearly values): the matrix by principle and by commitment, and adoption over time (warm,
median of 5): computed (the first read after a write), then kept in memory since. Then one
city's workbook of 100 000 monthly values (100 indicators × 1 000 months): upload to preview,
and commit, end to end.
Run: `.venv/bin/python benchmarks/compare_speed.py [--cities 1000] [--rows 100000]`.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PRINCIPLES, PER_PRINCIPLE, PERIODS = 5, 20, 2


async def timed(call, runs: int, *, kept: bool = False) -> float:
    """Median milliseconds of `call()`, warm (database caches, query plans, connections); the
    reads kept in memory are dropped before each call unless `kept`."""
    from kernel.read_cache import forget_reads

    await call()
    times = []
    for _ in range(runs):
        if not kept:
            forget_reads()
        t0 = time.perf_counter()
        await call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def workbook(city: str, codes: list[str], rows: int) -> bytes:
    """A workbook in the template's shape with `rows` monthly values for `city`."""
    import io as _io

    from openpyxl import Workbook

    from exports.spreadsheet_template import SHEETS

    book = Workbook(write_only=True)
    sheet = book.create_sheet("measurements")
    sheet.append(SHEETS["measurements"])
    months = rows // len(codes) + 1
    written = 0
    for code in codes:
        for m in range(months):
            if written == rows:
                break
            year, month = 1900 + m // 12, m % 12 + 1
            sheet.append([city, "bench", code, "", "", f"{year}-{month:02d}", 100 + m % 50, None])
            written += 1
    out = _io.BytesIO()
    book.save(out)
    return out.getvalue()


async def run(engine_name: str, cities: int, runs: int, rows: int) -> dict:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from benchmarks.synthetic import charter_document, load_cities
    from commitments.tables import Adoption
    from exports.charter_documents import import_document
    from exports.comparison import adoption_over_time, comparison
    from indicators.tables import Measurement
    from kernel.caller import SYSTEM
    from kernel.db import get_engine

    engine = get_engine()
    if engine_name == "postgres":
        await engine._run_in_new_connection("DROP SCHEMA public CASCADE")
        await engine._run_in_new_connection("CREATE SCHEMA public")
        await engine.start_connection_pool(min_size=1, max_size=4)
    with contextlib.redirect_stdout(io.StringIO()):
        await run_forwards("all")
    await import_document(SYSTEM, charter_document("bench", PRINCIPLES, PER_PRINCIPLE, 1))
    t0 = time.perf_counter()
    for start in range(0, cities, 100):  # in slices: one transaction per 100 cities
        await load_cities("bench", min(100, cities - start), periods=PERIODS, prefix=f"c{start:05d}")
    load_s = time.perf_counter() - t0
    if engine_name == "postgres":
        await engine._run_in_new_connection("ANALYZE")
    read = await comparison("bench")
    assert len(read.rows) == cities and len(read.columns) == PRINCIPLES
    result = {
        "adoptions": await Adoption.count(),
        "measurements": await Measurement.count(),
        "load_s": load_s,
        "principle_ms": await timed(lambda: comparison("bench"), runs),
        "commitment_ms": await timed(lambda: comparison("bench", level="commitment"), runs),
        "principle_kept_ms": await timed(lambda: comparison("bench"), runs, kept=True),
        "commitment_kept_ms": await timed(lambda: comparison("bench", level="commitment"), runs, kept=True),
        "over_time_ms": await timed(lambda: adoption_over_time("bench"), runs),
    }
    from exports.spreadsheet_imports import commit_import, preview_import
    from indicators.tables import Indicator

    codes = [
        r["code"] for r in await Indicator.select(Indicator.code).where(Indicator.charter.slug == "bench")
    ]
    content = workbook("c00000-0000", codes, rows)
    t0 = time.perf_counter()
    preview = await preview_import(SYSTEM, "c00000-0000", "bench", content, "bench.xlsx")
    t1 = time.perf_counter()
    assert preview.errors_total == 0 and preview.changes_total == rows, preview.errors[:3]
    applied = await commit_import(SYSTEM, preview.id)
    t2 = time.perf_counter()
    assert applied.applied["measurement"] == rows
    result |= {
        "rows": rows,
        "xlsx_mb": len(content) / 1e6,
        "preview_s": t1 - t0,
        "commit_s": t2 - t1,
        "import_s": t2 - t0,
    }
    if engine_name == "postgres":
        await engine.close_connection_pool()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cities", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--engine", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/bench")
    args = parser.parse_args()
    if args.engine:
        print(json.dumps(asyncio.run(run(args.engine, args.cities, args.runs, args.rows))))
        return
    subprocess.run(
        ["psql", args.postgres_url.rsplit("/", 1)[0] + "/postgres", "-qc", "CREATE DATABASE bench"],
        capture_output=True,
        check=False,
    )
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, url in (("sqlite", f"sqlite:///{tmp}/bench.db"), ("postgres", args.postgres_url)):
            command = [
                sys.executable,
                __file__,
                "--engine",
                name,
                "--cities",
                str(args.cities),
                "--runs",
                str(args.runs),
                "--rows",
                str(args.rows),
            ]
            out = subprocess.run(
                command,
                env={**os.environ, "DATABASE_URL": url, "UPLOAD_DIR": f"{tmp}/up"},
                stdout=subprocess.PIPE,
                text=True,
                check=True,
                cwd=ROOT,
            )
            results[name] = json.loads(out.stdout.strip().splitlines()[-1])
    s, p = results["sqlite"], results["postgres"]
    print(
        f"{args.cities} cities × {PRINCIPLES * PER_PRINCIPLE} commitments: {s['adoptions']:,} adoptions, "
        f"{s['measurements']:,} measurements (warm, median of {args.runs})"
    )
    print(f"{'':36}{'SQLite':>10}{'PostgreSQL':>12}{'PG/SQLite':>11}")
    for label, key in (
        ("load, bulk (s)", "load_s"),
        ("comparison by principle (ms)", "principle_ms"),
        ("comparison by commitment (ms)", "commitment_ms"),
        ("  the same, kept since (ms)", "principle_kept_ms"),
        ("  by commitment, kept since (ms)", "commitment_kept_ms"),
        ("adoption over time (ms)", "over_time_ms"),
    ):
        print(f"{label:36}{s[key]:>10.1f}{p[key]:>12.1f}{p[key] / s[key]:>10.2f}x")
    print(f"\nimport of {s['rows']:,} values in one workbook ({s['xlsx_mb']:.1f} MB)")
    for label, key in (
        ("upload → preview (s)", "preview_s"),
        ("commit (s)", "commit_s"),
        ("end to end (s)", "import_s"),
    ):
        print(f"{label:36}{s[key]:>10.1f}{p[key]:>12.1f}{p[key] / s[key]:>10.2f}x")


if __name__ == "__main__":
    main()
