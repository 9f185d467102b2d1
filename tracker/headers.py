"""Security headers on every answer: no content sniffing (JSON included), no framing by other
sites, no referrer sent elsewhere, a content security policy on every web page and on the API
docs, and HSTS when the service is reached over HTTPS and the operator asks for it
(`HSTS_SECONDS`)."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from kernel.settings import get_settings

_ALWAYS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]
_NO_FRAMING = "frame-ancestors 'none'"
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    f"form-action 'self'; base-uri 'none'; {_NO_FRAMING}"
)
"""The policy of every web page (any HTML answer whose route set none): this site's own scripts,
stylesheets, fonts and images only, no inline script or style, forms sent only here."""
_INLINE = re.compile(rb"<(script|style)(?![^>]*\bsrc=)[^>]*>(.*?)</\1>", re.DOTALL)


def docs_policy(html: bytes) -> str:
    """The policy of the docs page: our own files, and exactly the inline script and style the
    page carries (by their SHA-256), nothing else."""
    hashes: dict[bytes, list[str]] = {b"script": [], b"style": []}
    for kind, body in _INLINE.findall(html):
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
        hashes[kind].append(f"'sha256-{digest}'")
    return (
        f"default-src 'self'; script-src 'self' {' '.join(hashes[b'script'])}; "
        f"style-src 'self' {' '.join(hashes[b'style'])}; img-src 'self' data:; "
        f"base-uri 'none'; form-action 'none'; {_NO_FRAMING}"
    ).replace("  ", " ")


def _is_html(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(
        name.lower() == b"content-type" and value.lower().startswith(b"text/html") for name, value in headers
    )


def _with_policy(headers: list[tuple[bytes, bytes]], policy: str | None) -> list[tuple[bytes, bytes]]:
    """The answer's headers with ours added; a policy the route set keeps its rules and gains
    `frame-ancestors 'none'`; a page without one gets the pages' policy."""
    names = {name.lower() for name, _ in headers}
    out = [*headers, *((name, value) for name, value in _ALWAYS if name not in names)]
    for i, (name, value) in enumerate(out):
        if name.lower() == b"content-security-policy":
            if policy is None and b"frame-ancestors" not in value:
                out[i] = (name, value + b"; " + _NO_FRAMING.encode())
            elif policy is not None:
                out[i] = (name, policy.encode())
            return out
    default = PAGE_POLICY if _is_html(headers) else _NO_FRAMING
    out.append((b"content-security-policy", (policy or default).encode()))
    return out


class SecurityHeaders:
    """ASGI middleware around the whole application, static files and errors included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra: list[tuple[bytes, bytes]] = []
        hsts = get_settings().hsts_seconds
        if hsts and scope.get("scheme") == "https":
            extra.append((b"strict-transport-security", f"max-age={hsts}; includeSubDomains".encode()))
        if scope["path"].rstrip("/") == "/schema":
            await self.app(scope, receive, _DocsPage(send, extra))
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _with_policy(list(message.get("headers", [])), None) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _DocsPage:
    """Holds the docs page until its body is complete, to state the hashes of its inline parts."""

    def __init__(self, send: Send, extra: list[tuple[bytes, bytes]]) -> None:
        self.send, self.extra = send, extra
        self.start: dict[str, Any] | None = None
        self.body = b""

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = dict(message)
            return
        if message["type"] != "http.response.body" or self.start is None:
            await self.send(message)
            return
        self.body += message.get("body", b"")
        if message.get("more_body"):
            return
        headers = [(n, v) for n, v in self.start.get("headers", []) if n.lower() != b"content-length"]
        headers.append((b"content-length", str(len(self.body)).encode()))
        self.start["headers"] = _with_policy(headers, docs_policy(self.body)) + self.extra
        await self.send(self.start)  # type: ignore[arg-type]
        await self.send({"type": "http.response.body", "body": self.body, "more_body": False})
