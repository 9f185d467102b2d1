"""A charter's page: its preamble, its principles → commitments → indicators, the cities that
hold a standing signature and since when, how many cities adopted each principle year by year
(the network report's curve, and its figures as a table), and its documents (Markdown,
comparison, network report)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Template
from markupsafe import Markup

from exports.charts import curves
from exports.comparison import adoption_over_time, comparison
from indicators.charter_tree import charter_tree
from kernel.db import read_snapshot
from kernel.i18n import gettext
from web.language import page_language
from web.pages import render
from web.public.names import CityName, charter_title, cities_by_slug


@dataclass(frozen=True, slots=True)
class Signatory:
    """A city whose latest signature act on the charter stands, and the date of that act."""

    city: CityName
    signed_on: date


async def charter_page(slug: str, lang: str) -> dict[str, object]:
    """What the charter's page shows, in `lang` (404 for an unknown charter)."""
    tree = await charter_tree(slug, lang)
    cities = await cities_by_slug(lang)
    rows = (await comparison(slug, lang=lang, sort="signed_on")).rows
    over_time = await adoption_over_time(slug, lang=lang)
    label = gettext("Cities that adopted at least one commitment of each principle, by year", lang)
    curve = curves(
        over_time.years, [(p.code, p.adopted) for p in over_time.principles], font_family=None, label=label
    )
    return {
        "charter": tree,
        "title": charter_title(tree, lang),
        "signatories": [Signatory(cities[r.city], r.signed_on) for r in rows if r.city in cities],
        "over_time": over_time if any(p.adopted[-1] for p in over_time.principles) else None,
        "curve": Markup(curve),  # noqa: S704 - drawn by our code, its texts escaped
    }


class CharterPages(Controller):
    """One charter."""

    path = "/charters/{charter:str}"
    include_in_schema = False

    @get("/", name="charter")
    async def charter(self, request: Request, charter: FromPath[str]) -> Template:
        """The charter's text as a tree, who signed it and when, and its documents."""
        async with read_snapshot():
            context = await charter_page(charter, page_language(request))
        return render(request, "charter.html", context)
