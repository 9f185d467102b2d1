"""Progress, computed from the data and never typed: pure functions, one rule each.

* An indicator's progress is (latest − baseline) / (target − baseline), clamped to [0, 1]. The
  same formula serves indicators that should decrease: both differences are then negative.
  When target equals baseline, progress is 1 once the latest value is at or past the target in
  the indicator's direction, else 0. Without a latest value, a target or a baseline it is unknown.
* A commitment's progress is the mean of its indicators' progress, an unknown one counting as 0
  (no data is no proof of progress); with no indicators it is 1 when the commitment is reported
  achieved, else 0.
* A principle's progress is the mean over the city's adopted commitments under it, withdrawn
  adoptions left out; unknown (None) when there are none.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from commitments.choices import CommitmentStatus

Number = Decimal | float | int


def indicator_progress(
    baseline: Number | None, target: Number | None, latest: Number | None, direction: str = "increase"
) -> float | None:
    """Share of the way from baseline to target that the latest value has covered, in [0, 1]."""
    if latest is None or target is None or baseline is None:
        return None
    baseline, target, latest = Decimal(str(baseline)), Decimal(str(target)), Decimal(str(latest))
    if target == baseline:
        reached = latest >= target if direction == "increase" else latest <= target
        return 1.0 if reached else 0.0
    share = (latest - baseline) / (target - baseline)
    return float(min(Decimal(1), max(Decimal(0), share)))


def commitment_progress(indicator_progresses: Iterable[float | None], status: str | None) -> float:
    """Mean of the indicators' progress (unknown counts as 0), or 1/0 by status without indicators."""
    values = [p or 0.0 for p in indicator_progresses]
    if not values:
        return 1.0 if status == CommitmentStatus.achieved else 0.0
    return sum(values) / len(values)


def principle_progress(commitment_progresses: Iterable[tuple[float, str | None]]) -> float | None:
    """Mean over adopted commitments (progress, status), withdrawn ones left out."""
    values = [p for p, status in commitment_progresses if status != CommitmentStatus.withdrawn]
    return sum(values) / len(values) if values else None
