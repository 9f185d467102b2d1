"""City progress reports: build the context, then serve the PDF from the cache or render it once."""

from __future__ import annotations

from dataclasses import dataclass

from charter.services import get_charter_or_raise, get_city_or_raise
from exports.report_context import build_report_context
from exports.report_labels import SUPPORTED
from exports.report_render import VARIANTS, cached_pdf, render_html, render_pdf_in_worker, store_pdf
from kernel.caller import Caller
from kernel.errors import FieldError, MalformedInput
from kernel.text import language_of


@dataclass(frozen=True, slots=True)
class RenderedReport:
    """A finished report and whether it came from the cache."""

    pdf: bytes
    report_id: str
    data_hash: str
    cached: bool


def check_variant(variant: str | None) -> str | None:
    if variant is not None and variant not in VARIANTS:
        raise MalformedInput(f"Unknown PDF variant {variant!r}.", [FieldError(
            "variant", f"Expected one of {', '.join(VARIANTS)}, or none.")])
    return variant


async def report_html(city: str, charter: str, lang: str, *, caller: Caller | None = None,
                      drafts: bool = False) -> str:
    """The report as HTML, for preview."""
    context = await build_report_context(city, charter, lang, caller=caller, drafts=drafts)
    return render_html(context, standalone=True)


async def report_pdf(city: str, charter: str, lang: str, *, variant: str | None = None,
                     caller: Caller | None = None, drafts: bool = False) -> RenderedReport:
    """The report as PDF; an unchanged city (same data hash) is never rendered again."""
    check_variant(variant)
    context = await build_report_context(city, charter, lang, caller=caller, drafts=drafts)
    pdf = cached_pdf(context["hash"], variant)
    if pdf is not None:
        return RenderedReport(pdf, context["report_id"], context["hash"], True)
    pdf = await render_pdf_in_worker(context, variant)
    store_pdf(context["hash"], variant, pdf)
    return RenderedReport(pdf, context["report_id"], context["hash"], False)


async def default_report_lang(city: str, charter: str) -> str:
    """The city's language when the report speaks it, else the charter's, else English."""
    city_lang = language_of((await get_city_or_raise(city))["locale"])
    if city_lang in SUPPORTED:
        return city_lang
    charter_lang = (await get_charter_or_raise(charter))["lang"]
    return charter_lang if charter_lang in SUPPORTED else "en"
