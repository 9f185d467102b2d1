"""Rendering of the city report: context → HTML (Jinja, autoescape) → PDF (WeasyPrint) in a worker
process with a time limit. WeasyPrint reads nothing but the package's own fonts and stylesheet.
"""

from __future__ import annotations

import asyncio
import mimetypes
import multiprocessing
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape

from kernel.errors import DomainError
from kernel.settings import get_settings

ASSET_DIR = (Path(__file__).resolve().parent / "assets").resolve()
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
BASE_URL = ASSET_DIR.as_uri() + "/"
VARIANTS = {"pdf/a-3u": "pdf/a-3u", "pdf/ua-1": "pdf/ua-1"}

_env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(default=True),
                   trim_blocks=False, lstrip_blocks=False)


def text_direction(text: object) -> str:
    """`rtl` or `ltr` by the first strong character, as HTML's dir="auto" would decide: an
    English title that falls back inside an Arabic report keeps its own reading order."""
    for ch in str(text or ""):
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "auto"


_env.filters["dir"] = text_direction


def render_html(context: dict[str, Any]) -> str:
    """The report as an HTML document (the same document the PDF is made from)."""
    return _env.get_template("report.html.j2").render(**context)


def _weasy_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

    class AssetFetcher(URLFetcher):
        """Serves files of the package's asset folder and refuses every other URL (network,
        `file:` elsewhere, data:, redirects): a report never reaches outside the package."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"file"}, allow_redirects=False, timeout=1)
            self.calls: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            self.calls.append(url)
            parts = urlsplit(url)
            local = parts.scheme == "file" and not parts.netloc
            path = Path(unquote(parts.path)).resolve() if local else None
            if path is None or not path.is_relative_to(ASSET_DIR) or not path.is_file():
                self.refused.append(url)
                raise URLFetchingError(f"Refused to fetch {url!r}: reports use only their own assets.")
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": media_type})

    return AssetFetcher


def asset_fetcher():
    """A fresh fetcher; `calls` and `refused` record what WeasyPrint asked for."""
    return _weasy_fetcher_class()()


def html_to_pdf(html: str, identifier: str, variant: str | None = None, fetcher=None) -> bytes:
    """HTML → PDF bytes. The PDF /ID comes from the data hash, dates from the HTML's metadata,
    so that the same context gives the same bytes."""
    from weasyprint import HTML

    options: dict[str, Any] = {"pdf_identifier": identifier[:32].encode(), "uncompressed_pdf": False}
    if variant:
        options["pdf_variant"] = VARIANTS[variant]
        if variant == "pdf/ua-1":
            options["pdf_tags"] = True
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher or asset_fetcher())
    return document.write_pdf(**options)


# The worker pool ---------------------------------------------------------------------------------

_pool: ProcessPoolExecutor | None = None


def _pool_for(jobs: int = 1) -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # spawn: a clean interpreter, not a fork of a process holding database connections.
        _pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))
    return _pool


def shutdown_pool() -> None:
    global _pool
    if _pool is not None:
        for process in list(getattr(_pool, "_processes", {}).values()):
            process.kill()
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


class RenderTimeout(DomainError):
    """The renderer did not finish in time (503); nothing is cached."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"The report took longer than {seconds:g} s to render; try again later.",
                         [], 503, "Report rendering timed out")


async def render_pdf_in_worker(html: str, identifier: str, variant: str | None = None) -> bytes:
    """Render in the worker process, within the configured time limit."""
    seconds = get_settings().report_timeout_s
    future = _pool_for().submit(html_to_pdf, html, identifier, variant)
    try:
        return await asyncio.wait_for(asyncio.wrap_future(future), timeout=seconds)
    except TimeoutError:
        shutdown_pool()
        raise RenderTimeout(seconds) from None
    except BrokenProcessPool:
        shutdown_pool()
        raise


# The cache ---------------------------------------------------------------------------------------


def cache_path(data_hash: str, variant: str | None) -> Path:
    suffix = "" if not variant else "-" + variant.replace("/", "_")
    return get_settings().report_cache_dir / f"{data_hash}{suffix}.pdf"


def cached_pdf(data_hash: str, variant: str | None) -> bytes | None:
    path = cache_path(data_hash, variant)
    return path.read_bytes() if path.exists() else None


def store_pdf(data_hash: str, variant: str | None, pdf: bytes) -> None:
    path = cache_path(data_hash, variant)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pdf)
    tmp.replace(path)
