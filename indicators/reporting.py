"""What the forms for reporting a value or a status need: the indicator with its target and the values the
city has reported, the ended periods still free (annual, quarterly or monthly as the indicator's
own values are), and the evidence the city may cite. The value itself is written by
`indicators.measurements.add_measurement`, the same service as the API's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from charter.services import city_for_write
from indicators.city_view import Visibility, city_commitments_full, get_city_commitment
from indicators.evidence import list_evidence
from indicators.flags import latest_ended_period
from indicators.schemas import CityCommitmentRead, EvidenceRead, IndicatorProgress, MeasurementRead
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
    caller: Caller, city_slug: str, commitment: CityCommitmentRead
) -> list[EvidenceRead]:
    """The city's own evidence a claim on `commitment` may cite, not rejected: what the
    commitment's claims already cite first, then the newest (`EVIDENCE_OFFERED` at most)."""
    own = {e.id for e in commitment.evidence}
    offered = [
        e for e in reversed(await list_evidence(caller, city_slug, origin="city")) if e.review != "rejected"
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
