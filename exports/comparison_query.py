"""The comparison's questions to the database: which signatory cities pass the filters, and one
row per city and principle (or commitment) of sums over the adoptions' standings that
`indicators/standing.py` keeps, on SQLite and PostgreSQL alike; adoption over time; nearest peers.

On track and overdue depend on the date and are decided here, by the rules of
`indicators/flags.py` written as SQL; a test holds both to the same numbers. Each adoption is
counted in exactly one of achieved, on track, in progress (not on track), delayed, not started
(or no status reported, not on track) and withdrawn, so that these add up to the adoptions;
overdue is a flag across them. Statuses come from the vocabularies (`CommitmentStatus`), the
signature rule from `charter.services`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from piccolo.engine.sqlite import SQLiteEngine

from charter.services import standing_signatures_sql
from charter.tables import Charter
from commitments.choices import CommitmentStatus
from indicators.flags import on_track_sql, overdue_sql
from kernel.db import get_engine, raw_tuples, sql_literals
from kernel.errors import FieldError, MalformedInput

BANDS: dict[str, tuple[int, int | None]] = {
    "small": (0, 100_000),
    "medium": (100_000, 500_000),
    "large": (500_000, 1_000_000),
    "metropolis": (1_000_000, None),
}
"""Population bands: residents from (inclusive) to (exclusive)."""
FIRST_YEAR, LAST_YEAR = 1900, 2100
"""The years a signature filter may name."""
ACHIEVED = sql_literals([CommitmentStatus.achieved])
DELAYED = sql_literals([CommitmentStatus.delayed])
IN_PROGRESS = sql_literals([CommitmentStatus.in_progress])
WITHDRAWN = sql_literals([CommitmentStatus.withdrawn])


@dataclass(frozen=True)
class Filters:
    """Which signatory cities to compare."""

    country: list[str] = field(default_factory=list)
    region: str | None = None
    network: str | None = None
    signed_year: int | None = None
    population_band: str | None = None
    city: str | None = None
    """One city only (its slug): the city's own line, as the whole comparison counts it. Its
    page's scorecard reads it; the API's comparison has no such filter."""

    @classmethod
    def parse(cls, query: dict[str, str]) -> Filters:
        """From query parameters; an unknown parameter or value is 400 naming it."""
        known = {"country", "region", "network", "signed_year", "population_band"}
        unknown = sorted(set(query) - known)
        if unknown:
            raise MalformedInput(
                f"Unknown filter {unknown[0]!r}.",
                [
                    FieldError(name, f"Expected a filter among {', '.join(sorted(known))}.")
                    for name in unknown
                ],
            )
        errors = []
        year = None
        if query.get("signed_year"):
            text = query["signed_year"].strip()
            year = int(text) if text.isdigit() and len(text) == 4 else None
            if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
                errors.append(
                    FieldError(
                        "signed_year", f"Expected a year from {FIRST_YEAR} to {LAST_YEAR}, such as 2021."
                    )
                )
        band = query.get("population_band") or None
        if band is not None and band not in BANDS:
            errors.append(FieldError("population_band", f"Expected one of {', '.join(BANDS)}."))
        if errors:
            raise MalformedInput("A filter cannot be read.", errors)
        countries = [c.strip().upper() for c in (query.get("country") or "").split(",") if c.strip()]
        return cls(
            countries,
            query.get("region") or None,
            (query.get("network") or "").strip().upper() or None,
            year,
            band,
        )

    def as_dict(self) -> dict[str, str]:
        out = {
            "country": ",".join(self.country),
            "region": self.region or "",
            "network": self.network or "",
            "signed_year": str(self.signed_year or ""),
            "population_band": self.population_band or "",
            "city": self.city or "",
        }
        return {k: v for k, v in out.items() if v}


def _days(later: str, earlier: str) -> str:
    """Days between two dates, as each engine writes it."""
    if isinstance(get_engine(), SQLiteEngine):
        return f"(julianday({later}) - julianday({earlier}))"
    return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"


def _scope(filters: Filters) -> tuple[str, list[Any]]:
    """CTEs `sig` (each city's standing signature of the charter) and `cities` (those that pass
    the filters), with their parameters after the charter's id."""
    args: list[Any] = []
    where = []
    if filters.country:
        where.append("c.country IN (" + ", ".join("{}" for _ in filters.country) + ")")
        args += filters.country
    if filters.region:
        where.append("c.region = {}")
        args.append(filters.region)
    if filters.network:
        where.append("CAST(c.networks AS TEXT) LIKE {}")
        args.append(f'%"{filters.network}"%')
    if filters.signed_year:
        where.append("sig.signed_on >= {} AND sig.signed_on <= {}")
        args += [date(filters.signed_year, 1, 1), date(filters.signed_year, 12, 31)]
    if filters.population_band:
        low, high = BANDS[filters.population_band]
        where.append("c.population >= {}")
        args.append(low)
        if high is not None:
            where.append("c.population < {}")
            args.append(high)
    if filters.city:
        where.append("c.slug = {}")
        args.append(filters.city)
    sql = f"""
    sig AS ({standing_signatures_sql()}),
    cities AS (
      SELECT c.id, c.slug, c.name, c.locale, c.country, c.region, c.population, c.networks,
             sig.signed_on
      FROM city c JOIN sig ON sig.city = c.id
      {"WHERE " + " AND ".join(where) if where else ""}
    )"""
    return sql, args


STANDINGS = ("achieved", "on_track", "in_progress", "delayed", "not_started", "withdrawn")
"""Where an adopted commitment stands: each is counted in exactly one, so they add up to adopted.
In SQL, `place` is the index of a name here."""


def _facts_sql(group: str, scope: str, *, one_per_cell: bool = False) -> str:
    """The adoptions of the compared cities, each placed: `city, grp, place, overdue, progress,
    claims, verified, contested`, where `place` is where it stands (the index of a name in
    `STANDINGS`), `overdue` 1 or 0 as of a date, `progress` NULL when withdrawn (left out of
    progress). Grouped, one row of sums per (city, column): `city, grp, adopted`, a count per
    standing, then `overdue, progress_sum, progress_n, claims, verified, contested`. With
    `one_per_cell` (a column per commitment: a city adopts a commitment once, its key
    `city/charter/CODE` is unique), not grouped: each adoption is its cell. The cities' totals
    are added up from these rows, which costs less than reading the hundred thousand adoptions
    again.

    Each adoption is placed once (`placed`, materialised): both engines would otherwise work out
    the place again for every sum. The joins start from the compared cities: SQLite, left
    to choose, starts from the charter's commitments and reads the adoptions out of the table's
    order, three times slower. Elapsed time is read once per adoption, by `on_track_sql`."""
    elapsed = (
        f"CASE WHEN cc.due_on > cc.adopted_on THEN CAST({_days('{}', 'cc.adopted_on')} AS DOUBLE PRECISION)"
        f" / CAST({_days('cc.due_on', 'cc.adopted_on')} AS DOUBLE PRECISION) END"
    )
    progress = "COALESCE(st.progress, 0.0)"
    on_track = on_track_sql(
        status="st.status", progress=progress, due_on="cc.due_on", elapsed=elapsed, today="{}"
    )
    place = f"""CASE WHEN st.status = {ACHIEVED} THEN {STANDINGS.index("achieved")}
        WHEN st.status = {WITHDRAWN} THEN {STANDINGS.index("withdrawn")}
        WHEN st.status = {DELAYED} THEN {STANDINGS.index("delayed")}
        WHEN {on_track} THEN {STANDINGS.index("on_track")}
        WHEN st.status = {IN_PROGRESS} THEN {STANDINGS.index("in_progress")}
        ELSE {STANDINGS.index("not_started")} END"""
    overdue = overdue_sql(status="st.status", due_on="cc.due_on", today="{}")
    placed = f"""SELECT cc.city, {group} AS grp, {place} AS place,
             CASE WHEN {overdue} THEN 1 ELSE 0 END AS overdue,
             CASE WHEN st.status IS NULL OR st.status <> {WITHDRAWN} THEN {progress} END AS progress,
             COALESCE(st.claims, 0) AS claims, COALESCE(st.verified, 0) AS verified,
             COALESCE(st.contested, 0) AS contested
      FROM cities CROSS JOIN adoption cc CROSS JOIN commitment cm
      LEFT JOIN adoption_standing st ON st.adoption = cc.id
      WHERE cc.city = cities.id AND cm.id = cc.commitment AND cm.charter = {{}}"""
    if one_per_cell:
        return f"WITH {scope} {placed}"
    places = ", ".join(f"COUNT(*) FILTER (WHERE place = {n})" for n in range(len(STANDINGS)))
    return f"""WITH {scope}, placed AS MATERIALIZED ({placed})
    SELECT city, grp, COUNT(*), {places}, SUM(overdue), SUM(progress), COUNT(progress),
      SUM(claims), SUM(verified), SUM(contested)
    FROM placed GROUP BY city, grp"""


def _over_time_sql(scope: str) -> str:
    """Per principle and year, how many cities first adopted one of its commitments, and how
    many first reported one achieved (published claims that count). From the cities outward,
    as `_facts_sql`."""
    year = "SUBSTR(CAST(first_on AS TEXT), 1, 4)"
    return f"""
    WITH {scope},
    first_adopted AS (
      SELECT cc.city, cm.principle AS grp, MIN(cc.adopted_on) AS first_on
      FROM cities CROSS JOIN adoption cc CROSS JOIN commitment cm
      WHERE cc.city = cities.id AND cm.id = cc.commitment AND cm.charter = {{}}
      GROUP BY cc.city, cm.principle
    ),
    first_achieved AS (
      SELECT cc.city, cm.principle AS grp, MIN(su.reported_on) AS first_on
      FROM cities CROSS JOIN adoption cc CROSS JOIN commitment cm CROSS JOIN status_update su
      WHERE cc.city = cities.id AND cm.id = cc.commitment AND su.adoption = cc.id
        AND cm.charter = {{}} AND su.status = {ACHIEVED} AND su.draft = FALSE AND NOT EXISTS (
        SELECT 1 FROM status_update n WHERE n.supersedes = su.id AND n.draft = FALSE)
      GROUP BY cc.city, cm.principle
    )
    SELECT 'adopted' AS what, grp, {year} AS year, COUNT(*) AS n FROM first_adopted
    GROUP BY grp, {year}
    UNION ALL
    SELECT 'achieved' AS what, grp, {year} AS year, COUNT(*) AS n FROM first_achieved
    GROUP BY grp, {year}"""


async def level_facts(
    charter_id: int, level: str, filters: Filters, today: date
) -> tuple[list[Sequence[Any]], list[dict[str, Any]]]:
    """The facts (by principle, rows of sums per city and principle; by commitment, the
    adoptions placed: see `_facts_sql`) and the filtered signatory cities."""
    scope, scope_args = _scope(filters)
    group = "cm.principle" if level == "principle" else "cm.id"
    facts = await raw_tuples(
        _facts_sql(group, scope, one_per_cell=level == "commitment"),
        charter_id,
        *scope_args,
        today,
        today,
        today,
        charter_id,
    )
    cities = await Charter.raw(f"WITH {scope} SELECT * FROM cities", charter_id, *scope_args)
    return facts, cities


async def first_years(charter_id: int, filters: Filters) -> list[dict[str, Any]]:
    """Rows (`what`: adopted or achieved, `grp`: principle id, `year`, `n`: cities)."""
    scope, args = _scope(filters)
    return await Charter.raw(_over_time_sql(scope), charter_id, *args, charter_id, charter_id)


async def nearest_cities(city: dict[str, Any], charter_id: int | None, limit: int) -> list[dict[str, Any]]:
    """The cities nearest to `city`, same region first, then by relative difference of population
    (among the charter's signatories when one is given)."""
    scope_sql, args = "", list[Any]()
    source = "city"
    if charter_id is not None:
        scope_sql, args = _scope(Filters())
        args = [charter_id, *args]
        source = "cities"
    population = city["population"]
    order = "CASE WHEN c.region = {} THEN 0 ELSE 1 END"
    order_args: list[Any] = [city["region"] or ""]
    if population is not None:
        order += (
            ", CASE WHEN c.population IS NULL THEN 2.0"
            " ELSE ABS(c.population - {}) * 1.0 / (c.population + {} + 1) END"
        )
        order_args += [population, population]
    sql = (
        ("WITH " + scope_sql + " " if scope_sql else "")
        + "SELECT c.slug, c.name, c.locale, c.country, c.region, c.population "
        + f"FROM {source} c WHERE c.slug <> {{}} ORDER BY {order}, c.slug LIMIT {{}}"
    )
    return await Charter.raw(sql, *args, city["slug"], *order_args, limit)
