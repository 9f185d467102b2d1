"""HTTP vocabulary shared by every package's controllers: the caller, languages, paging."""

from __future__ import annotations

from typing import Annotated, TypeAlias

from litestar.di import NamedDependency
from litestar.params import QueryParameter

from kernel.caller import Caller

CallerDep: TypeAlias = NamedDependency[Caller]
"""The `Caller`, injected by the application from the request's credentials."""

Lang: TypeAlias = Annotated[
    str | None,
    QueryParameter(name="lang", description="Language of texts (fr, ar, es, en...); each text falls "
                                        "back to the charter's or the city's language."),
]
Limit: TypeAlias = Annotated[int, QueryParameter(name="limit", ge=1, le=500)]
Offset: TypeAlias = Annotated[int, QueryParameter(name="offset", ge=0)]

WRITE = [{"BearerToken": []}]
"""OpenAPI security requirement of every write route."""
