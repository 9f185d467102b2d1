"""Shapes shared by every API: translatable text in, problem details out, pages of results."""

from __future__ import annotations

from typing import Annotated

import msgspec

MAX_ROW_ID = 2**31 - 1
"""The largest id a row can have (the databases' 32-bit serial keys): a larger number names
nothing, and is refused before it reaches the database."""

RowRef = Annotated[int, msgspec.Meta(ge=1, le=MAX_ROW_ID)]
"""An item's id given in a body (the evidence a claim cites)."""

MAX_MARKDOWN = 20_000
"""The longest Markdown text the service takes (a note, a description, a reason, a preamble)."""
MAX_TITLE = 500
"""The longest title (of evidence, of a charter, in one language)."""
MAX_NAME = 255
"""The longest name (of a unit in charge, an issuer, an act)."""

Markdown = Annotated[str, msgspec.Meta(max_length=MAX_MARKDOWN)]
Title = Annotated[str, msgspec.Meta(max_length=MAX_TITLE)]
Name = Annotated[str, msgspec.Meta(max_length=MAX_NAME)]
Code = Annotated[str, msgspec.Meta(max_length=64)]
"""A code, slug, period or claim id as typed (checked further by the service)."""
Edition = Annotated[str, msgspec.Meta(max_length=32)]
"""The edition of a charter's text (`1`, `2024-rev`), as the charter's header keeps it."""
MAX_URL = 2048
Url = Annotated[str, msgspec.Meta(max_length=MAX_URL)]
LangKey = Annotated[str, msgspec.Meta(max_length=8)]

TranslatableIn = Title | dict[LangKey, Title]
"""A title or name in the default language, or an object keyed by language:
`{"fr": "...", "ar": "..."}`."""
TranslatableMarkdown = Markdown | dict[LangKey, Markdown]
"""A Markdown text in the default language, or an object keyed by language."""


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
