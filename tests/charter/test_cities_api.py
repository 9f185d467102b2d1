"""Cities and signatures through the API."""

from tests import builders
from tests.builders import bearer


async def test_secretariat_onboards_a_city_with_its_arabic_name(client) -> None:
    """A city is created with names by language; reads pick the asked language."""
    token = await builders.token("secretariat")
    r = await client.post(
        "/api/v1/cities",
        headers=bearer(token),
        json={
            "slug": "sousse",
            "name": {"fr": "Sousse", "ar": "سوسة"},
            "country": "tn",
            "locale": "fr_TN",
            "population": 271428,
            "region": "015",
            "networks": ["mc2cm", "UCLG"],
            "time_zone": "Africa/Tunis",
        },
    )
    assert r.status_code == 201, r.text
    assert r.json() == {
        "slug": "sousse",
        "name": "Sousse",
        "name_i18n": {"fr": "Sousse", "ar": "سوسة"},
        "country": "TN",
        "locale": "fr-TN",
        "population": 271428,
        "region": "015",
        "region_name": "Northern Africa",
        "networks": ["MC2CM", "UCLG"],
        "time_zone": "Africa/Tunis",
        "version": 1,
        "history": "/api/v1/history?entity=city&key=sousse",
    }
    r = await client.get("/api/v1/cities/sousse?lang=ar")
    assert r.json()["name"] == "سوسة" and r.json()["region_name"] == "شمال أفريقيا"
    r = await client.get("/api/v1/cities?country=TN")
    assert [c["slug"] for c in r.json()["items"]] == ["sousse"] and r.json()["total"] == 1


async def test_city_input_is_checked_field_by_field(client) -> None:
    """Unknown country, locale, negative population, bad slug, duplicate: each names its field."""
    token = await builders.token("secretariat")
    base = {"slug": "sfax", "name": "Sfax", "country": "TN", "locale": "ar-TN"}
    cases = [
        ({"country": "XX"}, 422, "country"),
        ({"country": "ZZ"}, 422, "country"),
        ({"country": "EU"}, 422, "country"),
        ({"locale": "zz-ZZZ"}, 422, "locale"),
        ({"population": -5}, 422, "population"),
        ({"slug": "Sfax City"}, 422, "slug"),
        ({"population": "many"}, 400, "population"),
        ({"name": {}}, 422, "name"),
        ({"colour": "red"}, 400, "body"),
        ({"region": "Maghreb"}, 422, "region"),
        ({"region": "TN"}, 422, "region"),
        ({"networks": ["MC 2CM"]}, 422, "networks"),
        ({"networks": "MC2CM"}, 400, "networks"),
        ({"time_zone": "Tunis"}, 422, "time_zone"),
        ({"time_zone": "UTC+1"}, 422, "time_zone"),
        ({"time_zone": "../../etc/passwd"}, 422, "time_zone"),
        ({"time_zone": "Etc/GMT-1"}, 422, "time_zone"),
        ({"time_zone": 1}, 400, "time_zone"),
    ]
    for change, status, field in cases:
        r = await client.post("/api/v1/cities", headers=bearer(token), json={**base, **change})
        assert r.status_code == status, (change, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["errors"][0]["field"] == field, (change, r.json())
    assert (await client.get("/api/v1/cities")).json()["total"] == 0
    assert (await client.post("/api/v1/cities", headers=bearer(token), json=base)).status_code == 201
    r = await client.post("/api/v1/cities", headers=bearer(token), json={**base, "slug": "sfax\u200b"})
    assert r.status_code == 409


async def test_json_body_that_is_not_an_object(client) -> None:
    """An array or a string as body is a 400 naming the body."""
    token = await builders.token("secretariat")
    for body in ([1, 2], "grenoble", 3):
        r = await client.post("/api/v1/cities", headers=bearer(token), json=body)
        assert r.status_code == 400
        assert "Expected `object`" in r.json()["errors"][0]["message"]


async def test_city_editor_edits_only_its_own_city(client) -> None:
    """An editor of Grenoble may rename Grenoble but not Sousse; nor create cities."""
    await builders.city("grenoble")
    await builders.city("sousse", locale="fr-TN", country="TN")
    token = await builders.token("city_editor", "grenoble")
    r = await client.patch(
        "/api/v1/cities/grenoble",
        headers=bearer(token, "*"),
        json={"name": {"fr": "Grenoble", "ar": "غرونوبل"}},
    )
    assert r.status_code == 200, r.text
    assert r.json()["name_i18n"] == {"fr": "Grenoble", "ar": "غرونوبل"}
    r = await client.patch("/api/v1/cities/sousse", headers=bearer(token, "*"), json={"name": "S"})
    assert r.status_code == 403
    r = await client.patch("/api/v1/cities/nowhere", headers=bearer(token, "*"), json={"name": "N"})
    assert r.status_code == 404
    r = await client.post(
        "/api/v1/cities",
        headers=bearer(token),
        json={"slug": "x", "name": "X", "country": "FR", "locale": "fr"},
    )
    assert r.status_code == 403
    assert (await client.get("/api/v1/cities/sousse")).json()["population"] is None


async def test_what_the_network_records_about_a_city_is_the_secretariat_s(client) -> None:
    """A city editor changing the city's country, population, UN region or networks gets 403
    naming each such field, and nothing changes; sending them unchanged, or changing the name and
    locale, is theirs. The secretariat changes every field."""
    await builders.city("grenoble")
    url = "/api/v1/cities/grenoble"
    editor = await builders.token("city_editor", "grenoble")
    changes = {"country": "IT", "population": 158000, "region": "155", "networks": ["ECCAR"]}
    for field, value in changes.items():
        r = await client.patch(
            url, headers=bearer(editor, "*"), json={"name": "Grenoble-Alpes", field: value}
        )
        assert r.status_code == 403, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in r.json()["errors"]] == [field]
    r = await client.patch(url, headers=bearer(editor, "*"), json=changes)
    assert r.status_code == 403
    assert [e["field"] for e in r.json()["errors"]] == ["country", "population", "region", "networks"]
    assert "secretariat" in r.json()["detail"]
    before = (await client.get(url)).json()
    assert before["name"] == "Grenoble" and before["population"] is None and before["version"] == 1
    r = await client.patch(
        url,
        headers=bearer(editor, "*"),
        json={"name": "Grenoble-Alpes", "locale": "fr-CH", "country": "FR", "networks": []},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["locale"], r.json()["country"]) == ("Grenoble-Alpes", "fr-CH", "FR")
    secretariat = await builders.token("secretariat")
    r = await client.patch(url, headers=bearer(secretariat, "*"), json={**changes, "name": "Grenoble"})
    assert r.status_code == 200, r.text
    read = r.json()
    assert [read[k] for k in ("name", "country", "population", "region", "networks")] == [
        "Grenoble",
        "IT",
        158000,
        "155",
        ["ECCAR"],
    ]


async def test_signatures(client) -> None:
    """A city signs a charter once, may withdraw, and the list shows both acts."""
    await builders.charter()
    await builders.city("grenoble")
    token = await builders.token("city_editor", "grenoble")
    body = {"charter": "lampedusa", "signed_on": "2022-12-18", "act": "Délibération 2022-118"}
    r = await client.post("/api/v1/cities/grenoble/signatures", headers=bearer(token), json=body)
    assert r.status_code == 201, r.text
    assert (
        await client.post("/api/v1/cities/grenoble/signatures", headers=bearer(token), json=body)
    ).status_code == 409
    r = await client.post(
        "/api/v1/cities/grenoble/signatures",
        headers=bearer(token),
        json={**body, "signed_on": "2025-01-10", "status": "withdrawn"},
    )
    assert r.status_code == 201
    listed = (await client.get("/api/v1/cities/grenoble/signatures")).json()
    assert [(s["charter"], s["status"]) for s in listed] == [
        ("lampedusa", "signed"),
        ("lampedusa", "withdrawn"),
    ]
    for bad, field in (
        ({"status": "maybe"}, "status"),
        ({"signed_on": "2000-05"}, "signed_on"),
        ({"signed_on": "2999-01-01"}, "signed_on"),
    ):
        r = await client.post(
            "/api/v1/cities/grenoble/signatures", headers=bearer(token), json={**body, **bad}
        )
        assert r.status_code in (400, 422) and r.json()["errors"][0]["field"] == field


async def test_no_token_and_revoked_token_are_401(client) -> None:
    """Writes without a token, or with a revoked one, are refused before anything is read."""
    from accounts.services import revoke_tokens
    from kernel.caller import SYSTEM

    await builders.city("grenoble")
    r = await client.patch("/api/v1/cities/grenoble", json={"population": 1})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    token = await builders.token("city_editor", "grenoble", email="ed@grenoble.fr")
    assert (
        await client.patch("/api/v1/cities/grenoble", headers=bearer(token, "*"), json={"name": "Grenoble"})
    ).status_code == 200
    assert await revoke_tokens(SYSTEM, "ed@grenoble.fr") == 1
    r = await client.patch("/api/v1/cities/grenoble", headers=bearer(token, "*"), json={"name": "G"})
    assert r.status_code == 401
    r = await client.patch(
        "/api/v1/cities/grenoble", headers={"Authorization": "Basic abc"}, json={"population": 3}
    )
    assert r.status_code == 401
