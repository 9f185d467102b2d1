"""The city's evidence library: every piece of its own evidence, newest first, with the
secretariat's review and what cites it; a piece filed by mistake that nothing cites is withdrawn
from here (hidden from the public, kept in history), by the service the API calls
(`indicators.evidence.withdraw_evidence`)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from indicators.evidence import withdraw_evidence
from indicators.reporting import evidence_library, library_item
from kernel.errors import Conflict, PreconditionFailed, PreconditionRequired
from kernel.http import CallerDep
from kernel.versions import Precondition
from web.city.access import workspace_gate
from web.forms import text
from web.pages import render


class LibraryPages(Controller):
    """The library, and the page that withdraws one piece of it."""

    include_in_schema = False
    path = "/workspace/{city:str}/evidence"

    @get("/")
    async def library(self, request: Request, caller: CallerDep, city: FromPath[str]) -> Template | Redirect:
        gate = await workspace_gate(request, caller, city)
        if gate is not None:
            return gate
        content = await evidence_library(caller, city)
        withdrawn = request.query_params.get("withdrawn", "")
        context = {"library": content, "withdrawn": int(withdrawn) if withdrawn.isdigit() else None}
        return render(request, "evidence_library.html", context)

    @get("/{evidence_id:int}/withdraw")
    async def confirm(
        self, request: Request, caller: CallerDep, city: FromPath[str], evidence_id: FromPath[int]
    ) -> Template | Redirect:
        gate = await workspace_gate(request, caller, city)
        if gate is not None:
            return gate
        item = await library_item(caller, city, evidence_id)
        return render(request, "evidence_withdraw.html", {"city": city, "item": item, "errors": {}})

    @post("/{evidence_id:int}/withdraw", status_code=200)
    async def withdraw(
        self, request: Request, caller: CallerDep, city: FromPath[str], evidence_id: FromPath[int]
    ) -> Template | Redirect:
        """Withdraw the piece at the version the page showed; cited meanwhile, or changed, the
        page comes back saying so and nothing is withdrawn."""
        gate = await workspace_gate(request, caller, city)
        if gate is not None:
            return gate
        item = await library_item(caller, city, evidence_id)
        version = text(await request.form(), "version")
        shown = Precondition(versions=frozenset({int(version)})) if version.isdigit() else Precondition()
        try:
            await withdraw_evidence(caller, evidence_id, shown)
        except (Conflict, PreconditionFailed, PreconditionRequired):
            item = await library_item(caller, city, evidence_id)
            context = {"city": city, "item": item, "errors": {"form": "cited" if item.citations else "stale"}}
            return render(request, "evidence_withdraw.html", context, status_code=409)
        return Redirect(f"/workspace/{city}/evidence?withdrawn={evidence_id}", status_code=303)
