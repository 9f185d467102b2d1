"""A piece of evidence: what it is (title, description, kind, date, who filed it, its file or
its link), its file to download unless the secretariat withholds it, the secretariat's review,
and every claim and challenge that cites it. The same rules as the API's GET /api/v1/evidence/{id}:
evidence nothing published cites is 404 for whoever may not see it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Template

from indicators.citations import acts_citing, challenges_citing, claims_citing
from indicators.evidence import get_evidence
from indicators.history import item_history
from kernel.caller import Caller
from kernel.db import read_snapshot
from kernel.errors import NotFound
from kernel.http import CallerDep
from kernel.schemas import MAX_ROW_ID
from web.language import page_language
from web.pages import render
from web.public.names import cities_by_slug

_ID = re.compile(r"^[1-9][0-9]{0,17}\Z")


def evidence_id_of(text: str) -> int:
    """The evidence id in a path; anything else is an unknown piece of evidence (404)."""
    if not _ID.match(text) or int(text) > MAX_ROW_ID:
        raise NotFound(f"No evidence {text!r}.")
    return int(text)


def linkable(url: str | None) -> bool:
    """A link the page may make clickable: http(s) only (anything else is shown as text)."""
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


async def _filed_by(caller: Caller, evidence_id: int) -> str | None:
    """Who filed the evidence, under the name the public sees (from its history's first row)."""
    try:
        rows = await item_history(caller, "evidence", f"evidence-{evidence_id}")
    except NotFound:
        return None
    return rows[0].by if rows else None


async def evidence_page(caller: Caller, text: str, lang: str) -> dict[str, object]:
    """What the page shows, as `caller` may see it (404 for an unknown id or unpublished evidence)."""
    evidence_id = evidence_id_of(text)
    read = await get_evidence(caller, evidence_id)
    cities = await cities_by_slug(lang)
    return {
        "e": read,
        "city": cities.get(read.city),
        "filed_by": await _filed_by(caller, evidence_id),
        "url_linkable": linkable(read.url),
        "claims": await claims_citing(caller, evidence_id),
        "challenges": await challenges_citing(evidence_id),
        "acts": await acts_citing(caller, evidence_id),
        "cities": cities,
        "history": read.history.removeprefix("/api/v1"),
    }


class EvidencePages(Controller):
    """One piece of evidence."""

    path = "/evidence/{evidence_id:str}"
    include_in_schema = False

    @get("/", name="evidence")
    async def evidence(self, request: Request, caller: CallerDep, evidence_id: FromPath[str]) -> Template:
        """The evidence, its review and what cites it, as the visitor may see them."""
        lang = page_language(request)
        async with read_snapshot():
            context = await evidence_page(caller, evidence_id, lang)
        return render(request, "evidence.html", context)
