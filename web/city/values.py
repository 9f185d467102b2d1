"""Report a value, or correct a published one: one page and one submit from the to-do. The
indicator with its target and the values already reported, the period (only ended periods still
free; a correction keeps the period of the value it corrects), the value typed as the city writes
numbers, a note, the evidence: picked from the city's own or filed in the same form (a file
and/or a link with its title, kind and date). Saved as a draft or published, in one transaction,
by the service the API calls (`indicators.measurements.add_measurement`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from babel.numbers import format_decimal
from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from indicators.measurements import add_measurement
from indicators.reporting import ValueForm, value_form
from indicators.schemas import MeasurementCreate, MeasurementRead
from kernel.caller import Caller
from kernel.errors import Conflict, InvalidInput
from kernel.http import CallerDep
from kernel.numbers import read_value
from kernel.text import language_of
from web.city.access import workspace_gate
from web.forms import EvidenceInput, evidence_input, picked_evidence, text, text_errors, writing_context
from web.language import page_language
from web.pages import render


@dataclass
class ValueFields:
    """The value as typed: period, value, note and the evidence on file ticked."""

    period: str = ""
    value: str = ""
    note: str = ""
    picked: list[int] = field(default_factory=list)
    correct: str = ""
    """The published value this one corrects (its claim id), if it is a correction."""


def number_example(locale: str) -> str:
    """How the city writes one thousand two hundred and fifty and a half (`1 250,5`, `1,250.5`)."""
    try:
        return format_decimal(1250.5, format="#,##0.##", locale=locale.replace("-", "_"))
    except ValueError:
        return "1250.5"


class ValuePages(Controller):
    """The form that reports a value of one indicator."""

    include_in_schema = False
    path = "/workspace/{city:str}/indicators/{charter:str}/{code:str}/values"

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
        content = await value_form(caller, city, charter, code, page_language(request))
        corrected = _corrected(content, request.query_params.get("correct"))
        if corrected is not None:
            fields = ValueFields(corrected.period, corrected.value_text, correct=corrected.claim_id)
        else:
            period = request.query_params.get("period") or ""
            fields = ValueFields(period=period if period in content.periods else "")
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
        """Preview the note, or save the value as a draft or published; a refused field sends the
        form back as typed, with the file already chosen kept."""
        gate = await workspace_gate(request, caller, city)
        if gate is not None:
            return gate
        content = await value_form(caller, city, charter, code, page_language(request))
        form = await request.form()
        picked, stray = picked_evidence(form, {e.id for e in content.evidence})
        corrected = _corrected(content, text(form, "correct"))
        fields = ValueFields(
            corrected.period if corrected else text(form, "period"),
            text(form, "value"),
            text(form, "text"),
            picked,
            corrected.claim_id if corrected else "",
        )
        given = await evidence_input(request, caller, form, content.locale)
        errors = _errors(content, fields, given, stray)
        action = text(form, "action")
        if errors or action == "preview":
            return self._page(request, caller, content, fields, given, errors, preview=action == "preview")
        data = MeasurementCreate(
            period=fields.period,
            value=fields.value,
            note_md=fields.note.strip() or None,
            evidence=picked,
            draft=action != "publish",
            supersedes=fields.correct or None,
        )
        try:
            saved = await add_measurement(caller, city, charter, content.indicator.code, data, given.items())
        except Conflict:
            errors = {"period": "taken"}
        except InvalidInput as exc:
            errors = {
                e.field if e.field in {"period", "value", "evidence"} else "form": "invalid"
                for e in exc.errors
            }
        else:
            return Redirect(f"/workspace/{city}?saved={saved.claim_id}", status_code=303)
        return self._page(request, caller, content, fields, given, errors or {"form": "invalid"})

    def _page(
        self,
        request: Request,
        caller: Caller,
        content: ValueForm,
        fields: ValueFields,
        given: EvidenceInput,
        errors: dict[str, str],
        *,
        preview: bool = False,
    ) -> Template:
        context = {
            "form": content,
            "fields": fields,
            "number_example": number_example(content.locale),
            "city_lang": language_of(content.locale),
            **writing_context(caller, given, errors, content.locale, fields.note, preview),
        }
        return render(request, "value_form.html", context, status_code=422 if errors else 200)


def _corrected(content: ValueForm, claim: str | None) -> MeasurementRead | None:
    """The published value of this indicator that `claim` names and that stands, to correct."""
    return next((m for m in content.standing if claim and m.claim_id == claim and not m.draft), None)


def _errors(content: ValueForm, fields: ValueFields, given: EvidenceInput, stray: bool) -> dict[str, str]:
    """Every field's problem at once, before anything is written."""
    errors: dict[str, str] = {}
    if not fields.correct and fields.period not in content.periods:
        errors["period"] = "missing"
    try:
        read_value(fields.value, content.locale, str(content.indicator.value_type), "value")
    except InvalidInput:
        errors["value"] = "invalid"
    if fields.note.strip():
        errors |= text_errors(fields.note)
    if stray:
        errors["evidence"] = "invalid"
    return errors | given.errors()
