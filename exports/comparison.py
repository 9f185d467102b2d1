"""The secretariat's comparison of cities for one charter: a matrix of signatory cities ×
principles (or × commitments), each cell with adopted / achieved / on track / delayed / overdue
counts, progress and the shares of verified and contested claims; and adoption over time.

Everything is aggregated in SQL (GROUP BY over the adoptions' standings that
`indicators/standing.py` keeps, on SQLite and PostgreSQL alike): Python only receives one row per
city and column. On track and overdue depend on the date and are decided here, by the rules of
`indicators/flags.py` written as SQL; a test holds both to the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import msgspec
from piccolo.engine.sqlite import SQLiteEngine

from charter.services import get_charter_or_raise, get_city_or_raise, loads, region_name
from charter.tables import Charter, Principle
from commitments.tables import Commitment
from kernel import clock
from kernel.db import get_engine, read_snapshot
from kernel.errors import FieldError, MalformedInput
from kernel.text import language_of, pick

LEVELS = ("principle", "commitment")
BANDS: dict[str, tuple[int, int | None]] = {
    "small": (0, 100_000), "medium": (100_000, 500_000), "large": (500_000, 1_000_000),
    "metropolis": (1_000_000, None),
}
"""Population bands: residents from (inclusive) to (exclusive)."""
METRICS = ("adopted", "achieved", "on_track", "delayed", "overdue", "progress", "claims",
           "verified_share", "contested_share")
CITY_KEYS = ("city", "name", "country", "region", "population", "signed_on")


class Cell(msgspec.Struct):
    """One city's standing on one principle (or commitment): counts of adopted commitments by
    status, progress (0–1, null when nothing counts), and the claims' assurance shares."""

    adopted: int = 0
    achieved: int = 0
    on_track: int = 0
    delayed: int = 0
    overdue: int = 0
    progress: float | None = None
    claims: int = 0
    verified_share: float | None = None
    contested_share: float | None = None


class ComparisonColumn(msgspec.Struct):
    """A principle or a commitment of the charter."""

    code: str
    title: str


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


@dataclass(frozen=True)
class Filters:
    """Which signatory cities to compare."""

    country: list[str] = field(default_factory=list)
    region: str | None = None
    network: str | None = None
    signed_year: int | None = None
    population_band: str | None = None

    @classmethod
    def parse(cls, query: dict[str, str]) -> Filters:
        """From query parameters; an unknown parameter or value is 400 naming it."""
        known = {"country", "region", "network", "signed_year", "population_band"}
        unknown = sorted(set(query) - known)
        if unknown:
            raise MalformedInput(f"Unknown filter {unknown[0]!r}.", [FieldError(
                name, f"Expected a filter among {', '.join(sorted(known))}.") for name in unknown])
        errors = []
        year = None
        if query.get("signed_year"):
            try:
                year = int(query["signed_year"])
            except ValueError:
                errors.append(FieldError("signed_year", "Expected a year such as 2021."))
        band = query.get("population_band") or None
        if band is not None and band not in BANDS:
            errors.append(FieldError("population_band", f"Expected one of {', '.join(BANDS)}."))
        if errors:
            raise MalformedInput("A filter cannot be read.", errors)
        countries = [c.strip().upper() for c in (query.get("country") or "").split(",") if c.strip()]
        return cls(countries, query.get("region") or None,
                   (query.get("network") or "").strip().upper() or None, year, band)

    def as_dict(self) -> dict[str, str]:
        out = {"country": ",".join(self.country), "region": self.region or "",
               "network": self.network or "", "signed_year": str(self.signed_year or ""),
               "population_band": self.population_band or ""}
        return {k: v for k, v in out.items() if v}


def _days(later: str, earlier: str) -> str:
    """Days between two dates, as each engine writes it."""
    if isinstance(get_engine(), SQLiteEngine):
        return f"(julianday({later}) - julianday({earlier}))"
    return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"


def _scope(filters: Filters, charter_id: int) -> tuple[str, list[Any]]:
    """CTEs `sig` (each city's standing signature of the charter) and `cities` (those that pass
    the filters), with their parameters."""
    args: list[Any] = [charter_id]
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
    sql = f"""
    sig AS (
      SELECT s.city, s.signed_on FROM signature s
      WHERE s.charter = {{}} AND s.draft = FALSE AND s.status = 'signed' AND NOT EXISTS (
        SELECT 1 FROM signature later WHERE later.city = s.city AND later.charter = s.charter
        AND later.draft = FALSE AND (later.signed_on > s.signed_on
                                     OR (later.signed_on = s.signed_on AND later.id > s.id)))
    ),
    cities AS (
      SELECT c.id, c.slug, c.name, c.locale, c.country, c.region, c.population, c.networks,
             sig.signed_on
      FROM city c JOIN sig ON sig.city = c.id
      {"WHERE " + " AND ".join(where) if where else ""}
    )"""
    return sql, args


def _facts_sql(group: str, scope: str) -> str:
    """One row per (city, column) from the adoptions' stored standings: counts by status, on
    track and overdue as of a date, the sum and count of progress over the adoptions not
    withdrawn, and the claims with how many are verified or contested."""
    elapsed = _days("{}", "cc.adopted_on")
    span = _days("cc.due_on", "cc.adopted_on")
    return f"""
    WITH {scope},
    adopted AS (
      SELECT cc.city, {group} AS grp, cc.due_on, st.status,
             COALESCE(st.progress, 0) AS progress, COALESCE(st.claims, 0) AS claims,
             COALESCE(st.verified, 0) AS verified, COALESCE(st.contested, 0) AS contested,
             CASE WHEN cc.due_on IS NOT NULL AND cc.due_on > cc.adopted_on
                  THEN CAST({elapsed} AS DOUBLE PRECISION) / CAST({span} AS DOUBLE PRECISION)
             END AS elapsed
      FROM city_commitment cc JOIN commitment cm ON cm.id = cc.commitment
      JOIN cities ON cities.id = cc.city
      LEFT JOIN adoption_standing st ON st.city_commitment = cc.id
      WHERE cm.charter = {{}}
    )
    SELECT city, grp, COUNT(*) AS adopted,
      SUM(CASE WHEN status = 'achieved' THEN 1 ELSE 0 END) AS achieved,
      SUM(CASE WHEN status = 'delayed' THEN 1 ELSE 0 END) AS delayed,
      SUM(CASE WHEN due_on < {{}} AND (status IS NULL OR status NOT IN ('achieved', 'withdrawn'))
               THEN 1 ELSE 0 END) AS overdue,
      SUM(CASE
        WHEN status IS NULL OR status NOT IN ('in_progress', 'not_started') THEN 0
        WHEN due_on IS NOT NULL AND due_on < {{}} THEN 0
        WHEN elapsed IS NULL THEN CASE WHEN status = 'in_progress' THEN 1 ELSE 0 END
        WHEN progress >= CASE WHEN elapsed < 0 THEN 0 WHEN elapsed > 1 THEN 1 ELSE elapsed END
        THEN 1 ELSE 0 END) AS on_track,
      SUM(CASE WHEN status IS NULL OR status <> 'withdrawn' THEN progress ELSE 0 END) AS progress_sum,
      SUM(CASE WHEN status IS NULL OR status <> 'withdrawn' THEN 1 ELSE 0 END) AS progress_n,
      SUM(claims) AS claims, SUM(verified) AS verified, SUM(contested) AS contested
    FROM adopted GROUP BY city, grp"""


def _cell(facts: dict[str, Any] | None) -> Cell:
    """A cell from its row of sums (None: nothing adopted)."""
    cell = Cell()
    if facts:
        cell.adopted, cell.achieved, cell.delayed = int(facts["adopted"]), int(facts["achieved"]), int(
            facts["delayed"])
        cell.overdue, cell.on_track = int(facts["overdue"]), int(facts["on_track"])
        n = int(facts["progress_n"] or 0)
        cell.progress = float(facts["progress_sum"]) / n if n else None
        if facts["claims"]:
            cell.claims = int(facts["claims"])
            cell.verified_share = int(facts["verified"]) / cell.claims
            cell.contested_share = int(facts["contested"]) / cell.claims
    return cell


SUMMED = ("adopted", "achieved", "delayed", "overdue", "on_track", "progress_sum", "progress_n", "claims",
          "verified", "contested")


def _totals(facts: list[dict[str, Any]]) -> dict[int, dict[str, float]]:
    """Each city's sums over its cells, in one pass: its total is progress over all its
    adoptions not withdrawn, and its claims."""
    sums: dict[int, list[float]] = {}
    for row in facts:
        into = sums.setdefault(row["city"], [0.0] * len(SUMMED))
        for n, key in enumerate(SUMMED):
            into[n] += float(row[key] or 0)
    return {city: dict(zip(SUMMED, values, strict=True)) for city, values in sums.items()}


def _sort_key(sort: str, columns: set[str]):
    if sort in CITY_KEYS:
        return lambda row: (getattr(row, sort) is None, getattr(row, sort) or "")
    column, _, metric = sort.rpartition(".")
    if (column in columns or column == "total") and metric in METRICS:
        def key(row: ComparisonRow):
            cell = row.total if column == "total" else row.cells[column]
            value = getattr(cell, metric)
            return (value is None, value or 0)
        return key
    raise MalformedInput(f"Cannot sort by {sort!r}.", [FieldError("sort", (
        f"Expected one of {', '.join(CITY_KEYS)}, or COLUMN.METRIC where COLUMN is a code of the "
        f"level or `total` and METRIC one of {', '.join(METRICS)}."))])


async def comparison(charter_slug: str, *, level: str = "principle", filters: Filters | None = None,
                     lang: str | None = None, sort: str = "city", order: str = "asc",
                     today: date | None = None) -> ComparisonRead:
    """The matrix for one charter, as of `today` (overdue and on track depend on it)."""
    if level not in LEVELS:
        raise MalformedInput(f"Unknown level {level!r}.",
                             [FieldError("level", "Expected principle or commitment.")])
    if order not in ("asc", "desc"):
        raise MalformedInput(f"Unknown order {order!r}.", [FieldError("order", "Expected asc or desc.")])
    filters = filters or Filters()
    today = today or clock.today()
    async with read_snapshot():
        charter = await get_charter_or_raise(charter_slug)
        base = charter["lang"]
        if level == "principle":
            items = await Principle.select(Principle.id, Principle.code, Principle.title).where(
                Principle.charter == charter["id"]).order_by(Principle.position)
        else:
            items = await Commitment.select(Commitment.id, Commitment.code, Commitment.title).where(
                Commitment.charter == charter["id"]).order_by(Commitment.principle.position).order_by(
                Commitment.position)
        scope, scope_args = _scope(filters, charter["id"])
        group = "cm.principle" if level == "principle" else "cm.id"
        facts = await Charter.raw(_facts_sql(group, scope), *scope_args, today, charter["id"], today, today)
        cities = await Charter.raw(f"WITH {scope} SELECT * FROM cities", *scope_args)
    codes = {i["id"]: i["code"] for i in items}
    facts_by = {(r["city"], r["grp"]): r for r in facts}
    totals = _totals(facts)
    rows = []
    for c in cities:
        cells = {code: _cell(facts_by.get((c["id"], i))) for i, code in codes.items()}
        names = loads(c["name"])
        signed_on = c["signed_on"]
        rows.append(ComparisonRow(
            city=c["slug"], name=pick(names, lang, language_of(c["locale"])),
            country=c["country"], region=c["region"], region_name=region_name(c["region"], lang),
            population=c["population"], networks=loads(c["networks"]) or [],
            signed_on=signed_on if isinstance(signed_on, date) else date.fromisoformat(str(signed_on)),
            cells=cells, total=_cell(totals.get(c["id"]))))
    rows.sort(key=_sort_key(sort, set(codes.values())), reverse=order == "desc")
    return ComparisonRead(
        charter=charter_slug, level=level, today=today,
        columns=[ComparisonColumn(i["code"], pick(loads(i["title"]), lang, base)) for i in items],
        rows=rows, filters=filters.as_dict(), sort=sort, order=order)


# Adoption over time ------------------------------------------------------------------------------


class PrincipleOverTime(msgspec.Struct):
    """For one principle, how many cities had adopted at least one of its commitments by the end
    of each year, and how many had at least one reported achieved."""

    code: str
    title: str
    adopted: list[int]
    achieved: list[int]


class AdoptionOverTime(msgspec.Struct):
    """Cumulative counts per principle, one value per year in `years`."""

    charter: str
    years: list[int]
    principles: list[PrincipleOverTime]
    filters: dict[str, str]


def _over_time_sql(scope: str) -> str:
    year = "SUBSTR(CAST(first_on AS TEXT), 1, 4)"
    return f"""
    WITH {scope},
    first_adopted AS (
      SELECT cc.city, cm.principle AS grp, MIN(cc.adopted_on) AS first_on
      FROM city_commitment cc JOIN commitment cm ON cm.id = cc.commitment
      JOIN cities ON cities.id = cc.city
      WHERE cm.charter = {{}} GROUP BY cc.city, cm.principle
    ),
    first_achieved AS (
      SELECT cc.city, cm.principle AS grp, MIN(su.reported_on) AS first_on
      FROM status_update su JOIN city_commitment cc ON cc.id = su.city_commitment
      JOIN commitment cm ON cm.id = cc.commitment JOIN cities ON cities.id = cc.city
      WHERE cm.charter = {{}} AND su.status = 'achieved' AND su.draft = FALSE AND NOT EXISTS (
        SELECT 1 FROM status_update n WHERE n.supersedes = su.id AND n.draft = FALSE)
      GROUP BY cc.city, cm.principle
    )
    SELECT 'adopted' AS what, grp, {year} AS year, COUNT(*) AS n FROM first_adopted
    GROUP BY grp, {year}
    UNION ALL
    SELECT 'achieved' AS what, grp, {year} AS year, COUNT(*) AS n FROM first_achieved
    GROUP BY grp, {year}"""


async def adoption_over_time(charter_slug: str, *, filters: Filters | None = None,
                             lang: str | None = None, today: date | None = None) -> AdoptionOverTime:
    """Per principle and year (from the first adoption to this year), the number of filtered
    signatory cities that had adopted it, and that had reported one of its commitments achieved."""
    filters = filters or Filters()
    today = today or clock.today()
    async with read_snapshot():
        charter = await get_charter_or_raise(charter_slug)
        principles = await Principle.select(Principle.id, Principle.code, Principle.title).where(
            Principle.charter == charter["id"]).order_by(Principle.position)
        scope, args = _scope(filters, charter["id"])
        rows = await Charter.raw(_over_time_sql(scope), *args, charter["id"], charter["id"])
    counts: dict[tuple[str, int, int], int] = {
        (r["what"], r["grp"], int(r["year"])): int(r["n"]) for r in rows}
    first = min((year for _, _, year in counts), default=today.year)
    years = list(range(first, max(today.year, first) + 1))

    def cumulative(what: str, principle: int) -> list[int]:
        total, out = 0, []
        for year in years:
            total += counts.get((what, principle, year), 0)
            out.append(total)
        return out

    return AdoptionOverTime(
        charter=charter_slug, years=years, filters=filters.as_dict(),
        principles=[PrincipleOverTime(p["code"], pick(loads(p["title"]), lang, charter["lang"]),
                                      cumulative("adopted", p["id"]), cumulative("achieved", p["id"]))
                    for p in principles])


# Peers ------------------------------------------------------------------------------------------


class Peer(msgspec.Struct):
    """A city comparable to another: same region first, then closest in population."""

    city: str
    name: str
    country: str
    region: str | None
    population: int | None
    same_region: bool


async def peers(city_slug: str, *, charter_slug: str | None = None, limit: int = 5,
                lang: str | None = None) -> list[Peer]:
    """The cities closest to `city_slug` in region and size (among a charter's signatories when
    one is named), nearest first."""
    city = await get_city_or_raise(city_slug)
    scope_sql, args = "", []
    if charter_slug:
        charter = await get_charter_or_raise(charter_slug)
        scope_sql, args = _scope(Filters(), charter["id"])
        source = "cities"
    else:
        source = "city"
    population = city["population"]
    order = "CASE WHEN c.region = {} THEN 0 ELSE 1 END"
    order_args: list[Any] = [city["region"] or ""]
    if population is not None:
        order += (", CASE WHEN c.population IS NULL THEN 2.0"
                  " ELSE ABS(c.population - {}) * 1.0 / (c.population + {} + 1) END")
        order_args += [population, population]
    sql = (("WITH " + scope_sql + " " if scope_sql else "")
           + "SELECT c.slug, c.name, c.locale, c.country, c.region, c.population "
           + f"FROM {source} c WHERE c.slug <> {{}} ORDER BY {order}, c.slug LIMIT {{}}")
    rows = await Charter.raw(sql, *args, city_slug, *order_args, limit)
    return [Peer(r["slug"], pick(loads(r["name"]), lang, language_of(r["locale"])), r["country"],
                 r["region"], r["population"], r["region"] is not None and r["region"] == city["region"])
            for r in rows]


def comparison_table(read: ComparisonRead) -> tuple[list[str], list[list[Any]]]:
    """The matrix as one flat table: city facts, then `CODE.metric` for each column and `total`.
    Progress and shares are fractions (0–1), as in JSON."""
    header = ["city", "name", "country", "region", "population", "networks", "signed_on"]
    codes = [c.code for c in read.columns] + ["total"]
    header += [f"{code}.{metric}" for code in codes for metric in METRICS]
    rows = []
    for row in read.rows:
        values: list[Any] = [row.city, row.name, row.country, row.region, row.population,
                             " ".join(row.networks), row.signed_on.isoformat()]
        for cell in [row.cells[c.code] for c in read.columns] + [row.total]:
            values += [getattr(cell, metric) for metric in METRICS]
        rows.append(values)
    return header, rows
