"""The languages the service speaks, which way each runs, and how a visitor's language is chosen
(`?lang=`, then the language cookie, then the browser's Accept-Language header)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from babel.core import negotiate_locale, parse_locale


@dataclass(frozen=True, slots=True)
class Language:
    """A language the service speaks: its code, its name in itself, and which way its text runs."""

    code: str
    name: str
    direction: Literal["ltr", "rtl"]


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("fr", "Français", "ltr"),
        Language("en", "English", "ltr"),
        Language("es", "Español", "ltr"),
        Language("ar", "العربية", "rtl"),
    )
}
"""The languages the service speaks, in the order it offers them."""

DEFAULT_LANGUAGE = "en"
"""The language spoken when no other is asked for or known."""


def supported(lang: str | None) -> str | None:
    """The language code `lang` names (`fr`, `FR`, `fr_FR`, `fr-FR`, `fr_FR.UTF-8`), if the
    service speaks it; None for anything else, malformed or hostile text included."""
    # A locale name is short; anything longer is not one, whatever it holds.
    if not lang or len(lang) > 32:
        return None
    try:
        code = parse_locale(lang.strip().replace("-", "_"))[0]
    except ValueError:
        return None
    return code if code in LANGUAGES else None


def direction(lang: str) -> Literal["ltr", "rtl"]:
    """Which way text in `lang` runs; left to right for a language the service does not speak."""
    known = LANGUAGES.get(lang)
    return known.direction if known else "ltr"


# Accept-Language: `fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5`. A header is read only as far as its
# first entries: no browser sends more, and a long or hostile header costs no more than a short one.
_MAX_ENTRIES = 32
_RANGE = re.compile(r"(\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)")
_QUALITY = re.compile(r"q=(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)", re.IGNORECASE)


def _accepted(header: str) -> list[str]:
    """The language ranges of an Accept-Language header, most wanted first (equal weights keep
    the header's order); ranges weighted 0 (not acceptable) and malformed entries are left out."""
    ranked: list[tuple[float, str]] = []
    for entry in header.split(",", _MAX_ENTRIES)[:_MAX_ENTRIES]:
        tag, _, params = entry.strip().partition(";")
        if len(tag) > 64 or not _RANGE.fullmatch(tag.strip()):
            continue
        quality = 1.0
        if params.strip():
            weight = _QUALITY.fullmatch(params.strip().replace(" ", ""))
            if weight is None:
                continue
            quality = float(weight[1])
        if quality > 0:
            ranked.append((quality, tag.strip()))
    ranked.sort(key=lambda item: -item[0])
    return [tag for _, tag in ranked]


def negotiate_language(
    query: str | None, cookie: str | None, accept_language: str | None, *, default: str = DEFAULT_LANGUAGE
) -> str:
    """The language to answer a visitor in: the `?lang=` of the request, else the language cookie,
    else the best language of the Accept-Language header (by its q-values; `fr-CA` reads French, `*`
    the default), else `default`. A value the service does not speak, or one that is not a language
    at all, is passed over, never an error."""
    default = supported(default) or DEFAULT_LANGUAGE
    for chosen in (query, cookie):
        lang = supported(chosen)
        if lang:
            return lang
    if accept_language:
        wanted = [default if tag == "*" else tag for tag in _accepted(accept_language)]
        match = negotiate_locale(wanted, list(LANGUAGES), sep="-", aliases={})
        lang = supported(match)
        if lang:
            return lang
    return default
