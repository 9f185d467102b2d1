"""What a city has to do, for its officers' first page: values due for periods that have ended,
commitments without a status update for a year, indicators without a target, commitments past
their due date, challenges waiting for the city's answer, drafts not yet published, and evidence
the secretariat rejected. Computed from the same rows as the city's view (with its drafts), the
challenges and the evidence, never stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from charter.services import city_for_write
from indicators.assurance import superseded_by
from indicators.challenges import REPLY_DAYS, list_challenges
from indicators.city_view import Visibility, counted, group, view_rows
from indicators.evidence import list_evidence
from indicators.flags import is_overdue, latest_ended_period
from indicators.schemas import ChallengeRead, EvidenceRead
from kernel import clock
from kernel.caller import Caller
from kernel.claim_ids import claim_id
from kernel.db import json_value, read_snapshot
from kernel.periods import parse_period
from kernel.text import pick, picked_language

STATUS_EVERY = timedelta(days=365)
"""An adopted commitment whose last status is older than this is due an update."""
CHALLENGES_LISTED = 200


@dataclass(frozen=True, slots=True)
class TodoCommitment:
    """An adopted commitment as the to-do names it: its title in the page's language (or in the
    one it has, `title_lang`), the status that counts and the day the city gave it, its due date."""

    charter: str
    commitment: str
    title: str
    title_lang: str | None
    status: str | None
    status_reported_on: date | None
    due_on: date | None


@dataclass(frozen=True, slots=True)
class TodoIndicator:
    """An indicator of an adopted commitment, by code and title."""

    code: str
    title: str
    title_lang: str | None


@dataclass(frozen=True, slots=True)
class ValueDue:
    """An indicator whose latest ended period has no value yet (none published, none drafted)."""

    commitment: TodoCommitment
    indicator: str
    title: str
    title_lang: str | None
    period: str
    last_period: str | None


@dataclass(frozen=True, slots=True)
class Draft:
    """A claim the city wrote and has not published: a status update or a value."""

    commitment: TodoCommitment
    claim_id: str
    kind: str
    what: str
    """The status, or the value as typed."""
    period: str | None
    indicator: str | None
    version: int
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
    statuses_due: list[TodoCommitment] = field(default_factory=list)
    targets_missing: list[tuple[TodoCommitment, TodoIndicator]] = field(default_factory=list)
    overdue: list[TodoCommitment] = field(default_factory=list)
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
    """What the city has to do, for one of its editors or the secretariat (403 for anyone else).
    Read from the city's rows in one snapshot: the to-do needs neither the evidence nor the flags
    that the city's full view computes."""
    async with read_snapshot():
        city = await city_for_write(caller, city_slug)
        today = clock.today()
        todo = CityTodo(city_slug, today)
        seen = Visibility.for_caller(caller, city["id"])
        adoptions, updates, indicators, targets, measurements = await view_rows(city, None, None, seen)
        rows = _Rows(
            group(updates, "adoption"),
            group(counted(updates, seen), "adoption"),
            group(indicators, "commitment"),
            targets,
            group(measurements, "indicator"),
            superseded_by(measurements),
        )
        for a in adoptions:
            _commitment_todo(todo, a, rows, lang, today)
        todo.challenges = await _challenges_to_answer(city_slug, today)
        todo.rejected_evidence = await list_evidence(caller, city_slug, review="rejected")
    return todo


@dataclass(frozen=True, slots=True)
class _Rows:
    """The city's rows the to-do reads, by adoption, commitment or indicator."""

    updates_by: dict[int, list[dict[str, Any]]]
    counted_updates_by: dict[int, list[dict[str, Any]]]
    indicators_by: dict[int, list[dict[str, Any]]]
    targets: dict[int, dict[str, Any]]
    measurements_by: dict[int, list[dict[str, Any]]]
    replaced: dict[int, int]


def _commitment_todo(todo: CityTodo, a: dict[str, Any], rows: _Rows, lang: str | None, today: date) -> None:
    """What one adopted commitment asks of the city."""
    timeline = rows.counted_updates_by.get(a["id"], [])
    last = timeline[-1] if timeline else None
    titles = json_value(a["title"])
    c = TodoCommitment(
        a["charter"],
        a["code"],
        pick(titles, lang, a["charter_lang"]),
        picked_language(titles, lang, a["charter_lang"]),
        last["status"] if last else None,
        last["reported_on"] if last else None,
        a["due_on"],
    )
    todo.drafts += [
        Draft(
            c, claim_id("status_update", u["id"]), "status_update", str(u["status"]), None, None, u["version"]
        )
        for u in rows.updates_by.get(a["id"], [])
        if u["draft"]
    ]
    if c.status == "withdrawn":
        return
    if is_overdue(status=c.status, due_on=c.due_on, today=today):
        todo.overdue.append(c)
    if c.status_reported_on is None or c.status_reported_on < today - STATUS_EVERY:
        todo.statuses_due.append(c)
    for ind in rows.indicators_by.get(a["commitment"], []):
        i = TodoIndicator(
            ind["code"],
            pick(ind["title"], lang, a["charter_lang"]),
            picked_language(ind["title"], lang, a["charter_lang"]),
        )
        shown = rows.measurements_by.get(ind["id"], [])
        todo.drafts += [
            Draft(
                c,
                claim_id("measurement", m["id"]),
                "measurement",
                m["value_text"],
                m["period"],
                i.code,
                m["version"],
            )
            for m in shown
            if m["draft"]
        ]
        if ind["id"] not in rows.targets:
            todo.targets_missing.append((c, i))
        reported = [m for m in shown if not m["draft"] and m["id"] not in rows.replaced]
        drafted = {m["period"] for m in shown if m["draft"]}
        last_period = max(reported, key=lambda m: m["period_end"])["period"] if reported else None
        wanted = latest_ended_period(last_period, today)
        if (
            last_period is None or parse_period(last_period).end < parse_period(wanted).end
        ) and wanted not in drafted:
            todo.values_due.append(ValueDue(c, i.code, i.title, i.title_lang, wanted, last_period))


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
