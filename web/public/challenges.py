"""Civil society's challenges, in public: the list (by status and city) and one challenge with
its counter-evidence, the city's replies in order and the secretariat's ruling. The pages call
the same service as the API (indicators.challenges)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from litestar import Controller, Request, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from charter.tables import City
from indicators.challenges import REPLY_DAYS, get_challenge, list_challenges
from indicators.claims import now
from indicators.schemas import ChallengeRead
from web.pages import render

STATUSES = ("open", "answered", "overdue", "ruled")
"""The list's status filter: `overdue` is an open challenge the city has left unanswered for
`REPLY_DAYS` days, as the API computes it."""
PAGE_SIZE = 100
Filter = Annotated[str | None, QueryParameter()]


def days_left(challenge: ChallengeRead) -> int | None:
    """Days before an open challenge becomes overdue (0 when it is); None once answered or ruled."""
    if challenge.status != "open":
        return None
    left = (challenge.opened_at + timedelta(days=REPLY_DAYS) - now()).days
    return max(left, 0)


class ChallengePages(Controller):
    """The public list of challenges and one challenge."""

    path = "/challenges"
    include_in_schema = False

    @get("/", name="challenges")
    async def challenges(self, request: Request, status: Filter = None, city: Filter = None) -> Template:
        """Challenges, newest first, filtered by status and city; a value a filter does not know
        is a 400 page naming the filter."""
        errors: list[tuple[str, str]] = []
        if status and status not in STATUSES:
            errors.append(("status", status))
        if city and await City.select(City.id).where(City.slug == city).first() is None:
            errors.append(("city", city))
        rows: list[tuple[ChallengeRead, int | None]] = []
        if not errors:
            page = await list_challenges(
                city=city or None,
                status=None if status in (None, "", "overdue") else status,
                overdue=True if status == "overdue" else None,
                claim=None,
                limit=PAGE_SIZE,
                offset=0,
            )
            rows = [(c, days_left(c)) for c in page.items]
        context = {
            "rows": rows,
            "status": status or "",
            "city": city or "",
            "statuses": STATUSES,
            "errors": errors,
        }
        return render(request, "challenges.html", context, status_code=400 if errors else 200)

    @get("/{challenge_id:int}", name="challenge")
    async def challenge(self, request: Request, challenge_id: FromPath[int]) -> Template:
        """One challenge: the claim, the reason, counter-evidence, the rounds and the ruling."""
        item = await get_challenge(challenge_id)
        return render(request, "challenge.html", {"c": item, "days_left": days_left(item)})
