"""City report speed: the demo city with the most commitments and a synthetic large city
(5 principles × 8 commitments × 3 indicators × 6 measurements, 3 evidence each), rendered warm
(median of 5, the first run not counted) three ways, beside a plain WeasyPrint rendering of the
same HTML in the same run: with nothing kept (in one process, and in two workers rendering the
report's sections at once as the API does), after one value of one principle was corrected
(the report as the API serves it: context, the sections that changed, the join), and asked for
again with nothing written (from the cache). Then a cold `charter-tracker report`, and a batch
of 100 synthetic cities with --jobs 1 and --jobs 2, side by side.
Run: `.venv/bin/python benchmarks/report_speed.py`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


async def setup(batch: int) -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from benchmarks.synthetic import charter_document, load_cities
    from exports.charter_documents import import_document
    from kernel.caller import SYSTEM
    from tracker.demo import load_demo

    with contextlib.redirect_stdout(io.StringIO()):
        await run_forwards("all")
    await load_demo()
    await import_document(SYSTEM, charter_document())
    await load_cities("bench", 1, periods=6, evidence_per_commitment=3, prefix="large", first_year=2020)
    await load_cities("bench", batch, periods=6, evidence_per_commitment=3, prefix="batch", first_year=2020)


async def correct_one_value(city: str, charter: str, n: int) -> None:
    """Correct the city's latest published value of the charter, as a city officer does through
    the API (audited, in one transaction): one count of one principle changes."""
    from charter.tables import City
    from indicators.measurements import add_measurement
    from indicators.schemas import MeasurementCreate
    from indicators.tables import Measurement
    from kernel.caller import SYSTEM
    from kernel.claim_ids import claim_id

    city_id = (await City.select(City.id).where(City.slug == city).first())["id"]
    latest = (
        await Measurement.select(Measurement.id, Measurement.indicator.code, Measurement.period)
        .where(
            (Measurement.city == city_id)
            & (Measurement.indicator.charter.slug == charter)
            & (Measurement.draft == False)  # noqa: E712 (a column compared, not a value)
            & Measurement.indicator.value_kind.is_in(["count", "days", "amount"])
        )
        .order_by(Measurement.id, ascending=False)
        .first()
    )
    data = MeasurementCreate(
        period=latest["period"], value=str(40 + n), supersedes=claim_id("measurement", latest["id"])
    )
    await add_measurement(SYSTEM, city, charter, latest["indicator.code"], data)


async def single(city: str, charter: str, lang: str, runs: int) -> dict:
    import shutil
    from concurrent.futures import ProcessPoolExecutor
    from io import BytesIO
    from multiprocessing import get_context

    import weasyprint
    from pypdf import PdfReader

    from exports.report_context import build_report_context
    from exports.report_render import (
        BASE_URL,
        asset_fetcher,
        cached_pdf,
        render_html,
        render_pdf_here,
        render_pdf_parallel,
        sections,
    )
    from exports.reports import report_pdf
    from kernel.settings import get_settings

    times: dict[str, list[float]] = {k: [] for k in ("context", "one", "two", "plain", "changed", "cached")}
    pdf = b""
    kept = get_settings().report_cache_dir
    pool = ProcessPoolExecutor(2, mp_context=get_context("spawn"))
    for run in range(runs + 1):  # the first run warms caches (fonts, templates, workers): not counted
        shutil.rmtree(kept, ignore_errors=True)
        t0 = time.perf_counter()
        context = await build_report_context(city, charter, lang)
        html = render_html(context)
        t1 = time.perf_counter()
        pdf = render_pdf_here(context)
        t2 = time.perf_counter()
        shutil.rmtree(kept, ignore_errors=True)
        t3 = time.perf_counter()
        render_pdf_parallel(context, pool)
        t4 = time.perf_counter()
        # The same HTML through WeasyPrint as it comes: its own user-agent stylesheet, one piece.
        weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=asset_fetcher(context.charts)).write_pdf()
        t5 = time.perf_counter()
        await report_pdf(city, charter, lang)  # kept, with every section
        await correct_one_value(city, charter, run)
        t6 = time.perf_counter()
        # What a city officer waits for after correcting a value: the report as the API makes it.
        changed = await report_pdf(city, charter, lang)
        t7 = time.perf_counter()
        # Asked for again with nothing written: from the cache, the context not even built.
        again = await report_pdf(city, charter, lang)
        t8 = time.perf_counter()
        assert again.cached and cached_pdf(again.data_hash, None) is not None
        assert not changed.cached
        for name, seconds in (
            ("context", t1 - t0),
            ("one", t2 - t1),
            ("two", t4 - t3),
            ("plain", t5 - t4),
            ("changed", t7 - t6),
            ("cached", t8 - t7),
        ):
            times[name].append(seconds)
    pool.shutdown()
    from exports.report_render import shutdown_pool

    shutdown_pool()
    result = {f"{k}_s": statistics.median(v[1:]) for k, v in times.items()}
    return {
        "city": city,
        **result,
        "parts": len(sections(context)),
        "pages": len(PdfReader(BytesIO(pdf)).pages),
        "bytes": len(pdf),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "workers_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


async def batch(jobs: int, out: str) -> dict:
    from charter.tables import City
    from exports.batch import run_batch

    slugs = [r["slug"] for r in await City.select(City.slug).where(City.slug.like("batch-%"))]
    t0 = time.perf_counter()
    result = await run_batch("bench", "en", Path(out), workers=jobs, cities=slugs)
    t1 = time.perf_counter()
    return {
        "jobs": jobs,
        "cities": len(slugs),
        "rendered": len(result.rendered),
        "failed": len(result.failed),
        "total_s": t1 - t0,
    }


def child(args: argparse.Namespace) -> None:
    if args.step == "setup":
        asyncio.run(setup(args.batch))
        result = {}
    elif args.step == "single":
        city, charter, lang = args.target.split(":")
        result = asyncio.run(single(city, charter, lang, args.runs))
    else:
        result = asyncio.run(batch(args.jobs, args.out))
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        child(args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.db", "REPORT_CACHE_DIR": f"{tmp}/cache"}

        def run(*extra: str) -> dict:
            out = subprocess.run(
                [sys.executable, __file__, *extra, "--batch", str(args.batch), "--runs", str(args.runs)],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            return json.loads(out.stdout.strip().splitlines()[-1])

        run("--step", "setup")
        cold = []
        for n in range(3):
            t0 = time.perf_counter()
            subprocess.run(
                [
                    str(Path(sys.executable).with_name("charter-tracker")),
                    "report",
                    "grenoble",
                    "--charter",
                    "lampedusa",
                    "--lang",
                    "fr",
                    "-o",
                    f"{tmp}/cold.pdf",
                ],
                env={**env, "REPORT_CACHE_DIR": f"{tmp}/cold-cache-{n}"},
                cwd=ROOT,
                capture_output=True,
                check=True,
            )
            cold.append(time.perf_counter() - t0)
        demo = run("--step", "single", "--target", "grenoble:lampedusa:fr")
        large = run("--step", "single", "--target", "large-0000:bench:en")
        # Each batch with its own report cache: the second would otherwise find every PDF made.
        env["REPORT_CACHE_DIR"] = f"{tmp}/cache-jobs1"
        one = run("--step", "batch", "--jobs", "1", "--out", f"{tmp}/jobs1")
        env["REPORT_CACHE_DIR"] = f"{tmp}/cache-jobs2"
        two = run("--step", "batch", "--jobs", "2", "--out", f"{tmp}/jobs2")
    title = f"city (warm, median of {args.runs})"
    print(
        f"{title:28}{'context s':>10}{'1 process s':>12}{'2 workers s':>12}{'plain s':>9}"
        f"{'1 changed s':>12}{'ratio':>7}{'cached ms':>10}{'sections':>9}{'pages':>6}"
        f"{'peak MB':>8}{'worker MB':>10}"
    )
    for r in (demo, large):
        print(
            f"{r['city']:28}{r['context_s']:>10.3f}{r['one_s']:>12.3f}{r['two_s']:>12.3f}{r['plain_s']:>9.3f}"
            f"{r['changed_s']:>12.3f}{r['changed_s'] / r['plain_s']:>7.2f}{r['cached_s'] * 1000:>10.1f}"
            f"{r['parts']:>9}{r['pages']:>6}{r['peak_mb']:>8.0f}{r['workers_peak_mb']:>10.0f}"
        )
    print(
        "(1 process and 2 workers: nothing kept, PDF only; 1 changed: the report as the API serves it\n"
        " after one value of one principle was corrected, context included; ratio: 1 changed over plain\n"
        " WeasyPrint on the same HTML; cached: asked again with nothing written)"
    )
    print(
        f"\ncold `charter-tracker report` (Grenoble, fr, nothing cached): {statistics.median(cold):.2f} s "
        f"(median of {len(cold)}, whole process)"
    )
    print(f"\nbatch of {one['cities']} synthetic large cities (each worker builds and renders whole cities)")
    print(f"{'':12}{'total s':>9}{'rendered':>10}{'failed':>8}")
    for r in (one, two):
        print(f"  --jobs {r['jobs']:<3}{r['total_s']:>10.1f}{r['rendered']:>10}{r['failed']:>8}")
    print(f"\n--jobs 2 is {one['total_s'] / two['total_s']:.2f}× as fast as --jobs 1")


if __name__ == "__main__":
    main()
