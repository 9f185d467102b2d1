"""Shapes shared by every API: translatable text in, problem details out, pages of results."""

from __future__ import annotations

from typing import Annotated

import msgspec

MAX_ROW_ID = 2**31 - 1
"""The largest id a row can have (the databases' 32-bit serial keys): a larger number names
nothing, and is refused before it reaches the database."""

RowRef = Annotated[int, msgspec.Meta(ge=1, le=MAX_ROW_ID)]
"""An item's id given in a body (the evidence a claim cites)."""

TranslatableIn = str | dict[str, str]
"""A text in the default language, or an object keyed by language: `{"fr": "...", "ar": "..."}`."""


class FieldErrorOut(msgspec.Struct):
    """One field that is wrong, and what was expected."""

    field: str
    message: str


class Problem(msgspec.Struct, omit_defaults=True):
    """An RFC 9457 problem: every refusal of the API has this shape."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldErrorOut] = msgspec.field(default_factory=list)
