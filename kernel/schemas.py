"""Shapes shared by every API: translatable text in, problem details out, pages of results."""

from __future__ import annotations

import msgspec

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
