"""Dates as cities type them: every locale's own short form read back as it was written, any
script's digits, and nothing half-read (a stray sign is a refusal, not another day)."""

from __future__ import annotations

from datetime import date

import pytest

from web.forms import typed_date, written_date

LOCALES = ["fr-FR", "fr-TN", "ar-TN", "ar-JO", "es-ES", "en-US", "en-GB", "it-IT", "fa-IR", "ja-JP", "de-DE"]


@pytest.mark.parametrize("locale", LOCALES)
def test_a_locales_own_short_date_reads_back(locale: str) -> None:
    for day in (date(2026, 1, 15), date(2025, 12, 31), date(2024, 2, 29)):
        assert typed_date(written_date(day, locale), locale) == day, (locale, written_date(day, locale))


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("30/11/2026", "fr-FR", date(2026, 11, 30)),
        ("٣٠/١١/٢٠٢٦", "ar-TN", date(2026, 11, 30)),
        ("2026-11-30", "ar-TN", date(2026, 11, 30)),
        (" 30.11.2026 ", "de-DE", date(2026, 11, 30)),
        ("1²/11/2026", "fr-FR", None),
        ("①/11/2026", "fr-FR", None),
        ("1x/11/2026", "fr-FR", None),
        ("31/02/2026", "fr-FR", None),
        ("2026/13/01", "fr-FR", None),
        ("hier", "fr-FR", None),
        ("", "fr-FR", None),
        ("30/11/2026", "xx-YY", None),
        ("30/11/26", "fr-FR", date(2026, 11, 30)),
        ("11/30/26", "en-US", date(2026, 11, 30)),
        ("01/13/2023", "fr-FR", None),
        ("13/01/2023", "en-US", None),
    ],
)
def test_typed_dates(text: str, locale: str, expected: date | None) -> None:
    assert typed_date(text, locale) == expected
