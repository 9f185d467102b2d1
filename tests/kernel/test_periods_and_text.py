"""Periods, codes and translatable text."""

from datetime import date

import pytest

from kernel.errors import InvalidInput
from kernel.markdown import render_markdown
from kernel.periods import ended_period, parse_period
from kernel.text import normalize_code, pick, picked_language, strip_bidi_controls, translatable


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2024-Q4", date(2024, 10, 1), date(2024, 12, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023-02", date(2023, 2, 1), date(2023, 2, 28)),
    ],
)
def test_period_spans(label: str, start: date, end: date) -> None:
    """A year, a quarter and a month each cover their days, leap years included."""
    period = parse_period(label)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("label", ["24", "2024-Q5", "2024-13", "2024-1", "2024/01", "2024-W01", ""])
def test_bad_periods_are_refused(label: str) -> None:
    """Anything but YYYY, YYYY-Qn or YYYY-MM is refused with the expected forms."""
    with pytest.raises(InvalidInput) as caught:
        parse_period(label)
    assert "YYYY-Qn" in caught.value.errors[0].message


def test_a_period_still_running_is_refused() -> None:
    """A value for a period that has not ended cannot be reported yet."""
    with pytest.raises(InvalidInput):
        ended_period("2026", date(2026, 11, 26))
    with pytest.raises(InvalidInput):
        ended_period("2026-Q4", date(2026, 11, 26))
    assert ended_period("2026-Q3", date(2026, 11, 26)).label == "2026-Q3"


def test_codes_are_normalised() -> None:
    """A zero-width space, a full-width letter or stray spaces do not make a new code."""
    assert normalize_code("ECS-CULT-01\u200b") == "ECS-CULT-01"
    assert normalize_code(" ＥCS-CULT-01 ") == "ECS-CULT-01"
    assert normalize_code("\u2066DIG\u2069") == "DIG"


def test_bidi_overrides_are_stripped() -> None:
    """A right-to-left override cannot reverse a title."""
    assert strip_bidi_controls("abc\u202edef") == "abcdef"


def test_translatable_text_and_fallback() -> None:
    """A plain string is stored under the default language; reads fall back per field."""
    assert translatable("Sousse", "fr", "name") == {"fr": "Sousse"}
    texts = {"fr": "Sousse", "ar": "سوسة"}
    assert pick(texts, "ar", "fr") == "سوسة"
    assert pick(texts, "es", "fr") == "Sousse"
    assert pick(texts, None, "en") == "Sousse"
    with pytest.raises(InvalidInput):
        translatable({"french": "x"}, "fr", "name")


def test_the_language_a_text_was_picked_in() -> None:
    """A page can tell which language the text it shows is in, to mark a fallback."""
    texts = {"fr": "Sousse", "ar": "سوسة"}
    assert picked_language(texts, "ar", "fr") == "ar"
    assert picked_language(texts, "es", "fr") == "fr"
    assert picked_language({"it": "Torino"}, "es", "fr") == "it"
    assert picked_language({}, "es", "fr") is None
    assert picked_language(None, "es", "fr") is None


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "<iframe src='https://evil.example'></iframe>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "<a href='javascript:alert(1)'>x</a>",
        "![x](http://tracker.example/pixel.png)",
    ],
)
def test_markdown_renders_hostile_input_inert(hostile: str) -> None:
    """Raw HTML is escaped, javascript: links dropped, images not fetched."""
    html = render_markdown(hostile) or ""
    assert "<script" not in html and "<iframe" not in html and "<img" not in html
    assert 'href="javascript' not in html
    assert "<" not in html.replace("<p>", "").replace("</p>", "").replace("<a ", "").replace("</a>", "")


def test_markdown_keeps_ordinary_formatting() -> None:
    """Emphasis, lists and http links survive sanitising."""
    html = render_markdown("**bold** and [a link](https://example.org)\n\n- one\n- two") or ""
    assert "<strong>bold</strong>" in html and 'href="https://example.org"' in html
    assert "<li>one</li>" in html
