"""The search across cities, principles and commitments, in the page's language: what it finds,
what it says when nothing matches, and how it treats empty, long and hostile queries."""

from __future__ import annotations

from tests import builders
from tests.web.html import check_page, parse


async def _world() -> None:
    await builders.charter()
    await builders.city("grenoble", name={"fr": "Grenoble", "ar": "غرونوبل"})
    await builders.city("sousse", locale="ar-TN", country="TN", name={"ar": "سوسة", "fr": "Sousse"})


def _links(html: str) -> list[str]:
    return [str(a["href"]) for name, a in parse(html).tags if name == "a" and a.get("href")]


async def test_finds_cities_principles_and_commitments(client) -> None:
    """A city by its name, a principle by its title or code, a commitment by a word of its title,
    case and accents of the query's form set aside; each links to its page."""
    await _world()
    r = await client.get("/search", params={"q": "GRENO", "lang": "fr"})
    assert "/cities/grenoble" in _links(r.text) and "1 résultat pour" in parse(r.text).text
    r = await client.get("/search", params={"q": "dignity", "lang": "en"})
    assert "/charters/lampedusa#principle-DIG" in _links(r.text)
    r = await client.get("/search", params={"q": "legal advice", "lang": "en"})
    assert "/charters/lampedusa#commitment-LAM-DIG-01" in _links(r.text)
    r = await client.get("/search", params={"q": "lam-equ", "lang": "en"})
    assert "/charters/lampedusa#commitment-LAM-EQU-01" in _links(r.text)
    charter = (await client.get("/charters/lampedusa")).text
    assert 'id="principle-DIG"' in charter and 'id="commitment-LAM-DIG-01"' in charter


async def test_a_city_is_found_by_any_of_its_names_and_shown_in_the_page_language(client) -> None:
    """Typed in Latin letters on an Arabic page, or in Arabic on a French page, a city is found
    and named in the page's language; a word in no name finds nothing."""
    await _world()
    r = await client.get("/search", params={"q": "سوس", "lang": "ar"})
    assert "/cities/sousse" in _links(r.text)
    r = await client.get("/search", params={"q": "سوس", "lang": "fr"})
    assert "/cities/sousse" in _links(r.text) and "Sousse" in parse(r.text).text
    r = await client.get("/search", params={"q": "grenoble", "lang": "ar"})
    assert "/cities/grenoble" in _links(r.text) and "غرونوبل" in parse(r.text).text
    r = await client.get("/search", params={"q": "زحلة", "lang": "fr"})
    assert "/cities/sousse" not in _links(r.text) and "/cities/grenoble" not in _links(r.text)
    assert "Rien ne correspond à « زحلة »" in parse(r.text).text


async def test_empty_long_and_hostile_queries(client) -> None:
    """No query: an invitation to type. 500 characters are read; 501 are a 400 page saying the
    limit. A script is shown as typed, and nothing matches it."""
    await _world()
    r = await client.get("/search", params={"q": "  ", "lang": "en"})
    assert r.status_code == 200 and "Type the name of a city" in r.text
    r = await client.get("/search", params={"q": "x" * 500, "lang": "en"})
    assert r.status_code == 200 and "Nothing matches" in r.text
    r = await client.get("/search", params={"q": "x" * 501, "lang": "fr"})
    assert r.status_code == 400
    page = check_page(r, "fr", "ltr")
    assert "Saisissez au plus 500 caractères." in page.text
    field = next(a for n, a in page.tags if n == "input" and a.get("name") == "q")
    assert field["maxlength"] == "500" and len(str(field["value"])) == 500
    for hostile in ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "%00\x00", "' OR 1=1 --"):
        r = await client.get("/search", params={"q": hostile, "lang": "ar"})
        assert r.status_code == 200, hostile
        page = check_page(r, "ar", "rtl")
        assert "<script>alert" not in r.text and "<img" not in r.text
        assert [n for n, a in page.tags if n == "script"] == []
