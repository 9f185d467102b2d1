"""What a city has to do, for its officers' first page: values due for periods that have ended,
commitments without a status update for a year, indicators without a target, commitments past
their due date, challenges waiting for the city's answer, drafts not yet published, and evidence
the secretariat rejected. Computed from the same reads as the API (the city's full view with its
drafts, the challenges, the evidence), never stored."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from charter.services import city_for_write
from indicators.challenges import REPLY_DAYS, list_challenges
from indicators.city_view import Visibility, city_commitments_full
from indicators.claims import load_claim
from indicators.evidence import list_evidence
from indicators.flags import is_overdue, latest_ended_period
from indicators.schemas import ChallengeRead, CityCommitmentRead, EvidenceRead, IndicatorProgress
from kernel import clock
from kernel.caller import Caller
from kernel.claim_ids import parse_claim_id
from kernel.periods import parse_period

STATUS_EVERY = timedelta(days=365)
"""An adopted commitment whose last status is older than this is due an update."""
CHALLENGES_LISTED = 200


@dataclass(frozen=True, slots=True)
class ValueDue:
    """An indicator whose latest ended period has no value yet (none published, none drafted)."""

    commitment: CityCommitmentRead
    indicator: str
    title: str
    title_lang: str | None
    period: str
    last_period: str | None


@dataclass(frozen=True, slots=True)
class Draft:
    """A claim the city wrote and has not published: a status update or a value."""

    commitment: CityCommitmentRead
    claim_id: str
    kind: str
    what: str
    """The status, or the value as typed."""
    period: str | None
    indicator: str | None
    version: int = 0
    """The version read, for publishing it from the list (`If-Match`, in words)."""


@dataclass(frozen=True, slots=True)
class ChallengeToAnswer:
    """A challenge waiting for the city's answer: opened and not answered, or answered back."""

    challenge: ChallengeRead
    days_left: int | None
    """Days before an unanswered challenge is overdue (0 when it is); None when answered back."""


@dataclass
class CityTodo:
    """Everything a city has to do, by kind, each in charter order."""

    city: str
    today: date
    values_due: list[ValueDue] = field(default_factory=list)
    statuses_due: list[CityCommitmentRead] = field(default_factory=list)
    targets_missing: list[tuple[CityCommitmentRead, IndicatorProgress]] = field(default_factory=list)
    overdue: list[CityCommitmentRead] = field(default_factory=list)
    challenges: list[ChallengeToAnswer] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)
    rejected_evidence: list[EvidenceRead] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(
            len(items)
            for items in (
                self.values_due,
                self.statuses_due,
                self.targets_missing,
                self.overdue,
                self.challenges,
                self.drafts,
                self.rejected_evidence,
            )
        )


async def city_todo(caller: Caller, city_slug: str, lang: str | None) -> CityTodo:
    """What the city has to do, for one of its editors or the secretariat (403 for anyone else)."""
    city = await city_for_write(caller, city_slug)
    today = clock.today()
    todo = CityTodo(city_slug, today)
    seen = Visibility.for_caller(caller, city["id"])
    for c in await city_commitments_full(city_slug, lang, seen=seen):
        _commitment_todo(todo, c, today)
    todo.drafts = [replace(d, version=await _version(d.claim_id)) for d in todo.drafts]
    todo.challenges = await _challenges_to_answer(city_slug, today)
    todo.rejected_evidence = await list_evidence(caller, city_slug, review="rejected")
    return todo


def _commitment_todo(todo: CityTodo, c: CityCommitmentRead, today: date) -> None:
    """What one adopted commitment asks of the city."""
    todo.drafts += [
        Draft(c, u.claim_id, "status_update", str(u.status), None, None) for u in c.timeline if u.draft
    ]
    if c.status == "withdrawn":
        return
    if is_overdue(status=c.status, due_on=c.due_on, today=today):
        todo.overdue.append(c)
    if c.status_reported_on is None or c.status_reported_on < today - STATUS_EVERY:
        todo.statuses_due.append(c)
    for i in c.indicators:
        todo.drafts += [
            Draft(c, m.claim_id, "measurement", m.value_text, m.period, i.code)
            for m in i.measurements
            if m.draft
        ]
        if i.target is None:
            todo.targets_missing.append((c, i))
        counted = [m.period for m in i.measurements if not m.draft and m.superseded_by is None]
        drafted = {m.period for m in i.measurements if m.draft}
        last = max(counted, key=lambda p: parse_period(p).end, default=None)
        wanted = latest_ended_period(last, today)
        if (last is None or parse_period(last).end < parse_period(wanted).end) and wanted not in drafted:
            todo.values_due.append(ValueDue(c, i.code, i.title, i.title_lang, wanted, last))


async def _version(claim: str) -> int:
    row = await load_claim(*parse_claim_id(claim))
    return int(row["version"]) if row else 0


async def _challenges_to_answer(city_slug: str, today: date) -> list[ChallengeToAnswer]:
    """Open challenges (oldest first: the nearest deadline first) and those the challenger has
    answered back since the city's last answer."""
    out = []
    for status in ("open", "answered"):
        page = await list_challenges(
            city=city_slug, status=status, overdue=None, claim=None, limit=CHALLENGES_LISTED, offset=0
        )
        for ch in reversed(page.items):
            if status == "open":
                left = (ch.opened_at.date() + timedelta(days=REPLY_DAYS) - today).days
                out.append(ChallengeToAnswer(ch, max(left, 0)))
            elif ch.replies and ch.replies[-1].side == "challenger":
                out.append(ChallengeToAnswer(ch, None))
    return out
