"""Authentication at the root: a bearer token becomes the kernel's `Caller`, before anything of
the request's body is read, so that an anonymous or forged request is refused (401) whatever
it sends."""

from __future__ import annotations

import re

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from accounts.pages import SESSION_COOKIE
from accounts.services import caller_for_token, failed_authentications, record_failed_authentication
from accounts.sessions import caller_for_session
from kernel.caller import ANONYMOUS, Caller
from kernel.errors import FieldError, MalformedInput, NotAuthenticated, TooManyRequests
from kernel.settings import get_settings

_READS = {"GET", "HEAD", "OPTIONS"}
_STATE_KEY = "caller"
CLEAR_SESSION_KEY = "clear_session_cookie"
MAX_JSON_DEPTH = 32
"""How deeply a JSON body may nest: the deepest shape the API reads is a few levels deep."""
_JSON_TOKENS = re.compile(rb'\\.|"|[\[{]|[\]}]', re.DOTALL)


async def _caller_of(connection: ASGIConnection) -> Caller:
    """The caller a request's token stands for. An address that sent too many bad tokens within
    a minute waits (429) before any token of it is looked at again."""
    header = connection.headers.get("authorization")
    if not header:
        return ANONYMOUS
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("Expected an `Authorization: Bearer <token>` header.")
    address = connection.client.host if connection.client else "unknown"
    limit = get_settings().auth_failures_per_minute
    if await failed_authentications(address) >= limit:
        raise TooManyRequests(
            f"More than {limit} requests from your address sent a token that does not work within a "
            "minute. Wait a minute, then send a valid token.",
            60,
        )
    caller = await caller_for_token(token.strip())
    if caller is None:
        await record_failed_authentication(address)
        raise NotAuthenticated("The token is unknown, expired or was revoked.")
    return caller


async def authenticate(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Guard of every API route: who is asking, decided before the body is read. A write needs
    a valid token (401); a JSON body nesting deeper than any shape of the API is refused (400)."""
    caller = await _caller_of(connection)
    if connection.scope.get("method", "GET") not in _READS:
        if not caller.is_authenticated:
            raise NotAuthenticated()
        if isinstance(connection, Request) and "json" in connection.headers.get("content-type", ""):
            check_json_depth(await connection.body())
    connection.state[_STATE_KEY] = caller


def check_json_depth(body: bytes, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse a JSON text whose arrays and objects nest deeper than `limit`, without parsing it
    (brackets inside strings do not count)."""
    depth, in_string = 0, False
    for match in _JSON_TOKENS.finditer(body):
        token = match[0]
        if token == b'"':
            in_string = not in_string
        elif in_string or token[:1] == b"\\":
            continue
        elif token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                raise MalformedInput(
                    f"The body nests deeper than {limit} levels.",
                    [FieldError("body", f"Expected JSON nested at most {limit} levels deep.")],
                )
        else:
            depth -= 1


async def identify_visitor(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Guard of every page: a bearer token still works; otherwise the session cookie names the
    signed-in person. A session that is unknown, expired or signed out is anonymous, and its
    cookie is cleared on the answer (never an error)."""
    if connection.headers.get("authorization"):
        connection.state[_STATE_KEY] = await _caller_of(connection)
        return
    secret = connection.cookies.get(SESSION_COOKIE)
    caller = await caller_for_session(secret) if secret else None
    if secret and caller is None:
        connection.state[CLEAR_SESSION_KEY] = True
    connection.state[_STATE_KEY] = caller or ANONYMOUS


async def provide_caller(request: Request) -> Caller:
    """The caller the guard found (anonymous without a token)."""
    caller = request.state.get(_STATE_KEY)
    return caller if isinstance(caller, Caller) else await _caller_of(request)
