"""Charter and city services: who may read and write them, and the rules a write must keep."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

import msgspec
from babel import Locale, UnknownLocaleError

from charter.choices import SignatureStatus
from charter.schemas import (
    CharterCreate,
    CharterSummary,
    CityCreate,
    CityPage,
    CityRead,
    CityUpdate,
    SignatureCreate,
    SignatureRead,
)
from charter.tables import Charter, City, Signature
from charter.time_zones import check_time_zone
from kernel import clock
from kernel.caller import Caller
from kernel.claim_ids import claim_id, history_url
from kernel.db import audit, json_value, update_versioned, write_transaction
from kernel.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from kernel.text import LANG_PATTERN, check_code, language_of, pick, translatable
from kernel.versions import Precondition, check_version

_NOT_COUNTRIES = {"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"}
"""Two-letter codes Babel names that are no country (the EU, the euro area, the UN, pseudo-locales,
"unknown region")."""
COUNTRY_CODES = (
    frozenset(code for code in map(str, Locale("en").territories) if len(code) == 2 and code.isalpha())
    - _NOT_COUNTRIES
)
"""The ISO 3166-1 alpha-2 codes a city's country may have."""
_TERRITORIES = COUNTRY_CODES


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# Charters ---------------------------------------------------------------------------------------


def charter_summary(row: dict[str, Any], lang: str | None) -> CharterSummary:
    title = json_value(row["title"])
    return CharterSummary(
        slug=row["slug"],
        lang=row["lang"],
        title=pick(title, lang, row["lang"]),
        title_i18n=title,
        issuer=row["issuer"],
        adopted_on=row["adopted_on"],
        source_url=row["source_url"],
        version=row["edition"],
        languages=sorted(title),
    )


async def get_charter_or_raise(slug: str) -> dict[str, Any]:
    """The charter row for a slug; charters are public."""
    row = await Charter.select().where(Charter.slug == slug).first()
    if row is None:
        raise NotFound(f"No charter {slug!r}.")
    return row


async def list_charters(lang: str | None) -> list[CharterSummary]:
    rows = await Charter.select().order_by(Charter.slug)
    return [charter_summary(r, lang) for r in rows]


def _check_lang(lang: str, field: str = "lang") -> str:
    if not LANG_PATTERN.match(lang):
        raise InvalidInput(
            f"Invalid language {lang!r}.",
            [FieldError(field, "Expected an ISO 639 code such as fr, ar, es or en.")],
        )
    return lang


def _check_url(url: str | None, field: str) -> str | None:
    if url is None:
        return None
    if not url.lower().startswith(("http://", "https://")) or len(url) > 1024:
        raise InvalidInput(
            "Only http(s) links are accepted.", [FieldError(field, "Expected an http:// or https:// URL.")]
        )
    return url


async def create_charter(caller: Caller, data: CharterCreate) -> CharterSummary:
    """Create a charter's header (secretariat only)."""
    caller.require_global_secretariat("create charters")
    slug = check_code(data.slug, "slug", slug=True)
    lang = _check_lang(data.lang)
    title = translatable(data.title, lang, "title")
    preamble = translatable(data.preamble, lang, "preamble") if data.preamble else {}
    row: dict[str, Any] = {
        "slug": slug,
        "lang": lang,
        "title": title,
        "preamble": preamble,
        "issuer": data.issuer,
        "adopted_on": data.adopted_on,
        "source_url": _check_url(data.source_url, "source_url"),
        "edition": data.version,
    }
    async with write_transaction():
        if await Charter.exists().where(Charter.slug == slug):
            raise Conflict(
                f"A charter {slug!r} exists already.", [FieldError("slug", "Expected a slug not yet in use.")]
            )
        await Charter.insert(Charter(**{**row, "title": dumps(title), "preamble": dumps(preamble)}))
        await audit(caller, "create", "charter", slug, None, row)
    return charter_summary(await get_charter_or_raise(slug), None)


# Cities -----------------------------------------------------------------------------------------


def city_read(row: dict[str, Any], lang: str | None) -> CityRead:
    names = json_value(row["name"])
    return CityRead(
        slug=row["slug"],
        name=pick(names, lang, language_of(row["locale"])),
        name_i18n=names,
        country=row["country"],
        locale=row["locale"],
        population=row["population"],
        region=row["region"],
        region_name=region_name(row["region"], lang),
        networks=json_value(row["networks"]) or [],
        time_zone=row["time_zone"],
        version=row["version"],
        history=history_url("city", row["slug"]),
    )


def _check_country(country: str) -> str:
    code = country.strip().upper()
    if code not in _TERRITORIES:
        raise InvalidInput(
            f"Unknown country {country!r}.",
            [FieldError("country", "Expected an ISO 3166-1 alpha-2 code such as TN.")],
        )
    return code


def _check_locale(locale: str) -> str:
    try:
        parsed = Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise InvalidInput(
            f"Unknown locale {locale!r}.", [FieldError("locale", "Expected a locale such as fr-TN or ar-JO.")]
        ) from None
    return f"{parsed.language}-{parsed.territory}" if parsed.territory else parsed.language


_REGIONS = {code for code in map(str, Locale("en").territories) if code.isdigit()}


def _check_region(region: str | None) -> str | None:
    """A UN M49 region code (three digits), as Babel knows them; None when not given."""
    if region is None or not region.strip():
        return None
    code = region.strip()
    if code not in _REGIONS:
        raise InvalidInput(
            f"Unknown region {region!r}.",
            [
                FieldError(
                    "region",
                    "Expected a UN M49 region code such as 015 (Northern Africa), 039 (Southern "
                    "Europe), 145 (Western Asia) or 155 (Western Europe).",
                )
            ],
        )
    return code


def _check_networks(networks: list[str]) -> list[str]:
    """Codes of city networks, normalised (upper case, no invisible characters), at most 20."""
    codes = sorted({check_code(n, "networks").upper() for n in networks})
    if len(codes) > 20:
        raise InvalidInput("Too many networks.", [FieldError("networks", "Expected at most 20 codes.")])
    return codes


def region_name(code: str | None, lang: str | None) -> str | None:
    """The region's name in `lang` (English when Babel does not know the language)."""
    if code is None:
        return None
    try:
        return Locale.parse(lang or "en").territories.get(code, code)
    except (UnknownLocaleError, ValueError):
        return Locale("en").territories.get(code, code)


def _check_population(population: int | None) -> int | None:
    if population is not None and not 0 <= population <= 100_000_000:
        raise InvalidInput(
            "Population out of range.",
            [FieldError("population", "Expected a whole number from 0 to 100000000.")],
        )
    return population


async def get_city_or_raise(slug: str) -> dict[str, Any]:
    """A city row; cities are public."""
    row = await City.select().where(City.slug == slug).first()
    if row is None:
        raise NotFound(f"No city {slug!r}.")
    return row


async def city_for_write(caller: Caller, slug: str) -> dict[str, Any]:
    """The city row, found only among the cities this caller may edit.

    The filter is part of the query: a city editor's query for another city returns nothing,
    which is then told apart as 403 (the city exists) or 404.
    """
    caller.require_authenticated()
    query = City.select().where(City.slug == slug)
    if not caller.is_global_secretariat:
        overseen = caller.overseen_city_ids if caller.is_secretariat else None
        allowed = caller.editable_city_ids | (overseen or frozenset())
        query = query.where(City.id.is_in(sorted(allowed) or [-1]))
    row = await query.first()
    if row is None:
        if await City.exists().where(City.slug == slug):
            raise Forbidden(f"You may not edit the data of city {slug!r}.")
        raise NotFound(f"No city {slug!r}.")
    return row


async def list_cities(lang: str | None, country: str | None, limit: int, offset: int) -> CityPage:
    query = City.select()
    count = City.count()
    if country:
        query = query.where(City.country == country.upper())
        count = count.where(City.country == country.upper())
    rows = await query.order_by(City.slug).limit(limit).offset(offset)
    return CityPage([city_read(r, lang) for r in rows], await count, limit, offset)


async def create_city(caller: Caller, data: CityCreate) -> CityRead:
    """Onboard a city (secretariat only)."""
    caller.require_secretariat("onboard cities")
    slug = check_code(data.slug, "slug", slug=True)
    locale = _check_locale(data.locale)
    row: dict[str, Any] = {
        "slug": slug,
        "name": translatable(data.name, language_of(locale), "name"),
        "country": _check_country(data.country),
        "locale": locale,
        "population": _check_population(data.population),
        "region": _check_region(data.region),
        "networks": _check_networks(data.networks),
    }
    row["time_zone"] = check_time_zone(data.time_zone, row["country"])
    _check_networks_for(caller, row["networks"])
    async with write_transaction():
        if await City.exists().where(City.slug == slug):
            raise Conflict(
                f"A city {slug!r} exists already.", [FieldError("slug", "Expected a slug not yet in use.")]
            )
        await City.insert(City(**{**row, "name": dumps(row["name"]), "networks": dumps(row["networks"])}))
        await audit(caller, "create", "city", slug, None, row)
    return city_read(await get_city_or_raise(slug), None)


SECRETARIAT_CITY_FIELDS = ("country", "population", "region", "networks")
"""What the network records about a city (its country, population, UN region and networks): the
secretariat's to change, not the city's own editors'."""


def _check_city_fields_for(caller: Caller, before: dict[str, Any], after: dict[str, Any]) -> None:
    """A city editor changes only their city's name and locale: a change to any field of
    `SECRETARIAT_CITY_FIELDS` is refused (403), naming each such field."""
    if caller.is_secretariat:
        return
    changed = [key for key in SECRETARIAT_CITY_FIELDS if after[key] != before[key]]
    if changed:
        raise Forbidden(
            f"Only the network secretariat may change a city's {', '.join(changed)}.",
            [
                FieldError(key, "Expected the value as stored: the network secretariat changes it.")
                for key in changed
            ],
        )


def _check_networks_for(caller: Caller, networks: list[str]) -> None:
    """A secretariat limited to some networks keeps a city it manages in one of them: it onboards
    a city only into its networks, and cannot take one out of all of them (403)."""
    if caller.is_secretariat and not caller.is_global_secretariat and not caller.networks & set(networks):
        raise Forbidden(
            "A city your secretariat manages belongs to one of its networks.",
            [FieldError("networks", f"Expected one of {', '.join(sorted(caller.networks))} among them.")],
        )


async def update_city(caller: Caller, slug: str, data: CityUpdate, precondition: Precondition) -> CityRead:
    """Change a city, from the version the caller read: the city's editors change its name and
    locale; its country, population, UN region and networks are the secretariat's, which may
    change everything."""
    async with write_transaction():
        row = await city_for_write(caller, slug)
        check_version(f"City {slug!r}", row["version"], precondition)
        before = {
            k: json_value(row[k]) if k in ("name", "networks") else row[k]
            for k in ("name", "country", "locale", "population", "region", "networks", "time_zone")
        }
        after = dict(before)
        if data.locale is not msgspec.UNSET:
            after["locale"] = _check_locale(data.locale)
        if data.name is not msgspec.UNSET:
            after["name"] = translatable(data.name, language_of(after["locale"]), "name")
        if data.country is not msgspec.UNSET:
            after["country"] = _check_country(data.country)
        if data.population is not msgspec.UNSET:
            after["population"] = _check_population(data.population)
        if data.region is not msgspec.UNSET:
            after["region"] = _check_region(data.region)
        if data.networks is not msgspec.UNSET:
            after["networks"] = _check_networks(data.networks)
        if data.time_zone is not msgspec.UNSET:
            after["time_zone"] = check_time_zone(data.time_zone, after["country"])
        _check_city_fields_for(caller, before, after)
        if after["networks"] != before["networks"]:
            _check_networks_for(caller, after["networks"])
        if after != before:
            await update_versioned(
                City,
                row["id"],
                row["version"],
                {
                    City.name: dumps(after["name"]),
                    City.country: after["country"],
                    City.locale: after["locale"],
                    City.population: after["population"],
                    City.region: after["region"],
                    City.networks: dumps(after["networks"]),
                    City.time_zone: after["time_zone"],
                    City.updated_at: clock.now(),
                },
                f"City {slug!r}",
            )
            await audit(caller, "update", "city", slug, before, after)
    return city_read(await get_city_or_raise(slug), None)


# Signatures -------------------------------------------------------------------------------------


async def create_signature(
    caller: Caller, city_slug: str, data: SignatureCreate, cited: Sequence[int] = ()
) -> SignatureRead:
    """Record that a city signed a charter (or withdrew its signature). `cited` are the ids of the
    evidence the act cites (the council decision), already checked by the caller, which links
    them in the same transaction (`indicators.acts`): they are written in the act's audit row."""
    async with write_transaction():
        city = await city_for_write(caller, city_slug)
        charter = await get_charter_or_raise(data.charter)
        if data.signed_on > clock.today():
            raise InvalidInput(
                "A signature cannot be dated in the future.",
                [FieldError("signed_on", "Expected a date not after today.")],
            )
        current = await current_signature(city["id"], charter["id"])
        if data.status == SignatureStatus.signed and current == SignatureStatus.signed:
            raise Conflict(f"{city_slug!r} has already signed {data.charter!r}.")
        if data.status == SignatureStatus.withdrawn and current != SignatureStatus.signed:
            raise Conflict(f"{city_slug!r} has no standing signature of {data.charter!r} to withdraw.")
        row = (
            await Signature.insert(
                Signature(
                    city=city["id"],
                    charter=charter["id"],
                    signed_on=data.signed_on,
                    act=data.act.strip(),
                    status=data.status,
                    created_by=caller.user_id,
                    published_at=clock.now(),
                )
            ).returning(Signature.id, Signature.published_at)
        )[0]
        after = {
            "city": city_slug,
            "charter": data.charter,
            "signed_on": data.signed_on,
            "act": data.act.strip(),
            "status": data.status.value,
            "evidence": list(cited),
        }
        cid = claim_id("signature", row["id"])
        await audit(caller, "create", "signature", cid, None, after)
    return SignatureRead(
        id=row["id"],
        charter=data.charter,
        signed_on=data.signed_on,
        act=data.act.strip(),
        status=data.status,
        claim_id=cid,
        published_at=row["published_at"],
        history=history_url("signature", cid),
        evidence=list(cited),
    )


# `+later.charter`: SQLite would otherwise look for later acts through its index on the charter
# and compare each act with every act of the charter (190 ms for a thousand cities, 3 ms through
# the city's). PostgreSQL plans it as before.
_LATEST_ACTS = """SELECT s.city, s.signed_on, s.status FROM signature s
  WHERE s.charter = {{}}{city} AND s.draft = FALSE AND NOT EXISTS (
    SELECT 1 FROM signature later WHERE later.city = s.city AND +later.charter = s.charter
    AND later.draft = FALSE AND (later.signed_on > s.signed_on
                                 OR (later.signed_on = s.signed_on AND later.id > s.id)))"""


def latest_signature_acts_sql(*, one_city: bool = False) -> str:
    """SQL selecting each city's latest published signature act on a charter (`city`,
    `signed_on`, `status`): the latest by date, then the latest recorded. Its parameters: the
    charter's id, then the city's id with `one_city`."""
    return _LATEST_ACTS.format(city=" AND s.city = {}" if one_city else "")


def standing_signatures_sql() -> str:
    """SQL selecting the cities that hold a standing signature of a charter (`city`,
    `signed_on`): their latest act is a signature, not a withdrawal. Its parameter: the
    charter's id."""
    return f"{latest_signature_acts_sql()} AND s.status = '{SignatureStatus.signed}'"


async def current_signature(city_id: int, charter_id: int) -> SignatureStatus | None:
    """The standing of the city's latest signature act on that charter."""
    rows = await Signature.raw(latest_signature_acts_sql(one_city=True), charter_id, city_id)
    return SignatureStatus(rows[0]["status"]) if rows else None


async def standing_signature_day(city_id: int, charter_id: int) -> date | None:
    """The day of the act by which the city signed the charter, while that signature stands."""
    rows = await Signature.raw(latest_signature_acts_sql(one_city=True), charter_id, city_id)
    return rows[0]["signed_on"] if rows and rows[0]["status"] == SignatureStatus.signed else None


async def signatories(charter_id: int) -> set[str]:
    """The slugs of the cities that hold a standing signature of the charter."""
    # A constant fragment; the charter's id goes as a parameter.
    sql = f"SELECT c.slug FROM city c JOIN ({standing_signatures_sql()}) sig ON sig.city = c.id"  # noqa: S608
    rows = await City.raw(sql, charter_id)
    return {row["slug"] for row in rows}
