"""Claim-vs-evidence flags: computed from the data, never typed. One place decides every flag.

* `achieved_without_evidence`: the last status says achieved and cites no evidence.
* `achieved_below_target`: the last status says achieved while an indicator is below its target.
* `overdue`: the due date has passed and the commitment is not achieved (nor withdrawn).
* `stale`: an indicator has no measurement for the latest period that has ended (by the
  granularity of its own measurements: year, quarter or month).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from kernel.periods import parse_period

FLAG_CODES = ("achieved_without_evidence", "achieved_below_target", "overdue", "stale")


@dataclass(frozen=True, slots=True)
class Flag:
    """A warning about a claim: its code, and the indicator it concerns (None: the commitment)."""

    code: str
    indicator: str | None = None


@dataclass(frozen=True, slots=True)
class IndicatorFacts:
    """What the flags need to know of an indicator."""

    code: str
    progress: float | None
    has_target: bool
    last_period: str | None


def latest_ended_period(like: str | None, today: date) -> str:
    """The most recent period of the same granularity as `like` that has ended before `today`."""
    if like and "-Q" in like:
        quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        end = quarter_start - timedelta(days=1)
        return f"{end.year}-Q{(end.month - 1) // 3 + 1}"
    if like and len(like) == 7:
        end = date(today.year, today.month, 1) - timedelta(days=1)
        return f"{end.year}-{end.month:02d}"
    return str(today.year - 1)


def commitment_flags(
    *,
    status: str | None,
    status_evidence: int,
    due_on: date | None,
    indicators: list[IndicatorFacts],
    today: date,
) -> list[Flag]:
    """Every flag that the data raises for one adopted commitment, in a fixed order."""
    flags: list[Flag] = []
    if status == "achieved" and status_evidence == 0:
        flags.append(Flag("achieved_without_evidence"))
    if status == "achieved":
        flags.extend(Flag("achieved_below_target", i.code) for i in indicators
                     if i.has_target and (i.progress or 0.0) < 1.0)
    if due_on is not None and due_on < today and status not in ("achieved", "withdrawn"):
        flags.append(Flag("overdue"))
    if status != "withdrawn":
        for i in indicators:
            wanted = latest_ended_period(i.last_period, today)
            if i.last_period is None or parse_period(i.last_period).end < parse_period(wanted).end:
                flags.append(Flag("stale", i.code))
    return flags


def on_track(*, status: str | None, progress: float, adopted_on: date, due_on: date | None,
             today: date) -> bool:
    """In progress, not overdue, and at least as far along as the time elapsed toward the due date."""
    if status not in ("in_progress", "not_started") or (due_on and due_on < today):
        return False
    if due_on is None or due_on <= adopted_on:
        return status == "in_progress"
    elapsed = (today - adopted_on).days / (due_on - adopted_on).days
    return progress >= min(1.0, max(0.0, elapsed))
