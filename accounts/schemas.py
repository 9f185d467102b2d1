"""Shapes of accounts as the command line and the API show them."""

from __future__ import annotations

import msgspec


class MembershipRead(msgspec.Struct):
    """A role held, with its city for city editors."""

    role: str
    city: str | None


class UserRead(msgspec.Struct):
    """A user and their memberships."""

    email: str
    display_name: str
    active: bool
    memberships: list[MembershipRead]
    organisation: str | None = None
    """The organisation a reviewer speaks for."""
