"""HTTP vocabulary shared by every package's controllers: the caller, languages, paging."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, TypeAlias, TypeVar

from litestar import Request, Response
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, PathParameter, QueryParameter

from kernel.caller import Caller
from kernel.schemas import MAX_ROW_ID
from kernel.versions import Precondition, etag, parse_if_match

T = TypeVar("T")

CallerDep: TypeAlias = NamedDependency[Caller]
"""The `Caller`, injected by the application from the request's credentials."""

Lang: TypeAlias = Annotated[
    str | None,
    QueryParameter(
        name="lang",
        description="Language of texts (fr, ar, es, en...); each text falls "
        "back to the charter's or the city's language.",
    ),
]
Limit: TypeAlias = Annotated[int, QueryParameter(name="limit", ge=1, le=500)]
Offset: TypeAlias = Annotated[int, QueryParameter(name="offset", ge=0, le=MAX_ROW_ID)]
RowId: TypeAlias = Annotated[int, PathParameter(ge=1, le=MAX_ROW_ID)]
"""A row's id in a path (`/challenges/12`, `/evidence/3`), from 1 to `MAX_ROW_ID`."""

WRITE: list[dict[str, list[str]]] = [{"BearerToken": []}]
"""OpenAPI security requirement of every write route."""

IfMatch: TypeAlias = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        required=False,
        description='The item\'s ETag as read (`"v3"`), or `*`: the write is refused with 412 if the '
        "item changed meanwhile, and with 428 if the header is missing where the item exists.",
    ),
]


EMPTY_IS_ALL = " (empty: all)"
"""Ends the description of a filter that an empty value leaves off (`tracker.openapi` then
declares `allowEmptyValue: true` on it)."""


def choice(description: str, choices: Iterable[str], *, empty_is_all: bool = True) -> QueryParameter:
    """A query parameter taking one word of a vocabulary, listed as an enum in the OpenAPI schema
    (the service checks it too, so that an unknown word is refused with the list of those
    accepted). A filter left empty (`?status=`, as a form's "all" sends it) filters nothing."""
    words = [str(c) for c in choices]
    if not empty_is_all:
        return QueryParameter(description=f"{description}: {', '.join(words)}", schema_extra={"enum": words})
    return QueryParameter(
        description=f"{description}: {', '.join(words)}{EMPTY_IS_ALL}", schema_extra={"enum": words}
    )


def pattern(description: str, regex: str) -> QueryParameter:
    """A query parameter whose text must match `regex`, declared in the OpenAPI schema."""
    return QueryParameter(description=description, schema_extra={"pattern": regex})


def refuses(*statuses: int) -> dict[str, tuple[int, ...]]:
    """The `opt` of a route that can refuse with these statuses besides those its shape implies
    (see `tracker.openapi.refusals_of`): a read only some may make (403), a read of something
    not there yet (409)."""
    return {"refuses": statuses}


def media_type_of(request: Request) -> str:
    """The request body's media type, without its parameters (`multipart/form-data`)."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def precondition(header: str | None) -> Precondition:
    """The `If-Match` header as the services take it."""
    return parse_if_match(header)


def with_etag(content: T, version: int, status_code: int = 200) -> Response[T]:
    """An item with its version as ETag, for a later `If-Match`."""
    return Response(content, status_code=status_code, headers={"ETag": etag(version)})
