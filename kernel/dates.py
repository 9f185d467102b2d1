"""Dates as a city writes them: read what an officer types or a spreadsheet holds (`30/11/2026`
in French, `11/30/26` in American English, with any digits) and write a day back the same way.
A date typed in the wrong order for the locale is refused, never read another way."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from babel import UnknownLocaleError
from babel.dates import format_date, parse_date

SHORT_DATE = re.compile(r"^(?:(?P<year>[0-9]{4})|[0-9]{1,2})([./\- ][0-9]{1,4}){2}\Z")


def ascii_digits(text: str) -> str:
    """The text with decimal digits of any script as 0-9 and without the invisible marks a
    locale writes dates with (U+200F); other "digits" (², ①) stay as they are and fail."""
    return "".join(
        str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text if unicodedata.category(c) != "Cf"
    )


def typed_date(text: str, locale: str) -> date | None:
    """A date typed as ISO (`2026-11-30`) or as the locale writes it short (`30/11/2026`,
    `11/30/26`), with any digits (`٣٠/١١/٢٠٢٦`); None when it is neither."""
    raw = ascii_digits(text.strip())
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    match = SHORT_DATE.match(raw)
    if not match:  # Babel would read "1x/11/2026" as the 1st: refuse it instead
        return None
    if len(match["year"] or "") == 4:  # year first (2026/1/15), whatever the locale's order
        try:
            return date(*(int(part) for part in re.split(r"[./\- ]", raw)))
        except ValueError:
            return None
    try:
        parsed = parse_date(raw, locale=locale.replace("-", "_"))
    except (ValueError, IndexError, UnknownLocaleError):
        return None
    # Babel swaps day and month when the month it reads is over 12 (`01/13/2023` in French):
    # a date typed in the wrong order is refused, never silently read another way.
    typed = [int(n) for n in re.findall(r"[0-9]+", raw)]
    shown = [int(n) for n in re.findall(r"[0-9]+", ascii_digits(written_date(parsed, locale)))]
    # Years may be written with two digits on either side (`30.11.26`).
    if len(typed) != len(shown) or any(t % 100 != s % 100 for t, s in zip(typed, shown, strict=True)):
        return None
    return parsed if 1900 <= parsed.year <= 2999 else None


def written_date(day: date, locale: str) -> str:
    """A day as the locale writes it short (`30/11/2026`), as `typed_date` reads it back."""
    try:
        written = format_date(day, format="short", locale=locale.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return day.isoformat()
    # Arabic locales put right-to-left marks between the parts: in a left-to-right field they
    # reorder the date on screen (`26‏/11‏/2026` shows as `262026/11/`).
    return "".join(c for c in written if unicodedata.category(c) != "Cf")


def date_example(locale: str) -> str:
    """How the locale writes a date, for a field's hint."""
    return written_date(date(2026, 11, 30), locale)
