"""The network as the secretariat follows it: which cities reported what for which year (the
indicators each had adopted, and how many of them have a published value for a period of that
year), each city's nearest peers, and the network's report in each language. Filtered by
charter and network; a secretariat limited to some networks sees their cities only."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Redirect, Template

from charter.services import list_charters
from exports.comparison import peers
from indicators.review_queue import QueueFilters, completeness, review_queue
from kernel.http import CallerDep
from kernel.i18n import LANGUAGES
from web.language import page_language
from web.pages import render
from web.secretariat.queue import secretariat_gate

YEARS = 3
"""Ended years shown before the year going on."""
PEERS = 3
"""Peers named for each city."""


def heat(reported: int, expected: int) -> str:
    """The colour band of a cell (as the comparison's heat map): none when nothing is expected."""
    if not expected:
        return "none"
    return str(min(4, int(reported / expected * 100) // 20))


class NetworkPages(Controller):
    """The network view."""

    include_in_schema = False
    path = "/secretariat/network"

    @get("/")
    async def network(self, request: Request, caller: CallerDep) -> Template | Redirect:
        gate = secretariat_gate(request, caller)
        if gate is not None:
            return gate
        lang = page_language(request)
        charters = await list_charters(lang)
        asked = request.query_params.get("charter", "").strip()
        charter = (
            asked if any(c.slug == asked for c in charters) else (charters[0].slug if charters else None)
        )
        network = request.query_params.get("network", "").strip() or None
        networks = (await review_queue(caller, QueueFilters(charter=charter), lang)).networks
        if network not in networks:
            network = None
        filters = QueueFilters(charter=charter, network=network)
        years, rows = await completeness(caller, filters, YEARS, lang) if charter else ([], [])
        nearest = {r.slug: await peers(r.slug, charter_slug=charter, limit=PEERS, lang=lang) for r in rows}
        context = {
            "charters": charters,
            "charter": charter,
            "networks": networks,
            "network": network,
            "years": years,
            "rows": rows,
            "peers": nearest,
            "heat": heat,
            "languages": list(LANGUAGES),
        }
        return render(request, "network_view.html", context)
