"""HTTP vocabulary shared by every package's controllers: the caller, languages, paging."""

from __future__ import annotations

from typing import Annotated, TypeAlias, TypeVar

from litestar import Response
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
        description='The item\'s ETag as read (`"v3"`): the write is refused with 412 if the '
        "item changed meanwhile, and with 428 if the header is missing.",
    ),
]


def precondition(header: str | None) -> Precondition:
    """The `If-Match` header as the services take it."""
    return parse_if_match(header)


def with_etag(content: T, version: int, status_code: int = 200) -> Response[T]:
    """An item with its version as ETag, for a later `If-Match`."""
    return Response(content, status_code=status_code, headers={"ETag": etag(version)})
