"""The OpenAPI document: handler docstrings as descriptions, and every refusal documented as the
RFC 9457 problem the API really answers with (not Litestar's own error shape)."""

from __future__ import annotations

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.routes import HTTPRoute

from kernel.schemas import Problem
from tracker.problems import PROBLEM_JSON

API_DESCRIPTION = """
Cities sign human-rights charters, adopt their commitments, set targets and report measurements
and status updates backed by evidence. Anyone can read what is published; writes need a bearer
token (`Authorization: Bearer ct_...`, issued with `charter-tracker user token EMAIL`).

**Progress** (0 to 1) is computed, never typed:

* an indicator's progress = (latest − baseline) / (target − baseline), clamped to [0, 1]; the same
  formula serves indicators that should decrease (both differences are then negative);
* a commitment's progress = the mean of its indicators' progress, or 1 when it is reported
  achieved and has no indicators (0 when not achieved);
* a principle's progress = the mean over the city's adopted commitments under it.

Errors are RFC 9457 problem details (`application/problem+json`) with an `errors` list naming
each field and what was expected. Texts take `?lang=` and fall back to the charter's or the
city's language.
"""

_MEANINGS = {
    400: "Malformed input: the request does not have the expected shape; `errors` names each field.",
    401: "Authentication required: no bearer token, or one that is unknown or revoked.",
    403: "Forbidden: the caller may not do this (another city's data, or a role that lacks it).",
    404: "Not found: nothing the caller may see answers to this address.",
    409: "Conflict: the write collides with what is stored; `detail` says what to do instead.",
    412: "Precondition failed: the item changed since it was read (`If-Match`); nothing changed.",
    413: "Payload too large: the body is over the documented limit.",
    415: "Unsupported media type: the body is not in a format this route reads.",
    422: "Invalid input: well-formed, but it breaks a rule; `errors` names each field.",
    428: "Precondition required: send the item's ETag in `If-Match`.",
}
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def openapi_config() -> OpenAPIConfig:
    """The schema at /schema, with Swagger UI served from the installed package (no CDN)."""
    return OpenAPIConfig(
        title="Charter tracker API",
        version="1",
        description=API_DESCRIPTION,
        path="/schema",
        use_handler_docstrings=True,
        render_plugins=[
            SwaggerRenderPlugin(
                js_url="/static/swagger/swagger-ui-bundle.js",
                css_url="/static/swagger/swagger-ui.css",
                favicon="",
                standalone_preset_js_url="/static/swagger/swagger-ui-standalone-preset.js",
            )
        ],
        components=Components(
            security_schemes={
                "BearerToken": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="An API token from `charter-tracker user token`.",
                )
            }
        ),
    )


def refusals_of(handler: HTTPRouteHandler, path: str) -> list[int]:
    """The problem statuses a route can answer with, from what it is (a read or a write) and
    what it takes (path keys, `If-Match`, a body it reads itself)."""
    statuses = [400]
    if "{" in path:
        statuses.append(404)
    if _WRITES & set(handler.http_methods):
        statuses += [401, 403, 409, 422]
        if "request" in handler.parsed_fn_signature.parameters:
            statuses += [413, 415]
    if "if_match" in handler.parsed_fn_signature.parameters:
        statuses += [412, 428]
    return sorted(set(statuses))


def document_refusals(app: Litestar) -> None:
    """Declare on every route the problems it can answer with, in the shape it answers them."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            declared = dict(handler.responses or {})
            for status in refusals_of(handler, route.path):
                declared.setdefault(
                    status,
                    ResponseSpec(
                        data_container=Problem,
                        description=_MEANINGS[status],
                        media_type=PROBLEM_JSON,
                        generate_examples=False,
                    ),
                )
            handler.responses = declared
