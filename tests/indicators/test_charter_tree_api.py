"""The charter tree and the demo data through the API."""

from tracker.demo import load_demo


async def test_charter_tree_with_fallback_per_field(client) -> None:
    """Arabic titles where translated; English (the charter's language) where not."""
    await load_demo()
    tree = (await client.get("/api/v1/charters/lampedusa?lang=ar")).json()
    assert tree["lang"] == "en" and tree["languages"] == ["ar", "en", "fr", "it"]
    dig = tree["principles"][0]
    assert (dig["code"], dig["title"], dig["title_lang"]) == ("DIG", "الكرامة", "ar")
    first = dig["commitments"][0]
    assert first["code"] == "LAM-DIG-01" and first["title"].startswith("Provide free legal advice")
    assert first["title_lang"] == "en" and first["indicators"][0]["title_lang"] == "en"
    assert first["indicators"][0]["value_type"] == "count"
    assert (await client.get("/api/v1/charters/nope")).status_code == 404


async def test_demo_loads_once_and_reads_back(client) -> None:
    """The demo holds 3 charters, 8 cities, 38 adoptions, 295 measurements; loading twice adds nothing."""
    first = await load_demo()
    assert first == {
        "charters": 3,
        "cities": 8,
        "signatures": 12,
        "adoptions": 38,
        "targets": 63,
        "measurements": 295,
        "evidence": 49,
        "verified": 6,
        "challenges": 3,
    }
    assert await load_demo() == first
    cities = (await client.get("/api/v1/cities?lang=ar")).json()
    assert cities["total"] == 8
    assert {c["slug"]: c["name"] for c in cities["items"]}["sousse"] == "سوسة"
    adopted = (await client.get("/api/v1/cities/grenoble/commitments")).json()
    assert len(adopted) == 8
    assert all(0 <= c["progress"] <= 1 for c in adopted)
