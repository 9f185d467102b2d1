"""Names and titles as a page shows them: in the page's language where they exist, with the
language they are actually in, so that a fallback is marked (`lang` on its element)."""

from __future__ import annotations

from dataclasses import dataclass

from charter.schemas import CharterSummary, CityRead
from charter.services import city_read, get_city_or_raise, list_charters, list_cities
from indicators.schemas import CharterRead
from kernel.text import language_of, pick, picked_language

_PAGE = 500


@dataclass(frozen=True, slots=True)
class Named:
    """Something a page links to by its key, with its name and the language that name is in."""

    key: str
    name: str
    lang: str | None


@dataclass(frozen=True, slots=True)
class CityName(Named):
    """A city, its name, and its country (ISO code)."""

    country: str


def city_name(city: CityRead, lang: str) -> CityName:
    """The city's name in `lang`, else in its own language (that of its locale)."""
    own = language_of(city.locale)
    return CityName(
        city.slug, pick(city.name_i18n, lang, own), picked_language(city.name_i18n, lang, own), city.country
    )


def charter_title(charter: CharterSummary | CharterRead, lang: str) -> Named:
    """The charter's title in `lang`, else in the charter's own language."""
    return Named(
        charter.slug,
        pick(charter.title_i18n, lang, charter.lang),
        picked_language(charter.title_i18n, lang, charter.lang),
    )


async def every_city(lang: str) -> list[CityRead]:
    """Every city, with its names in every language it has, read a page of the service at a time."""
    out: list[CityRead] = []
    offset = 0
    while True:
        page = await list_cities(lang, None, _PAGE, offset)
        out += page.items
        offset += _PAGE
        if offset >= page.total or not page.items:
            return out


async def named_city(slug: str, lang: str) -> CityName:
    """One city (404 when there is none), named in `lang`."""
    return city_name(city_read(await get_city_or_raise(slug), lang), lang)


async def cities_by_slug(lang: str) -> dict[str, CityName]:
    """Every city, by slug, named in `lang`."""
    return {c.slug: city_name(c, lang) for c in await every_city(lang)}


async def charters_by_slug(lang: str) -> dict[str, CharterSummary]:
    """Every charter, by slug, with its title in `lang`."""
    return {c.slug: c for c in await list_charters(lang)}
