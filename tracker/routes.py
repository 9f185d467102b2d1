"""Every route of the service, in one place: the API's controllers, by what they are about, and
the table of methods and paths that `charter-tracker routes` prints.

Path keys are spelt the same everywhere: `{charter}` is a charter's slug, `{city}` a city's slug,
`{code}` a commitment's or indicator's code, `{claim_id}` a claim's public id."""

from __future__ import annotations

import re
from collections.abc import Callable

from litestar import Litestar, Response
from litestar.routes import HTTPRoute
from litestar.status_codes import HTTP_204_NO_CONTENT
from litestar.types import ControllerRouterHandler, Scope

from accounts.controllers import MeController
from charter.controllers import CharterController, CityController
from exports.controllers import (
    CharterDocumentController,
    CityReportController,
    ComparisonController,
    ImportController,
    OpenDataController,
    PeersController,
    ReportBatchController,
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
    CityCommitmentController,
    CityReportController,
    PeersController,
    SpreadsheetController,
    ImportController,
    ReportBatchController,
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


def answer_options_with_every_method(app: Litestar) -> None:
    """Make `OPTIONS` on a path list every method the path serves in `Allow`. Litestar 2 builds
    the answer from the first handler registered on a path only (`OPTIONS /claims/{claim_id}`
    said `OPTIONS, PATCH` although GET is served too: litestar#4169, fixed in 3.0 only)."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or "OPTIONS" not in route.route_handler_map:
            continue
        handler, _ = route.route_handler_map["OPTIONS"]
        if handler.handler_name == "options_handler":  # Litestar's own, not one of ours
            handler(_options_answer(", ".join(sorted(route.methods))))


def _options_answer(allow: str) -> Callable[[Scope], Response]:
    """Litestar's answer to OPTIONS, with that `Allow`; the handler keeps its signature."""

    def options_handler(scope: Scope) -> Response:
        return Response(content=None, status_code=HTTP_204_NO_CONTENT, headers={"Allow": allow})

    return options_handler
