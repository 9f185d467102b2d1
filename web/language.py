"""The language a page speaks to its visitor: the one chosen with `?lang=`, else the one
remembered in the `lang` cookie, else the best of the browser's Accept-Language (see
`kernel.i18n.negotiate_language`); and the links of the language switcher every page carries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from litestar import Request
from litestar.datastructures import Cookie

from kernel.i18n import LANGUAGES, direction, negotiate_language, supported

COOKIE = "lang"
"""The cookie that remembers the visitor's choice of language."""
COOKIE_SECONDS = 365 * 24 * 3600
"""How long the choice is remembered: a year."""
_STATE_KEY = "page_language"


def page_language(request: Request) -> str:
    """The language of the page answering `request` (decided once per request)."""
    chosen = request.state.get(_STATE_KEY)
    if isinstance(chosen, str):
        return chosen
    lang = negotiate_language(
        request.query_params.get("lang"), request.cookies.get(COOKIE), request.headers.get("accept-language")
    )
    request.state[_STATE_KEY] = lang
    return lang


def language_cookie(request: Request) -> Cookie | None:
    """The cookie remembering the language chosen with `?lang=`, when the request chose one the
    service speaks; None otherwise (the cookie is then left as it is)."""
    lang = supported(request.query_params.get("lang"))
    if lang is None:
        return None
    return Cookie(
        key=COOKIE,
        value=lang,
        max_age=COOKIE_SECONDS,
        path="/",
        samesite="lax",
        httponly=True,
        secure=request.url.scheme == "https",
    )


@dataclass(frozen=True, slots=True)
class LanguageLink:
    """A language the visitor may switch to: its code, its name in itself, the same page in it."""

    code: str
    name: str
    href: str
    current: bool


@dataclass(frozen=True, slots=True)
class PageLanguage:
    """What the layout needs to know of the page's language."""

    lang: str
    dir: Literal["ltr", "rtl"]
    switcher: list[LanguageLink]


def page_info(request: Request) -> PageLanguage:
    """The page's language, its direction, and the switcher's links: the same page and query,
    with `lang` set to each language the service speaks. The links are relative (`?lang=ar`), so
    that no path a visitor typed can make them lead to another site."""
    lang = page_language(request)
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    links = [
        LanguageLink(
            code=code,
            name=language.name,
            href="?" + urlencode([*query, ("lang", code)]),
            current=code == lang,
        )
        for code, language in LANGUAGES.items()
    ]
    return PageLanguage(lang=lang, dir=direction(lang), switcher=links)
