"""Who may open a city's workspace: its own editors and the secretariat. A visitor signs in
first and comes back; anyone else is told why not, in their language."""

from __future__ import annotations

from litestar import Request
from litestar.response import Redirect, Template

from charter.services import city_for_write
from kernel.caller import Caller
from kernel.errors import Forbidden, NotAuthenticated
from web.pages import refused, sign_in_first


async def workspace_gate(request: Request, caller: Caller, city: str) -> Template | Redirect | None:
    """None when `caller` may work on `city`; else where to send them (sign in first) or the
    page saying why not (403; an unknown city is the usual 404)."""
    try:
        await city_for_write(caller, city)
    except NotAuthenticated:
        return sign_in_first(request.url.path)
    except Forbidden:
        return refused(request, "workspace")
    return None
