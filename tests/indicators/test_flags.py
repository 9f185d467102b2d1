"""Each flag: one case that raises it, one that does not."""

from datetime import date

import pytest

from indicators.flags import Flag, IndicatorFacts, commitment_flags, latest_ended_period, on_track

TODAY = date(2026, 11, 26)
FRESH = IndicatorFacts("I1", 1.0, True, "2025")


def flags(**kw) -> list[str]:
    args = {"status": "in_progress", "status_evidence": 1, "due_on": date(2027, 12, 31),
            "indicators": [FRESH], "today": TODAY, **kw}
    return [f.code for f in commitment_flags(**args)]


def test_achieved_without_evidence() -> None:
    """Achieved with no evidence on the status is flagged; with evidence it is not."""
    assert flags(status="achieved", status_evidence=0) == ["achieved_without_evidence"]
    assert flags(status="achieved", status_evidence=2) == []


def test_achieved_below_target() -> None:
    """Achieved while an indicator is at 60 % of its target is flagged on that indicator."""
    below = IndicatorFacts("I2", 0.6, True, "2025")
    result = commitment_flags(status="achieved", status_evidence=1, due_on=None,
                              indicators=[FRESH, below], today=TODAY)
    assert result == [Flag("achieved_below_target", "I2")]
    assert flags(status="achieved", indicators=[FRESH]) == []


def test_overdue() -> None:
    """Past due and not achieved is overdue; achieved or withdrawn is not."""
    assert flags(due_on=date(2025, 12, 31)) == ["overdue"]
    assert flags(due_on=date(2025, 12, 31), status="achieved") == []
    assert flags(due_on=date(2025, 12, 31), status="withdrawn") == []


@pytest.mark.parametrize(("last", "stale"), [("2025", False), ("2024", True), (None, True),
                                              ("2026-Q3", False), ("2026-Q2", True),
                                              ("2026-10", False), ("2026-09", True)])
def test_stale(last: str | None, stale: bool) -> None:
    """No value for the latest ended period (year, quarter or month) is stale."""
    facts = IndicatorFacts("I1", 0.5, True, last)
    assert (flags(indicators=[facts]) == ["stale"]) is stale


def test_latest_ended_period() -> None:
    """On 26 November 2026 the latest ended year is 2025, quarter 2026-Q3, month 2026-10."""
    assert latest_ended_period("2024", TODAY) == "2025"
    assert latest_ended_period("2024-Q1", TODAY) == "2026-Q3"
    assert latest_ended_period("2024-01", TODAY) == "2026-10"


def test_on_track() -> None:
    """Half way in time and 60 % done is on track; 40 % is not; past due never is."""
    args = {"status": "in_progress", "adopted_on": date(2024, 1, 1), "due_on": date(2029, 9, 20),
            "today": TODAY}
    assert on_track(progress=0.6, **args) is True
    assert on_track(progress=0.4, **args) is False
    assert on_track(progress=1.0, **{**args, "due_on": date(2025, 1, 1)}) is False
    assert on_track(progress=1.0, **{**args, "status": "delayed"}) is False
