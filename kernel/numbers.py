"""Numbers as cities type them (decimal comma, Arabic-Indic digits, spaces between thousands),
and the kinds of number an indicator holds (counts, percentages, amounts...) with what each
accepts. The single writes and the spreadsheet import read values through here alike."""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from babel import Locale, UnknownLocaleError
from babel.numbers import NumberFormatError, get_decimal_symbol, get_group_symbol, parse_decimal

from kernel.errors import FieldError, InvalidInput

NumberIn = bool | int | float | str
"""A number as JSON, or as text typed in the city's locale (`"12,5"`, `"1 250"`, `"٤٧"`)."""


class ValueType(StrEnum):
    """What an indicator's numbers are."""

    count = "count"  # type: ignore[assignment]  # the value's own name; it shadows str.count
    percent = "percent"
    ratio = "ratio"
    amount = "amount"
    boolean = "boolean"
    days = "days"


_SPACES = {" ", "\u00a0", "\u202f", "\u2009", "\u2007"}


def _ascii_digits(text: str) -> str:
    """Map every Unicode decimal digit (Arabic-Indic, Persian, Devanagari...) to 0-9."""
    out = []
    for ch in text:
        if ch.isdigit() and not ("0" <= ch <= "9"):
            try:
                out.append(str(unicodedata.decimal(ch)))
                continue
            except ValueError:
                pass
        out.append(ch)
    return "".join(out)


def parse_localized_number(text: str, locale: str, field: str = "value") -> Decimal:
    """Read a number typed in `locale` (`fr-TN`, `ar-JO`, `en-GB`), refusing anything ambiguous.

    `"12,5"` in French is 12.5; `"1 250"` with any kind of space is 1250; `"٤٧"` is 47.
    Arabic decimal and group separators (U+066B, U+066C) are understood in every locale.
    """
    raw = unicodedata.normalize("NFKC", text).strip()
    raw = _ascii_digits(raw).replace("\u066b", ".").replace("\u066c", ",").replace("\u2212", "-")
    if not raw:
        raise InvalidInput("Empty number.", [FieldError(field, "Expected a number.")])
    try:
        babel_locale = Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        babel_locale = Locale.parse("en")
    decimal_symbol = get_decimal_symbol(babel_locale)
    group_symbol = get_group_symbol(babel_locale)
    if any(ch in _SPACES for ch in raw):
        if group_symbol not in _SPACES:
            raise InvalidInput(
                f"Unexpected space in {text!r}.",
                [
                    FieldError(
                        field,
                        f"Expected a number written as in {locale}, e.g. "
                        f"1{group_symbol}250{decimal_symbol}5.",
                    )
                ],
            )
        raw = "".join(ch for ch in raw if ch not in _SPACES)
    if decimal_symbol not in (".", ",") or group_symbol not in (".", ",", *_SPACES):
        # Locales with unusual symbols (Arabic ones use U+066B/U+066C, already mapped).
        babel_locale = Locale.parse("en")
    try:
        value = parse_decimal(raw, locale=babel_locale, strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        raise InvalidInput(
            f"Cannot read {text!r} as a number in {locale}.",
            [
                FieldError(
                    field,
                    f"Expected a number written as in {locale}, "
                    f"with {decimal_symbol!r} as decimal separator.",
                )
            ],
        ) from None
    if not value.is_finite():
        raise InvalidInput(f"{text!r} is not a finite number.", [FieldError(field, "Expected a number.")])
    return value


def read_number(value: NumberIn, locale: str, field: str) -> tuple[Decimal, str]:
    """The exact value and the text as given: JSON numbers as written, text in the city's locale."""
    if isinstance(value, bool):
        return Decimal(int(value)), "true" if value else "false"
    if isinstance(value, int):
        return Decimal(value), str(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
        if not number.is_finite():
            raise InvalidInput("Not a finite number.", [FieldError(field, "Expected a number.")])
        return number, repr(value)
    text = value.strip()
    if len(text) > 64:
        raise InvalidInput("Number text too long.", [FieldError(field, "Expected at most 64 characters.")])
    return parse_localized_number(text, locale, field), text


def check_value(value: Decimal, value_type: str, field: str) -> None:
    """Refuse values that the indicator's type cannot hold (negative counts, percents over 100...)."""
    rules = {
        ValueType.count: (value >= 0 and value == value.to_integral_value(), "a whole number ≥ 0"),
        ValueType.percent: (0 <= value <= 100, "a percentage from 0 to 100"),
        ValueType.ratio: (value >= 0, "a ratio ≥ 0"),
        ValueType.boolean: (value in (0, 1), "0 (no) or 1 (yes)"),
        ValueType.days: (value >= 0, "a number of days ≥ 0"),
        ValueType.amount: (abs(value) < Decimal(10) ** 17, "an amount below 10^17"),
    }
    ok, expected = rules[ValueType(value_type)]
    if not ok:
        raise InvalidInput(
            f"{value} is not valid for a {value_type} indicator.",
            [FieldError(field, f"Expected {expected}.")],
        )


def read_value(value: NumberIn, locale: str, value_type: str, field: str) -> tuple[Decimal, str]:
    """A number as a city gives it for an indicator of `value_type`: read in the city's locale,
    then checked against what that type can hold. Returns the value and the text as given."""
    number, text = read_number(value, locale, field)
    check_value(number, value_type, field)
    return number, text
