"""The city's acts of commitment: sign a charter, adopt several of its commitments by one
decision (each with the department that owns it and its local due date), withdraw an adoption
with its reason. The council decision is cited as evidence in the same form, picked from the
city's own or filed there (a file and/or a link). Each is one page and one submit, written by the
services the API calls (`indicators.acts`, `indicators.status_updates`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from commitments.choices import CommitmentStatus
from commitments.schemas import StatusUpdateCreate
from indicators.acts import Adopting, SigningCreate, adopt_several, sign
from indicators.reporting import AdoptForm, StatusForm, acts_form, adopt_form, status_form
from kernel import clock
from kernel.caller import Caller
from kernel.errors import Conflict, InvalidInput
from kernel.http import CallerDep
from web.city.access import workspace_gate
from web.city.statuses import save_status
from web.forms import (
    MAX_NOTE,
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

MAX_OWNER = 255
"""The longest name of a department that owns a commitment (as the API's)."""


@dataclass
class ActFields:
    """A signature or a withdrawal as typed: its day, the act or the reason, the evidence ticked."""

    day: str = ""
    act: str = ""
    picked: list[int] = field(default_factory=list)


@dataclass
class AdoptFields:
    """Adoptions as typed: the day of the decision, the commitments ticked, and for each
    commitment offered its owner and due date as typed (kept for those not ticked too)."""

    day: str = ""
    chosen: list[str] = field(default_factory=list)
    owners: dict[str, str] = field(default_factory=dict)
    due: dict[str, str] = field(default_factory=dict)
    picked: list[int] = field(default_factory=list)


class ActsPages(Controller):
    """The charters the city has signed or may sign, and the forms that sign and adopt."""

    include_in_schema = False
    path = "/workspace/{city:str}/charters"

    @get("/")
    async def charters(self, request: Request, caller: CallerDep, city: FromPath[str]) -> Template | Redirect:
        gate = await workspace_gate(request, caller, city)
        if gate is not None:
            return gate
        content = await acts_form(caller, city, page_language(request))
        adopted = request.query_params.get("adopted", "")
        context = {"form": content, "adopted": int(adopted) if adopted.isdigit() else 0}
        return render(request, "charters_workspace.html", context)

    @get("/{charter:str}/sign")
    async def sign_form(
        self, request: Request, caller: CallerDep, city: FromPath[str], charter: FromPath[str]
    ) -> Template | Redirect:
        gate = await workspace_gate(request, caller, city)
        if gate is not None:
            return gate
        content = await adopt_form(caller, city, charter, page_language(request))
        if content.signed_on is not None:
            return Redirect(f"/workspace/{city}/charters/{content.charter.slug}/adopt", status_code=303)
        # Left empty: the act is days or years old, and today would be a wrong day kept unseen.
        fields = ActFields()
        return self._sign_page(request, caller, content, fields, _decision(content.locale), {})

    @post("/{charter:str}/sign", status_code=200)
    async def sign(
        self, request: Request, caller: CallerDep, city: FromPath[str], charter: FromPath[str]
    ) -> Template | Redirect:
        """Record the signature citing its decision; a refused field sends the form back as typed."""
        gate = await workspace_gate(request, caller, city)
        if gate is not None:
            return gate
        content = await adopt_form(caller, city, charter, page_language(request))
        form = await request.form()
        picked, stray = picked_evidence(form, {e.id for e in content.evidence})
        fields = ActFields(text(form, "signed_on"), text(form, "act").strip(), picked)
        given = await evidence_input(request, caller, form, content.locale)
        day = typed_date(fields.day, content.locale)
        errors = {
            **({"signed_on": "invalid"} if day is None or day > clock.today() else {}),
            **({"act": "long"} if len(fields.act) > MAX_NOTE else {}),
            **({"evidence": "invalid"} if stray else {}),
            **given.errors(),
        }
        if errors or day is None:
            return self._sign_page(request, caller, content, fields, given, errors)
        data = SigningCreate(content.charter.slug, day, fields.act, evidence=picked)
        try:
            await sign(caller, city, data, given.items())
        except Conflict:
            return Redirect(f"/workspace/{city}/charters/{content.charter.slug}/adopt", status_code=303)
        except InvalidInput as exc:
            errors = refused_fields(exc, {"signed_on", "evidence"})
            return self._sign_page(request, caller, content, fields, given, errors)
        return Redirect(f"/workspace/{city}/charters/{content.charter.slug}/adopt?signed=1", status_code=303)

    @get("/{charter:str}/adopt")
    async def adopt_form(
        self, request: Request, caller: CallerDep, city: FromPath[str], charter: FromPath[str]
    ) -> Template | Redirect:
        gate = await workspace_gate(request, caller, city)
        if gate is not None:
            return gate
        content = await adopt_form(caller, city, charter, page_language(request))
        signed = request.query_params.get("signed") == "1"
        # Right after signing, the adoption is most often the same decision: offer its day.
        day = written_date(content.signed_on, content.locale) if signed and content.signed_on else ""
        fields = AdoptFields(day=day)
        return self._adopt_page(
            request, caller, content, fields, _decision(content.locale), {}, signed=signed
        )

    @post("/{charter:str}/adopt", status_code=200)
    async def adopt(
        self, request: Request, caller: CallerDep, city: FromPath[str], charter: FromPath[str]
    ) -> Template | Redirect:
        """Adopt the commitments ticked by one decision: all of them, or none with every refused
        field named."""
        gate = await workspace_gate(request, caller, city)
        if gate is not None:
            return gate
        content = await adopt_form(caller, city, charter, page_language(request))
        form = await request.form()
        offered = [
            c.code for p in content.charter.principles for c in p.commitments if c.code not in content.adopted
        ]
        picked, stray = picked_evidence(form, {e.id for e in content.evidence})
        chosen = [v for v in form.getall("adopt", []) if isinstance(v, str)]
        fields = AdoptFields(
            text(form, "adopted_on"),
            [c for c in offered if c in chosen],
            {c: text(form, f"owner-{c}").strip() for c in offered},
            {c: text(form, f"due-{c}").strip() for c in offered},
            picked,
        )
        given = await evidence_input(request, caller, form, content.locale)
        day = typed_date(fields.day, content.locale)
        errors: dict[str, str] = {}
        if not fields.chosen or len(fields.chosen) != len(chosen):
            errors["adopt"] = "missing" if not chosen else "taken"
        if day is None or day > clock.today():
            errors["adopted_on"] = "invalid"
        items = []
        for code in fields.chosen:
            due: date | None = None
            if fields.due[code]:
                due = typed_date(fields.due[code], content.locale)
                if due is None or (day is not None and due < day):
                    errors[f"due:{code}"] = "invalid"
            if len(fields.owners[code]) > MAX_OWNER:
                errors[f"owner:{code}"] = "long"
            items.append(Adopting(code, due, fields.owners[code] or None))
        errors |= {"evidence": "invalid"} if stray else {}
        errors |= given.errors()
        if content.signed_on is None:
            errors = {"adopt": "unsigned"}
        if errors or day is None:
            return self._adopt_page(request, caller, content, fields, given, errors)
        try:
            done = await adopt_several(caller, city, content.charter.slug, day, items, picked, given.items())
        except Conflict:
            content = await adopt_form(caller, city, charter, page_language(request))
            return self._adopt_page(request, caller, content, fields, given, {"adopt": "taken"})
        except InvalidInput as exc:
            errors = {}
            for e in exc.errors:
                place, _, name = e.field.partition("].")
                if place.startswith("commitments[") and name in {"due_on", "owner"}:
                    code = items[int(place.removeprefix("commitments["))].commitment
                    errors[f"{'due' if name == 'due_on' else 'owner'}:{code}"] = "invalid"
                else:
                    errors[e.field if e.field in {"adopted_on", "evidence"} else "form"] = "invalid"
            return self._adopt_page(request, caller, content, fields, given, errors)
        return Redirect(f"/workspace/{city}/charters?adopted={len(done)}", status_code=303)

    def _sign_page(
        self,
        request: Request,
        caller: Caller,
        content: AdoptForm,
        fields: ActFields,
        given: EvidenceInput,
        errors: dict[str, str],
    ) -> Template:
        context = {
            "form": content,
            "fields": fields,
            **writing_context(caller, given, errors, content.locale, "", False),
        }
        return render(request, "sign_form.html", context, status_code=422 if errors else 200)

    def _adopt_page(
        self,
        request: Request,
        caller: Caller,
        content: AdoptForm,
        fields: AdoptFields,
        given: EvidenceInput,
        errors: dict[str, str],
        *,
        signed: bool = False,
    ) -> Template:
        context = {
            "form": content,
            "fields": fields,
            "signed": signed,
            **writing_context(caller, given, errors, content.locale, "", False),
        }
        status = 409 if errors.get("adopt") == "taken" else 422 if errors else 200
        return render(request, "adopt_form.html", context, status_code=status)


class WithdrawPages(Controller):
    """The form that withdraws an adoption, with the reason the public will read."""

    include_in_schema = False
    path = "/workspace/{city:str}/commitments/{charter:str}/{code:str}/withdraw"

    @get("/")
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
        fields = ActFields(day=written_date(clock.today(), content.locale))
        return self._page(request, caller, content, fields, _decision(content.locale), {})

    @post("/", status_code=200)
    async def send(
        self,
        request: Request,
        caller: CallerDep,
        city: FromPath[str],
        charter: FromPath[str],
        code: FromPath[str],
    ) -> Template | Redirect:
        """Preview the reason, or withdraw: a published status `withdrawn` whose narrative is the
        reason; it counts from then on and the adoption stays in the city's history."""
        gate = await workspace_gate(request, caller, city)
        if gate is not None:
            return gate
        content = await status_form(caller, city, charter, code, page_language(request))
        form = await request.form()
        picked, stray = picked_evidence(form, {e.id for e in content.evidence})
        fields = ActFields(text(form, "reported_on"), text(form, "text"), picked)
        given = await evidence_input(request, caller, form, content.locale)
        day = typed_date(fields.day, content.locale)
        errors = {
            **({"reported_on": "invalid"} if day is None else {}),
            **text_errors(fields.act),
            **({"evidence": "invalid"} if stray else {}),
            **given.errors(),
        }
        preview = text(form, "action") == "preview"
        if errors or preview or day is None:
            return self._page(request, caller, content, fields, given, errors, preview=preview)
        data = StatusUpdateCreate(
            status=CommitmentStatus.withdrawn, reported_on=day, note_md=fields.act.strip(), evidence=picked
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
        fields: ActFields,
        given: EvidenceInput,
        errors: dict[str, str],
        *,
        preview: bool = False,
    ) -> Template:
        context = {
            "form": content,
            "fields": fields,
            **writing_context(caller, given, errors, content.locale, fields.act, preview),
        }
        return render(request, "withdraw_form.html", context, status_code=422 if errors else 200)


def _decision(locale: str) -> EvidenceInput:
    """The evidence fields of an act's form, offered as a council decision."""
    return EvidenceInput(kind="council_decision", locale=locale)
