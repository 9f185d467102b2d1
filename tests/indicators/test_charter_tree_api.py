"""The charter tree and the demo data through the API."""

from tracker.demo import load_demo


async def test_charter_tree_with_fallback_per_field(client) -> None:
    """Italian titles where translated (the demo's Italian text has its principles only); English
    (the charter's language) where not. The Arabic text is whole."""
    await load_demo()
    tree = (await client.get("/api/v1/charters/lampedusa?lang=it")).json()
    assert tree["lang"] == "en" and tree["languages"] == ["ar", "en", "es", "fr", "it"]
    dig = tree["principles"][0]
    assert (dig["code"], dig["title"], dig["title_lang"]) == ("DIG", "Dignità", "it")
    first = dig["commitments"][0]
    assert first["code"] == "LAM-DIG-01" and first["title"].startswith("Provide free legal advice")
    assert first["title_lang"] == "en" and first["indicators"][0]["title_lang"] == "en"
    assert first["indicators"][0]["value_type"] == "count"
    arabic = (await client.get("/api/v1/charters/lampedusa?lang=ar")).json()["principles"][0]
    assert (arabic["title"], arabic["title_lang"]) == ("الكرامة", "ar")
    assert arabic["commitments"][0]["title_lang"] == "ar"
    assert arabic["commitments"][0]["indicators"][0]["title_lang"] == "ar"
    assert (await client.get("/api/v1/charters/nope")).status_code == 404


async def test_demo_loads_once_and_reads_back(client) -> None:
    """The demo holds 3 charters, 11 cities, 55 adoptions, 422 measurements; loading twice adds nothing."""
    first = await load_demo()
    assert first == {
        "charters": 3,
        "cities": 11,
        "signatures": 18,
        "adoptions": 55,
        "targets": 90,
        "measurements": 422,
        "evidence": 68,
        "verified": 14,
        "challenges": 6,
    }
    assert await load_demo() == first
    cities = (await client.get("/api/v1/cities?lang=ar")).json()
    assert cities["total"] == 11
    assert {c["slug"]: c["name"] for c in cities["items"]}["sousse"] == "سوسة"
    adopted = (await client.get("/api/v1/cities/grenoble/commitments")).json()
    assert len(adopted) == 8
    assert all(0 <= c["progress"] <= 1 for c in adopted)
