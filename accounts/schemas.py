"""Shapes of accounts as the command line and the API show them."""

from __future__ import annotations

from datetime import datetime

import msgspec

from accounts.choices import TokenState


class MembershipRead(msgspec.Struct):
    """A role held, with its city for city editors, and its network for a secretariat limited
    to one (null: every network)."""

    role: str
    city: str | None
    network: str | None = None


class UserRead(msgspec.Struct):
    """A user and their memberships."""

    email: str
    display_name: str
    active: bool
    memberships: list[MembershipRead]
    organisation: str | None = None
    """The organisation a reviewer speaks for."""


class TokenRead(msgspec.Struct):
    """One of a person's API tokens, as they see it in their list: never the token itself, which
    is shown once, when it is made."""

    id: int
    name: str
    state: TokenState
    created_at: datetime
    expires_at: datetime | None
    """After this instant the token no longer works; none: until it is revoked."""
    revoked_at: datetime | None
    last_used_at: datetime | None = None
    """When a request last came with it (to the minute); none: never used."""
