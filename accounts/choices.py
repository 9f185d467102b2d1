"""Vocabularies of the accounts app: the roles a membership gives are the kernel's."""

from enum import StrEnum

from kernel.caller import Role

__all__ = ["Role", "TokenState"]


class TokenState(StrEnum):
    """Whether an API token works: `live` until it is revoked or its expiry passes."""

    live = "live"
    expired = "expired"
    revoked = "revoked"
