"""Which requests may be answered from a read replica (see kernel/replicas.py): reads that name
no one (no token, no session), and the comparison of cities, whoever asks. A signed-in person's
other reads go to the primary, so that they see at once what they just wrote."""

from __future__ import annotations

import re

from litestar.types import ASGIApp, Receive, Scope, Send

from accounts.pages import SESSION_COOKIE
from kernel.replicas import reads_may_lag

_COMPARISON = re.compile(r"^(/api/v1)?/charters/[^/]+/comparison(\.[a-z]+)?/?$")
_SESSION = re.compile(rf"(^|;)\s*{SESSION_COOKIE}=")


def may_lag(scope: Scope) -> bool:
    """A read that a replica a little behind the primary may answer."""
    if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
        return False
    if _COMPARISON.match(scope["path"]):
        return True
    headers = dict(scope["headers"])
    return b"authorization" not in headers and not _SESSION.search(
        headers.get(b"cookie", b"").decode("latin-1")
    )


class ReplicaReads:
    """ASGI middleware: marks the reads that may lag, for the engine to route."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if may_lag(scope):
            with reads_may_lag():
                await self.app(scope, receive, send)
        else:
            await self.app(scope, receive, send)
