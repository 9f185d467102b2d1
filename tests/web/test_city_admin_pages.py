"""The cities in the secretariat's workspace: added and changed with names in several scripts,
country, UN M49 region, networks, population, locale and time zone, through the API's checks;
every refused field said next to it with the typed values kept; a change made meanwhile said,
nothing overwritten; nobody but the secretariat opens or sends the forms."""

from __future__ import annotations

from charter.tables import City
from kernel.tables import AuditEntry
from tests import builders
from tests.builders import bearer
from tests.web.html import check_page, parse
from tests.web.test_challenge_form import csrf_of
from tests.web.test_secretariat_pages import _signed_in

TURIN = {
    "slug": "turin",
    "name_fr": "Turin",
    "name_ar": "تورينو",
    "other_lang": "it",
    "other_name": "Torino",
    "country": "IT",
    "region": "039",
    "networks": "mc2cm, UCLG",
    "population": "848 885",
    "locale": "it-IT",
    "time_zone": "Europe/Rome",
}


async def _post(client, path: str, fields: dict[str, str], lang: str = "fr"):
    page = await client.get(path, params={"lang": lang})
    return await client.post(f"{path}?lang={lang}", data={"_csrf_token": csrf_of(page.text), **fields})


def _value(html: str, field_id: str, by: str = "id") -> str | None:
    """The value of the form's input whose `id` (or `name`) is `field_id`."""
    for name, attrs in parse(html).tags:
        if name == "input" and attrs.get(by) == field_id:
            return attrs.get("value")
    return None


async def test_a_city_is_added_with_names_in_several_scripts(client) -> None:
    await _signed_in(client, "sec@uclg.example", "secretariat")
    form = await client.get("/secretariat/cities/new", params={"lang": "ar"})
    check_page(form, "ar", "rtl")
    r = await _post(client, "/secretariat/cities/new", TURIN)
    assert r.status_code == 303, r.text[:3000]
    assert r.headers["location"] == "/secretariat/cities?saved=turin"
    listed = await client.get(r.headers["location"] + "&lang=fr")
    check_page(listed, "fr", "ltr")
    assert "La ville est enregistrée." in listed.text and "تورينو" in listed.text
    city = (await client.get("/api/v1/cities/turin")).json()
    assert city["name_i18n"] == {"fr": "Turin", "ar": "تورينو", "it": "Torino"}
    assert (city["country"], city["region"], city["networks"]) == ("IT", "039", ["MC2CM", "UCLG"])
    assert (city["population"], city["locale"], city["time_zone"]) == (848885, "it-IT", "Europe/Rome")
    audited = await AuditEntry.select(AuditEntry.action).where(AuditEntry.key == "turin")
    assert audited == [{"action": "create"}]


async def test_every_refused_field_is_said_and_the_values_kept(client) -> None:
    await _signed_in(client, "sec@uclg.example", "secretariat")
    for field, value in (
        ("slug", "Turin City"),
        ("country", "XX"),
        ("population", "beaucoup"),
        ("time-zone", "Mars/Olympus"),
        ("networks", "MC 2CM"),
        ("locale", "zz-ZZZ"),
        ("name-fr", ""),
    ):
        key = {"time-zone": "time_zone", "name-fr": "name_fr"}.get(field, field)
        sent = {**TURIN, key: value}
        if field == "name-fr":
            sent |= {"name_ar": "", "other_lang": "", "other_name": ""}
        r = await _post(client, "/secretariat/cities/new", sent)
        assert r.status_code == 422, (field, r.status_code)
        page = check_page(r, "fr", "ltr")
        assert f'href="#{field}"' in r.text, field
        assert 'aria-invalid="true"' in r.text, field
        if field in ("slug", "population", "networks", "locale"):
            assert _value(r.text, field) == value, field
        assert _value(r.text, "name-ar") == sent["name_ar"], field
        assert page.first("title") is not None
    assert await City.count() == 0
    # The same short name twice: said on its field.
    assert (await _post(client, "/secretariat/cities/new", TURIN)).status_code == 303
    r = await _post(client, "/secretariat/cities/new", TURIN)
    assert r.status_code == 409 and "Une autre ville a ce nom court" in r.text
    assert await City.count() == 1


async def test_a_city_is_changed_from_the_version_read(client) -> None:
    await builders.city("sousse", locale="fr-TN", country="TN", name={"fr": "Sousse"})
    await _signed_in(client, "sec@uclg.example", "secretariat")
    form = await client.get("/secretariat/cities/sousse", params={"lang": "fr"})
    check_page(form, "fr", "ltr")
    assert _value(form.text, "name-fr") == "Sousse"
    fields = {
        "_csrf_token": csrf_of(form.text),
        "version": _value(form.text, "version", by="name") or "",
        "name_fr": "Sousse",
        "name_ar": "سوسة",
        "country": "TN",
        "region": "015",
        "networks": "MC2CM",
        "population": "271 428",
        "locale": "fr-TN",
        "time_zone": "Africa/Tunis",
    }
    # Someone else changes the city meanwhile.
    token = await builders.token("secretariat", email="other@uclg.example")
    r = await client.patch(
        "/api/v1/cities/sousse", headers=bearer(token, '"v1"'), json={"population": 270000}
    )
    assert r.status_code == 200, r.text
    stale = await client.post("/secretariat/cities/sousse?lang=fr", data=fields)
    assert stale.status_code == 409
    assert "Quelqu'un d'autre a modifié cette ville depuis que vous avez ouvert le formulaire." in stale.text
    assert _value(stale.text, "name-ar") == "سوسة" and _value(stale.text, "population") == "271 428"
    assert (await client.get("/api/v1/cities/sousse")).json()["population"] == 270000
    # Sent again from the page that said so: saved over theirs.
    assert _value(stale.text, "version", by="name") == "2"
    again = {**fields, "_csrf_token": csrf_of(stale.text), "version": "2"}
    r = await client.post("/secretariat/cities/sousse?lang=fr", data=again)
    assert r.status_code == 303, r.text[:2000]
    city = (await client.get("/api/v1/cities/sousse")).json()
    assert (city["population"], city["time_zone"], city["name_i18n"]["ar"]) == (
        271428,
        "Africa/Tunis",
        "سوسة",
    )


async def test_nobody_else_opens_or_sends_the_city_forms(client) -> None:
    await builders.city("grenoble")
    anonymous = await client.get("/secretariat/cities/new")
    assert anonymous.status_code in (302, 303) and "/sign-in" in anonymous.headers["location"]
    for email, role, city in (
        ("agent@grenoble.example", "city_editor", "grenoble"),
        ("benevole@ong.example", "reviewer", None),
    ):
        await _signed_in(client, email, role, city)
        for path in ("/secretariat/cities", "/secretariat/cities/new", "/secretariat/cities/grenoble"):
            assert (await client.get(path)).status_code == 403, (role, path)
        token = csrf_of((await client.get("/")).text)
        for path in ("/secretariat/cities/new", "/secretariat/cities/grenoble"):
            r = await client.post(path, data={"_csrf_token": token, **TURIN, "version": "1"})
            assert r.status_code == 403, (role, path, r.status_code)
    assert await City.count() == 1
    assert (await client.get("/api/v1/cities/grenoble")).json()["version"] == 1
