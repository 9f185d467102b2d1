"""Numbers typed in a city's locale."""

from decimal import Decimal

import pytest

from kernel.errors import InvalidInput
from kernel.numbers import parse_localized_number


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("12,5", "fr-FR", Decimal("12.5")),
        ("12,5", "pt-PT", Decimal("12.5")),
        ("12.5", "en-GB", Decimal("12.5")),
        ("1\u00a0250", "fr-FR", Decimal("1250")),
        ("1\u202f250,75", "fr-TN", Decimal("1250.75")),
        ("1 250", "fr-FR", Decimal("1250")),
        ("٤٧", "ar-TN", Decimal("47")),
        ("٤٧", "fr-FR", Decimal("47")),
        ("١٢٫٥", "ar-JO", Decimal("12.5")),
        ("1,250", "en-US", Decimal("1250")),
        ("1.250", "es-ES", Decimal("1250")),
        ("-3", "en", Decimal("-3")),
        ("  42 ", "it-IT", Decimal("42")),
    ],
)
def test_reads_numbers_as_the_city_types_them(text: str, locale: str, expected: Decimal) -> None:
    """A number typed with the city's separators and digits is read to its exact value."""
    assert parse_localized_number(text, locale) == expected


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("12,5", "en-GB"),
        ("abc", "fr-FR"),
        ("", "fr-FR"),
        ("1 250", "en-US"),
        ("1,2,3", "fr-FR"),
        ("NaN", "en"),
        ("12..5", "en"),
    ],
)
def test_refuses_what_is_ambiguous_or_not_a_number(text: str, locale: str) -> None:
    """Anything that is not plainly a number in that locale is refused, naming the field."""
    with pytest.raises(InvalidInput) as caught:
        parse_localized_number(text, locale, "value_text")
    assert caught.value.errors[0].field == "value_text"
