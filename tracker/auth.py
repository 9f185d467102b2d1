"""Authentication at the root: a bearer token becomes the kernel's `Caller`."""

from __future__ import annotations

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from accounts.services import caller_for_token
from kernel.caller import ANONYMOUS, Caller
from kernel.errors import NotAuthenticated


async def provide_caller(request: Request) -> Caller:
    """The caller behind the request: anonymous without a token, refused with a bad one."""
    header = request.headers.get("authorization")
    if not header:
        return ANONYMOUS
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("Expected an `Authorization: Bearer <token>` header.")
    caller = await caller_for_token(token.strip())
    if caller is None:
        raise NotAuthenticated("The token is unknown or was revoked.")
    return caller


_READS = {"GET", "HEAD", "OPTIONS"}


async def writes_need_token(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Refuse a write without credentials before its body is even read (401, not 400)."""
    if connection.scope.get("method", "GET") not in _READS and not connection.headers.get("authorization"):
        raise NotAuthenticated()
