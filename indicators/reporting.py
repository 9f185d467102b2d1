"""What the forms for reporting a value or a status need: the indicator with its target and the values the
city has reported, the ended periods still free (annual, quarterly or monthly as the indicator's
own values are), and the evidence the city may cite. The value itself is written by
`indicators.measurements.add_measurement`, the same service as the API's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from piccolo.query.functions.aggregate import Count

from charter.schemas import CharterSummary
from charter.services import city_for_write, get_charter_or_raise, list_charters, standing_signature_day
from commitments.tables import Adoption, Commitment
from indicators.charter_tree import charter_tree
from indicators.citations import Citation, citations_of
from indicators.city_view import Visibility, city_commitments_full, get_city_commitment
from indicators.evidence import get_evidence, list_evidence
from indicators.flags import latest_ended_period
from indicators.schemas import (
    CharterRead,
    CityCommitmentRead,
    EvidenceRead,
    IndicatorProgress,
    MeasurementRead,
)
from kernel import clock
from kernel.caller import Caller
from kernel.errors import NotFound
from kernel.periods import parse_period
from kernel.text import normalize_code

EVIDENCE_OFFERED = 40
"""The city's most recent evidence offered to cite (with all the evidence of this commitment)."""


@dataclass(frozen=True, slots=True)
class ValueForm:
    """The indicator a value is reported for, and the choices the form offers."""

    city: str
    locale: str
    commitment: CityCommitmentRead
    indicator: IndicatorProgress
    periods: list[str]
    """Ended periods with no value yet (published or draft), newest first."""
    standing: list[MeasurementRead]
    """The values that stand (published or draft, not corrected), newest period first."""
    evidence: list[EvidenceRead]
    """The city's own evidence it may cite, not rejected: this commitment's first, then newest."""


def _previous(period: str) -> str:
    """The period just before `period`, of the same granularity."""
    p = parse_period(period)
    if "-Q" in period:
        year, quarter = p.start.year, (p.start.month - 1) // 3 + 1
        return f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}"
    if len(period) == 7:
        year, month = p.start.year, p.start.month
        return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
    return str(p.start.year - 1)


def free_periods(taken: set[str], like: str | None, since: date, today: date) -> list[str]:
    """Ended periods of the granularity of `like` (years when none), from the one holding `since`
    to the last ended before `today`, without those `taken`, newest first."""
    out: list[str] = []
    period = latest_ended_period(like, today)
    while parse_period(period).end >= since:
        if period not in taken:
            out.append(period)
        period = _previous(period)
    return out


async def value_form(
    caller: Caller, city_slug: str, charter_slug: str, code: str, lang: str | None
) -> ValueForm:
    """The form's content for one of the city's editors or the secretariat (403 otherwise; 404 for
    an indicator of a commitment the city has not adopted)."""
    city = await city_for_write(caller, city_slug)
    wanted = normalize_code(code)
    seen = Visibility.for_caller(caller, city["id"])
    for commitment in await city_commitments_full(city_slug, lang, charter_slug=charter_slug, seen=seen):
        for indicator in commitment.indicators:
            if indicator.code == wanted:
                return await _form(caller, city, commitment, indicator)
    raise NotFound(f"{city_slug!r} has adopted no commitment measured by {charter_slug}/{code}.")


async def _form(
    caller: Caller, city: dict, commitment: CityCommitmentRead, indicator: IndicatorProgress
) -> ValueForm:
    standing = sorted(
        (m for m in indicator.measurements if m.superseded_by is None),
        key=lambda m: parse_period(m.period).end,
        reverse=True,
    )
    like = standing[0].period if standing else None
    since = min([commitment.adopted_on, *(parse_period(m.period).start for m in standing)])
    periods = free_periods({m.period for m in standing}, like, since, clock.today())
    evidence = await evidence_to_cite(caller, city["slug"], commitment)
    return ValueForm(city["slug"], city["locale"], commitment, indicator, periods, standing, evidence)


async def evidence_to_cite(
    caller: Caller, city_slug: str, commitment: CityCommitmentRead | None = None
) -> list[EvidenceRead]:
    """The city's own evidence a claim (on `commitment`) or an act may cite, not rejected: what
    the commitment's claims already cite first, then the newest (`EVIDENCE_OFFERED` at most)."""
    own = {e.id for e in commitment.evidence} if commitment else set()
    offered = [
        e
        for e in reversed(await list_evidence(caller, city_slug, origin="city"))
        if e.review != "rejected" and e.withdrawn_at is None
    ]
    return [e for e in offered if e.id in own] + [e for e in offered if e.id not in own][:EVIDENCE_OFFERED]


@dataclass(frozen=True, slots=True)
class StatusForm:
    """The adopted commitment a status is reported for, and the evidence the city may cite."""

    city: str
    locale: str
    commitment: CityCommitmentRead
    evidence: list[EvidenceRead]


async def status_form(
    caller: Caller, city_slug: str, charter_slug: str, code: str, lang: str | None
) -> StatusForm:
    """The status form's content for one of the city's editors or the secretariat (403 otherwise;
    404 for a commitment the city has not adopted)."""
    city = await city_for_write(caller, city_slug)
    commitment = await get_city_commitment(caller, city_slug, charter_slug, code, lang)
    return StatusForm(
        city_slug, city["locale"], commitment, await evidence_to_cite(caller, city_slug, commitment)
    )


@dataclass(frozen=True, slots=True)
class CharterStanding:
    """A charter as the city stands with it: signed or not (its latest act), and how many of its
    commitments the city has adopted."""

    charter: CharterSummary
    title_lang: str
    signed_on: date | None
    adopted: int
    commitments: int


@dataclass(frozen=True, slots=True)
class ActsForm:
    """Every charter with the city's standing: what the city has signed and adopted."""

    city: str
    locale: str
    charters: list[CharterStanding]


async def acts_form(caller: Caller, city_slug: str, lang: str | None) -> ActsForm:
    """For one of the city's editors or the secretariat (403 otherwise)."""
    city = await city_for_write(caller, city_slug)
    adopted = await _adopted_codes(city["id"])
    counts = {
        r["charter"]: r["n"]
        for r in await Commitment.select(
            Commitment.charter._.slug.as_alias("charter"), Count().as_alias("n")
        ).group_by(Commitment.charter._.slug)
    }
    standing = []
    for charter in await list_charters(lang):
        row = await get_charter_or_raise(charter.slug)
        signed = await standing_signature_day(city["id"], row["id"])
        shown = lang if lang in charter.title_i18n else charter.lang
        taken = sum(1 for c, _ in adopted if c == charter.slug)
        standing.append(CharterStanding(charter, shown, signed, taken, counts.get(charter.slug, 0)))
    return ActsForm(city_slug, city["locale"], standing)


@dataclass(frozen=True, slots=True)
class AdoptForm:
    """The charter's tree with what the city has already adopted, for the page that adopts
    several commitments by one decision."""

    city: str
    locale: str
    charter: CharterRead
    title_lang: str
    """The language the charter's title is shown in."""
    signed_on: date | None
    adopted: set[str]
    evidence: list[EvidenceRead]


async def adopt_form(caller: Caller, city_slug: str, charter_slug: str, lang: str | None) -> AdoptForm:
    """For one of the city's editors or the secretariat (403 otherwise; 404 for an unknown charter)."""
    city = await city_for_write(caller, city_slug)
    tree = await charter_tree(charter_slug, lang)
    row = await get_charter_or_raise(tree.slug)
    signed = await standing_signature_day(city["id"], row["id"])
    adopted = {code for slug, code in await _adopted_codes(city["id"]) if slug == tree.slug}
    shown = lang if lang in tree.title_i18n else tree.lang
    evidence = await evidence_to_cite(caller, city_slug)
    return AdoptForm(city_slug, city["locale"], tree, shown, signed, adopted, evidence)


async def _adopted_codes(city_id: int) -> list[tuple[str, str]]:
    """(charter slug, commitment code) of every commitment the city has adopted."""
    rows = await Adoption.select(Adoption.key).where(Adoption.city == city_id)
    return [(r["key"].split("/")[1], r["key"].split("/")[2]) for r in rows]


@dataclass(frozen=True, slots=True)
class LibraryItem:
    """A piece of the city's evidence in its library, with everything that cites it."""

    evidence: EvidenceRead
    citations: list[Citation]

    @property
    def withdrawable(self) -> bool:
        """Filed by mistake and cited by nothing, not even a draft: the city may withdraw it."""
        return not self.citations and self.evidence.withdrawn_at is None


@dataclass(frozen=True, slots=True)
class EvidenceLibrary:
    """The city's own evidence, newest first, with its review and what cites it; the pieces
    withdrawn apart; the counter-evidence reviewers filed about the city apart too."""

    city: str
    standing: list[LibraryItem]
    withdrawn: list[LibraryItem]
    counter: list[LibraryItem]


async def evidence_library(caller: Caller, city_slug: str) -> EvidenceLibrary:
    """For one of the city's editors or the secretariat (403 otherwise)."""
    await city_for_write(caller, city_slug)
    pieces = list(reversed(await list_evidence(caller, city_slug)))
    cited = await citations_of([e.id for e in pieces])
    items = [LibraryItem(e, cited.get(e.id, [])) for e in pieces]
    return EvidenceLibrary(
        city_slug,
        [i for i in items if i.evidence.origin == "city" and i.evidence.withdrawn_at is None],
        [i for i in items if i.evidence.origin == "city" and i.evidence.withdrawn_at is not None],
        [i for i in items if i.evidence.origin != "city"],
    )


async def library_item(caller: Caller, city_slug: str, evidence_id: int) -> LibraryItem:
    """One piece of the city's own evidence, for the page that withdraws it (404 when it is
    not the city's own)."""
    await city_for_write(caller, city_slug)
    piece = await get_evidence(caller, evidence_id)
    if piece.city != city_slug or piece.origin != "city":
        raise NotFound(f"No evidence {evidence_id} of {city_slug}.")
    return LibraryItem(piece, (await citations_of([evidence_id])).get(evidence_id, []))
