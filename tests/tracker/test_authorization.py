"""Every write route of the OpenAPI schema, tried as each kind of caller.

The table below must name every write route: a new route without an entry fails the first test.
"""

import pytest

from tests import builders
from tests.builders import CHARTER_MD, bearer

SECOND_CHARTER = """---
slug: gca-2011
lang: en
title: Global Charter-Agenda for Human Rights in the City
---

## I: Right to the city

### GCA-RTC-01: Recognise every inhabitant as a citizen of the city
"""

# path template → (sample body, who may write: "secretariat" or "city")
WRITES: dict[tuple[str, str], tuple[object, str]] = {
    ("POST", "/api/v1/charters"): ({"slug": "new-charter", "lang": "en", "title": "New"}, "secretariat"),
    ("PUT", "/api/v1/charters/{slug}/document"): (CHARTER_MD, "secretariat"),
    ("POST", "/api/v1/cities"): ({"slug": "sfax", "name": "Sfax", "country": "TN", "locale": "ar-TN"},
                                 "secretariat"),
    ("PATCH", "/api/v1/cities/{city}"): ({"population": 158000}, "city"),
    ("POST", "/api/v1/cities/{city}/signatures"): ({"charter": "gca-2011", "signed_on": "2021-12-10"},
                                                   "city"),
    ("POST", "/api/v1/cities/{city}/commitments"): (
        {"charter": "lampedusa", "commitment": "LAM-EQU-01", "adopted_on": "2023-01-01"}, "city"),
    ("POST", "/api/v1/cities/{city}/commitments/{charter}/{code}/updates"): (
        {"status": "in_progress", "reported_on": "2024-01-31"}, "city"),
    ("PUT", "/api/v1/cities/{city}/indicators/{charter}/{code}/target"): ({"target": 600, "baseline": 300},
                                                                          "city"),
    ("POST", "/api/v1/cities/{city}/indicators/{charter}/{code}/measurements"): (
        {"period": "2024", "value": 410}, "city"),
    ("POST", "/api/v1/cities/{city}/evidence"): (
        {"title": "Rapport", "kind": "report", "url": "https://grenoble.example/r.pdf"}, "city"),
}


def _fill(template: str) -> str:
    code = "LAM-DIG-01-I1" if "/indicators/" in template else "LAM-DIG-01"
    return (template.replace("{city}", "grenoble").replace("{charter}", "lampedusa")
            .replace("{code}", code).replace("{slug}", "lampedusa"))


async def _send(client, method: str, template: str, token: str | None):
    body, _ = WRITES[(method, template)]
    headers = bearer(token) if token else {}
    if isinstance(body, str):
        return await client.request(method, _fill(template), content=body.encode(),
                                    headers={**headers, "Content-Type": "text/markdown"})
    return await client.request(method, _fill(template), json=body, headers=headers)


async def test_every_write_route_is_in_the_table(client) -> None:
    """The schema's write routes and this table are the same set."""
    schema = (await client.get("/schema/openapi.json")).json()
    routes = {(method.upper(), path) for path, item in schema["paths"].items()
              for method in item if method in {"post", "put", "patch", "delete"}}
    assert routes == set(WRITES)


@pytest.mark.parametrize(("method", "template"), sorted(WRITES), ids=lambda v: str(v))
async def test_write_route_authorization(client, method: str, template: str) -> None:
    """Anonymous: 401. Reviewer: 403. Editor of another city: 403. Right caller: success."""
    await builders.editor_with_adoption()
    await builders.charter(SECOND_CHARTER)
    await builders.city("sousse", locale="fr-TN", country="TN")
    other_editor = await builders.token("city_editor", "sousse", email="ed@sousse.tn")
    reviewer = await builders.token("reviewer", email="watch@ngo.example")
    editor = await builders.token("city_editor", "grenoble", email="ed@grenoble.fr")
    secretariat = await builders.token("secretariat", email="sec@uclg.example")

    assert (await _send(client, method, template, None)).status_code == 401
    assert (await _send(client, method, template, "ct_forged")).status_code == 401
    assert (await _send(client, method, template, reviewer)).status_code == 403
    assert (await _send(client, method, template, other_editor)).status_code == 403
    _, who = WRITES[(method, template)]
    if who == "city":
        r = await _send(client, method, template, editor)
        assert r.status_code in (200, 201), r.text
    else:
        assert (await _send(client, method, template, editor)).status_code == 403
        r = await _send(client, method, template, secretariat)
        assert r.status_code in (200, 201), r.text


async def test_another_city_is_never_changed(client) -> None:
    """After every refused write by Sousse's editor, Grenoble's data is as it was."""
    await builders.editor_with_adoption()
    await builders.charter(SECOND_CHARTER)
    await builders.city("sousse", locale="fr-TN", country="TN")
    other_editor = await builders.token("city_editor", "sousse", email="ed@sousse.tn")
    before = [(await client.get(u)).json() for u in (
        "/api/v1/cities/grenoble", "/api/v1/cities/grenoble/signatures",
        "/api/v1/cities/grenoble/commitments/lampedusa/LAM-DIG-01", "/api/v1/cities/grenoble/evidence")]
    for method, template in WRITES:
        await _send(client, method, template, other_editor)
    after = [(await client.get(u)).json() for u in (
        "/api/v1/cities/grenoble", "/api/v1/cities/grenoble/signatures",
        "/api/v1/cities/grenoble/commitments/lampedusa/LAM-DIG-01", "/api/v1/cities/grenoble/evidence")]
    assert after == before
