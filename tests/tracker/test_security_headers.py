"""Every answer carries the security headers: JSON, problems, files, unknown paths and the docs
page, whose policy allows exactly its own inline script and style."""

import base64
import hashlib
import re

import httpx
import pytest

from tracker.app import create_app
from tracker.headers import PAGE_POLICY

ALWAYS = {"x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "same-origin"}


@pytest.mark.parametrize(
    "url",
    ["/api/v1/charters", "/api/v1/cities/nowhere", "/nowhere", "/static/swagger/swagger-ui.css", "/schema"],
)
async def test_every_answer_has_the_security_headers(client, url: str) -> None:
    """nosniff, no framing, no referrer to other sites, on answers and refusals alike."""
    r = await client.get(url)
    assert {k: r.headers.get(k) for k in ALWAYS} == ALWAYS, url
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert "strict-transport-security" not in r.headers


async def test_the_docs_policy_allows_only_the_page_own_inline_code(client) -> None:
    """The docs page's policy names the hash of each of its inline scripts and styles, and no
    'unsafe-inline'; a refusal keeps its own policy and gains frame-ancestors."""
    r = await client.get("/schema")
    policy = r.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "default-src 'self'" in policy
    inline = re.findall(r"<script(?![^>]*src=)[^>]*>(.*?)</script>", r.text, re.DOTALL)
    assert inline
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert int(r.headers["content-length"]) == len(r.content)


async def test_hsts_over_https_when_asked(monkeypatch) -> None:
    """HSTS is sent over HTTPS once HSTS_SECONDS is set, never over plain HTTP."""
    monkeypatch.setenv("HSTS_SECONDS", "31536000")
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="https://tracker.example") as https:
        r = await https.get("/api/v1/charters")
        assert r.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    async with httpx.AsyncClient(transport=transport, base_url="http://tracker.example") as plain:
        assert "strict-transport-security" not in (await plain.get("/api/v1/charters")).headers


@pytest.mark.parametrize("url", ["/", "/search?q=x", "/cities/nowhere", "/nowhere"])
async def test_pages_get_the_pages_policy(client, url: str) -> None:
    """Every HTML page, refusals included, carries the pages' policy: this site's files only, no
    inline script or style; JSON answers keep theirs."""
    r = await client.get(url)
    assert r.headers["content-type"].startswith("text/html"), url
    assert r.headers["content-security-policy"] == PAGE_POLICY
    assert "unsafe-inline" not in PAGE_POLICY and "frame-ancestors 'none'" in PAGE_POLICY
    assert (await client.get("/api/v1/charters")).headers[
        "content-security-policy"
    ] == "frame-ancestors 'none'"
