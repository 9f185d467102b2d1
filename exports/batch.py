"""Reports for every signatory city of a charter, made in parallel worker processes (each builds
its city's context from the database and renders it).

A city whose data hash matches the one in the output folder's manifest is skipped; a city that
fails is reported with its reason and never stops the others.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charter.services import get_charter_or_raise, signatories
from exports.report_context import build_report_context, check_report_lang
from exports.report_model import ReportContext
from exports.report_render import render_pdf_here, worker_pool
from exports.reports import render_cached
from kernel.errors import DomainError
from kernel.files import write_whole
from kernel.settings import get_settings

MANIFEST = "manifest.json"


@dataclass
class BatchResult:
    """What a batch did, city by city."""

    rendered: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


async def signatory_cities(charter_slug: str) -> list[str]:
    """Cities whose latest signature act on the charter stands, in slug order."""
    charter = await get_charter_or_raise(charter_slug)
    return sorted(await signatories(charter["id"]))


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """What the output folder holds: each report file's city and data hash."""
    path = out_dir / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def report_file_name(city: str, charter_slug: str, lang: str) -> str:
    """The name of a city's report in a batch's output folder."""
    return f"{city}-{charter_slug}-{lang}.pdf"


def write_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")


def _report_city(
    city: str, charter_slug: str, lang: str, out_dir: str, file_name: str, known_hash: str | None
) -> tuple[str, str]:
    """In a worker process: build the city's context from the database, skip the city if its
    data hash is the one already on disk, else write its finished PDF. Returns (outcome, hash or
    reason): contexts are built by the workers too, so that every step runs in parallel."""
    try:
        context = asyncio.run(build_report_context(city, charter_slug, lang))
    except DomainError as exc:
        return "failed", exc.detail
    target = Path(out_dir) / file_name
    if known_hash == context.hash and target.is_file():
        return "skipped", context.hash
    report = asyncio.run(render_cached(context, render=_render_here))
    write_whole(target, report.pdf)
    return "rendered", context.hash


async def _render_here(context: ReportContext, variant: str | None) -> bytes:
    """A batch worker renders in its own process: the batch runs one city per worker."""
    return render_pdf_here(context, variant)


async def run_batch(
    charter_slug: str,
    lang: str,
    out_dir: Path,
    *,
    workers: int = 1,
    cities: Iterable[str] | None = None,
    on_done: Callable[[str], None] | None = None,
) -> BatchResult:
    """Report every signatory city (or `cities`) into `out_dir`, one city per job in `workers`
    processes. Cities whose data hash matches the manifest are skipped; the manifest is
    rewritten with what is now on disk."""
    check_report_lang(lang)
    # The output folder and its manifest are small local files: no need for a thread.
    out_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240
    manifest = read_manifest(out_dir)
    result = BatchResult()
    timeout = get_settings().report_timeout_s
    loop = asyncio.get_running_loop()
    slugs = list(cities) if cities is not None else await signatory_cities(charter_slug)
    with worker_pool(max(1, workers)) as pool:
        jobs = []
        for city in slugs:
            file_name = report_file_name(city, charter_slug, lang)
            known = manifest.get(file_name, {}).get("hash")
            jobs.append(
                (
                    city,
                    file_name,
                    loop.run_in_executor(
                        pool, _report_city, city, charter_slug, lang, str(out_dir), file_name, known
                    ),
                )
            )
        for city, file_name, future in jobs:
            try:
                outcome, detail = await asyncio.wait_for(future, timeout=timeout * max(1, len(jobs)))
            except Exception as exc:
                outcome, detail = "failed", f"{type(exc).__name__}: {exc}"
            if outcome == "failed":
                result.failed[city] = detail
            else:
                manifest[file_name] = {"city": city, "hash": detail}
                (result.rendered if outcome == "rendered" else result.skipped).append(city)
            if on_done:
                on_done(city)
    write_manifest(out_dir, manifest)
    return result
