"""The service's one clock: what "now" and "today" are for every rule that depends on the date
(a period has ended, a date is not in the future, a commitment is overdue, a challenge waits for
an answer). `CLOCK=2026-11-26T12:00:00+00:00` in the environment stops it at that instant, for
tests and for demonstrations that must not change with the calendar; report workers inherit it."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

ENVIRONMENT_KEY = "CLOCK"


def now() -> datetime:
    """The current instant (UTC), or the instant the clock is stopped at."""
    fixed = os.environ.get(ENVIRONMENT_KEY)
    if not fixed:
        return datetime.now(UTC)
    moment = datetime.fromisoformat(fixed)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def today() -> date:
    """The current date in UTC, on the same clock as `now`."""
    return now().date()
