"""Reports for every signatory city of a charter, rendered in parallel worker processes.

A city whose data hash matches the one in the output folder's manifest is skipped; a city that
fails is reported with its reason and never stops the others.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charter.choices import SignatureStatus
from charter.services import current_signature, get_charter_or_raise
from charter.tables import City, Signature
from exports.report_context import build_report_context, check_report_lang
from exports.report_render import html_to_pdf, render_html, warm_up
from kernel.errors import DomainError
from kernel.settings import get_settings

MANIFEST = "manifest.json"


@dataclass
class BatchResult:
    """What a batch did, city by city."""

    rendered: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Job:
    """One city's report, ready to render."""

    city: str
    file_name: str
    data_hash: str
    html: str
    charts: dict[str, str]


async def signatory_cities(charter_slug: str) -> list[str]:
    """Cities whose latest signature act on the charter stands."""
    charter = await get_charter_or_raise(charter_slug)
    rows = await Signature.select(Signature.city).where(Signature.charter == charter["id"]).distinct()
    slugs = []
    for row in rows:
        if await current_signature(row["city"], charter["id"]) == SignatureStatus.signed:
            city = await City.select(City.slug).where(City.id == row["city"]).first()
            slugs.append(city["slug"])
    return sorted(slugs)


def _manifest(out_dir: Path) -> dict[str, Any]:
    path = out_dir / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _render_to_file(job: Job, out_dir: str) -> str:
    pdf = html_to_pdf(job.html, job.data_hash, charts=job.charts)
    target = Path(out_dir) / job.file_name
    tmp = target.with_name(f".{job.file_name}.tmp")
    tmp.write_bytes(pdf)
    tmp.replace(target)
    return job.data_hash


async def run_batch(charter_slug: str, lang: str, out_dir: Path, *, workers: int = 1,
                    cities: Iterable[str] | None = None,
                    on_done: Callable[[str], None] | None = None) -> BatchResult:
    """Report every signatory city (or `cities`) into `out_dir`. Contexts are built here while
    the workers render the cities already prepared; cities whose data hash matches the manifest
    are skipped; the manifest is rewritten with what is now on disk."""
    check_report_lang(lang)
    # The output folder and its manifest are small local files: no need for a thread.
    out_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240
    manifest = _manifest(out_dir)
    result = BatchResult()
    timeout = get_settings().report_timeout_s
    loop = asyncio.get_running_loop()
    pending: list[tuple[Job, asyncio.Future]] = []
    with ProcessPoolExecutor(max_workers=max(1, workers),
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        # The workers load WeasyPrint and the fonts while the first contexts are built here.
        for _ in range(max(1, workers)):
            pool.submit(warm_up)
        for city in cities if cities is not None else await signatory_cities(charter_slug):
            file_name = f"{city}-{charter_slug}-{lang}.pdf"
            try:
                context = await build_report_context(city, charter_slug, lang)
            except DomainError as exc:
                result.failed[city] = exc.detail
                if on_done:
                    on_done(city)
                continue
            known = manifest.get(file_name, {})
            if known.get("hash") == context["hash"] and (out_dir / file_name).is_file():
                result.skipped.append(city)
                if on_done:
                    on_done(city)
                continue
            job = Job(city, file_name, context["hash"], render_html(context), context["charts"])
            pending.append((job, loop.run_in_executor(pool, _render_to_file, job, str(out_dir))))
            await asyncio.sleep(0)
        for job, future in pending:
            try:
                await asyncio.wait_for(future, timeout=timeout * max(1, len(pending)))
                manifest[job.file_name] = {"city": job.city, "hash": job.data_hash}
                result.rendered.append(job.city)
            except Exception as exc:
                result.failed[job.city] = f"{type(exc).__name__}: {exc}"
            if on_done:
                on_done(job.city)
    (out_dir / MANIFEST).write_text(
        json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    return result
