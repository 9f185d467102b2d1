"""A look at a PDF filed as evidence, for the secretariat's review: its first pages as PNG images,
rendered by PDFium in a separate process (a hostile file that crashes the renderer takes down that
process, not the service), kept by the file's SHA-256 and the page's number (a stored file never
changes)."""

from __future__ import annotations

import asyncio
import io
import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from kernel.settings import get_settings

PAGES_SHOWN = 3
"""Pages of a PDF the review page shows; the whole file is a download away."""
WIDTH = 900
"""Width in pixels of a rendered page."""
MAX_PIXELS = 6_000_000
"""A page whose drawing would need more pixels than this (a hostile page size) is not drawn."""

_pool: ProcessPoolExecutor | None = None


def _renderer() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    return _pool


def _draw(path: str, width: int) -> list[bytes]:
    """The first pages of the PDF at `path` as PNG images `width` pixels wide (in the worker)."""
    import pypdfium2 as pdfium

    pages: list[bytes] = []
    pdf = pdfium.PdfDocument(path)
    try:
        for number in range(min(len(pdf), PAGES_SHOWN)):
            page = pdf[number]
            page_width, page_height = page.get_size()
            scale = width / page_width if page_width > 0 else 1.0
            if page_width * page_height * scale * scale > MAX_PIXELS:
                break
            buffer = io.BytesIO()
            page.render(scale=scale).to_pil().save(buffer, "PNG", optimize=True)
            pages.append(buffer.getvalue())
    finally:
        pdf.close()
    return pages


def _kept(sha256: str) -> Path:
    return get_settings().report_cache_dir / "evidence-previews" / sha256


async def pdf_pages(sha256: str, path: Path) -> int:
    """How many pages of the stored PDF the review page shows (0 when it cannot be drawn), drawing
    and keeping them the first time."""
    folder = _kept(sha256)
    if folder.is_dir():
        return len(list(folder.glob("*.png")))
    try:
        pages = await asyncio.get_running_loop().run_in_executor(_renderer(), _draw, str(path), WIDTH)
    except BrokenProcessPool:
        global _pool
        _pool = None
        pages = []
    except Exception:  # a file PDFium cannot read: no look at it, the download stays
        pages = []
    # Written aside, then put in place at once: a request meanwhile never sees half the pages.
    draft = folder.with_name(f"{sha256}.{os.getpid()}.{id(pages)}")
    draft.mkdir(parents=True, exist_ok=True)
    for number, png in enumerate(pages, start=1):
        (draft / f"{number}.png").write_bytes(png)
    try:
        draft.rename(folder)
    except OSError:  # another request put the same pages in place first
        shutil.rmtree(draft, ignore_errors=True)
    return len(pages)


def pdf_page(sha256: str, number: int) -> Path | None:
    """The kept image of page `number` (from 1) of the stored PDF, if it was drawn."""
    path = _kept(sha256) / f"{number}.png"
    return path if path.is_file() else None
