"""Each flag: one case that raises it, one that does not; each names the claim it concerns."""

from datetime import date

import pytest

from indicators.flags import (
    FLAG_CODES,
    FLAG_TEXT,
    ClaimFacts,
    CommitmentFacts,
    Flag,
    IndicatorFacts,
    commitment_flags,
    flag_message,
    latest_ended_period,
    on_track,
)

TODAY = date(2026, 11, 26)
FRESH = IndicatorFacts("I1", 1.0, True, "2025", "measurement-9")
UNDER_WAY = IndicatorFacts("I1", 0.8, True, "2025", "measurement-9")


def facts(**kw) -> CommitmentFacts:
    args = {
        "status": "in_progress",
        "status_claim": "status-1",
        "status_evidence": 1,
        "due_on": date(2027, 12, 31),
        "indicators": [UNDER_WAY],
        "claims": [],
        **kw,
    }
    return CommitmentFacts(**args)


def flags(**kw) -> list[str]:
    return [f.code for f in commitment_flags(facts(**kw), TODAY)]


def test_achieved_without_evidence() -> None:
    """Achieved with no evidence on the status is flagged on that status; with evidence it is not."""
    assert commitment_flags(facts(status="achieved", status_evidence=0, indicators=[FRESH]), TODAY) == [
        Flag("achieved_without_evidence", "status-1")
    ]
    assert flags(status="achieved", status_evidence=2, indicators=[FRESH]) == []


def test_achieved_below_target() -> None:
    """Achieved while an indicator is at 60 % of its target is flagged on that indicator."""
    below = IndicatorFacts("I2", 0.6, True, "2025", "measurement-10")
    result = commitment_flags(facts(status="achieved", due_on=None, indicators=[FRESH, below]), TODAY)
    assert result == [Flag("achieved_below_target", "status-1", "I2")]
    assert flags(status="achieved", indicators=[FRESH]) == []


def test_overdue() -> None:
    """Past due and not achieved is overdue; achieved or withdrawn is not."""
    assert flags(due_on=date(2025, 12, 31)) == ["overdue"]
    assert flags(due_on=date(2025, 12, 31), status="achieved", indicators=[FRESH]) == []
    assert flags(due_on=date(2025, 12, 31), status="withdrawn") == []


def test_target_met_not_reported() -> None:
    """Every indicator with a target at or past it while the status says in progress (or
    nothing): the city has not updated its status. Achieved, withdrawn, an indicator short of its
    target, or no target at all: no flag."""
    assert commitment_flags(facts(indicators=[FRESH]), TODAY) == [Flag("target_met_not_reported", "status-1")]
    assert flags(status=None, status_claim=None, indicators=[FRESH]) == ["target_met_not_reported"]
    assert flags(status="achieved", indicators=[FRESH]) == []
    assert flags(status="withdrawn", indicators=[FRESH]) == []
    assert flags(indicators=[FRESH, UNDER_WAY]) == []
    assert flags(indicators=[IndicatorFacts("I1", None, False, "2025")]) == []
    assert flags(indicators=[]) == []


@pytest.mark.parametrize(
    ("last", "stale"),
    [
        ("2025", False),
        ("2024", True),
        (None, True),
        ("2026-Q3", False),
        ("2026-Q2", True),
        ("2026-10", False),
        ("2026-09", True),
    ],
)
def test_stale(last: str | None, stale: bool) -> None:
    """No value for the latest ended period (year, quarter or month) is stale."""
    indicator = IndicatorFacts("I1", 0.5, True, last, "measurement-3" if last else None)
    assert (flags(indicators=[indicator]) == ["stale"]) is stale


def test_stale_names_the_latest_value() -> None:
    """A stale indicator's flag points at its latest value, or at nothing when it has none."""
    old = IndicatorFacts("I1", 0.5, True, "2023", "measurement-3")
    assert commitment_flags(facts(indicators=[old]), TODAY) == [Flag("stale", "measurement-3", "I1")]


def test_evidence_after_claim_on_a_status() -> None:
    """A status dated 1 March citing a document of 1 June is flagged; one of 1 February is not."""
    late = ClaimFacts("status-4", date(2026, 3, 1), [date(2026, 6, 1)], None, False)
    fine = ClaimFacts("status-5", date(2026, 3, 1), [date(2026, 2, 1), None], None, False)
    assert commitment_flags(facts(claims=[late, fine]), TODAY) == [Flag("evidence_after_claim", "status-4")]


def test_evidence_after_claim_on_a_value() -> None:
    """A 2023 value proven by a document of 2025 is flagged; one of 2024 (next year's report) is not."""
    late = ClaimFacts("measurement-7", None, [date(2025, 3, 1)], date(2023, 12, 31), False, "I1")
    fine = ClaimFacts("measurement-8", None, [date(2024, 12, 31)], date(2023, 12, 31), False, "I1")
    assert commitment_flags(facts(claims=[late, fine]), TODAY) == [
        Flag("evidence_after_claim", "measurement-7", "I1")
    ]


def test_contested() -> None:
    """A contested claim raises the flag on that claim; an uncontested one does not."""
    contested = ClaimFacts("measurement-7", None, [], date(2025, 12, 31), True, "I1")
    calm = ClaimFacts("status-2", date(2026, 1, 1), [], None, False)
    assert commitment_flags(facts(claims=[contested, calm]), TODAY) == [
        Flag("contested", "measurement-7", "I1")
    ]


def test_every_flag_has_a_message_in_every_report_language() -> None:
    """fr, en, es and ar name and explain every flag."""
    for lang in ("fr", "en", "es", "ar"):
        assert set(FLAG_TEXT[lang]) == set(FLAG_CODES)
        assert all(label and help_ for label, help_ in FLAG_TEXT[lang].values())
    assert flag_message("contested", "fr") == "Contesté"
    assert flag_message("contested", "de") == "Contested"


def test_latest_ended_period() -> None:
    """On 26 November 2026 the latest ended year is 2025, quarter 2026-Q3, month 2026-10."""
    assert latest_ended_period("2024", TODAY) == "2025"
    assert latest_ended_period("2024-Q1", TODAY) == "2026-Q3"
    assert latest_ended_period("2024-01", TODAY) == "2026-10"


def test_on_track() -> None:
    """Half way in time and 60 % done is on track; 40 % is not; past due never is."""
    args = {
        "status": "in_progress",
        "adopted_on": date(2024, 1, 1),
        "due_on": date(2029, 9, 20),
        "today": TODAY,
    }
    assert on_track(progress=0.6, **args) is True
    assert on_track(progress=0.4, **args) is False
    assert on_track(progress=1.0, **{**args, "due_on": date(2025, 1, 1)}) is False
    assert on_track(progress=1.0, **{**args, "status": "delayed"}) is False
