"""Numbers as cities type them: decimal comma, Arabic-Indic digits, spaces between thousands."""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.numbers import NumberFormatError, get_decimal_symbol, get_group_symbol, parse_decimal

from kernel.errors import FieldError, InvalidInput

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
                [FieldError(field, f"Expected a number written as in {locale}, e.g. "
                                   f"1{group_symbol}250{decimal_symbol}5.")],
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
            [FieldError(field, f"Expected a number written as in {locale}, "
                               f"with {decimal_symbol!r} as decimal separator.")],
        ) from None
    if not value.is_finite():
        raise InvalidInput(f"{text!r} is not a finite number.", [FieldError(field, "Expected a number.")])
    return value
