"""HTTP routes of charter documents: the whole charter as Markdown, in and out."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, put
from litestar.params import FromPath, QueryParameter

from charter.services import get_charter_or_raise
from exports.charter_documents import export_document, import_document
from exports.reports import default_report_lang, report_html, report_pdf
from exports.schemas import DocumentImported
from kernel.errors import FieldError, MalformedInput, UnsupportedMedia
from kernel.http import WRITE, CallerDep, IfMatch, precondition, with_etag
from kernel.versions import etag

MARKDOWN = "text/markdown; charset=utf-8"

class CharterDocumentController(Controller):
    """A charter as one Markdown document per language."""

    path = "/charters/{slug:str}/document"
    tags = ("Charters",)

    @get("/", media_type=MARKDOWN)
    async def get_document(
        self, slug: FromPath[str], lang: Annotated[str | None, QueryParameter(description="Language")] = None
    ) -> Response[str]:
        """The charter as Markdown: front matter, preamble, `## principles`, `### commitments`,
        indicator tables. Importing it gives back the same charter. The ETag is the charter's
        version, for a later `PUT` of a changed document."""
        document = await export_document(slug, lang)
        version = (await get_charter_or_raise(slug))["revision"]
        return Response(document, media_type=MARKDOWN, headers={"ETag": etag(version)})

    @put("/", security=WRITE, status_code=200)
    async def put_document(
        self,
        caller: CallerDep,
        request: Request,
        slug: FromPath[str],
        lang: Annotated[str | None, QueryParameter(description="Add a translation in this language")] = None,
        if_match: IfMatch = None,
    ) -> Response[DocumentImported]:
        """Create or extend a charter from Markdown (`Content-Type: text/markdown`), or add a
        translation with `?lang=` (same codes, other texts). Changing a charter that exists takes
        its ETag (from `GET`) in `If-Match`. Errors name the line."""
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in {"text/markdown", "text/plain", "text/x-markdown"}:
            raise UnsupportedMedia("Send the charter as Markdown.", [
                FieldError("Content-Type", "Expected text/markdown.")])
        try:
            source = (await request.body()).decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedInput("The document is not UTF-8.",
                                 [FieldError("body", "Expected UTF-8 text.")]) from None
        result = await import_document(caller, source, slug=slug, lang=lang,
                                       precondition=precondition(if_match))
        return with_etag(DocumentImported(**result), result["version"])


ReportLang = Annotated[str | None, QueryParameter(
    description="Report language: fr, en, es or ar (default: the city's language when supported, "
                "else the charter's).")]
Charter = Annotated[str, QueryParameter(description="Slug of the charter the report is about")]
Drafts = Annotated[bool, QueryParameter(description="Include drafts (the city's editors and the "
                                                    "secretariat only)")]


class CityReportController(Controller):
    """The city progress report: what is proven, self-reported or contested."""

    path = "/cities/{city:str}"
    tags = ("Reports",)

    @get("/report.pdf", media_type="application/pdf")
    async def report_pdf(
        self, caller: CallerDep, city: FromPath[str], charter: Charter, lang: ReportLang = None,
        drafts: Drafts = False,
        variant: Annotated[str | None, QueryParameter(description="pdf/a-3u or pdf/ua-1")] = None,
    ) -> Response[bytes]:
        """The city's progress report on one charter, as PDF (cached by data hash)."""
        lang = lang or await default_report_lang(city, charter)
        report = await report_pdf(city, charter, lang, variant=variant, caller=caller, drafts=drafts)
        return Response(report.pdf, media_type="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{report.report_id}.pdf"',
            "ETag": f'"{report.data_hash}"', "X-Report-Id": report.report_id,
            "X-Report-Cache": "hit" if report.cached else "miss", "X-Content-Type-Options": "nosniff"})

    @get("/report.html", media_type="text/html; charset=utf-8")
    async def report_html(
        self, caller: CallerDep, city: FromPath[str], charter: Charter, lang: ReportLang = None,
        drafts: Drafts = False,
    ) -> Response[str]:
        """The same report as HTML, for preview."""
        lang = lang or await default_report_lang(city, charter)
        html = await report_html(city, charter, lang, caller=caller, drafts=drafts)
        return Response(html, media_type="text/html; charset=utf-8", headers={
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; font-src 'self'",
            "X-Content-Type-Options": "nosniff"})

