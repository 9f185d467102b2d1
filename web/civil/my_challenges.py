"""My challenges: what a civil-society reviewer has opened, each with its state, the city's
answers, what waits for the reviewer, and the days left before the city is overdue."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Redirect, Template

from indicators.challenges import list_challenges
from indicators.recent import describe_claims
from kernel.http import CallerDep
from web.language import page_language
from web.pages import refused, render, sign_in_first
from web.public.challenges import days_left
from web.public.names import cities_by_slug

LIMIT = 500
"""More than one reviewer opens in years; the page lists them all, newest first."""


class MyChallengePages(Controller):
    """The signed-in reviewer's own challenges."""

    include_in_schema = False

    @get("/my/challenges")
    async def mine(self, request: Request, caller: CallerDep) -> Template | Redirect:
        if not caller.is_authenticated or caller.user_id is None:
            return sign_in_first("/my/challenges")
        if not caller.is_reviewer:
            return refused(request, "my-challenges")
        page = await list_challenges(
            city=None, status=None, overdue=None, claim=None, limit=LIMIT, offset=0, opened_by=caller.user_id
        )
        lang = page_language(request)
        claims = await describe_claims([c.claim_id for c in page.items], lang)
        rows = [
            {
                "c": c,
                "claim": claims.get(c.claim_id),
                "city_answers": sum(1 for r in c.replies if r.side == "city"),
                "your_turn": c.status == "answered" and c.replies[-1].side == "city",
                "days_left": days_left(c),
            }
            for c in page.items
        ]
        context = {"rows": rows, "cities": await cities_by_slug(lang), "total": page.total}
        return render(request, "my_challenges.html", context)
