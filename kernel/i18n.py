"""The service's own words in the languages it speaks: one gettext catalog per language
(`kernel/locale/<lang>/LC_MESSAGES/messages.po`, English message ids), shared by the PDF reports and
the web pages so that a term is translated once for both.

Catalogs are read from their `.po` files at first use and compiled in memory; no `.mo` file is
built or shipped. A translation still marked fuzzy is not used: the English text shows until a
translator confirms it. Plural forms follow CLDR, as Babel states them for each language (Arabic
has six).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Literal

from babel.core import negotiate_locale, parse_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"


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
"""The language of the message ids, and the one spoken when no other is asked for or known."""


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


def translations(lang: str | None) -> Translations:
    """The catalog of `lang`. A language the service does not speak gets the English catalog,
    whose texts are the message ids themselves: an unknown language reads English, never an error.
    Each catalog is read once per process."""
    return _catalog(supported(lang) or DEFAULT_LANGUAGE)


@functools.cache
def _catalog(lang: str) -> Translations:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


# The helpers take the message first, so that Babel's default keywords find every message id
# (`gettext`, `ngettext`, `pgettext`, `npgettext`) without extra extraction settings. Variables fill
# `%(name)s` placeholders; a text without variables is returned as it stands, so a bare `%` in it
# ("100 %") needs no escaping.


def gettext(message: str, lang: str | None, **variables: object) -> str:
    """`message` in `lang`, its `%(name)s` placeholders filled from `variables`."""
    text = translations(lang).gettext(message)
    return text % variables if variables else text


def pgettext(context: str, message: str, lang: str | None, **variables: object) -> str:
    """`message` in `lang` where the same English words are translated differently in another
    `context` (a column of counts, "Achieved", against a status, "Achieved")."""
    # Babel types pgettext's answer loosely (`str | object`); it is always the text.
    text = str(translations(lang).pgettext(context, message))
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, lang: str | None, **variables: object) -> str:
    """The form of the message that `lang` uses for `n` of something, with `%(num)d` set to `n`."""
    return translations(lang).ngettext(singular, plural, n) % {"num": n, **variables}


def npgettext(context: str, singular: str, plural: str, n: int, lang: str | None, **variables: object) -> str:
    """`ngettext` for a message that `context` tells apart from the same English words elsewhere."""
    return translations(lang).npgettext(context, singular, plural, n) % {"num": n, **variables}


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
