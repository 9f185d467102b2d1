"""Shapes of document imports and exports."""

from __future__ import annotations

import msgspec


class DocumentImported(msgspec.Struct):
    """What a charter document changed."""

    slug: str
    lang: str
    created: int
    updated: int
    version: int = 1
