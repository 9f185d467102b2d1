"""HTTP route of accounts: who a token belongs to, so that a client can check its credentials."""

from __future__ import annotations

from litestar import Controller, get

from accounts.schemas import UserRead
from accounts.services import get_user
from kernel.errors import NotAuthenticated
from kernel.http import WRITE, CallerDep


class MeController(Controller):
    """The account behind the bearer token."""

    path = "/me"
    tags = ("Accounts",)

    @get("/", security=WRITE)
    async def me(self, caller: CallerDep) -> UserRead:
        """The caller's email and memberships (role, and city for city editors); 401 without a token."""
        if caller.user_id is None:
            raise NotAuthenticated()
        return await get_user(caller.label)
