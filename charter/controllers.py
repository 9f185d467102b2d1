"""HTTP routes of charters and cities: parse, call one service, return a Struct. (A city signs a
charter, with the evidence of its decision, through `indicators`, which owns evidence.)"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter

from charter import services
from charter.schemas import CharterCreate, CharterSummary, CityCreate, CityPage, CityRead, CityUpdate
from kernel.http import WRITE, CallerDep, IfMatch, Lang, Limit, Offset, precondition, with_etag


class CharterController(Controller):
    """Charters: the texts cities sign."""

    path = "/charters"
    tags = ("Charters",)

    @get("/")
    async def list_charters(self, lang: Lang = None) -> list[CharterSummary]:
        """Every charter, with its title in the asked language."""
        return await services.list_charters(lang)

    @post("/", security=WRITE)
    async def create_charter(self, caller: CallerDep, data: JSONBody[CharterCreate]) -> CharterSummary:
        """Create a charter's header (secretariat). Its content comes by `PUT .../document`."""
        return await services.create_charter(caller, data)


class CityController(Controller):
    """Cities: the local governments that sign charters and report progress."""

    path = "/cities"
    tags = ("Cities",)

    @get("/")
    async def list_cities(
        self,
        lang: Lang = None,
        country: Annotated[str | None, QueryParameter(description="ISO 3166-1 alpha-2")] = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> CityPage:
        """Cities, by slug, a page at a time."""
        return await services.list_cities(lang, country, limit, offset)

    @post("/", security=WRITE)
    async def create_city(self, caller: CallerDep, data: JSONBody[CityCreate]) -> CityRead:
        """Onboard a city (secretariat)."""
        return await services.create_city(caller, data)

    @get("/{city:str}")
    async def get_city(self, city: FromPath[str], lang: Lang = None) -> Response[CityRead]:
        """One city, with its version as ETag."""
        read = services.city_read(await services.get_city_or_raise(city), lang)
        return with_etag(read, read.version)

    @patch("/{city:str}", security=WRITE)
    async def update_city(
        self, caller: CallerDep, city: FromPath[str], data: JSONBody[CityUpdate], if_match: IfMatch = None
    ) -> Response[CityRead]:
        """Change a city, with the ETag read in `If-Match`. The city's editors change its name and
        locale; its country, population, UN region and networks are the secretariat's (a city
        editor changing one gets 403 naming it); the secretariat may change every field."""
        read = await services.update_city(caller, city, data, precondition(if_match))
        return with_etag(read, read.version)
