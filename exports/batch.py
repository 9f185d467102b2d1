"""Reports for every signatory city of a charter, rendered in parallel worker processes.

A city whose data hash matches the one in the output folder's manifest is skipped; a city that
fails is reported with its reason and never stops the others.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charter.choices import SignatureStatus
from charter.services import current_signature, get_charter_or_raise
from charter.tables import City, Signature
from exports.report_context import build_report_context, check_report_lang
from exports.report_render import html_to_pdf, render_html
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


async def prepare_jobs(charter_slug: str, lang: str, out_dir: Path, cities: Iterable[str] | None = None
                       ) -> tuple[list[Job], BatchResult]:
    """Build every city's context; keep as jobs those whose data changed since the last batch."""
    check_report_lang(lang)
    result = BatchResult()
    manifest = _manifest(out_dir)
    jobs = []
    for city in cities if cities is not None else await signatory_cities(charter_slug):
        file_name = f"{city}-{charter_slug}-{lang}.pdf"
        try:
            context = await build_report_context(city, charter_slug, lang)
        except DomainError as exc:
            result.failed[city] = exc.detail
            continue
        known = manifest.get(file_name, {})
        if known.get("hash") == context["hash"] and (out_dir / file_name).is_file():
            result.skipped.append(city)
            continue
        jobs.append(Job(city, file_name, context["hash"], render_html(context), context["charts"]))
    return jobs, result


def _render_to_file(job: Job, out_dir: str) -> str:
    pdf = html_to_pdf(job.html, job.data_hash, charts=job.charts)
    target = Path(out_dir) / job.file_name
    tmp = target.with_name(f".{job.file_name}.tmp")
    tmp.write_bytes(pdf)
    tmp.replace(target)
    return job.data_hash


def run_jobs(jobs: list[Job], out_dir: Path, result: BatchResult, *, workers: int = 1,
             on_done: Callable[[str], None] | None = None) -> BatchResult:
    """Render the jobs with `workers` processes; write the manifest of what is now on disk."""
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = _manifest(out_dir)
    timeout = get_settings().report_timeout_s
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=max(1, workers), mp_context=context) as pool:
        futures: list[tuple[Job, Future]] = [(job, pool.submit(_render_to_file, job, str(out_dir)))
                                             for job in jobs]
        for job, future in futures:
            try:
                future.result(timeout=timeout * max(1, len(jobs)))
                manifest[job.file_name] = {"city": job.city, "hash": job.data_hash}
                result.rendered.append(job.city)
            except Exception as exc:
                result.failed[job.city] = f"{type(exc).__name__}: {exc}"
            if on_done:
                on_done(job.city)
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    return result
