"""The city's to-do, the first page a city's officer sees after signing in: what is due, what
is overdue, the challenges waiting for the city's answer, drafts, rejected evidence; each line
links to the page that settles it."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Redirect, Template

from indicators.claims import get_claim
from indicators.schemas import ClaimRead
from indicators.todo import city_todo
from kernel.caller import Caller
from kernel.errors import NotFound
from kernel.http import CallerDep
from web.city.access import workspace_gate
from web.language import page_language
from web.pages import render
from web.public.names import cities_by_slug


class TodoPages(Controller):
    """A city's to-do."""

    include_in_schema = False

    @get("/workspace/{city:str}")
    async def todo(self, request: Request, caller: CallerDep, city: FromPath[str]) -> Template | Redirect:
        gate = await workspace_gate(request, caller, city)
        if gate is not None:
            return gate
        lang = page_language(request)
        todo = await city_todo(caller, city, lang)
        names = await cities_by_slug(lang)
        return render(
            request,
            "city_todo.html",
            {
                "todo": todo,
                "city": names[city],
                "saved": await _saved(caller, request.query_params.get("saved")),
            },
        )


async def _saved(caller: Caller, claim: str | None) -> ClaimRead | None:
    """The claim a form just saved (`?saved=`), to say so; nothing for an id the caller may not see."""
    if not claim:
        return None
    try:
        return (await get_claim(caller, claim))[0]
    except NotFound:
        return None
