"""City report speed: the demo city with the most commitments and a synthetic large city
(5 principles × 8 commitments × 3 indicators × 6 measurements, 3 evidence each), rendered warm
5 times (median seconds in one process, and in two workers rendering the report's two parts at
once as the API does; pages; peak memory), then a batch of 100 synthetic cities with --jobs 1
and --jobs 2, side by side. Run: `.venv/bin/python benchmarks/report_speed.py`.
"""

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


async def single(city: str, charter: str, lang: str, runs: int) -> dict:
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
        html_to_pdf,
        render_html,
        render_pdf_parallel,
        split_html,
        store_pdf,
    )
    from exports.reports import report_pdf

    context_times, one_times, two_times, plain_times, cached_times, pdf = [], [], [], [], [], b""
    pool = ProcessPoolExecutor(2, mp_context=get_context("spawn"))
    for _ in range(runs + 1):  # the first run warms caches (fonts, templates, workers): not counted
        t0 = time.perf_counter()
        context = await build_report_context(city, charter, lang)
        html = render_html(context)
        t1 = time.perf_counter()
        pdf = html_to_pdf(html, context.hash, charts=context.charts)
        t2 = time.perf_counter()
        render_pdf_parallel(context, pool)
        t3 = time.perf_counter()
        # The same HTML through WeasyPrint as it comes: its own user-agent stylesheet, one piece.
        weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=asset_fetcher(context.charts)).write_pdf()
        t4 = time.perf_counter()
        store_pdf(context.hash, None, pdf)
        t5 = time.perf_counter()
        # A report asked for again as the API and the command line ask: from the cache, its
        # context not built when nothing was written since.
        again = await report_pdf(city, charter, lang)
        assert again.cached and cached_pdf(again.data_hash, None) is not None
        t6 = time.perf_counter()
        context_times.append(t1 - t0)
        one_times.append(t2 - t1)
        two_times.append(t3 - t2)
        plain_times.append(t4 - t3)
        cached_times.append(t6 - t5)
    pool.shutdown()
    return {
        "city": city,
        "context_s": statistics.median(context_times[1:]),
        "one_s": statistics.median(one_times[1:]),
        "two_s": statistics.median(two_times[1:]),
        "plain_s": statistics.median(plain_times[1:]),
        "cached_s": statistics.median(cached_times[1:]),
        "parts": len(split_html(context)),
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
        f"{title:30}{'context s':>10}{'1 process s':>13}{'2 workers s':>13}{'plain s':>9}{'ratio':>7}"
        f"{'cached ms':>11}{'parts':>7}{'pages':>7}{'peak MB':>9}{'worker MB':>11}"
    )
    for r in (demo, large):
        best = min(r["one_s"], r["two_s"])
        print(
            f"{r['city']:30}{r['context_s']:>10.3f}{r['one_s']:>13.3f}{r['two_s']:>13.3f}{r['plain_s']:>9.3f}"
            f"{best / r['plain_s']:>7.2f}{r['cached_s'] * 1000:>11.1f}{r['parts']:>7}"
            f"{r['pages']:>7}{r['peak_mb']:>9.0f}{r['workers_peak_mb']:>11.0f}"
        )
    print("(ratio: the faster of 1 process and 2 workers, over plain WeasyPrint on the same HTML)")
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
