"""A city's page: the charters it signed; for each, the scorecard per principle (the city's line
of the charter's comparison, so that the page and the API give the same numbers: the adopted
commitments, their parts by where they stand, which add up to them, then those overdue among
them, and progress); its adopted commitments with status, progress, assurance and flags,
filtered as the API filters them; and its progress report to download in each language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from litestar import Controller, Request, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from charter.choices import SignatureStatus
from charter.schemas import SignatureRead
from charter.services import city_read, get_city_or_raise
from commitments.choices import CommitmentStatus
from exports.comparison import COUNTS, ComparisonColumn, ComparisonRow, comparison
from exports.comparison_query import Filters
from indicators.city_view import list_city_commitments
from indicators.claims import list_signatures
from indicators.commitment_filters import ALL, CommitmentFilters
from indicators.flags import FLAG_CODES, flag_message
from indicators.schemas import CityCommitmentSummary
from kernel.claim_ids import Assurance
from kernel.db import read_snapshot
from kernel.errors import FieldError, MalformedInput
from kernel.i18n import LANGUAGES
from web.language import page_language
from web.pages import render
from web.public.names import Named, charter_title, charters_by_slug, city_name

FILTERS = ("principle", "status", "assurance", "flag")
"""The filters of the commitments' list, named as the API names them."""


@dataclass
class CityCharter:
    """A charter the city has a signature act on: its latest act (a standing signature, or a
    withdrawal), the scorecard (None once withdrawn), the commitments the filters keep."""

    title: Named
    latest: SignatureRead
    columns: list[ComparisonColumn]
    scorecard: ComparisonRow | None
    commitments: list[CityCommitmentSummary] = field(default_factory=list)

    @property
    def standing(self) -> bool:
        return self.latest.status == SignatureStatus.signed


def _latest_acts(signatures: list[SignatureRead]) -> dict[str, SignatureRead]:
    """Each charter's latest signature act (the list comes oldest first, as the rule orders them)."""
    return {s.charter: s for s in signatures}


async def city_page(slug: str, lang: str, filters: CommitmentFilters | None) -> dict[str, object]:
    """What the city's page shows, in `lang` (404 for an unknown city). Without `filters` (they
    could not be read) the commitments are not listed."""
    city = city_read(await get_city_or_raise(slug), lang)
    charters = await charters_by_slug(lang)
    summaries = await list_city_commitments(slug, lang, None, filters or ALL)
    sections = []
    for charter_slug, act in _latest_acts(await list_signatures(slug)).items():
        charter = charters[charter_slug]
        read = await comparison(charter_slug, lang=lang, filters=Filters(city=slug))
        sections.append(
            CityCharter(
                title=charter_title(charter, lang),
                latest=act,
                columns=read.columns,
                scorecard=read.rows[0] if read.rows else None,
                commitments=[s for s in summaries if s.charter == charter_slug],
            )
        )
    return {
        "city": city,
        "name": city_name(city, lang),
        "charters": sections,
        "listed": filters is not None,
        "filtered": filters not in (None, ALL),
        "chosen": filters or ALL,
        "statuses": list(CommitmentStatus),
        "assurances": list(Assurance),
        "flags": [(code, flag_message(code, lang)) for code in FLAG_CODES],
        "report_languages": list(LANGUAGES.values()),
        "scorecard_counts": COUNTS,
    }


def _filter_errors(exc: MalformedInput, given: dict[str, str | None]) -> list[tuple[str, str]]:
    """(filter, value refused) for each filter the list could not read."""
    return [(e.field, given.get(e.field) or "") for e in exc.errors if isinstance(e, FieldError)]


Filter = Annotated[str | None, QueryParameter()]


class CityPages(Controller):
    """One city."""

    path = "/cities/{city:str}"
    include_in_schema = False

    @get("/", name="city")
    async def city(
        self,
        request: Request,
        city: FromPath[str],
        principle: Filter = None,
        status: Filter = None,
        assurance: Filter = None,
        flag: Filter = None,
    ) -> Template:
        """The city's charters, scorecards and adopted commitments, filtered by principle, status,
        assurance and flag; a value a filter does not know is 400, naming the filter."""
        lang = page_language(request)
        given = {"principle": principle, "status": status, "assurance": assurance, "flag": flag}
        try:
            filters: CommitmentFilters | None = CommitmentFilters.parse(**given)
            errors: list[tuple[str, str]] = []
        except MalformedInput as exc:
            filters, errors = None, _filter_errors(exc, given)
        async with read_snapshot():
            context = await city_page(city, lang, filters)
        context |= {"errors": errors, "given": given}
        return render(request, "city.html", context, status_code=400 if errors else 200)
