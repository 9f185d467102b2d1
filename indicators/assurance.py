"""Pure rules of a claim's standing: which claims are current once corrections are counted, and how
far each can be trusted. No query here; services gather the rows and call these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from indicators.choices import ChallengeStatus, RulingOutcome
from kernel.claim_ids import Assurance

Row = TypeVar("Row", bound=Mapping[str, Any])

OPEN_CHALLENGE = (ChallengeStatus.open, ChallengeStatus.answered)
"""A challenge not yet ruled keeps its claim contested."""
STANDING_OUTCOMES = (RulingOutcome.upheld, RulingOutcome.partly_upheld)
"""A ruling that finds for the challenger keeps the claim contested until the city corrects it."""


def superseded_by(rows: Iterable[Mapping[str, Any]]) -> dict[int, int]:
    """Row id → id of the row that corrects it, among the rows given (those the reader may see:
    a correction still in draft does not hide the published claim from the public)."""
    return {r["supersedes"]: r["id"] for r in rows if r.get("supersedes")}


def current(rows: Sequence[Row]) -> list[Row]:
    """The rows no other given row corrects: only these count for progress and flags."""
    replaced = superseded_by(rows)
    return [r for r in rows if r["id"] not in replaced]


def is_contested(challenges: Iterable[tuple[str, str | None]], *, superseded: bool = False) -> bool:
    """A challenge is open or answered, or was upheld (even partly) and the claim not corrected."""
    return any(
        status in OPEN_CHALLENGE or (outcome in STANDING_OUTCOMES and not superseded)
        for status, outcome in challenges
    )


def assurance_of(
    *, verified: bool, challenges: Iterable[tuple[str, str | None]], superseded: bool
) -> Assurance:
    """Contested (see `is_contested`); else verified when the secretariat checked its evidence;
    else self-reported."""
    if is_contested(challenges, superseded=superseded):
        return Assurance.contested
    return Assurance.verified if verified else Assurance.self_reported
