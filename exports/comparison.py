"""The secretariat's comparison of cities for one charter: a matrix of signatory cities ×
principles (or × commitments), each cell with the adopted commitments counted by where they stand
(achieved, on track, in progress but not on track, delayed, not started, withdrawn: these add up to
adopted) and, across them, how many are overdue; progress and the shares of verified and contested
claims; adoption over time; peers.

Everything is aggregated in SQL (`comparison_query.py`): Python only receives one row per city
and column, and shapes the rows into the answers below. A matrix is kept in memory until anything
is written (`kernel/read_cache.py`): a secretariat going back and forth between sorts and levels
waits for the database once per write.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated, Any

import msgspec

from charter.services import get_charter_or_raise, get_city_or_raise, region_name
from charter.tables import Principle
from commitments.tables import Commitment
from exports.comparison_query import STANDINGS, Filters, first_years, level_facts, nearest_cities
from kernel import clock
from kernel.db import json_value, read_snapshot
from kernel.errors import FieldError, MalformedInput, NotFound
from kernel.read_cache import kept_read
from kernel.text import language_of, pick, picked_language

LEVELS = ("principle", "commitment")
COUNTS = ("adopted", *STANDINGS, "overdue")
"""A cell's counts, in the order the scorecards show them: adopted, its parts, then those overdue
among the parts."""
METRICS = (*COUNTS, "progress", "claims", "verified_share", "contested_share")
CITY_KEYS = ("city", "name", "country", "region", "population", "signed_on")


class Cell(msgspec.Struct):
    """One city's standing on one principle (or commitment): its adopted commitments counted by
    where they stand, progress, and the claims' assurance shares.

    `achieved + on_track + in_progress + delayed + not_started + withdrawn == adopted`: each
    adopted commitment is counted in exactly one of these, by its last reported status (published
    claims that count) and, for one under way, by whether it is on track as of the comparison's
    date. `overdue` is not one of them but a flag across them."""

    adopted: Annotated[
        int,
        msgspec.Meta(
            description="Commitments the city adopted, withdrawn ones included (an adoption is "
            "never deleted)."
        ),
    ] = 0
    achieved: Annotated[int, msgspec.Meta(description="Last reported achieved.")] = 0
    on_track: Annotated[
        int,
        msgspec.Meta(
            description="Last reported in progress or not started, not past the due date, and at "
            "least as far along (progress) as the share of the time from adoption to due date "
            "already gone; one in progress without a due date counts as on track."
        ),
    ] = 0
    in_progress: Annotated[
        int,
        msgspec.Meta(
            description="Last reported in progress, but not on track: behind the time elapsed, "
            "or past its due date."
        ),
    ] = 0
    delayed: Annotated[int, msgspec.Meta(description="Last reported delayed.")] = 0
    not_started: Annotated[
        int,
        msgspec.Meta(
            description="Last reported not started, or with no status reported yet, and not on track."
        ),
    ] = 0
    withdrawn: Annotated[
        int,
        msgspec.Meta(description="Last reported withdrawn: still counted as adopted, left out of progress."),
    ] = 0
    overdue: Annotated[
        int,
        msgspec.Meta(
            description="Of the adopted, those past their due date and neither achieved nor "
            "withdrawn. They are already counted as in progress, delayed or not started: a flag "
            "across those, never to be added to them."
        ),
    ] = 0
    progress: Annotated[
        float | None,
        msgspec.Meta(
            description="Mean progress (0–1) over the adoptions not withdrawn; null when there are none."
        ),
    ] = None
    claims: Annotated[
        int,
        msgspec.Meta(
            description="Published claims that count (status updates and values; a correction "
            "replaces what it corrects)."
        ),
    ] = 0
    verified_share: Annotated[
        float | None,
        msgspec.Meta(
            description="Share of the claims verified by the secretariat and not contested; null "
            "without claims."
        ),
    ] = None
    contested_share: Annotated[
        float | None,
        msgspec.Meta(
            description="Share of the claims under an open challenge, or upheld and not "
            "corrected; null without claims."
        ),
    ] = None


class ComparisonColumn(msgspec.Struct):
    """A principle or a commitment of the charter; `title_lang` is the language its title is in
    (the charter's own, or another, when it has none in the asked language)."""

    code: str
    title: str
    title_lang: str | None


class ComparisonRow(msgspec.Struct):
    """A signatory city with a cell per column and its total."""

    city: str
    name: str
    country: str
    region: str | None
    region_name: str | None
    population: int | None
    networks: list[str]
    signed_on: date
    cells: dict[str, Cell]
    total: Cell


class ComparisonRead(msgspec.Struct):
    """The matrix: columns in charter order, rows sorted as asked."""

    charter: str
    level: str
    today: date
    columns: list[ComparisonColumn]
    rows: list[ComparisonRow]
    filters: dict[str, str]
    sort: str
    order: str


def _cell(sums: Sequence[Any]) -> Cell:
    """A cell from its sums (a grouped row of `level_facts` after the city and the column:
    counts, the progress summed over `progress_n` adoptions, claims). Many cells are made for a matrix: the
    drivers already give whole numbers, nothing is converted."""
    (adopted, achieved, on_track, in_progress, delayed, not_started, withdrawn, overdue) = sums[:8]
    progress_sum, progress_n, claims, verified, contested = sums[8:]
    return Cell(
        adopted,
        achieved,
        on_track,
        in_progress,
        delayed,
        not_started,
        withdrawn,
        overdue,
        progress_sum / progress_n if progress_n else None,
        claims,
        verified / claims if claims else None,
        contested / claims if claims else None,
    )


def _summed(rows: Sequence[Sequence[Any]]) -> tuple[Any, ...]:
    """The sums of rows of sums (a city's total from its cells)."""
    return tuple(sum(v for v in column if v is not None) for column in zip(*rows, strict=True))


def _placed_sums(facts: Sequence[Any]) -> tuple[Any, ...]:
    """The sums of one adoption, from its facts as placed (a row of `level_facts` by commitment
    after the city and the column)."""
    place, overdue, progress, claims, verified, contested = facts
    places = tuple(int(place == n) for n in range(len(STANDINGS)))
    return (1, *places, overdue, progress, int(progress is not None), claims, verified, contested)


def _placed_total(facts: Sequence[Sequence[Any]]) -> tuple[Any, ...]:
    """The sums of a city's adoptions placed (its total by commitment), by column rather than
    adoption by adoption: a thousand cities of a hundred adoptions each."""
    places, overdue, progress, claims, verified, contested = zip(*facts, strict=True)
    progressed = [p for p in progress if p is not None]
    return (
        len(places),
        *(places.count(n) for n in range(len(STANDINGS))),
        sum(overdue),
        sum(progressed),
        len(progressed),
        sum(claims),
        sum(verified),
        sum(contested),
    )


NOTHING_ADOPTED = Cell()
"""The cell of a column the city adopted nothing of."""


def _cells(
    level: str, facts: Sequence[Sequence[Any]], columns: dict[int, int]
) -> tuple[dict[int, list[Cell]], dict[int, Cell]]:
    """Each city's cells in the order of the columns (`columns`: a column's id → its place),
    and its total, from the rows of `level_facts`. Many cells hold the same facts (a commitment
    adopted, in progress, three claims...): each is made once and shared, as every kept read is
    (never changed once made)."""
    made: dict[tuple[Any, ...], Cell] = {}
    cells: dict[int, list[Cell]] = {}
    of_city: dict[int, list[tuple[Any, ...]]] = {}
    sums_of = _placed_sums if level == "commitment" else tuple
    for row in facts:
        key = tuple(row[2:])
        cell = made.get(key)
        if cell is None:
            cell = made[key] = _cell(sums_of(key))
        city = row[0]
        if city not in cells:
            cells[city], of_city[city] = [NOTHING_ADOPTED] * len(columns), []
        cells[city][columns[row[1]]] = cell
        of_city[city].append(key)
    add = _placed_total if level == "commitment" else _summed
    return cells, {city: _cell(add(keys)) for city, keys in of_city.items()}


def _sort_key(sort: str, columns: set[str]) -> Callable[[ComparisonRow], tuple[bool, Any]]:
    """How to order the rows: by a city fact, or by a metric of a column or of the total."""
    if sort in CITY_KEYS:
        return lambda row: (getattr(row, sort) is None, getattr(row, sort) or "")
    column, _, metric = sort.rpartition(".")
    if (column in columns or column == "total") and metric in METRICS:

        def key(row: ComparisonRow) -> tuple[bool, Any]:
            cell = row.total if column == "total" else row.cells[column]
            value = getattr(cell, metric)
            return (value is None, value or 0)

        return key
    if metric in METRICS:
        raise NotFound(
            f"Cannot sort by {sort!r}: this level has no column {column!r}; "
            "sort by `total` or by a code listed in `columns`."
        )
    raise MalformedInput(
        f"Cannot sort by {sort!r}.",
        [
            FieldError(
                "sort",
                (
                    f"Expected one of {', '.join(CITY_KEYS)}, or COLUMN.METRIC where COLUMN is a code of the "
                    f"level or `total` and METRIC one of {', '.join(METRICS)}."
                ),
            )
        ],
    )


async def comparison(
    charter_slug: str,
    *,
    level: str = "principle",
    filters: Filters | None = None,
    lang: str | None = None,
    sort: str = "city",
    order: str = "asc",
    today: date | None = None,
) -> ComparisonRead:
    """The matrix for one charter, as of `today` (overdue and on track depend on it)."""
    if level not in LEVELS:
        raise MalformedInput(
            f"Unknown level {level!r}.", [FieldError("level", "Expected principle or commitment.")]
        )
    if order not in ("asc", "desc"):
        raise MalformedInput(f"Unknown order {order!r}.", [FieldError("order", "Expected asc or desc.")])
    filters = filters or Filters()
    today = today or clock.today()
    key = (
        "comparison",
        charter_slug,
        level,
        tuple(sorted(filters.as_dict().items())),
        lang,
        sort,
        order,
        today,
    )
    return await kept_read(key, lambda: _matrix(charter_slug, level, filters, lang, sort, order, today))


async def _matrix(
    charter_slug: str, level: str, filters: Filters, lang: str | None, sort: str, order: str, today: date
) -> ComparisonRead:
    """The matrix computed from the database: the sums in SQL, the cells and the order here."""
    async with read_snapshot():
        charter = await get_charter_or_raise(charter_slug)
        items = await _columns(charter["id"], level)
        facts, cities = await level_facts(charter["id"], level, filters, today)
    codes = [i["code"] for i in items]
    cells, totals = _cells(level, facts, {i["id"]: n for n, i in enumerate(items)})
    nothing = [NOTHING_ADOPTED] * len(codes)
    rows = [
        _row(
            c,
            dict(zip(codes, cells.get(c["id"], nothing), strict=True)),
            totals.get(c["id"], NOTHING_ADOPTED),
            lang,
        )
        for c in cities
    ]
    rows.sort(key=_sort_key(sort, set(codes)), reverse=order == "desc")
    return ComparisonRead(
        charter=charter_slug,
        level=level,
        today=today,
        columns=[
            ComparisonColumn(
                i["code"],
                pick(json_value(i["title"]), lang, charter["lang"]),
                picked_language(json_value(i["title"]), lang, charter["lang"]),
            )
            for i in items
        ],
        rows=rows,
        filters=filters.as_dict(),
        sort=sort,
        order=order,
    )


async def _columns(charter_id: int, level: str) -> list[dict[str, Any]]:
    """The charter's principles, or its commitments, in charter order (`id`, `code`, `title`)."""
    if level == "principle":
        return (
            await Principle.select(Principle.id, Principle.code, Principle.title)
            .where(Principle.charter == charter_id)
            .order_by(Principle.position)
        )
    return (
        await Commitment.select(Commitment.id, Commitment.code, Commitment.title)
        .where(Commitment.charter == charter_id)
        .order_by(Commitment.principle.position)
        .order_by(Commitment.position)
    )


def _row(city: dict[str, Any], cells: dict[str, Cell], total: Cell, lang: str | None) -> ComparisonRow:
    """A signatory city's line of the matrix."""
    signed_on = city["signed_on"]
    return ComparisonRow(
        city=city["slug"],
        name=pick(json_value(city["name"]), lang, language_of(city["locale"])),
        country=city["country"],
        region=city["region"],
        region_name=region_name(city["region"], lang),
        population=city["population"],
        networks=json_value(city["networks"]) or [],
        signed_on=signed_on if isinstance(signed_on, date) else date.fromisoformat(str(signed_on)),
        cells=cells,
        total=total,
    )


# Adoption over time ------------------------------------------------------------------------------


class PrincipleOverTime(msgspec.Struct):
    """For one principle, how many cities had adopted at least one of its commitments by the end
    of each year, and how many had at least one reported achieved. `title_lang` is the language
    the principle's title is in."""

    code: str
    title: str
    title_lang: str | None
    adopted: list[int]
    achieved: list[int]


class AdoptionOverTime(msgspec.Struct):
    """Cumulative counts per principle, one value per year in `years`."""

    charter: str
    years: list[int]
    principles: list[PrincipleOverTime]
    filters: dict[str, str]


async def adoption_over_time(
    charter_slug: str, *, filters: Filters | None = None, lang: str | None = None, today: date | None = None
) -> AdoptionOverTime:
    """Per principle and year (from the first adoption to this year), the number of filtered
    signatory cities that had adopted it, and that had reported one of its commitments achieved."""
    filters = filters or Filters()
    today = today or clock.today()
    async with read_snapshot():
        charter = await get_charter_or_raise(charter_slug)
        principles = (
            await Principle.select(Principle.id, Principle.code, Principle.title)
            .where(Principle.charter == charter["id"])
            .order_by(Principle.position)
        )
        rows = await first_years(charter["id"], filters)
    counts: dict[tuple[str, int, int], int] = {
        (r["what"], r["grp"], int(r["year"])): int(r["n"]) for r in rows
    }
    first = min((year for _, _, year in counts), default=today.year)
    years = list(range(first, max(today.year, first) + 1))

    def cumulative(what: str, principle: int) -> list[int]:
        total, out = 0, []
        for year in years:
            total += counts.get((what, principle, year), 0)
            out.append(total)
        return out

    return AdoptionOverTime(
        charter=charter_slug,
        years=years,
        filters=filters.as_dict(),
        principles=[
            PrincipleOverTime(
                p["code"],
                pick(json_value(p["title"]), lang, charter["lang"]),
                picked_language(json_value(p["title"]), lang, charter["lang"]),
                cumulative("adopted", p["id"]),
                cumulative("achieved", p["id"]),
            )
            for p in principles
        ],
    )


# Peers ------------------------------------------------------------------------------------------


class Peer(msgspec.Struct):
    """A city comparable to another: same region first, then closest in population."""

    city: str
    name: str
    country: str
    region: str | None
    population: int | None
    same_region: bool


async def peers(
    city_slug: str, *, charter_slug: str | None = None, limit: int = 5, lang: str | None = None
) -> list[Peer]:
    """The cities closest to `city_slug` in region and size (among a charter's signatories when
    one is named), nearest first."""
    city = await get_city_or_raise(city_slug)
    charter_id = (await get_charter_or_raise(charter_slug))["id"] if charter_slug else None
    rows = await nearest_cities(city, charter_id, limit)
    return [
        Peer(
            r["slug"],
            pick(json_value(r["name"]), lang, language_of(r["locale"])),
            r["country"],
            r["region"],
            r["population"],
            r["region"] is not None and r["region"] == city["region"],
        )
        for r in rows
    ]


def comparison_table(read: ComparisonRead) -> tuple[list[str], list[list[Any]]]:
    """The matrix as one flat table: city facts, then `CODE.metric` for each column and `total`.
    Progress and shares are fractions (0–1), as in JSON."""
    header = ["city", "name", "country", "region", "population", "networks", "signed_on"]
    codes = [c.code for c in read.columns] + ["total"]
    header += [f"{code}.{metric}" for code in codes for metric in METRICS]
    rows = []
    for row in read.rows:
        values: list[Any] = [
            row.city,
            row.name,
            row.country,
            row.region,
            row.population,
            " ".join(row.networks),
            row.signed_on.isoformat(),
        ]
        for cell in [row.cells[c.code] for c in read.columns] + [row.total]:
            values += [getattr(cell, metric) for metric in METRICS]
        rows.append(values)
    return header, rows
