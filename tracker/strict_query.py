"""A query parameter that a route does not read is refused (400 naming it), so that a misspelt or
unsupported filter (`?stauts=achieved`) is never silently ignored and answered with everything."""

from __future__ import annotations

from litestar import Litestar, Request
from litestar.routes import HTTPRoute

from kernel.errors import FieldError, MalformedInput

_KNOWN = "known_query_parameters"


def learn_query_parameters(app: Litestar) -> None:
    """Note on each route handler the query parameters it declares. Handlers that take the
    request itself read their own parameters (the comparison's filters) and refuse unknown ones
    themselves: they are left alone."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler, kwargs_model in route.route_handler_map.values():
            if "request" in handler.parsed_fn_signature.parameters:
                continue
            handler.opt[_KNOWN] = frozenset(p.field_alias for p in kwargs_model.expected_query_params)


async def refuse_unknown_query_parameters(request: Request) -> None:
    """Before a handler runs: 400 for any query parameter it does not read."""
    known = request.route_handler.opt.get(_KNOWN)
    if known is None:
        return
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        accepted = ", ".join(sorted(known)) or "none"
        raise MalformedInput(
            f"Unknown query parameter{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.",
            [
                FieldError(name, f"This address reads no such parameter; accepted: {accepted}.")
                for name in unknown
            ],
        )
