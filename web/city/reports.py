"""The city's reports: for each charter the city has adopted commitments of, its progress report
to preview (HTML) or download (PDF) in each language, and what changed since the officer's last
download (`indicators.report_downloads`)."""

from __future__ import annotations

from litestar import Controller, Request, Response, get
from litestar.params import FromPath
from litestar.response import Redirect, Template

from charter.services import city_for_write, get_charter_or_raise
from exports.reports import report_pdf
from indicators.report_downloads import record_download, since_last_download
from indicators.reporting import acts_form
from kernel.http import CallerDep
from kernel.i18n import LANGUAGES
from web.city.access import workspace_gate
from web.language import page_language
from web.pages import render


class ReportPages(Controller):
    """The list of the city's reports, and their download as an officer."""

    include_in_schema = False
    path = "/workspace/{city:str}/reports"

    @get("/")
    async def reports(self, request: Request, caller: CallerDep, city: FromPath[str]) -> Template | Redirect:
        gate = await workspace_gate(request, caller, city)
        if gate is not None:
            return gate
        row = await city_for_write(caller, city)
        content = await acts_form(caller, city, page_language(request))
        sections = []
        for standing in content.charters:
            if not standing.adopted:
                continue
            charter = await get_charter_or_raise(standing.charter.slug)
            sections.append((standing, await since_last_download(caller, row["id"], charter)))
        context = {"city": city, "sections": sections, "languages": list(LANGUAGES.values())}
        return render(request, "reports_workspace.html", context)

    @get("/{charter:str}/report.pdf")
    async def download(
        self, request: Request, caller: CallerDep, city: FromPath[str], charter: FromPath[str]
    ) -> Response[bytes] | Template | Redirect:
        """The report as PDF, kept as the officer's last download of it (what changes is said
        from then on)."""
        gate = await workspace_gate(request, caller, city)
        if gate is not None:
            return gate
        asked = request.query_params.get("lang", "")
        lang = asked if asked in LANGUAGES else page_language(request)
        report = await report_pdf(city, charter, lang, caller=caller)
        await record_download(caller, city, charter, lang, report.report_id)
        return Response(
            report.pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="{report.report_id}.pdf"',
                "X-Content-Type-Options": "nosniff",
            },
        )
