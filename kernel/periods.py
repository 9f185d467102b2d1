"""Reporting periods: a year (`2024`), a quarter (`2024-Q3`) or a month (`2024-07`)."""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date

from kernel.errors import FieldError, InvalidInput

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))?\Z")


@dataclass(frozen=True, slots=True)
class Period:
    """A span of days a measurement describes; it can be reported once it has ended."""

    label: str
    start: date
    end: date

    def has_ended(self, today: date) -> bool:
        return self.end < today


def parse_period(text: str, field: str = "period") -> Period:
    period = _period_of(text.strip())
    if period is None:
        raise InvalidInput(
            f"Invalid period {text!r}.",
            [FieldError(field, "Expected YYYY, YYYY-Qn (n = 1 to 4) or YYYY-MM.")],
        )
    return period


@functools.lru_cache(maxsize=4096)
def _period_of(text: str) -> Period | None:
    """The period a label names, or None; kept, since a workbook names the same few periods on
    thousands of rows (and a period is immutable)."""
    match = _PERIOD.match(text)
    if not match:
        return None
    year = int(match["year"])
    if match["quarter"]:
        q = int(match["quarter"])
        start, end_month = date(year, 3 * q - 2, 1), 3 * q
    elif match["month"]:
        m = int(match["month"])
        start, end_month = date(year, m, 1), m
    else:
        start, end_month = date(year, 1, 1), 12
    end = date(year, end_month, calendar.monthrange(year, end_month)[1])
    return Period(text, start, end)


def ended_period(text: str, today: date, field: str = "period") -> Period:
    """A period that is over: values for a period still running are refused."""
    period = parse_period(text, field)
    if not period.has_ended(today):
        raise InvalidInput(
            f"Period {period.label} has not ended yet (it ends on {period.end.isoformat()}).",
            [FieldError(field, f"Expected a period that ended before {today.isoformat()}.")],
        )
    return period
