"""Every route of the service, in one place: the API's controllers, by what they are about, and
the table of methods and paths that `charter-tracker routes` prints.

Path keys are spelt the same everywhere: `{charter}` is a charter's slug, `{city}` a city's slug,
`{code}` a commitment's or indicator's code, `{claim_id}` a claim's public id."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.types import ControllerRouterHandler

from accounts.controllers import MeController
from charter.controllers import CharterController, CityController
from commitments.controllers import AdoptionController
from exports.controllers import (
    CharterDocumentController,
    CityReportController,
    ComparisonController,
    ImportController,
    OpenDataController,
    PeersController,
    SpreadsheetController,
)
from indicators.controllers import (
    ChallengeController,
    CharterTreeController,
    CityCommitmentController,
    ClaimController,
    EvidenceController,
    HistoryController,
)

API_PREFIX = "/api/v1"
_KEY_TYPE = re.compile(r"\{(\w+):\w+\}")

API_CONTROLLERS: list[ControllerRouterHandler] = [
    # Charters: the list, one charter's tree, its Markdown document.
    CharterController,
    CharterTreeController,
    CharterDocumentController,
    # Cities: the list and one city, its signatures, adoptions, claims, evidence, report, peers,
    # and the spreadsheet round trip.
    CityController,
    AdoptionController,
    CityCommitmentController,
    CityReportController,
    PeersController,
    SpreadsheetController,
    ImportController,
    # Trust: evidence by id, claims by id, challenges, histories.
    EvidenceController,
    ClaimController,
    ChallengeController,
    HistoryController,
    # Across cities: the comparison, the network report; open data.
    ComparisonController,
    OpenDataController,
    # Who is asking.
    MeController,
]


def route_table(app: Litestar) -> list[tuple[str, str, str]]:
    """(method, path, what it does) for every route in the OpenAPI document, sorted by path."""
    rows = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not handler.resolve_include_in_schema():
                continue
            text = " ".join((handler.fn.__doc__ or "").split())
            summary = text.split(". ")[0].rstrip(".") + "." if text else ""
            path = _KEY_TYPE.sub(r"{\1}", route.path)
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                rows.append((method, path, summary))
    return sorted(rows, key=lambda row: (row[1], row[0]))
