"""The languages and their direction, and how a visitor's language is chosen."""

from __future__ import annotations

import pytest
from babel import Locale

from kernel.i18n import LANGUAGES, direction, negotiate_language

# Languages and their direction -------------------------------------------------------------------


def test_arabic_runs_right_to_left_and_the_others_left_to_right() -> None:
    """Arabic is right-to-left; the directions agree with CLDR; an unknown language is ltr."""
    assert direction("ar") == "rtl"
    assert [direction(lang) for lang in ("fr", "en", "es")] == ["ltr"] * 3
    assert direction("xx") == "ltr"
    for lang in LANGUAGES.values():
        assert lang.direction == Locale.parse(lang.code).text_direction
        assert lang.name.casefold() == Locale.parse(lang.code).get_display_name().casefold()


# Choosing a visitor's language -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        (None, None, None, "en"),
        ("ar", "fr", "es", "ar"),
        (None, "fr", "es", "fr"),
        (None, None, "es", "es"),
        ("FR", None, None, "fr"),
        ("fr_FR", None, None, "fr"),
        ("es-MX", None, None, "es"),
        ("ar_TN.UTF-8", None, None, "ar"),
        # A value the service does not speak passes the choice on to the next source.
        ("xx", "es", None, "es"),
        ("de", None, "ar", "ar"),
        (None, "klingon", "fr", "fr"),
    ],
)
def test_query_then_cookie_then_header(query, cookie, header, expected: str) -> None:
    """`?lang=` wins over the cookie, the cookie over Accept-Language."""
    assert negotiate_language(query, cookie, header) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        ("de-DE,de;q=0.9,ar;q=0.5,fr;q=0.4", "ar"),
        ("fr;q=0.2, es;q=0.8", "es"),
        ("en;q=0.1, ar", "ar"),
        ("es;q=0.5, fr;q=0.5", "es"),
        ("fr;q=0, es;q=0.001", "es"),
        ("fr;q=0", "en"),
        ("de, *;q=0.5, fr;q=0.4", "en"),
        ("zh-Hant-TW, ar-MA;q=0.7", "ar"),
        ("ES ; Q=0.7", "es"),
        ("fr;q=abc, es", "es"),
        ("fr;q=1.5, es;q=0.5", "es"),
        ("fr;level=1, es", "es"),
    ],
)
def test_accept_language_by_q_values(header: str, expected: str) -> None:
    """The best language of the header by its q-values; a region reads as its language; a range
    weighted 0 is refused; a malformed entry is skipped."""
    assert negotiate_language(None, None, header) == expected


@pytest.mark.parametrize(
    "hostile",
    [
        "../../etc",
        "../../etc/passwd",
        "xx",
        "",
        " ",
        "ar\x00",
        "fr;DROP TABLE",
        "<script>ar</script>",
        "%2e%2e%2f",
        "عربي",
        "a" * 5000,
        "fr-" + "x" * 5000,
        "xx," * 2500,
        ",;=" * 2000,
    ],
)
def test_hostile_values_fall_back_safely(hostile: str) -> None:
    """Malformed, unknown or huge values, wherever they come from, give the default."""
    assert negotiate_language(hostile, None, None) == "en"
    assert negotiate_language(None, hostile, None) == "en"
    assert negotiate_language(None, None, hostile) == "en"
    assert negotiate_language(hostile, hostile, hostile, default="ar") == "ar"


def test_a_long_header_is_read_only_as_far_as_its_first_entries() -> None:
    """A 5,000-character header costs no more than a short one: entries past the first 32 are
    not read."""
    assert negotiate_language(None, None, "de," * 40 + "ar") == "en"
    assert negotiate_language(None, None, "de," * 10 + "ar") == "ar"
    assert negotiate_language(None, None, "x" * 5000 + ",es") == "es"
    assert negotiate_language(None, None, "fr," * 2500) == "fr"


def test_the_default_can_be_chosen_but_must_be_spoken() -> None:
    """The caller's default serves when nothing else does; an unknown default reads English."""
    assert negotiate_language(None, None, None, default="ar") == "ar"
    assert negotiate_language(None, None, "*", default="fr") == "fr"
    assert negotiate_language(None, None, None, default="xx") == "en"
