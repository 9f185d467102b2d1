"""Set or change an indicator's target (and its baseline) for the city. The form carries the
version it showed: when another officer changed the target meanwhile, the page says so, shows
their values beside what was typed, keeps what was typed, and the next send replaces theirs
knowingly. Written by the service the API calls (`indicators.targets.set_target`)."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from indicators.reporting import ValueForm, value_form
from indicators.schemas import TargetRead, TargetSet
from indicators.targets import set_target
from kernel.errors import InvalidInput, PreconditionFailed, PreconditionRequired
from kernel.http import CallerDep
from kernel.numbers import read_value
from kernel.periods import parse_period
from kernel.text import language_of
from kernel.versions import UNSAID, Precondition
from web.city.access import workspace_gate
from web.city.values import number_example
from web.forms import text
from web.language import page_language
from web.pages import render


@dataclass
class TargetFields:
    """The target as typed, and the version of the target the form showed (0: none yet)."""

    baseline: str = ""
    baseline_period: str = ""
    target: str = ""
    target_period: str = ""
    version: int = 0


def _shown(number: float | None) -> str:
    """A stored number as the form shows it to be typed again (`1250`, `12.5`)."""
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


def _fields_of(target: TargetRead | None) -> TargetFields:
    if target is None:
        return TargetFields()
    return TargetFields(
        _shown(target.baseline),
        target.baseline_period or "",
        _shown(target.target),
        target.target_period or "",
        target.version,
    )


class TargetPages(Controller):
    """The form of an indicator's target."""

    include_in_schema = False
    path = "/workspace/{city:str}/indicators/{charter:str}/{code:str}/target"

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
        content = await value_form(caller, city, charter, code, page_language(request))
        return _page(request, content, _fields_of(content.indicator.target), {})

    @post("/", status_code=200)
    async def send(
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
        form = await request.form()
        version = text(form, "version")
        fields = TargetFields(
            baseline=text(form, "baseline").strip(),
            baseline_period=text(form, "baseline_period").strip(),
            target=text(form, "target").strip(),
            target_period=text(form, "target_period").strip(),
            version=int(version) if version.isdigit() else 0,
        )
        errors = _errors(content, fields)
        if errors:
            return _page(request, content, fields, errors)
        data = TargetSet(
            target=fields.target,
            baseline=fields.baseline or None,
            baseline_period=fields.baseline_period or None,
            target_period=fields.target_period or None,
        )
        precondition = Precondition(versions=frozenset({fields.version})) if fields.version else UNSAID
        try:
            await set_target(caller, city, charter, content.indicator.code, data, precondition)
        except (PreconditionFailed, PreconditionRequired):
            newer = await value_form(caller, city, charter, code, page_language(request))
            theirs = newer.indicator.target
            fields.version = theirs.version if theirs else 0
            return _page(request, newer, fields, {"form": "stale"}, theirs=theirs, status_code=409)
        except InvalidInput as exc:
            return _page(
                request, content, fields, {e.field: "invalid" for e in exc.errors} or {"form": "invalid"}
            )
        return Redirect(
            f"/cities/{city}/commitments/{charter}/{content.commitment.commitment}#indicator-{content.indicator.code}",
            status_code=303,
        )


def _errors(content: ValueForm, fields: TargetFields) -> dict[str, str]:
    """Every field's problem at once, before anything is written."""
    errors: dict[str, str] = {}
    value_type = str(content.indicator.value_type)
    for name in ("baseline", "target"):
        typed = getattr(fields, name)
        if name == "target" and not typed:
            errors[name] = "invalid"
            continue
        if typed:
            try:
                read_value(typed, content.locale, value_type, name)
            except InvalidInput:
                errors[name] = "invalid"
    for name in ("baseline_period", "target_period"):
        typed = getattr(fields, name)
        if typed:
            try:
                parse_period(typed, name)
            except InvalidInput:
                errors[name] = "invalid"
    return errors


def _page(
    request: Request,
    content: ValueForm,
    fields: TargetFields,
    errors: dict[str, str],
    *,
    theirs: TargetRead | None = None,
    status_code: int | None = None,
) -> Template:
    context = {
        "form": content,
        "fields": fields,
        "errors": errors,
        "theirs": theirs,
        "number_example": number_example(content.locale),
        "city_lang": language_of(content.locale),
    }
    return render(request, "target_form.html", context, status_code=status_code or (422 if errors else 200))
