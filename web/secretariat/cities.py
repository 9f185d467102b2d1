"""The signatory cities, managed by the secretariat from its workspace: the list with what the
network records about each, and the form that adds a city or changes one (its names in several
scripts, country, UN M49 region, networks, population, locale and time zone). The checks are the
API's (`charter.services`); a change is made from the version the form was opened at, and one
made in between by someone else is said, the typed values kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.numbers import format_decimal
from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from charter.schemas import CityCreate, CityRead, CityUpdate
from charter.services import (
    COUNTRY_CODES,
    city_read,
    create_city,
    get_city_or_raise,
    list_cities,
    update_city,
)
from charter.tables import City
from charter.time_zones import all_zones, country_zones
from kernel.caller import Caller
from kernel.errors import Conflict, FieldError, Forbidden, InvalidInput, PreconditionFailed
from kernel.http import CallerDep
from kernel.i18n import LANGUAGES
from kernel.numbers import parse_localized_number
from kernel.versions import Precondition
from web.forms import text
from web.language import page_language
from web.pages import refused, render
from web.secretariat.queue import oversees_city, secretariat_gate

CITY_FIELDS = ("slug", "name", "country", "region", "networks", "population", "locale", "time_zone")
"""The form's fields, in the order the page shows their errors."""


@dataclass
class CityForm:
    """The city form as typed: every field kept as text, so that an error loses nothing."""

    slug: str = ""
    names: dict[str, str] = field(default_factory=dict)
    other_lang: str = ""
    other_name: str = ""
    country: str = ""
    region: str = ""
    networks: str = ""
    population: str = ""
    locale: str = ""
    time_zone: str = ""
    version: str = ""

    @classmethod
    def of(cls, city: CityRead, lang: str) -> CityForm:
        """The form filled in with the city as stored."""
        others = {k: v for k, v in city.name_i18n.items() if k not in LANGUAGES}
        other_lang, other_name = next(iter(sorted(others.items())), ("", ""))
        return cls(
            slug=city.slug,
            names={k: v for k, v in city.name_i18n.items() if k in LANGUAGES},
            other_lang=other_lang,
            other_name=other_name,
            country=city.country,
            region=city.region or "",
            networks=", ".join(city.networks),
            population="" if city.population is None else _written(city.population, lang),
            locale=city.locale,
            time_zone=city.time_zone or "",
            version=str(city.version),
        )

    @classmethod
    def sent(cls, form: Any) -> CityForm:
        return cls(
            slug=text(form, "slug").strip(),
            names={lang: text(form, f"name_{lang}").strip() for lang in LANGUAGES},
            other_lang=text(form, "other_lang").strip().lower(),
            other_name=text(form, "other_name").strip(),
            country=text(form, "country").strip(),
            region=text(form, "region").strip(),
            networks=text(form, "networks").strip(),
            population=text(form, "population").strip(),
            locale=text(form, "locale").strip(),
            time_zone=text(form, "time_zone").strip(),
            version=text(form, "version").strip(),
        )

    def name_by_language(self) -> dict[str, str]:
        names = {lang: name for lang, name in self.names.items() if name}
        if self.other_lang or self.other_name:
            names[self.other_lang] = self.other_name
        return names

    def networks_list(self) -> list[str]:
        return [n.strip() for n in self.networks.replace(";", ",").split(",") if n.strip()]


def _written(number: int, lang: str) -> str:
    return format_decimal(number, locale=lang)


def _population(given: CityForm, lang: str) -> int | None:
    """The population as typed in the page's language (`271 428`, `٢٧١٤٢٨`), a whole number."""
    if not given.population:
        return None
    number = parse_localized_number(given.population, lang, "population")
    if number != number.to_integral_value() or not Decimal(0) <= number <= Decimal(100_000_000):
        raise InvalidInput(
            "Population out of range.",
            [FieldError("population", "Expected a whole number from 0 to 100000000.")],
        )
    return int(number)


def _fields(given: CityForm, lang: str) -> dict[str, Any]:
    """The city's fields as the API takes them, from the form as typed (the population read in
    the page's language)."""
    return {
        "name": given.name_by_language(),
        "country": given.country,
        "locale": given.locale,
        "population": _population(given, lang),
        "region": given.region or None,
        "networks": given.networks_list(),
        "time_zone": given.time_zone or None,
    }


def _choices(lang: str, country: str) -> dict[str, Any]:
    """The lists the form offers, named in the page's language: countries, UN M49 regions, time
    zones (the country's first)."""
    words = Locale.parse(lang)
    territories = words.territories
    countries = sorted(
        ((code, name) for code, name in territories.items() if code in COUNTRY_CODES),
        key=lambda pair: pair[1],
    )
    regions = sorted(
        ((code, name) for code, name in territories.items() if code.isdigit()), key=lambda pair: pair[1]
    )
    return {
        "countries": countries,
        "regions": regions,
        "country_zones": country_zones(country) if country else (),
        "zones": all_zones(),
    }


class CityAdminPages(Controller):
    """The cities' list, the new city's form and a city's form."""

    include_in_schema = False
    path = "/secretariat/cities"

    @get("/")
    async def cities(self, request: Request, caller: CallerDep) -> Template | Redirect:
        gate = secretariat_gate(request, caller)
        if gate is not None:
            return gate
        lang = page_language(request)
        listed = (await list_cities(lang, None, 10_000, 0)).items
        ids = {r["slug"]: r["id"] for r in await City.select(City.id, City.slug)}
        overseen = [c for c in listed if caller.oversees(ids[c.slug])]
        saved = request.query_params.get("saved", "")
        context = {"cities": overseen, "saved": saved if any(c.slug == saved for c in overseen) else None}
        return render(request, "cities_admin.html", context)

    @get("/new")
    async def new(self, request: Request, caller: CallerDep) -> Template | Redirect:
        gate = secretariat_gate(request, caller)
        if gate is not None:
            return gate
        return _form_page(request, CityForm(), {}, new=True)

    @post("/new", status_code=200)
    async def create(self, request: Request, caller: CallerDep) -> Template | Redirect:
        gate = secretariat_gate(request, caller)
        if gate is not None:
            return gate
        given = CityForm.sent(await request.form())
        lang = page_language(request)
        try:
            data = CityCreate(slug=given.slug, **_fields(given, lang))
            await create_city(caller, data)
        except InvalidInput as exc:
            return _form_page(request, given, _errors(exc), new=True, status_code=422)
        except Conflict:
            return _form_page(request, given, {"slug": "taken"}, new=True, status_code=409)
        except Forbidden:
            return _form_page(request, given, {"networks": "scope"}, new=True, status_code=403)
        return Redirect(f"/secretariat/cities?saved={given.slug}", status_code=303)

    @get("/{city:str}")
    async def edit(self, request: Request, caller: CallerDep, city: FromPath[str]) -> Template | Redirect:
        gate = await _city_gate(request, caller, city)
        if gate is not None:
            return gate
        lang = page_language(request)
        return _form_page(request, CityForm.of(await _city(city, lang), lang), {}, new=False)

    @post("/{city:str}", status_code=200)
    async def change(self, request: Request, caller: CallerDep, city: FromPath[str]) -> Template | Redirect:
        """Change the city from the version the form was opened at."""
        gate = await _city_gate(request, caller, city)
        if gate is not None:
            return gate
        lang = page_language(request)
        given = CityForm.sent(await request.form())
        given.slug = city
        read = frozenset({int(given.version)}) if given.version.isdigit() else frozenset()
        try:
            data = CityUpdate(**_fields(given, lang))
            await update_city(caller, city, data, Precondition(read))
        except InvalidInput as exc:
            return _form_page(request, given, _errors(exc), new=False, status_code=422)
        except Forbidden:
            return _form_page(request, given, {"networks": "scope"}, new=False, status_code=403)
        except PreconditionFailed:
            now = await _city(city, lang)
            given.version = str(now.version)
            return _form_page(request, given, {"form": "stale"}, new=False, theirs=now, status_code=409)
        return Redirect(f"/secretariat/cities?saved={city}", status_code=303)


async def _city_gate(request: Request, caller: Caller, city: str) -> Template | Redirect | None:
    """None for a secretariat that manages this city; else sign in first, 404 for no such city,
    or the page saying the city is outside its networks (403)."""
    gate = secretariat_gate(request, caller)
    if gate is None:
        await get_city_or_raise(city)
        if not await oversees_city(caller, city):
            return refused(request, "network")
    return gate


async def _city(slug: str, lang: str) -> CityRead:
    return city_read(await get_city_or_raise(slug), lang)


def _errors(exc: InvalidInput) -> dict[str, str]:
    """The refused fields, by the form's names (`name.fr` is the name's field)."""
    errors: dict[str, str] = {}
    for error in exc.errors or []:
        name = error.field.split(".")[0]
        errors[name if name in CITY_FIELDS else "form"] = "invalid"
    return errors or {"form": "invalid"}


def _form_page(
    request: Request,
    given: CityForm,
    errors: dict[str, str],
    *,
    new: bool,
    theirs: CityRead | None = None,
    status_code: int = 200,
) -> Template:
    lang = page_language(request)
    context = {
        "given": given,
        "errors": {k: errors[k] for k in (*CITY_FIELDS, "form") if k in errors},
        "new": new,
        "theirs": theirs,
        "languages": list(LANGUAGES),
        **_choices(lang, given.country),
    }
    return render(request, "city_form.html", context, status_code=status_code)
