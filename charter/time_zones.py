"""The time zone a city lives in (IANA names such as Africa/Tunis): the zones there are, and those
of each country, from the `tzdata` package so that every system offers the same list."""

from __future__ import annotations

import zoneinfo
from functools import cache
from importlib import resources

from kernel.errors import FieldError, InvalidInput


@cache
def all_zones() -> tuple[str, ...]:
    """Every IANA zone a city may be in, sorted; the legacy aliases (`US/Pacific`, `EST`) and
    the `Etc/` offsets are left out, as a city is in a place, not an offset."""
    return tuple(
        sorted(
            zone
            for zone in zoneinfo.available_timezones()
            if "/" in zone and not zone.startswith(("Etc/", "US/", "SystemV/")) and zone != "Factory"
        )
    )


@cache
def _by_country() -> dict[str, tuple[str, ...]]:
    zones: dict[str, list[str]] = {}
    table = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    for line in table.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        country, _coordinates, zone, *_comment = line.split("\t")
        zones.setdefault(country, []).append(zone)
    return {country: tuple(found) for country, found in zones.items()}


def country_zones(country: str) -> tuple[str, ...]:
    """The zones of a country (ISO 3166 alpha-2), the main one first: `FR` → Europe/Paris;
    `ES` → Europe/Madrid, Africa/Ceuta, Atlantic/Canary."""
    return _by_country().get(country.upper(), ())


def check_time_zone(value: str | None, country: str | None = None) -> str | None:
    """An IANA time zone as given (None when not given), refused when unknown, naming the field."""
    if value is None or not value.strip():
        return None
    zone = value.strip()
    if zone not in all_zones() and zone not in _by_country().get((country or "").upper(), ()):
        example = country_zones(country or "")[:1] or ("Africa/Tunis",)
        raise InvalidInput(
            f"Unknown time zone {value!r}.",
            [FieldError("time_zone", f"Expected an IANA time zone such as {example[0]} or Europe/Paris.")],
        )
    return zone
