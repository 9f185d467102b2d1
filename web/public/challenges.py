"""Civil society's challenges, in public: the list (by status and city) and one challenge with
its counter-evidence, the city's replies in order and the secretariat's ruling. The pages call
the same service as the API (indicators.challenges)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from charter.tables import City
from indicators.challenges import (
    MAX_TEXT,
    REPLY_DAYS,
    challenge_row,
    get_challenge,
    list_challenges,
    reply_side,
    side_to_reply,
)
from indicators.claims import get_claim, now
from indicators.evidence import get_evidence
from indicators.recent import describe_claims
from indicators.reporting import evidence_to_cite
from indicators.schemas import ChallengeRead, ClaimRead
from indicators.tables import Indicator
from kernel.caller import Caller
from kernel.db import read_snapshot
from kernel.errors import NotFound
from kernel.http import CallerDep
from kernel.settings import get_settings
from web.forms import EvidenceInput
from web.language import page_language
from web.pages import render
from web.public.names import cities_by_slug

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


async def claim_page(claim: ClaimRead) -> str | None:
    """The page of the commitment a claim is about (a status update names its adoption, a value
    its indicator); None for a signature, which the city's page shows."""
    if claim.kind == "status_update":
        city, charter, code = claim.subject.split("/", 2)
        return f"/cities/{city}/commitments/{charter}/{code}"
    if claim.kind == "measurement":
        row = (
            await Indicator.select(Indicator.code, Indicator.commitment._.code.as_alias("commitment"))
            .where(Indicator.key == claim.subject)
            .first()
        )
        if row:
            charter = claim.subject.split("/", 1)[0]
            return f"/cities/{claim.city}/commitments/{charter}/{row['commitment']}#indicator-{row['code']}"
    return None


async def evidence_titles(caller: Caller, ids: list[int]) -> dict[int, str]:
    """The titles of the evidence items `caller` may see, by id (the others are left out)."""
    titles: dict[int, str] = {}
    for evidence_id in ids:
        try:
            titles[evidence_id] = (await get_evidence(caller, evidence_id)).title
        except NotFound:
            continue
    return titles


class ChallengePages(Controller):
    """The public list of challenges and one challenge."""

    path = "/challenges"
    include_in_schema = False

    @get("/", name="challenges")
    async def challenges(self, request: Request, status: Filter = None, city: Filter = None) -> Template:
        """Challenges, newest first, filtered by status and city; a value a filter does not know
        is a 400 page naming the filter."""
        errors: list[tuple[str, str]] = []
        rows: list[tuple[ChallengeRead, int | None]] = []
        async with read_snapshot():
            if status and status not in STATUSES:
                errors.append(("status", status))
            if city and await City.select(City.id).where(City.slug == city).first() is None:
                errors.append(("city", city))
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
            cities = await cities_by_slug(page_language(request))
        context = {
            "cities": cities,
            "rows": rows,
            "status": status or "",
            "city": city or "",
            "statuses": STATUSES,
            "errors": errors,
        }
        return render(request, "challenges.html", context, status_code=400 if errors else 200)

    @get("/{challenge_id:int}", name="challenge")
    async def challenge(self, request: Request, caller: CallerDep, challenge_id: FromPath[int]) -> Template:
        """One challenge: the claim, the reason, counter-evidence, the rounds and the ruling; and
        for the city's editors and the challenger, the form of the next round."""
        async with read_snapshot():
            context = await challenge_context(request, caller, challenge_id)
        return render(request, "challenge.html", context)


async def challenge_context(request: Request, caller: Caller, challenge_id: int) -> dict[str, Any]:
    """What the page of one challenge shows to `caller`, with an empty form for the next round
    when the caller may write it (`side`: the city, or the challenger)."""
    item = await get_challenge(challenge_id)
    try:
        claim: ClaimRead | None = (await get_claim(caller, item.claim_id))[0]
    except NotFound:
        claim = None
    answered = [e for r in item.replies for e in r.evidence]
    cited = [*(claim.evidence if claim else []), *item.evidence, *answered]
    side = await side_to_reply(caller, challenge_id) if caller.is_authenticated else None
    offered = []
    if side == "city":
        # The city answers most often with what the claim already rests on: that comes first.
        own = set(claim.evidence if claim else [])
        on_file = await evidence_to_cite(caller, item.city)
        offered = [e for e in on_file if e.id in own] + [e for e in on_file if e.id not in own]
    ruled = request.query_params.get("ruled", "")  # the challenge the secretariat just ruled on
    row_city = (await challenge_row(challenge_id))["city"] if caller.is_secretariat else -1
    return {
        "c": item,
        "claim": claim,
        "line": (await describe_claims([item.claim_id], page_language(request))).get(item.claim_id),
        "claim_page": await claim_page(claim) if claim else None,
        "titles": await evidence_titles(caller, cited),
        "cities": await cities_by_slug(page_language(request)),
        "days_left": days_left(item),
        "side": side,
        "waits_for_city": side is None
        and item.status == "open"
        and caller.is_reviewer
        and reply_side(caller, await challenge_row(challenge_id)) is not None,
        "signed_in": caller.is_authenticated,
        "text": "",
        "given": EvidenceInput(),
        "offered": offered,
        "picked": [],
        "held": None,
        "errors": {},
        "preview": None,
        "max_text": MAX_TEXT,
        "max_upload_mb": round(get_settings().max_upload_bytes / (1024 * 1024), 1),
        # The secretariat rules here, coming from its queue (whose filters the form carries on).
        "rule": caller.oversees(row_city) and item.status != "ruled",
        "ruling": {"outcome": "", "note": ""},
        "queue": queue_query(request),
        "ruled": ruled if ruled.isdigit() else "",
    }


def queue_query(request: Request) -> str:
    """The review queue's filters the request carries (`?city=…&charter=…&network=…`), or ''."""
    pairs = [(k, request.query_params.get(k, "").strip()) for k in ("city", "charter", "network")]
    kept = [(k, v) for k, v in pairs if v]
    return f"?{urlencode(kept)}" if kept else ""
