"""The city's to-do, the first page a city's officer sees after signing in: what is due, what
is overdue, the challenges waiting for the city's answer, drafts, rejected evidence; each line
links to the page that settles it."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from indicators.claims import get_claim, publish_drafts
from indicators.schemas import ClaimRead
from indicators.todo import city_todo
from kernel.caller import Caller
from kernel.errors import Conflict, NotFound, PreconditionFailed
from kernel.http import CallerDep
from web.city.access import workspace_gate
from web.language import page_language
from web.pages import render
from web.public.challenges import evidence_titles
from web.public.names import named_city


class TodoPages(Controller):
    """A city's to-do."""

    include_in_schema = False

    @get("/workspace/{city:str}")
    async def todo(self, request: Request, caller: CallerDep, city: FromPath[str]) -> Template | Redirect:
        gate = await workspace_gate(request, caller, city)
        if gate is not None:
            return gate
        saved = await _saved(caller, request.query_params.get("saved"))
        published = request.query_params.get("published", "")
        return await _todo_page(
            request, caller, city, saved=saved, published=int(published) if published.isdigit() else 0
        )

    @post("/workspace/{city:str}/drafts/publish", status_code=200)
    async def publish(self, request: Request, caller: CallerDep, city: FromPath[str]) -> Template | Redirect:
        """Publish the drafts ticked (or all those listed), each at the version the page showed:
        all of them or none; one changed or published meanwhile is said, and nothing is written."""
        gate = await workspace_gate(request, caller, city)
        if gate is not None:
            return gate
        form = await request.form()
        drafts = [_draft_ref(v) for v in form.getall("draft", [])]
        wanted = [d for d in drafts if d is not None]
        if not wanted or len(wanted) != len(drafts):
            return await _todo_page(request, caller, city, problem="none", status_code=422)
        try:
            done = await publish_drafts(caller, city, wanted)
        except (PreconditionFailed, Conflict, NotFound):
            return await _todo_page(request, caller, city, problem="changed", status_code=409)
        return Redirect(f"/workspace/{city}?published={len(done)}", status_code=303)


def _draft_ref(value: object) -> tuple[str, int] | None:
    """A draft as the list names it, `claim-id@version`; None when it is not that."""
    if not isinstance(value, str) or "@" not in value:
        return None
    claim, _, version = value.rpartition("@")
    return (claim, int(version)) if version.isdigit() and claim else None


async def _todo_page(
    request: Request,
    caller: Caller,
    city: str,
    *,
    saved: ClaimRead | None = None,
    published: int = 0,
    problem: str = "",
    status_code: int = 200,
) -> Template:
    lang = page_language(request)
    todo = await city_todo(caller, city, lang)
    # What the saved claim cites, by title: a file already on file is cited as the piece on file.
    cites = list((await evidence_titles(caller, saved.evidence)).values()) if saved else []
    context = {
        "todo": todo,
        "city": await named_city(city, lang),
        "saved": saved,
        "cites": cites,
        "published": published,
        "problem": problem,
    }
    return render(request, "city_todo.html", context, status_code=status_code)


async def _saved(caller: Caller, claim: str | None) -> ClaimRead | None:
    """The claim a form just saved (`?saved=`), to say so; nothing for an id the caller may not see."""
    if not claim:
        return None
    try:
        return (await get_claim(caller, claim))[0]
    except NotFound:
        return None
