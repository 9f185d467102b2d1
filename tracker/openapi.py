"""The OpenAPI document: handler docstrings as descriptions, and every refusal documented as the
RFC 9457 problem the API really answers with (not Litestar's own error shape)."""

from __future__ import annotations

import msgspec
import msgspec.inspect as mi
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import (
    Components,
    OpenAPIFormat,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Parameter,
    Schema,
    SecurityScheme,
)
from litestar.routes import HTTPRoute

from kernel.http import EMPTY_IS_ALL
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
    401: "Authentication required: no bearer token where one is needed, or a token that is unknown, "
    "expired or revoked (refused wherever it is sent).",
    403: "Forbidden: the caller may not do this (another city's data, or a role that lacks it).",
    404: "Not found: nothing the caller may see answers to this address.",
    409: "Conflict: the write collides with what is stored; `detail` says what to do instead.",
    412: "Precondition failed: the item changed since it was read (`If-Match`); nothing changed.",
    413: "Payload too large: the body is over the documented limit.",
    415: "Unsupported media type: the body is not in a format this route reads.",
    422: "Invalid input: well-formed, but it breaks a rule; `errors` names each field.",
    428: "Precondition required: send the item's ETag in `If-Match`.",
    429: "Too many requests: too many tokens that do not work sent from this address, or too many "
    "challenges opened; `Retry-After` says how many seconds to wait.",
}
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}
_OWN_PACKAGES = {"kernel", "charter", "commitments", "indicators", "accounts", "exports", "tracker"}


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


def refusals_of(handler: HTTPRouteHandler, path: str, query: bool) -> list[int]:
    """The problem statuses a route can answer with, from what it is (a read or a write) and
    what it takes (path keys, query parameters, `If-Match`, a body it reads itself), plus those
    its `opt` names (`kernel.http.refuses`)."""
    # Any request may carry a token: one that does not work is refused wherever it is sent (401),
    # and an address that keeps sending such tokens is slowed down (429).
    statuses = {400, 401, 429}
    if "{" in path or query:  # a key in the path, or a query naming a city, a charter...
        statuses |= {404, 422}  # 422: a text no database keeps (NUL, `tracker.plain_text`)
    if _WRITES & set(handler.http_methods):
        statuses |= {401, 403, 409, 413, 422}
        if "request" in handler.parsed_fn_signature.parameters:
            statuses.add(415)
    if "if_match" in handler.parsed_fn_signature.parameters:
        statuses |= {412, 428}
    statuses |= set(handler.opt.get("refuses", ()))
    return sorted(statuses)


def document_refusals(app: Litestar) -> None:
    """Declare on every route the problems it can answer with, in the shape it answers them."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler, kwargs_model in route.route_handler_map.values():
            if not handler.resolve_include_in_schema():
                continue
            query = (
                bool(kwargs_model.expected_query_params)
                or "request" in handler.parsed_fn_signature.parameters
            )
            declared = dict(handler.responses or {})
            for status in refusals_of(handler, route.path, query):
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


_ETAGS = r'^(\*|(W/)?"v[0-9]{1,9}"(, *(W/)?"v[0-9]{1,9}")*)$'
_HTTP_DATE = "An HTTP date (RFC 9110), such as Tue, 01 Dec 2026 10:00:00 GMT."
_DOWNLOADS = ("application/pdf", "image/png", "image/jpeg", "image/webp")


def _strict_structs() -> dict[str, type[msgspec.Struct]]:
    """The bodies that refuse a field they do not know (400 naming it), by component name."""
    found: dict[str, type[msgspec.Struct]] = {}
    pending = list(msgspec.Struct.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in _OWN_PACKAGES and cls.__struct_config__.forbid_unknown_fields:
            found[cls.__name__] = cls
    return found


def _bound(schema: Schema, kind: mi.Type) -> None:
    """Put on `schema` the bounds msgspec checks on `kind` that Litestar's document leaves out:
    those of each member of a union (a title as text, or keyed by language) and of the items
    of a list (the ids of cited evidence)."""
    if schema.one_of and not isinstance(kind, mi.UnionType):
        kind = mi.UnionType(types=(kind,))
    if isinstance(kind, mi.StrType):
        if kind.max_length is not None:
            schema.max_length = kind.max_length
        if kind.min_length is not None:
            schema.min_length = kind.min_length
    elif isinstance(kind, mi.IntType):
        schema.minimum = kind.ge if kind.ge is not None else schema.minimum
        schema.maximum = kind.le if kind.le is not None else schema.maximum
    elif isinstance(kind, mi.DictType) and isinstance(schema.additional_properties, Schema):
        key = Schema(type=OpenAPIType.STRING)
        _bound(key, kind.key_type)
        schema.property_names = key
        _bound(schema.additional_properties, kind.value_type)
    elif isinstance(kind, mi.ListType) and isinstance(schema.items, Schema):
        _bound(schema.items, kind.item_type)
    elif isinstance(kind, mi.UnionType) and schema.one_of:
        for member in schema.one_of:
            if not isinstance(member, Schema):
                continue
            for option in kind.types:
                if _same_shape(member, option):
                    _bound(member, option)


def _same_shape(schema: Schema, kind: mi.Type) -> bool:
    """Whether a member of a `oneOf` is the document's side of that msgspec type."""
    shapes = {
        OpenAPIType.STRING: mi.StrType,
        OpenAPIType.INTEGER: mi.IntType,
        OpenAPIType.OBJECT: mi.DictType,
        OpenAPIType.ARRAY: mi.ListType,
    }
    expected = shapes.get(schema.type) if isinstance(schema.type, OpenAPIType) else None
    return expected is not None and isinstance(kind, expected)


def refine_document(app: Litestar) -> None:
    """Say in the OpenAPI document what Litestar's generated one leaves out: a body that refuses
    unknown fields says so (`additionalProperties: false`) and carries every bound msgspec
    checks; `If-Match` has the shape of this service's ETags; a filter left empty filters
    nothing (`allowEmptyValue`); a stored file is served as one of the types uploads may have, and its
    `Last-Modified` is an HTTP date, not an ISO date-time."""
    document = app.openapi_schema
    strict = _strict_structs()
    for name, schema in ((document.components.schemas if document.components else None) or {}).items():
        if name not in strict or not isinstance(schema, Schema):
            continue
        schema.additional_properties = False
        for field in mi.type_info(strict[name]).fields:  # type: ignore[attr-defined]
            declared = (schema.properties or {}).get(field.encode_name)
            if isinstance(declared, Schema):
                _bound(declared, field.type)
    for item in (document.paths or {}).values():
        for operation in (item.get, item.put, item.post, item.patch, item.delete):
            if operation is None:
                continue
            for parameter in operation.parameters or []:
                if not isinstance(parameter, Parameter):
                    continue
                if parameter.name == "If-Match":
                    parameter.schema = Schema(type=OpenAPIType.STRING, pattern=_ETAGS)
                if (parameter.description or "").endswith(EMPTY_IS_ALL):
                    parameter.allow_empty_value = True
            ok = (operation.responses or {}).get("200")
            if isinstance(ok, OpenAPIResponse) and ok.content and "" in ok.content:
                ok.content = {
                    media_type: OpenAPIMediaType(
                        schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
                    )
                    for media_type in _DOWNLOADS
                }
                for name, header in (ok.headers or {}).items():
                    if name.lower() == "last-modified" and isinstance(header, OpenAPIHeader):
                        header.schema = Schema(
                            type=OpenAPIType.STRING, description="An HTTP date (RFC 9110)."
                        )
