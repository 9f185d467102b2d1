"""The language of a page: `?lang=` first, then the `lang` cookie, then Accept-Language; the choice
made with `?lang=` is remembered for a year; the switcher on every page keeps the page's query."""

from __future__ import annotations

import pytest

from tests import builders
from tests.web.html import check_page, parse


async def _page(client, url: str = "/", *, cookie: str | None = None, accept: str | None = None):
    client.cookies.clear()
    headers = {}
    if cookie is not None:
        headers["Cookie"] = f"lang={cookie}"
    if accept is not None:
        headers["Accept-Language"] = accept
    return await client.get(url, headers=headers)


@pytest.mark.parametrize(
    ("url", "cookie", "accept", "lang"),
    [
        ("/?lang=ar", "fr", "es", "ar"),
        ("/", "fr", "es", "fr"),
        ("/", None, "es-MX,es;q=0.9,en;q=0.5", "es"),
        ("/", None, "de, ar;q=0.5", "ar"),
        ("/", None, None, "en"),
        ("/?lang=xx", "fr", "es", "fr"),
        ("/?lang=<script>", None, "ar", "ar"),
        ("/", "klingon", "es", "es"),
    ],
)
async def test_query_then_cookie_then_accept_language(client, url, cookie, accept, lang: str) -> None:
    """The query wins over the cookie, the cookie over the header; what the service does not speak
    passes the choice on."""
    await builders.charter()
    r = await _page(client, url, cookie=cookie, accept=accept)
    assert r.status_code == 200
    check_page(r, lang, "rtl" if lang == "ar" else "ltr")
    assert "Accept-Language" in r.headers["vary"] and "Cookie" in r.headers["vary"]


async def test_choosing_a_language_sets_the_cookie_for_a_year(client) -> None:
    """`?lang=ar` answers in Arabic and remembers it (Lax, a year, the whole site); the next page
    without `?lang=` is in Arabic; no cookie is set without a choice, nor for an unknown one."""
    await builders.charter()
    client.cookies.clear()
    r = await client.get("/?lang=ar")
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("lang=ar;")
    assert "Max-Age=31536000" in cookie and "Path=/" in cookie and "samesite=lax" in cookie.lower()
    assert "HttpOnly" in cookie
    r = await client.get("/charters/lampedusa")
    assert parse(r.text).first("html")["lang"] == "ar" and "set-cookie" not in r.headers
    assert "set-cookie" not in (await client.get("/?lang=xx")).headers
    assert parse((await client.get("/?lang=xx")).text).first("html")["lang"] == "ar"


async def test_the_switcher_offers_every_language_and_keeps_the_query(client) -> None:
    """Plain links, each in its own language, to the same page and query in that language."""
    await builders.charter()
    r = await _page(client, "/search?q=dig&lang=fr")
    page = parse(r.text)
    links = {a["hreflang"]: a for name, a in page.tags if name == "a" and a.get("hreflang") and a.get("lang")}
    assert {code: a["href"] for code, a in links.items() if a["href"].startswith("?q=")} == {
        "fr": "?q=dig&lang=fr",
        "en": "?q=dig&lang=en",
        "es": "?q=dig&lang=es",
        "ar": "?q=dig&lang=ar",
    }
    assert links["fr"].get("aria-current") == "true" and "aria-current" not in links["ar"]
    assert all(a["lang"] == code for code, a in links.items())


async def test_labels_are_translated(client) -> None:
    """The same page speaks French and Arabic words from the catalogs."""
    await builders.charter()
    fr = parse((await _page(client, "/charters/lampedusa?lang=fr")).text).text
    ar = parse((await _page(client, "/charters/lampedusa?lang=ar")).text).text
    assert "Principes et engagements" in fr and "Indicateurs" in fr and "Aller au contenu" in fr
    assert "المبادئ والالتزامات" in ar and "المؤشرات" in ar and "انتقل إلى المحتوى" in ar


@pytest.mark.parametrize("path", ["/sign-in", "/cities/nowhere", "/charters/lampedusa"])
async def test_every_kind_of_page_remembers_the_choice_once_and_says_its_language(client, path: str) -> None:
    """The accounts' pages and the error pages as well as the web's: `?lang=` sets the cookie
    (once, not twice), and the answer states its language, which the next page keeps."""
    await builders.charter()
    client.cookies.clear()
    r = await client.get(f"{path}?lang=ar")
    cookies = r.headers.get_list("set-cookie")
    assert [c for c in cookies if c.startswith("lang=")] == [c for c in cookies if c.startswith("lang=ar;")]
    assert len([c for c in cookies if c.startswith("lang=")]) == 1
    assert r.headers["content-language"] == "ar"
    after = await client.get("/sign-in")
    assert after.headers["content-language"] == "ar"
    assert parse(after.text).first("html")["dir"] == "rtl"
