"""The home page (the charters, their signatory cities, the claims published last, the
challenges awaiting a city's answer) and the search across cities, commitments and principles."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Annotated

from litestar import Controller, Request, get
from litestar.params import QueryParameter
from litestar.response import Template

from charter.services import get_charter_or_raise, signatories
from indicators.challenges import list_challenges
from indicators.charter_tree import charter_tree
from indicators.choices import ChallengeStatus
from indicators.recent import ClaimLine, describe_claims, recent_claims
from indicators.schemas import ChallengeRead
from kernel.db import read_snapshot
from kernel.text import strip_bidi_controls
from web.language import page_language
from web.pages import render
from web.public.names import (
    CityName,
    Named,
    charter_title,
    charters_by_slug,
    cities_by_slug,
    city_name,
    every_city,
)

RECENT = 10
"""How many of the claims published last, and of the open challenges, the home page lists."""
MAX_QUERY = 500
"""The longest search a visitor may type, in characters."""


@dataclass(frozen=True, slots=True)
class CharterLine:
    """A charter on the home page: its title and how many cities hold a standing signature."""

    title: Named
    issuer: str
    signatories: int


@dataclass(frozen=True, slots=True)
class SignatoryCity:
    """A city holding a standing signature of at least one charter, and the charters."""

    city: CityName
    charters: list[Named]


@dataclass(frozen=True, slots=True)
class OpenChallenge:
    """A challenge awaiting the city's answer, with the claim it questions (None if that claim
    is no longer published)."""

    challenge: ChallengeRead
    city: CityName | None
    claim: ClaimLine | None


async def home_page(lang: str) -> dict[str, object]:
    """What the home page shows, in `lang`."""
    charters = await charters_by_slug(lang)
    cities = await cities_by_slug(lang)
    lines: list[CharterLine] = []
    signed_by: dict[str, list[Named]] = {}
    for slug, charter in charters.items():
        signed = await signatories((await get_charter_or_raise(slug))["id"])
        lines.append(CharterLine(charter_title(charter, lang), charter.issuer, len(signed)))
        for city in signed:
            signed_by.setdefault(city, []).append(charter_title(charter, lang))
    signatory_cities = sorted(
        (SignatoryCity(cities[slug], titles) for slug, titles in signed_by.items() if slug in cities),
        key=lambda s: s.city.name.casefold(),
    )
    challenges = await list_challenges(
        city=None, status=ChallengeStatus.open, overdue=None, claim=None, limit=RECENT, offset=0
    )
    claims = await describe_claims([c.claim_id for c in challenges.items], lang)
    return {
        "charters": lines,
        "cities": signatory_cities,
        "recent": await recent_claims(lang, RECENT),
        "challenges": [
            OpenChallenge(c, cities.get(c.city), claims.get(c.claim_id)) for c in challenges.items
        ],
        "open_challenges": challenges.total,
        "q": "",
        "max_query": MAX_QUERY,
    }


# Search -----------------------------------------------------------------------------------------


def _folded(text: str) -> str:
    """Text as the search compares it: compatibility forms, case and spacing set aside."""
    return " ".join(unicodedata.normalize("NFKC", strip_bidi_controls(text)).casefold().split())


@dataclass(frozen=True, slots=True)
class Found:
    """A principle or a commitment whose code or title holds the words searched."""

    charter: Named
    code: str
    title: str
    title_lang: str | None


@dataclass
class SearchResults:
    """What a search found, by kind."""

    cities: list[CityName] = field(default_factory=list)
    principles: list[Found] = field(default_factory=list)
    commitments: list[Found] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.cities) + len(self.principles) + len(self.commitments)


async def search(query: str, lang: str) -> SearchResults:
    """The cities with a name in any language, and the principles and commitments whose code or
    title as shown in `lang`, that hold `query` (case and compatibility forms set aside)."""
    wanted = _folded(query)
    found = SearchResults()
    if not wanted:
        return found
    # A city is found by any of its names (Grenoble, غرونوبل) and shown in the page's language.
    found.cities = sorted(
        (
            city_name(c, lang)
            for c in await every_city(lang)
            if any(wanted in _folded(name) for name in (c.slug, *c.name_i18n.values()))
        ),
        key=lambda c: c.name.casefold(),
    )
    for slug in await charters_by_slug(lang):
        tree = await charter_tree(slug, lang)
        title = charter_title(tree, lang)
        for p in tree.principles:
            if wanted in _folded(f"{p.code} {p.title}"):
                found.principles.append(Found(title, p.code, p.title, p.title_lang))
            found.commitments += [
                Found(title, c.code, c.title, c.title_lang)
                for c in p.commitments
                if wanted in _folded(f"{c.code} {c.title}")
            ]
    return found


class HomePages(Controller):
    """The home page and the search."""

    path = "/"
    include_in_schema = False

    @get("/", name="home")
    async def home(self, request: Request) -> Template:
        """The charters, their signatory cities, the claims published last and the challenges
        awaiting an answer, with a search box."""
        lang = page_language(request)
        async with read_snapshot():
            context = await home_page(lang)
        return render(request, "home.html", context)

    @get("/search", name="search")
    async def search(self, request: Request, q: Annotated[str, QueryParameter()] = "") -> Template:
        """Cities, commitments and principles whose name, code or title holds the words typed."""
        lang = page_language(request)
        if len(q) > MAX_QUERY:
            context = {"q": q[:MAX_QUERY], "too_long": True, "max_query": MAX_QUERY, "results": None}
            return render(request, "search.html", context, status_code=400)
        results = None
        if q.strip():
            async with read_snapshot():
                results = await search(q, lang)
        context = {"q": q, "too_long": False, "max_query": MAX_QUERY, "results": results}
        return render(request, "search.html", context)
