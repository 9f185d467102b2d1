"""The public challenge pages on the demo data: the list and its filters (a bad filter is a 400
page), one challenge with its rounds, unknown ids 404, Arabic right to left."""

from __future__ import annotations

from tests.web.html import check_page
from tracker.demo import load_demo


async def test_the_list_shows_challenges_and_filters_by_status_and_city(client) -> None:
    await load_demo()
    r = await client.get("/challenges", params={"lang": "fr"})
    assert r.status_code == 200, r.text[:500]
    check_page(r, "fr", "ltr")
    api = (await client.get("/api/v1/challenges")).json()
    for item in api["items"]:
        assert f'href="/challenges/{item["id"]}"' in r.text
    for status in ("open", "answered", "overdue", "ruled"):
        r = await client.get("/challenges", params={"status": status, "lang": "fr"})
        assert r.status_code == 200, (status, r.text[:500])
    if api["items"]:
        city = api["items"][0]["city"]
        r = await client.get("/challenges", params={"city": city})
        assert r.status_code == 200


async def test_a_bad_filter_is_a_400_page_naming_it(client) -> None:
    await load_demo()
    r = await client.get("/challenges", params={"status": "<script>x</script>"})
    assert r.status_code == 400
    assert 'href="#status"' in r.text
    assert "<script>x</script>" not in r.text
    r = await client.get("/challenges", params={"city": "nowhere"})
    assert r.status_code == 400
    assert 'href="#city"' in r.text


async def test_one_challenge_with_its_rounds_in_arabic(client) -> None:
    await load_demo()
    api = (await client.get("/api/v1/challenges")).json()
    for item in api["items"][:5]:
        r = await client.get(f"/challenges/{item['id']}", params={"lang": "ar"})
        assert r.status_code == 200, r.text[:500]
        check_page(r, "ar", "rtl")
        for e in item["evidence"]:
            assert f'href="/evidence/{e}"' in r.text
    assert (await client.get("/challenges/999999")).status_code == 404


async def test_a_challenge_names_its_city_links_its_claim_and_titles_its_evidence(client) -> None:
    """The city under its name in the page's language, the claim linked to its commitment's page,
    counter-evidence under its title, and a challenge not answered yet says so."""
    await load_demo()
    items = (await client.get("/api/v1/challenges")).json()["items"]
    item = next(
        c for c in items if c["claim_id"].startswith("measurement-") and not c["replies"] and c["evidence"]
    )
    r = await client.get(f"/challenges/{item['id']}", params={"lang": "fr"})
    assert r.status_code == 200
    evidence = (await client.get(f"/api/v1/evidence/{item['evidence'][0]}")).json()
    assert evidence["title"] in r.text
    assert f"/cities/{item['city']}/commitments/" in r.text and "#indicator-" in r.text
    assert "La ville n’a pas encore répondu." in r.text
    city = (await client.get(f"/api/v1/cities/{item['city']}", params={"lang": "ar"})).json()
    r = await client.get(f"/challenges/{item['id']}", params={"lang": "ar"})
    assert city["name"] in r.text
    listing = await client.get("/challenges", params={"lang": "ar"})
    assert city["name"] in listing.text and f'<option value="{item["city"]}"' in listing.text
