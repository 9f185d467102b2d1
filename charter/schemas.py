"""API shapes of charters, cities and signatures."""

from __future__ import annotations

from datetime import date

import msgspec

from charter.choices import SignatureStatus
from kernel.claim_ids import ClaimStanding
from kernel.schemas import Code, Edition, Markdown, Name, TranslatableIn, TranslatableMarkdown, Url


class CharterCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A new charter's header; its principles, commitments and indicators come as a document."""

    slug: Code
    lang: Code
    title: TranslatableIn
    preamble: TranslatableMarkdown | None = None
    issuer: Name = ""
    adopted_on: date | None = None
    source_url: Url | None = None
    version: Edition = "1"


class CharterSummary(msgspec.Struct):
    """A charter in a list."""

    slug: str
    lang: str
    title: str
    title_i18n: dict[str, str]
    issuer: str
    adopted_on: date | None
    source_url: str | None
    version: str
    languages: list[str]


class CityCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A city to onboard. `name` may be a string (in the city's language) or `{lang: name}`."""

    slug: Code
    name: TranslatableIn
    country: Code
    locale: Code
    population: int | None = None
    region: Code | None = None
    networks: list[Code] = msgspec.field(default_factory=list)
    time_zone: Code | None = None
    """The IANA time zone the city lives in (`Africa/Tunis`)."""


class CityUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Fields to change on a city; absent fields stay as they are."""

    name: TranslatableIn | msgspec.UnsetType = msgspec.UNSET
    country: Code | msgspec.UnsetType = msgspec.UNSET
    locale: Code | msgspec.UnsetType = msgspec.UNSET
    population: int | msgspec.UnsetType | None = msgspec.UNSET
    region: Code | msgspec.UnsetType | None = msgspec.UNSET
    networks: list[Code] | msgspec.UnsetType = msgspec.UNSET
    time_zone: Code | msgspec.UnsetType | None = msgspec.UNSET


class CityRead(msgspec.Struct):
    """A city as the public sees it; `name` is in the asked language, `name_i18n` has them all."""

    slug: str
    name: str
    name_i18n: dict[str, str]
    country: str
    locale: str
    population: int | None
    region: str | None = None
    region_name: str | None = None
    networks: list[str] = msgspec.field(default_factory=list)
    time_zone: str | None = None
    version: int = 1
    history: str = ""


class CityPage(msgspec.Struct):
    """A page of cities."""

    items: list[CityRead]
    total: int
    limit: int
    offset: int


class SignatureCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A city signs (or withdraws from) a charter, by a named act."""

    charter: Code
    signed_on: date
    act: Markdown = ""
    status: SignatureStatus = SignatureStatus.signed


class SignatureRead(ClaimStanding):
    """A signature on record: a claim like any other, which can be verified and challenged."""

    id: int
    charter: str
    signed_on: date
    act: str
    status: SignatureStatus
    evidence: list[int] = msgspec.field(default_factory=list)
    """The evidence the act cites (the council decision, the signed charter)."""
