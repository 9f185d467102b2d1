"""What waits for the network secretariat, oldest first: evidence not yet reviewed, published
claims whose evidence was accepted and that nobody has verified yet, challenges the city answered
(awaiting a ruling), challenges the city left unanswered for 30 days, and cities late with their
reporting (values due for periods that have ended). Filtered by city, charter and network;
computed from the rows each time, never stored."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from charter.tables import Charter, City
from commitments.tables import Adoption, StatusUpdate
from indicators.challenges import list_challenges
from indicators.choices import EvidenceOrigin, EvidenceReview
from indicators.evidence import evidence_read
from indicators.flags import latest_ended_period
from indicators.recent import ClaimLine, describe_claims
from indicators.schemas import ChallengeRead, EvidenceRead
from indicators.tables import Evidence, Indicator, Measurement, MeasurementEvidence, UpdateEvidence
from kernel import clock
from kernel.caller import Caller
from kernel.claim_ids import claim_id
from kernel.db import json_value, read_snapshot
from kernel.errors import FieldError, InvalidInput
from kernel.periods import parse_period
from kernel.text import language_of, pick, picked_language

T = TypeVar("T", int, str)

LISTED = 500
"""Items of one kind the queue reads at most; the counts say when there are more."""


@dataclass(frozen=True, slots=True)
class QueueFilters:
    """Which part of the network the queue shows: one city, one charter, one network (codes)."""

    city: str | None = None
    charter: str | None = None
    network: str | None = None


@dataclass(frozen=True, slots=True)
class LateCity:
    """A city with values due: adopted indicators without a value for their latest ended period."""

    slug: str
    name: str
    name_lang: str | None
    values_due: int
    oldest_due: str
    """The earliest period among those due (the one waited for longest)."""


@dataclass
class ReviewQueue:
    """Everything waiting for the secretariat, by kind, oldest first."""

    filters: QueueFilters
    networks: list[str] = field(default_factory=list)
    """Every network a city belongs to, to filter by."""
    evidence: list[EvidenceRead] = field(default_factory=list)
    claims: list[ClaimLine] = field(default_factory=list)
    rulings: list[ChallengeRead] = field(default_factory=list)
    overdue: list[ChallengeRead] = field(default_factory=list)
    late: list[LateCity] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(
            len(items) for items in (self.evidence, self.claims, self.rulings, self.overdue, self.late)
        )


async def review_queue(caller: Caller, filters: QueueFilters, lang: str | None) -> ReviewQueue:
    """The secretariat's queue (403 for anyone else; 422 naming an unknown city, charter or
    network filter)."""
    caller.require_secretariat("see the review queue")
    async with read_snapshot():
        cities, networks = await _cities(caller, filters)
        charter_id = await _charter_id(filters.charter)
        queue = ReviewQueue(filters, networks)
        queue.evidence = await _evidence_to_review(cities, charter_id)
        queue.claims = await _claims_to_verify(cities, filters.charter, lang)
        answered = await _challenges("answered", None)
        queue.rulings = await _in_scope(answered, cities, filters.charter, lang)
        overdue = await _challenges("open", True)
        queue.overdue = await _in_scope(overdue, cities, filters.charter, lang)
        queue.late = await _late_cities(cities, charter_id, clock.today(), lang)
    return queue


async def next_evidence(caller: Caller, filters: QueueFilters, after: int | None) -> int | None:
    """The evidence to review after piece `after` in the queue's order (the first one when
    `after` is None or no longer waits): where a reviewer goes once a piece is settled."""
    caller.require_secretariat("see the review queue")
    cities, _ = await _cities(caller, filters)
    waiting = await _evidence_to_review(cities, await _charter_id(filters.charter))
    ids = [e.id for e in waiting]
    return _following(ids, after)


async def next_claim(
    caller: Caller, filters: QueueFilters, after: str | None, lang: str | None
) -> str | None:
    """The claim to verify after claim `after` in the queue's order (the first one when `after`
    is None or no longer waits)."""
    caller.require_secretariat("see the review queue")
    cities, _ = await _cities(caller, filters)
    await _charter_id(filters.charter)
    ids = [c.claim_id for c in await _claims_to_verify(cities, filters.charter, lang)]
    return _following(ids, after)


async def next_ruling(
    caller: Caller, filters: QueueFilters, after: int | None, lang: str | None
) -> int | None:
    """The challenge to rule on after challenge `after` in the queue's order (the first one when
    `after` is None or no longer waits): answered challenges, then those left unanswered."""
    caller.require_secretariat("see the review queue")
    cities, _ = await _cities(caller, filters)
    await _charter_id(filters.charter)
    waiting = await _in_scope(await _challenges("answered", None), cities, filters.charter, lang)
    waiting += await _in_scope(await _challenges("open", True), cities, filters.charter, lang)
    ids = [c.id for c in waiting]
    return _following(ids, after)


def _following(ids: list[T], after: T | None) -> T | None:
    """The item after `after` in the queue (None at its end); the first when `after` no longer
    waits in it (settled meanwhile, or none given)."""
    if after in ids:
        later = ids[ids.index(after) + 1 :]
        return later[0] if later else None
    return ids[0] if ids else None


async def _cities(caller: Caller, filters: QueueFilters) -> tuple[dict[int, dict[str, Any]], list[str]]:
    """The cities the filters keep among those the secretariat oversees (every city, or those of
    its networks), by id, and every network there is among them."""
    rows = [
        r
        for r in await City.select(City.id, City.slug, City.name, City.locale, City.networks, City.region)
        if caller.oversees(r["id"])
    ]
    if filters.city and not any(r["slug"] == filters.city for r in rows):
        raise InvalidInput(f"No city {filters.city!r}.", [FieldError("city", "Expected a city's code.")])
    networks = {n for r in rows for n in json_value(r["networks"]) or []}
    if caller.networks:
        networks &= caller.networks
    if filters.network and filters.network not in networks:
        raise InvalidInput(
            f"No network {filters.network!r}.",
            [FieldError("network", f"Expected one of {sorted(networks)}.")],
        )
    kept = {
        r["id"]: r
        for r in rows
        if (not filters.city or r["slug"] == filters.city)
        and (not filters.network or filters.network in (json_value(r["networks"]) or []))
    }
    return kept, sorted(networks)


async def _charter_id(slug: str | None) -> int | None:
    if not slug:
        return None
    row = await Charter.select(Charter.id).where(Charter.slug == slug).first()
    if row is None:
        raise InvalidInput(f"No charter {slug!r}.", [FieldError("charter", "Expected a charter's code.")])
    return int(row["id"])


async def _evidence_to_review(
    cities: dict[int, dict[str, Any]], charter_id: int | None
) -> list[EvidenceRead]:
    """The cities' own evidence not yet reviewed nor withdrawn, oldest first; with a charter,
    only what a claim about that charter cites."""
    rows = (
        await Evidence.select()
        .where(
            Evidence.city.is_in(list(cities) or [-1])
            & (Evidence.review == EvidenceReview.unreviewed)
            & (Evidence.origin == EvidenceOrigin.city)
            & Evidence.withdrawn_at.is_null()
        )
        .order_by(Evidence.created_at)
        .order_by(Evidence.id)
        .limit(LISTED)
    )
    if charter_id is not None:
        cited = await _cited_in_charter(charter_id)
        rows = [r for r in rows if r["id"] in cited]
    return [evidence_read(r, cities[r["city"]]["slug"], published=False, downloadable=True) for r in rows]


async def _cited_in_charter(charter_id: int) -> set[int]:
    """The evidence that claims about the charter's commitments cite."""
    by_value = await MeasurementEvidence.select(MeasurementEvidence.evidence).where(
        MeasurementEvidence.measurement._.indicator._.charter == charter_id
    )
    by_status = await UpdateEvidence.select(UpdateEvidence.evidence).where(
        UpdateEvidence.update._.adoption._.commitment._.charter == charter_id
    )
    return {r["evidence"] for r in by_value + by_status}


async def _claims_to_verify(
    cities: dict[int, dict[str, Any]], charter: str | None, lang: str | None
) -> list[ClaimLine]:
    """Published claims, not corrected, not verified, citing accepted evidence and none rejected,
    oldest first."""
    reviews = {
        r["id"]: r["review"]
        for r in await Evidence.select(Evidence.id, Evidence.review).where(
            Evidence.city.is_in(list(cities) or [-1]) & (Evidence.review != EvidenceReview.unreviewed)
        )
    }
    ids: list[str] = []
    for kind, link, column, table, in_city in (
        ("measurement", MeasurementEvidence, "measurement", Measurement, Measurement.city),
        ("status_update", UpdateEvidence, "update", StatusUpdate, StatusUpdate.adoption._.city),
    ):
        cited: dict[int, list[str]] = defaultdict(list)
        for r in await link.select().where(link.evidence.is_in(list(reviews) or [-1])):
            cited[r[column]].append(reviews[r["evidence"]])
        ready = [
            c
            for c, seen in cited.items()
            if EvidenceReview.accepted in seen and EvidenceReview.rejected not in seen
        ]
        corrected = table.select(table.supersedes).where(
            table.supersedes.is_not_null() & table.draft.eq(False)
        )
        rows = (
            await table.select(table.id)
            .where(
                table.id.is_in(ready or [-1])
                & table.draft.eq(False)
                & table.verified_at.is_null()
                & in_city.is_in(list(cities) or [-1])
                & table.id.not_in(corrected)
            )
            .order_by(table.published_at)
            .limit(LISTED)
        )
        ids += [claim_id(kind, r["id"]) for r in rows]
    lines = await describe_claims(ids, lang)
    kept = [lines[i] for i in ids if i in lines and (not charter or lines[i].charter == charter)]
    return sorted(kept, key=lambda line: line.published_at or clock.now())


async def _challenges(status: str, overdue: bool | None) -> list[ChallengeRead]:
    page = await list_challenges(
        city=None, status=status, overdue=overdue, claim=None, limit=LISTED, offset=0
    )
    return list(reversed(page.items))  # oldest first


async def _in_scope(
    challenges: list[ChallengeRead], cities: dict[int, dict[str, Any]], charter: str | None, lang: str | None
) -> list[ChallengeRead]:
    """The challenges about the cities (and charter) the filters keep."""
    slugs = {c["slug"] for c in cities.values()}
    kept = [ch for ch in challenges if ch.city in slugs]
    if not charter:
        return kept
    about = await describe_claims([ch.claim_id for ch in kept], lang)
    return [ch for ch in kept if ch.claim_id in about and about[ch.claim_id].charter == charter]


async def _live_adoptions(
    cities: dict[int, dict[str, Any]], charter_id: int | None
) -> tuple[list[dict[str, Any]], dict[int, list[int]]]:
    """The cities' adoptions (of the charter's commitments) not withdrawn, and the indicators of
    each adopted commitment, by commitment id."""
    query = Adoption.select(Adoption.id, Adoption.city, Adoption.commitment, Adoption.adopted_on).where(
        Adoption.city.is_in(list(cities) or [-1])
    )
    if charter_id is not None:
        query = query.where(Adoption.commitment._.charter == charter_id)
    adoptions = await query
    last_status: dict[int, str] = {}
    for u in await (
        StatusUpdate.select(StatusUpdate.adoption, StatusUpdate.status)
        .where(
            StatusUpdate.adoption.is_in([a["id"] for a in adoptions] or [-1]) & StatusUpdate.draft.eq(False)
        )
        .order_by(StatusUpdate.reported_on)
        .order_by(StatusUpdate.id)
    ):
        last_status[u["adoption"]] = u["status"]
    live = [a for a in adoptions if last_status.get(a["id"]) != "withdrawn"]
    indicators: dict[int, list[int]] = defaultdict(list)
    for i in await Indicator.select(Indicator.id, Indicator.commitment).where(
        Indicator.commitment.is_in([a["commitment"] for a in live] or [-1])
    ):
        indicators[i["commitment"]].append(i["id"])
    return live, indicators


@dataclass(frozen=True, slots=True)
class CompletenessRow:
    """What one city reported, year by year: for each year, the indicators it had adopted by the
    year's end (`expected`) and how many of them have a published value for a period of that
    year (`reported`)."""

    slug: str
    name: str
    name_lang: str | None
    region: str | None
    years: dict[int, tuple[int, int]]
    """year → (reported, expected)."""

    @property
    def reported(self) -> int:
        return sum(r for r, _ in self.years.values())

    @property
    def expected(self) -> int:
        return sum(e for _, e in self.years.values())


async def completeness(
    caller: Caller, filters: QueueFilters, years: int, lang: str | None
) -> tuple[list[int], list[CompletenessRow]]:
    """Which cities reported what for which year, for the last `years` ended years and the year
    going on: the cities the secretariat oversees (filtered by charter, network or city) that
    adopted at least one commitment; the least complete first."""
    caller.require_secretariat("see the network's reporting")
    today = clock.today()
    shown = list(range(today.year - years, today.year + 1))
    async with read_snapshot():
        cities, _ = await _cities(caller, filters)
        charter_id = await _charter_id(filters.charter)
        live, indicators = await _live_adoptions(cities, charter_id)
        measured: set[tuple[int, int, int]] = set()
        for m in await Measurement.select(Measurement.city, Measurement.indicator, Measurement.period).where(
            Measurement.city.is_in(list(cities) or [-1]) & Measurement.draft.eq(False)
        ):
            measured.add((m["city"], m["indicator"], parse_period(m["period"]).end.year))
    counts: dict[int, dict[int, list[int]]] = defaultdict(lambda: {y: [0, 0] for y in shown})
    for a in live:
        for indicator in indicators[a["commitment"]]:
            for year in shown:
                if a["adopted_on"].year <= year:
                    cell = counts[a["city"]][year]
                    cell[1] += 1
                    cell[0] += (a["city"], indicator, year) in measured
    rows = []
    for city_id, by_year in counts.items():
        city = cities[city_id]
        rows.append(
            CompletenessRow(
                city["slug"],
                *_city_name(city, lang),
                city.get("region"),
                {year: (r, e) for year, (r, e) in by_year.items()},
            )
        )
    rows.sort(key=lambda r: (r.reported / r.expected if r.expected else 1, r.slug))
    return shown, rows


def _city_name(city: dict[str, Any], lang: str | None) -> tuple[str, str | None]:
    """A city's name in `lang` (else in its own language), and the language it is in."""
    names, own = json_value(city["name"]), language_of(city["locale"])
    return pick(names, lang, own) or city["slug"], picked_language(names, lang, own)


async def _late_cities(
    cities: dict[int, dict[str, Any]], charter_id: int | None, today: date, lang: str | None
) -> list[LateCity]:
    """Cities with adopted indicators (of commitments not withdrawn) whose latest ended period has
    no published value, the most values due first."""
    live, indicators = await _live_adoptions(cities, charter_id)
    last: dict[tuple[int, int], tuple[date, str]] = {}
    for m in await Measurement.select(
        Measurement.id, Measurement.city, Measurement.indicator, Measurement.period, Measurement.period_end
    ).where(Measurement.city.is_in(list(cities) or [-1]) & Measurement.draft.eq(False)):
        key = (m["city"], m["indicator"])
        if key not in last or m["period_end"] > last[key][0]:
            last[key] = (m["period_end"], m["period"])
    due: dict[int, list[str]] = defaultdict(list)
    for a in live:
        for indicator in indicators[a["commitment"]]:
            reported = last.get((a["city"], indicator))
            wanted = latest_ended_period(reported[1] if reported else None, today)
            if reported is None or reported[0] < parse_period(wanted).end:
                due[a["city"]].append(wanted)
    out = []
    for city_id, periods in due.items():
        city = cities[city_id]
        out.append(
            LateCity(
                city["slug"],
                *_city_name(city, lang),
                len(periods),
                min(periods, key=lambda p: parse_period(p).end),
            )
        )
    return sorted(out, key=lambda c: (-c.values_due, c.slug))
