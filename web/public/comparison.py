"""A charter's comparison as a page: its signatory cities × principles (or × commitments) as a heat
map, each cell coloured by its progress in one of five bands and giving the number of commitments
behind it; the API's filters and sorting, read by the same rules (a value they refuse is a 400
page naming the parameter and the values expected); and the same comparison to download (CSV,
XLSX, the network report in each language, the open data package)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Template

from charter.services import get_charter_or_raise, list_cities, region_name, signatories
from exports.comparison import CITY_KEYS, COUNTS, LEVELS, METRICS, ComparisonRead, comparison
from exports.comparison_query import BANDS, FIRST_YEAR, LAST_YEAR, Filters
from indicators.charter_tree import charter_tree
from kernel.db import read_snapshot
from kernel.errors import FieldError, MalformedInput, NotFound
from kernel.i18n import LANGUAGES
from web.language import page_language
from web.pages import render
from web.public.names import CityName, Named, charter_title, cities_by_slug

OWN = ("level", "sort", "order", "lang")
"""The page's own parameters besides the filters (the API's, less `format`)."""
FILTERS = ("country", "region", "network", "signed_year", "population_band")
"""The comparison's filters, named as the API names them."""
ORDERS = ("asc", "desc")
SORT = re.compile(rf"^({'|'.join(CITY_KEYS)}|[^.]+\.({'|'.join(METRICS)}))$")
"""What the API's `sort` accepts: a city fact, or COLUMN.METRIC."""
HEAT_BANDS = 5
"""How many colours progress is shown in: 0–19 %, 20–39 %, 40–59 %, 60–79 %, 80–100 %."""
NUL = "\x00"


def heat_band(progress: float | None) -> str:
    """The colour band of a cell (`0`…`4`), from its progress as the page writes it (a whole
    percentage, rounded as Babel rounds it), so that the number and the colour never disagree;
    `none` when no commitment counts."""
    if progress is None:
        return "none"
    percent = int((Decimal(str(progress)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    return str(min(max(percent, 0) // (100 // HEAT_BANDS), HEAT_BANDS - 1))


@dataclass(frozen=True, slots=True)
class Refusal:
    """A parameter the page cannot read: its name, the value given, and why (`kind`, with what
    the message needs)."""

    name: str
    value: str
    kind: str
    expected: str = ""


@dataclass
class Query:
    """The page's parameters as given, and as read when every one could be."""

    given: dict[str, str]
    countries: list[str]
    level: str = "principle"
    sort: str = "city"
    order: str = "asc"
    filters: Filters = field(default_factory=Filters)
    refusals: list[Refusal] = field(default_factory=list)


def read_query(request: Request) -> Query:
    """The comparison's parameters from the page's query, read as the API reads them: every filter
    through `Filters.parse` (a name it does not know is refused, as the API refuses it), `level`,
    `order` and `sort` against the API's words. The form's country boxes send `country` once per
    box; the API's single comma-separated `country` is read the same way."""
    params = request.query_params
    refusals: list[Refusal] = []
    given: dict[str, str] = {}
    countries: list[str] = []
    for name in dict.fromkeys(params.keys()):
        values = params.getall(name)
        if NUL in name or any(NUL in v for v in values):
            refusals.append(Refusal(name.replace(NUL, "\ufffd"), "", "nul"))
            continue
        if name == "country":
            countries = [c.strip().upper() for v in values for c in v.split(",") if c.strip()]
            given[name] = ",".join(countries)
        else:
            given[name] = values[-1]
    query = Query(given, countries)
    if refusals:
        query.refusals = refusals
        return query
    level, order, sort = given.get("level", "principle"), given.get("order", "asc"), given.get("sort", "city")
    if level not in LEVELS:
        refusals.append(Refusal("level", level, "one_of", ", ".join(LEVELS)))
    if order not in ORDERS:
        refusals.append(Refusal("order", order, "one_of", ", ".join(ORDERS)))
    if not SORT.match(sort):
        refusals.append(Refusal("sort", sort, "sort"))
    unknown = [k for k in given if k not in (*FILTERS, *OWN)]
    refusals += [Refusal(k, given[k], "unknown", ", ".join((*FILTERS, *OWN))) for k in unknown]
    try:
        query.filters = Filters.parse({k: v for k, v in given.items() if k in FILTERS})
    except MalformedInput as exc:
        refusals += [_refusal(e, given) for e in exc.errors if isinstance(e, FieldError)]
    query.level, query.order, query.sort, query.refusals = level, order, sort, refusals
    return query


def _refusal(error: FieldError, given: dict[str, str]) -> Refusal:
    """What the page says of a filter `Filters.parse` refused."""
    value = given.get(error.field, "")
    if error.field == "signed_year":
        return Refusal(error.field, value, "year")
    if error.field == "population_band":
        return Refusal(error.field, value, "one_of", ", ".join(BANDS))
    return Refusal(error.field, value, "unknown", ", ".join((*FILTERS, *OWN)))


@dataclass(frozen=True, slots=True)
class Option:
    """A value a filter may take, as the form offers it."""

    value: str
    label: str


@dataclass
class Choices:
    """What the form offers: the countries, regions and networks of the charter's signatories."""

    countries: list[str]
    regions: list[Option]
    networks: list[str]


async def _choices(charter_id: int, lang: str) -> Choices:
    """The countries, regions and networks of the cities holding a standing signature."""
    signed = await signatories(charter_id)
    cities = [c for c in (await list_cities(lang, None, 500, 0)).items if c.slug in signed]
    regions = {c.region: region_name(c.region, lang) or c.region for c in cities if c.region}
    return Choices(
        countries=sorted({c.country for c in cities}),
        regions=sorted((Option(k, v) for k, v in regions.items()), key=lambda o: o.label.casefold()),
        networks=sorted({n for c in cities for n in c.networks}),
    )


def _address(path: str, params: dict[str, str]) -> str:
    """`path` with the non-empty `params` as its query."""
    kept = [(k, v) for k, v in params.items() if v]
    return path + ("?" + urlencode(kept) if kept else "")


@dataclass
class Downloads:
    """The same comparison elsewhere: as CSV and XLSX (the API's), as the network report in each
    language (its filters), and the open data package."""

    csv: str
    xlsx: str
    json: str
    reports: list[tuple[str, str, str]]
    datapackage: str = "/api/v1/export/datapackage.zip"


def _downloads(charter: str, query: Query, lang: str) -> Downloads:
    filters = query.filters.as_dict()
    table = {"level": query.level, "sort": query.sort, "order": query.order, "lang": lang, **filters}
    api = f"/api/v1/charters/{charter}"
    return Downloads(
        csv=_address(f"{api}/comparison", {"format": "csv", **table}),
        xlsx=_address(f"{api}/comparison", {"format": "xlsx", **table}),
        json=_address(f"{api}/comparison", table),
        reports=[
            (code, language.name, _address(f"{api}/network-report.pdf", {"lang": code, **filters}))
            for code, language in LANGUAGES.items()
        ],
    )


async def comparison_page(charter: str, query: Query, lang: str) -> tuple[dict[str, object], int]:
    """What the page shows, and its status: 404 for an unknown charter, 400 with the refusals
    when a parameter cannot be read (then no matrix), 200 otherwise."""
    charter_row = await get_charter_or_raise(charter)
    tree = await charter_tree(charter, lang)
    read: ComparisonRead | None = None
    if not query.refusals:
        try:
            read = await comparison(
                charter,
                level=query.level,
                filters=query.filters,
                lang=lang,
                sort=query.sort,
                order=query.order,
            )
        except NotFound:  # the charter exists: the column `sort` names does not
            query.refusals.append(Refusal("sort", query.sort, "no_column", query.sort.rpartition(".")[0]))
    cities: dict[str, CityName] = await cities_by_slug(lang) if read else {}
    context: dict[str, object] = {
        "charter": tree,
        "title": charter_title(tree, lang),
        "read": read,
        "cities": cities,
        "query": query,
        "refusals": query.refusals,
        "refused": {r.name for r in query.refusals},
        "choices": await _choices(charter_row["id"], lang),
        "bands": list(BANDS),
        "levels": LEVELS,
        "city_keys": [k for k in CITY_KEYS if k != "city"],
        "metrics": METRICS,
        "counts": COUNTS,
        "first_year": FIRST_YEAR,
        "last_year": LAST_YEAR,
        "heat_band": heat_band,
        "heat_bands": [str(n) for n in range(HEAT_BANDS)],
        "band_width": 100 // HEAT_BANDS,
        "downloads": _downloads(charter, query, lang),
        "sort_href": _sorter(query),
    }
    return context, 400 if query.refusals else 200


def _sorter(query: Query) -> Callable[[str], str]:
    """The address of the page sorted by `key`: descending first for a metric, ascending for a
    city fact; the way back when it is already sorted so."""

    def href(key: str) -> str:
        if query.sort == key:
            order = "asc" if query.order == "desc" else "desc"
        else:
            order = "asc" if key in CITY_KEYS else "desc"
        params = {**query.filters.as_dict(), "level": query.level, "sort": key, "order": order}
        return _address("", params) + "#matrix"

    return href


def row_name(cities: dict[str, CityName], slug: str, name: str) -> Named:
    """A row's city as the page names it (the comparison's name when the city list lacks it)."""
    return cities.get(slug) or Named(slug, name, None)


class ComparisonPages(Controller):
    """A charter's comparison."""

    path = "/charters/{charter:str}/comparison"
    include_in_schema = False

    @get("/", name="comparison")
    async def comparison(self, request: Request, charter: FromPath[str]) -> Template:
        """Cities × principles (or × commitments) as a heat map, with the API's filters and
        sorting; a parameter the API would refuse is a 400 page naming it."""
        lang = page_language(request)
        async with read_snapshot():
            context, status = await comparison_page(charter, read_query(request), lang)
        context["row_name"] = row_name
        return render(request, "comparison.html", context, status_code=status)
