"""Finished reports: a city's progress report, or a network report, as PDF. There is one way to
get one: `render_cached`, which serves it from the cache when the same data (hash) was rendered
before, else renders it and keeps it. The API, the batch and the command line all use it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from piccolo.query.functions.aggregate import Max

from charter.services import get_charter_or_raise, get_city_or_raise
from exports.report_context import build_report_context
from exports.report_labels import report_labels
from exports.report_model import ReportContext
from exports.report_render import VARIANTS, cached_pdf, render_html, render_pdf_in_worker, store_pdf
from indicators.tables import ReportDownload
from kernel.caller import Caller
from kernel.errors import FieldError, MalformedInput
from kernel.files import keep, kept
from kernel.i18n import LANGUAGES
from kernel.read_cache import database_state
from kernel.text import language_of

Renderer = Callable[[ReportContext, str | None], Awaitable[bytes]]
"""Renders a report (context, variant) to PDF bytes; every renderer gives the same bytes."""


@dataclass(frozen=True, slots=True)
class RenderedReport:
    """A finished report and whether it came from the cache."""

    pdf: bytes
    report_id: str
    data_hash: str
    cached: bool


def check_variant(variant: str | None) -> str | None:
    """The PDF variant, if it is one we make (none: a plain PDF)."""
    if variant is not None and variant not in VARIANTS:
        raise MalformedInput(
            f"Unknown PDF variant {variant!r}.",
            [FieldError("variant", f"Expected one of {', '.join(VARIANTS)}, or none.")],
        )
    return variant


async def render_cached(
    context: ReportContext, variant: str | None = None, *, render: Renderer = render_pdf_in_worker
) -> RenderedReport:
    """The report as PDF: from the cache when its data was rendered before in this variant, else
    rendered (by the worker processes, unless told otherwise) and kept."""
    check_variant(variant)
    pdf = cached_pdf(context.hash, variant)
    if pdf is not None:
        return RenderedReport(pdf, context.report_id, context.hash, True)
    pdf = await render(context, variant)
    store_pdf(context.hash, variant, pdf)
    return RenderedReport(pdf, context.report_id, context.hash, False)


async def report_html(
    city: str, charter: str, lang: str, *, caller: Caller | None = None, drafts: bool = False
) -> str:
    """The report as HTML, for preview."""
    context = await build_report_context(city, charter, lang, caller=caller, drafts=drafts)
    return render_html(context, standalone=True)


async def report_pdf(
    city: str,
    charter: str,
    lang: str,
    *,
    variant: str | None = None,
    caller: Caller | None = None,
    drafts: bool = False,
    render: Renderer = render_pdf_in_worker,
) -> RenderedReport:
    """The city's report as PDF; an unchanged city (same data hash) is never rendered again, and
    a published report asked for again while nothing was written is served without reading the
    city's data at all (see `_state_key`)."""
    check_variant(variant)
    key = None if drafts else await _state_key(city, charter, lang, variant)
    if key is not None:
        known = _known_hash(key)
        pdf = cached_pdf(known, variant) if known else None
        if known and pdf is not None:
            return RenderedReport(pdf, f"{city}-{charter}-{lang}-{known[:12]}", known, True)
    context = await build_report_context(city, charter, lang, caller=caller, drafts=drafts)
    report = await render_cached(context, variant, render=render)
    if key is not None:
        _remember_hash(key, context.hash)
    return report


async def _state_key(city: str, charter: str, lang: str, variant: str | None) -> str:
    """What a published report depends on besides its data: the report date and labels, and the
    state of the whole database, told by the latest audit entry (every write is audited in its
    own transaction) and the latest report download (the "what changed" section starts there).
    Any write anywhere gives a new key; the report is then built again, and found in the cache
    by its data hash if that did not change."""
    download = await ReportDownload.select(Max(ReportDownload.id)).first()
    state = [
        city,
        charter,
        lang,
        variant or "",
        await database_state(),
        next(iter(download.values())) if download else None,
        report_labels(lang),
    ]
    return hashlib.sha256(json.dumps(state, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _known_hash(key: str) -> str | None:
    """The data hash a report's state key gave before (any machine), if any."""
    known = kept("reports", f"keys/{key}")
    return known.decode("ascii").strip() if known is not None else None


def _remember_hash(key: str, data_hash: str) -> None:
    keep("reports", f"keys/{key}", data_hash.encode("ascii"), required=False)


async def default_report_lang(city: str, charter: str) -> str:
    """The city's language when the report speaks it, else the charter's, else English."""
    city_lang = language_of((await get_city_or_raise(city))["locale"])
    if city_lang in LANGUAGES:
        return city_lang
    charter_lang = (await get_charter_or_raise(charter))["lang"]
    return charter_lang if charter_lang in LANGUAGES else "en"
