"""A commitment in a city: where it stands (status, progress, assurance, flags), its story as a
timeline, oldest first (adoption, status updates with their narrative and evidence, values,
verifications, challenges, replies, rulings, corrections), and each indicator with its chart
(the reports' chart module) and its values, superseded ones struck through beside their
correction. The same services as the API's GET /api/v1/cities/{city}/commitments/{charter}/{code},
with the visitor as the caller, so that drafts reach only those who may see them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Template
from markupsafe import Markup

from charter.services import city_read, get_city_or_raise
from commitments.schemas import StatusUpdateRead
from exports.charts import Series, trend_strip
from indicators.challenges import challenges_on
from indicators.charter_tree import charter_tree
from indicators.city_view import get_city_commitment
from indicators.schemas import (
    ChallengeRead,
    CharterRead,
    IndicatorProgress,
    MeasurementRead,
    PrincipleDef,
    ReplyRead,
)
from kernel.caller import Caller
from kernel.db import read_snapshot
from kernel.errors import NotFound
from kernel.http import CallerDep
from kernel.periods import parse_period
from web.language import page_language
from web.pages import render
from web.public.names import charter_title, city_name

_ORDER = ("adoption", "status", "value", "verification", "challenge", "reply", "ruling")
"""Entries of the same moment, in the order they happen."""


def _moment(when: date | datetime) -> datetime:
    """A date or a time as a time (a day at its start), comparable with every other."""
    if isinstance(when, datetime):
        return when if when.tzinfo else when.replace(tzinfo=UTC)
    return datetime.combine(when, time.min, tzinfo=UTC)


def page_history(api_history: str) -> str:
    """The page of an item's history, from the API's address of it (same parameters)."""
    return api_history.removeprefix("/api/v1")


@dataclass
class Entry:
    """One event of the commitment's story. `kind` says which fields are set."""

    kind: str
    when: date | datetime
    status: StatusUpdateRead | None = None
    value: MeasurementRead | None = None
    indicator: IndicatorProgress | None = None
    challenge: ChallengeRead | None = None
    reply: ReplyRead | None = None

    @property
    def key(self) -> tuple[datetime, int]:
        return _moment(self.when), _ORDER.index(self.kind)


@dataclass
class ValueRow:
    """A line of an indicator's table: the value, and the value that corrected it if any."""

    value: MeasurementRead
    correction: MeasurementRead | None = None


@dataclass
class IndicatorView:
    """An indicator as the page shows it: its definition and target, chart and table of values."""

    indicator: IndicatorProgress
    chart: Markup
    rows: list[ValueRow] = field(default_factory=list)


def _period_end(period: str) -> date | None:
    try:
        return parse_period(period).end
    except Exception:  # a stored period is always valid; a stray one just goes last
        return None


def _timeline(
    adopted_on: date,
    updates: list[StatusUpdateRead],
    indicators: list[IndicatorProgress],
    challenges: list[ChallengeRead],
) -> list[Entry]:
    """The story, oldest first: a value is placed at the end of its period."""
    entries = [Entry("adoption", adopted_on)]
    for u in updates:
        entries.append(Entry("status", u.reported_on, status=u))
        if u.verification is not None:
            entries.append(Entry("verification", u.verification.at, status=u))
    for ind in indicators:
        for m in ind.measurements:
            entries.append(Entry("value", _period_end(m.period) or m.reported_at, value=m, indicator=ind))
            if m.verification is not None:
                entries.append(Entry("verification", m.verification.at, value=m, indicator=ind))
    for c in challenges:
        entries.append(Entry("challenge", c.opened_at, challenge=c))
        entries += [Entry("reply", r.at, challenge=c, reply=r) for r in c.replies]
        if c.ruling is not None:
            entries.append(Entry("ruling", c.ruling.at, challenge=c))
    return sorted(entries, key=lambda e: e.key)


def _counted(measurements: list[MeasurementRead]) -> list[MeasurementRead]:
    """The values that count: published and not corrected."""
    return [m for m in measurements if not m.draft and m.superseded_by is None]


def _indicator_view(ind: IndicatorProgress, label: str) -> IndicatorView:
    by_id = {m.claim_id: m for m in ind.measurements}
    target = ind.target
    series = Series(
        ind.code,
        [m.value for m in _counted(ind.measurements)],
        target.baseline if target else None,
        target.target if target else None,
    )
    chart = trend_strip([series], font_family=None, label=label)
    rows = [ValueRow(m, by_id.get(m.superseded_by) if m.superseded_by else None) for m in ind.measurements]
    return IndicatorView(ind, Markup(chart), rows)  # noqa: S704 - drawn by our code, texts escaped


def _principle(tree: CharterRead, code: str) -> PrincipleDef | None:
    """The principle of the tree with that code (its title, and the language the title is in)."""
    return next((p for p in tree.principles if p.code == code), None)


async def commitment_page(caller: Caller, city: str, charter: str, code: str, lang: str) -> dict[str, object]:
    """What the page shows, in `lang`, as `caller` may see it (404 for an unknown city, charter,
    commitment, or one the city has not adopted)."""
    if any("\x00" in part for part in (city, charter, code)):  # no database keeps it: nothing has it
        raise NotFound(f"No commitment {charter!r}/{code!r} in {city!r}.")
    read = await get_city_commitment(caller, city, charter, code, lang)
    city_record = await get_city_or_raise(city)
    city_row = city_read(city_record, lang)
    tree = await charter_tree(charter, lang)
    claim_ids = [u.claim_id for u in read.timeline] + [
        m.claim_id for ind in read.indicators for m in ind.measurements
    ]
    challenges = await challenges_on(claim_ids)
    return {
        "c": read,
        "city": city_row,
        "name": city_name(city_row, lang),
        "charter_title": charter_title(tree, lang),
        "principle": _principle(tree, read.principle),
        "timeline": _timeline(read.adopted_on, read.timeline, read.indicators, challenges),
        "indicators": [_indicator_view(ind, f"{ind.code} · {ind.title}") for ind in read.indicators],
        "evidence": {e.id: e for e in read.evidence},
        "adoption_history": page_history(read.history),
        "page_history": page_history,
        "workspace": f"/workspace/{city}" if caller.may_edit_city(city_record["id"]) else None,
    }


class CommitmentPages(Controller):
    """One commitment in one city."""

    path = "/cities/{city:str}/commitments/{charter:str}/{code:str}"
    include_in_schema = False

    @get("/", name="commitment")
    async def commitment(
        self,
        request: Request,
        caller: CallerDep,
        city: FromPath[str],
        charter: FromPath[str],
        code: FromPath[str],
    ) -> Template:
        """The commitment's standing, its story and its indicators, as the visitor may see them."""
        lang = page_language(request)
        async with read_snapshot():
            context = await commitment_page(caller, city, charter, code, lang)
        return render(request, "commitment.html", context)
