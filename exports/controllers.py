"""HTTP routes of what crosses the boundary as a document: charters as Markdown, city and network
reports, the comparison, peers, open data, and the spreadsheet round trip."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, post, put
from litestar.datastructures import UploadFile
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, QueryParameter

from charter.services import get_charter_or_raise
from exports.charter_documents import export_document, import_document
from exports.comparison import (
    CITY_KEYS,
    LEVELS,
    METRICS,
    AdoptionOverTime,
    ComparisonRead,
    Peer,
    adoption_over_time,
    comparison,
    comparison_table,
    peers,
)
from exports.comparison_query import BANDS, FIRST_YEAR, LAST_YEAR, Filters
from exports.datapackage import package_files, zip_bytes
from exports.network_report import build_network_context, network_pdf
from exports.openapi import ComparisonFormats, MarkdownDocument, SpreadsheetUpload
from exports.report_queue import ReportBatchRead, batch_status
from exports.report_render import VARIANTS, render_html
from exports.reports import RenderedReport, default_report_lang, report_html, report_pdf
from exports.schemas import DocumentImported, ImportCommitted, ImportPreviewRead
from exports.spreadsheet_imports import commit_import, get_import, preview_import
from exports.spreadsheet_template import XLSX, template_for
from exports.tabular import csv_bytes, xlsx_bytes
from kernel.errors import FieldError, MalformedInput, UnsupportedMedia
from kernel.http import (
    WRITE,
    CallerDep,
    IfMatch,
    Lang,
    RowId,
    choice,
    media_type_of,
    pattern,
    precondition,
    refuses,
    with_etag,
)
from kernel.i18n import LANGUAGES
from kernel.versions import etag

# Litestar adds "; charset=utf-8" to every text/* type: naming it here would say it twice.
MARKDOWN = "text/markdown"
HTML = "text/html"


class CharterDocumentController(Controller):
    """A charter as one Markdown document per language."""

    path = "/charters/{charter:str}/document"
    tags = ("Charters",)

    @get("/", media_type=MARKDOWN)
    async def get_document(
        self,
        charter: FromPath[str],
        lang: Annotated[
            str | None,
            pattern("Language of the document, an ISO 639 code (default: the charter's)", r"^([a-z]{2,3})?$"),
        ] = None,
    ) -> Response[str]:
        """The charter as Markdown: front matter, preamble, `## principles`, `### commitments`,
        indicator tables. Importing it gives back the same charter. The ETag is the charter's
        version, for a later `PUT` of a changed document."""
        document = await export_document(charter, lang)
        version = (await get_charter_or_raise(charter))["version"]
        return Response(document, media_type=MARKDOWN, headers={"ETag": etag(version)})

    @put("/", security=WRITE, status_code=200, operation_class=MarkdownDocument)
    async def put_document(
        self,
        caller: CallerDep,
        request: Request,
        charter: FromPath[str],
        lang: Annotated[str | None, QueryParameter(description="Add a translation in this language")] = None,
        if_match: IfMatch = None,
    ) -> Response[DocumentImported]:
        """Create or extend a charter from Markdown (`Content-Type: text/markdown`), or add a
        translation with `?lang=` (same codes, other texts). Changing a charter that exists takes
        its ETag (from `GET`) in `If-Match`. Errors name the line."""
        content_type = media_type_of(request)
        if content_type not in {"text/markdown", "text/plain", "text/x-markdown"}:
            raise UnsupportedMedia(
                "Send the charter as Markdown.", [FieldError("Content-Type", "Expected text/markdown.")]
            )
        try:
            source = (await request.body()).decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedInput(
                "The document is not UTF-8.", [FieldError("body", "Expected UTF-8 text.")]
            ) from None
        result = await import_document(
            caller, source, slug=charter, lang=lang, precondition=precondition(if_match)
        )
        return with_etag(DocumentImported(**result), result["version"])


ReportLang = Annotated[
    str | None,
    choice("Report language (empty: the city's language when supported, else the charter's)", LANGUAGES),
]
Charter = Annotated[str, QueryParameter(description="Slug of the charter the report is about")]
Drafts = Annotated[
    bool, QueryParameter(description="Include drafts (the city's editors and the secretariat only)")
]


def _pdf(report: RenderedReport) -> Response[bytes]:
    """A finished report: its id as file name, its data hash as ETag, whether it came from the cache."""
    return Response(
        report.pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{report.report_id}.pdf"',
            "ETag": f'"{report.data_hash}"',
            "X-Report-Id": report.report_id,
            "X-Report-Cache": "hit" if report.cached else "miss",
            "X-Content-Type-Options": "nosniff",
        },
    )


class CityReportController(Controller):
    """The city progress report: what is proven, self-reported or contested."""

    path = "/cities/{city:str}"
    tags = ("Reports",)

    @get("/report.pdf", media_type="application/pdf", opt=refuses(403))
    async def report_pdf(
        self,
        caller: CallerDep,
        city: FromPath[str],
        charter: Charter,
        lang: ReportLang = None,
        drafts: Drafts = False,
        variant: Annotated[
            str | None, choice("PDF variant (absent: a plain PDF)", VARIANTS, empty_is_all=False)
        ] = None,
    ) -> Response[bytes]:
        """The city's progress report on one charter, as PDF (cached by data hash)."""
        lang = lang or await default_report_lang(city, charter)
        return _pdf(await report_pdf(city, charter, lang, variant=variant, caller=caller, drafts=drafts))

    @get("/report.html", media_type=HTML, opt=refuses(403))
    async def report_html(
        self,
        caller: CallerDep,
        city: FromPath[str],
        charter: Charter,
        lang: ReportLang = None,
        drafts: Drafts = False,
    ) -> Response[str]:
        """The same report as HTML, for preview."""
        lang = lang or await default_report_lang(city, charter)
        html = await report_html(city, charter, lang, caller=caller, drafts=drafts)
        return Response(
            html,
            media_type=HTML,
            headers={
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; font-src 'self'",
                "X-Content-Type-Options": "nosniff",
            },
        )


FORMATS = {
    "json": "application/json",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
Country = Annotated[str | None, QueryParameter(description="ISO 3166 codes, comma-separated")]
Region = Annotated[str | None, QueryParameter(description="UN M49 region code (015, 039, 145...)")]
Network = Annotated[str | None, QueryParameter(description="City network code, e.g. MC2CM")]
SignedYear = Annotated[
    str | None,
    pattern(
        f"Year of the standing signature, {FIRST_YEAR} to {LAST_YEAR}", r"^(|19[0-9][0-9]|20[0-9][0-9]|2100)$"
    ),
]
Band = Annotated[
    str | None,
    choice("Population band: small (<100k), medium (100k–500k), large (500k–1M), metropolis", BANDS),
]


def _filters(request: Request, own: set[str]) -> Filters:
    """The query's filters; a parameter that is neither a filter nor one of `own` is 400."""
    return Filters.parse({k: v for k, v in request.query_params.items() if k not in own})


class ComparisonController(Controller):
    """The secretariat's view: every signatory city of a charter side by side."""

    path = "/charters/{charter:str}"
    tags = ("Comparison",)

    @get(
        "/comparison",
        media_type="application/json",
        operation_class=ComparisonFormats,
        responses={
            200: ResponseSpec(
                data_container=ComparisonRead,
                description="The comparison, in the format asked for",
                generate_examples=False,
            )
        },
    )
    async def comparison(
        self,
        request: Request,
        charter: FromPath[str],
        level: Annotated[str, choice("Columns", LEVELS, empty_is_all=False)] = "principle",
        format: Annotated[str, choice("Format", FORMATS, empty_is_all=False)] = "json",
        lang: Lang = None,
        sort: Annotated[
            str,
            pattern(
                f"{', '.join(CITY_KEYS)}, or COLUMN.METRIC where COLUMN is a code of the level or `total` "
                f"and METRIC one of {', '.join(METRICS)} (404 for a code the level does not have)",
                rf"^({'|'.join(CITY_KEYS)}|[^.]+\.({'|'.join(METRICS)}))$",
            ),
        ] = "city",
        order: Annotated[str, choice("Order", ("asc", "desc"), empty_is_all=False)] = "asc",
        country: Country = None,
        region: Region = None,
        network: Network = None,
        signed_year: SignedYear = None,
        population_band: Band = None,
    ) -> Response:
        """Cities × principles (or × commitments): the adopted commitments counted by where they
        stand (achieved, on track, in progress but not on track, delayed, not started, withdrawn:
        these add up to adopted), how many of them are overdue (a flag across in progress, delayed
        and not started, not a further part), progress, and the shares of verified and contested
        claims, with each city's total. Aggregated in the database. An unknown parameter is 400."""
        if format not in FORMATS:
            raise MalformedInput(
                f"Unknown format {format!r}.", [FieldError("format", "Expected json, csv or xlsx.")]
            )
        filters = _filters(request, {"level", "format", "lang", "sort", "order"})
        read = await comparison(charter, level=level, filters=filters, lang=lang, sort=sort, order=order)
        if format == "json":
            return Response(read, media_type=FORMATS["json"])
        header, rows = comparison_table(read)
        if format == "csv":
            content = csv_bytes(header, rows)
        else:
            content = xlsx_bytes(
                [
                    ("comparison", header, rows),
                    ("columns", ("code", "title"), [(c.code, c.title) for c in read.columns]),
                ]
            )
        return Response(
            content,
            media_type=FORMATS[format],
            headers={"Content-Disposition": f'attachment; filename="{charter}-comparison-{level}.{format}"'},
        )

    @get("/adoption-over-time")
    async def adoption_over_time(
        self,
        request: Request,
        charter: FromPath[str],
        lang: Lang = None,
        country: Country = None,
        region: Region = None,
        network: Network = None,
        signed_year: SignedYear = None,
        population_band: Band = None,
    ) -> AdoptionOverTime:
        """For each principle and year, how many cities had adopted it (one of its commitments at
        least) and how many had reported one of its commitments achieved, by the end of the year."""
        return await adoption_over_time(charter, filters=_filters(request, {"lang"}), lang=lang)

    @get("/network-report.pdf", media_type="application/pdf")
    async def network_report_pdf(
        self,
        request: Request,
        charter: FromPath[str],
        lang: ReportLang = None,
        country: Country = None,
        region: Region = None,
        network: Network = None,
        signed_year: SignedYear = None,
        population_band: Band = None,
        variant: Annotated[
            str | None, choice("PDF variant (absent: a plain PDF)", VARIANTS, empty_is_all=False)
        ] = None,
    ) -> Response[bytes]:
        """The network report: heat map of progress by city and principle, adoption curves, a
        table of the cities, methodology (fr, en, es, ar; cached by data hash). Takes the
        comparison's filters, and a variant as the city report does (tagged PDF/UA-1, archival
        PDF/A-3u)."""
        lang = lang or await _charter_report_lang(charter)
        filters = _filters(request, {"lang", "variant"})
        return _pdf(await network_pdf(charter, lang, filters=filters, variant=variant))

    @get("/network-report.html", media_type=HTML)
    async def network_report_html(
        self,
        request: Request,
        charter: FromPath[str],
        lang: ReportLang = None,
        country: Country = None,
        region: Region = None,
        network: Network = None,
        signed_year: SignedYear = None,
        population_band: Band = None,
    ) -> Response[str]:
        """The same network report as HTML, for preview."""
        lang = lang or await _charter_report_lang(charter)
        context = await build_network_context(charter, lang, filters=_filters(request, {"lang"}))
        return Response(
            render_html(context, standalone=True),
            media_type=HTML,
            headers={
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; font-src 'self'"
            },
        )


async def _charter_report_lang(slug: str) -> str:
    """The charter's language when the report speaks it, else English."""
    lang = (await get_charter_or_raise(slug))["lang"]
    return lang if lang in LANGUAGES else "en"


class PeersController(Controller):
    """Cities comparable to a city."""

    path = "/cities/{city:str}/peers"
    tags = ("Comparison",)

    @get("/")
    async def peers(
        self,
        city: FromPath[str],
        charter: Annotated[str | None, QueryParameter(description="Only signatories of this charter")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=50)] = 5,
        lang: Lang = None,
    ) -> list[Peer]:
        """The cities closest to this one: same region first, then nearest in population."""
        return await peers(city, charter_slug=charter, limit=limit, lang=lang)


class OpenDataController(Controller):
    """Everything published, as open data."""

    path = "/export"
    tags = ("Open data",)

    @get("/datapackage.zip", media_type="application/zip")
    async def datapackage(self) -> Response[bytes]:
        """Every published charter, city, adoption, claim, evidence reference and challenge as CSV
        files with a `datapackage.json` (Frictionless Table Schema, primary and foreign keys).
        Drafts are left out; formula-looking text cells carry a leading apostrophe."""
        content = zip_bytes(await package_files())
        return Response(
            content,
            media_type="application/zip",
            headers={"Content-Disposition": 'attachment; filename="charter-tracker-datapackage.zip"'},
        )


class SpreadsheetController(Controller):
    """A city's data as a workbook, and back."""

    path = "/cities/{city:str}"
    tags = ("Spreadsheets",)

    @get("/template.xlsx", media_type=XLSX)
    async def template(
        self,
        city: FromPath[str],
        charter: Charter,
        lang: Annotated[
            str | None,
            choice("Language of the help, prompts and status names (empty: the city's)", LANGUAGES),
        ] = None,
    ) -> Response[bytes]:
        """A workbook pre-filled with the city's adopted commitments, indicators, targets and
        values (sheets measurements, targets, status), a blank row per indicator for its next
        period, and validation on status and period cells, in the city's language (`lang`)."""
        content = await template_for(city, charter, lang)
        return Response(
            content,
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{city}-{charter}.xlsx"'},
        )

    @post("/imports", security=WRITE, status_code=201, operation_class=SpreadsheetUpload)
    async def upload(
        self,
        caller: CallerDep,
        city: FromPath[str],
        request: Request,
        charter: Annotated[
            str | None, QueryParameter(description="Charter slug (default: the charter the file's rows name)")
        ] = None,
    ) -> ImportPreviewRead:
        """Upload the workbook (or a CSV of one sheet), as the body or as a multipart `file`: the
        answer is a preview of what would be created or changed, and every error with sheet,
        row and column. Nothing is written; `POST /imports/{id}/commit` applies it."""
        content_type = media_type_of(request)
        name = "upload"
        if content_type == "multipart/form-data":
            form = await request.form()
            unknown = sorted(set(form.keys()) - {"file"})
            if unknown:
                raise MalformedInput(
                    "The form has parts this upload does not read.",
                    [
                        FieldError(name, "Leave it out; send the workbook as the `file` part.")
                        for name in unknown
                    ],
                )
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise MalformedInput("No file part.", [FieldError("file", "Expected a `file` part.")])
            content, name = await upload.read(), upload.filename or name
        else:
            content = await request.body()
        return await preview_import(caller, city, charter, content, name)


class ReportBatchController(Controller):
    """Batches of city reports in the report queue (PostgreSQL)."""

    path = "/report-batches/{batch:str}"
    tags = ("Reports",)

    @get("/", opt=refuses(403))
    async def get_batch(self, caller: CallerDep, batch: FromPath[str]) -> ReportBatchRead:
        """How far a batch is (`report --all` prints its name): jobs waiting, being done,
        succeeded, failed (the secretariat)."""
        return await batch_status(caller, batch)


class ImportController(Controller):
    """Previews of uploaded spreadsheets, and their commit."""

    path = "/imports/{import_id:int}"
    tags = ("Spreadsheets",)

    @get("/", opt=refuses(403))
    async def get_import(self, caller: CallerDep, import_id: RowId) -> ImportPreviewRead:
        """A preview (the city's editors and the secretariat)."""
        return await get_import(caller, import_id)

    @post("/commit", security=WRITE, status_code=200)
    async def commit(self, caller: CallerDep, import_id: RowId) -> ImportCommitted:
        """Apply the preview in one transaction, exactly as shown, or nothing (409 when the data
        changed since the preview; 422 when it has errors)."""
        return await commit_import(caller, import_id)
