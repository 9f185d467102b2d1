"""The progress formulas, table-driven."""

from decimal import Decimal

import pytest

from indicators.progress import commitment_progress, indicator_progress, principle_progress


@pytest.mark.parametrize(
    ("baseline", "target", "latest", "direction", "expected"),
    [
        (300, 600, 450, "increase", 0.5),
        (300, 600, 600, "increase", 1.0),
        (300, 600, 900, "increase", 1.0),  # past the target: clamped
        (300, 600, 200, "increase", 0.0),  # below the baseline: clamped
        (30, 15, 20, "decrease", 2 / 3),  # days to decide, should fall
        (30, 15, 15, "decrease", 1.0),
        (30, 15, 45, "decrease", 0.0),
        (0, 1, 1, "increase", 1.0),  # boolean
        (0, 1, 0, "increase", 0.0),
        (Decimal("12.5"), Decimal("20"), Decimal("16.25"), "increase", 0.5),
        (50, 50, 50, "increase", 1.0),  # target = baseline, reached
        (50, 50, 49, "increase", 0.0),
        (50, 50, 49, "decrease", 1.0),
        (None, 600, 450, "increase", None),  # no baseline: unknown
        (300, None, 450, "increase", None),
        (300, 600, None, "increase", None),
    ],
)
def test_indicator_progress(baseline, target, latest, direction, expected) -> None:
    """(latest − baseline) / (target − baseline), clamped to [0, 1], in both directions."""
    result = indicator_progress(baseline, target, latest, direction)
    assert result == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    ("progresses", "status", "expected"),
    [
        ([0.5, 1.0], "in_progress", 0.75),
        ([0.5, None], "in_progress", 0.25),
        ([], "achieved", 1.0),
        ([], "in_progress", 0.0),
        ([], None, 0.0),
        ([0.2], "achieved", 0.2),
    ],
)
def test_commitment_progress(progresses, status, expected) -> None:
    """Mean of indicators; unknown counts as 0; 1 when achieved with no indicators."""
    assert commitment_progress(progresses, status) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([(0.5, "in_progress"), (1.0, "achieved")], 0.75),
        ([(0.5, "in_progress"), (0.0, "withdrawn")], 0.5),
        ([], None),
        ([(0.3, "withdrawn")], None),
    ],
)
def test_principle_progress(items, expected) -> None:
    """Mean over the city's adopted commitments, withdrawn left out."""
    result = principle_progress(items)
    assert result == (pytest.approx(expected) if expected is not None else None)
