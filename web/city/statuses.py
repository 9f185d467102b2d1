"""Update a commitment's status: one page and one submit from the to-do. The status, the day it
describes (typed as the city writes dates), the narrative (Markdown, with a preview), the
evidence picked from the city's own or filed in the same form; saved as a draft or published,
in one transaction, by the service the API calls (`indicators.status_updates.add_status_update`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from commitments.choices import CommitmentStatus
from commitments.schemas import StatusUpdateCreate
from indicators.reporting import StatusForm, status_form
from indicators.status_updates import add_status_update
from kernel import clock
from kernel.caller import Caller
from kernel.errors import InvalidInput
from kernel.http import CallerDep
from web.city.access import workspace_gate
from web.forms import (
    EvidenceInput,
    evidence_input,
    picked_evidence,
    refused_fields,
    text,
    text_errors,
    typed_date,
    writing_context,
    written_date,
)
from web.language import page_language
from web.pages import render

STATUSES = ("not_started", "in_progress", "delayed", "achieved")
"""What an officer reports; withdrawing an adoption is a decision of its own, with its reason."""


@dataclass
class StatusFields:
    """The status as typed: the status, its day, the narrative and the evidence on file ticked."""

    status: str = ""
    reported_on: str = ""
    note: str = ""
    picked: list[int] = field(default_factory=list)


class StatusPages(Controller):
    """The form that reports a commitment's status."""

    include_in_schema = False
    path = "/workspace/{city:str}/commitments/{charter:str}/{code:str}/status"

    @get("/new")
    async def form(
        self,
        request: Request,
        caller: CallerDep,
        city: FromPath[str],
        charter: FromPath[str],
        code: FromPath[str],
    ) -> Template | Redirect:
        gate = await workspace_gate(request, caller, city)
        if gate is not None:
            return gate
        content = await status_form(caller, city, charter, code, page_language(request))
        today = written_date(clock.today(), content.locale)
        fields = StatusFields(status=content.commitment.status or "", reported_on=today)
        return self._page(request, caller, content, fields, EvidenceInput(), {})

    @post("/new", status_code=200)
    async def send(
        self,
        request: Request,
        caller: CallerDep,
        city: FromPath[str],
        charter: FromPath[str],
        code: FromPath[str],
    ) -> Template | Redirect:
        """Preview the narrative, or save the status as a draft or published; a refused field
        sends the form back as typed, with the file already chosen kept."""
        gate = await workspace_gate(request, caller, city)
        if gate is not None:
            return gate
        content = await status_form(caller, city, charter, code, page_language(request))
        form = await request.form()
        picked, stray = picked_evidence(form, {e.id for e in content.evidence})
        fields = StatusFields(text(form, "status"), text(form, "reported_on"), text(form, "text"), picked)
        given = await evidence_input(request, caller, form, content.locale)
        day = typed_date(fields.reported_on, content.locale)
        errors = {
            **({"status": "missing"} if fields.status not in STATUSES else {}),
            **({"reported_on": "invalid"} if day is None else {}),
            **(text_errors(fields.note) if fields.note.strip() else {}),
            **({"evidence": "invalid"} if stray else {}),
            **given.errors(),
        }
        action = text(form, "action")
        if errors or action == "preview" or day is None:
            return self._page(request, caller, content, fields, given, errors, preview=action == "preview")
        data = StatusUpdateCreate(
            status=CommitmentStatus(fields.status),
            reported_on=day,
            note_md=fields.note.strip() or None,
            evidence=picked,
            draft=action != "publish",
        )
        claim, errors = await save_status(caller, city, charter, content, data, given)
        if claim is None:
            return self._page(request, caller, content, fields, given, errors)
        return Redirect(f"/workspace/{city}?saved={claim}", status_code=303)

    def _page(
        self,
        request: Request,
        caller: Caller,
        content: StatusForm,
        fields: StatusFields,
        given: EvidenceInput,
        errors: dict[str, str],
        *,
        preview: bool = False,
    ) -> Template:
        context = {
            "form": content,
            "fields": fields,
            "statuses": STATUSES,
            **writing_context(caller, given, errors, content.locale, fields.note, preview),
        }
        return render(request, "status_form.html", context, status_code=422 if errors else 200)


async def save_status(
    caller: Caller,
    city: str,
    charter: str,
    content: StatusForm,
    data: StatusUpdateCreate,
    given: EvidenceInput,
) -> tuple[str | None, dict[str, str]]:
    """Write the commitment's status update, with the evidence filed in the same form: the new
    claim's id, or the fields the service refused (the day, the evidence), to show beside them."""
    try:
        saved = await add_status_update(
            caller, city, charter, content.commitment.commitment, data, given.items()
        )
    except InvalidInput as exc:
        return None, refused_fields(exc, {"reported_on", "evidence"})
    return saved.claim_id, {}
