"""Every write route of the OpenAPI schema, tried as each kind of caller.

The table below must name every write route: a new route without an entry fails the first test.
"""

import pytest

from accounts.services import add_user, issue_token
from charter.schemas import CityUpdate
from charter.services import update_city
from kernel.caller import SYSTEM
from kernel.versions import ANY_VERSION
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

IMPORT_CSV = (
    b"city,charter,indicator,indicator_title,unit,period,value,note\n"
    b"grenoble,lampedusa,LAM-DIG-01-I1,,,2021,300,\n"
)

# path template → (sample body, who may write): "secretariat", "city" (the city's editors; the
# secretariat too), "reviewer" (civil society), "filer" (the city's editors or a reviewer).
WRITES: dict[tuple[str, str], tuple[object, str]] = {
    ("POST", "/api/v1/charters"): ({"slug": "new-charter", "lang": "en", "title": "New"}, "secretariat"),
    ("PUT", "/api/v1/charters/{charter}/document"): (CHARTER_MD, "secretariat"),
    ("POST", "/api/v1/cities"): (
        {"slug": "sfax", "name": "Sfax", "country": "TN", "locale": "ar-TN"},
        "secretariat",
    ),
    ("PATCH", "/api/v1/cities/{city}"): ({"name": "Grenoble-Alpes"}, "city"),
    ("POST", "/api/v1/cities/{city}/signatures"): (
        {"charter": "gca-2011", "signed_on": "2021-12-10"},
        "city",
    ),
    ("POST", "/api/v1/cities/{city}/commitments"): (
        {"charter": "lampedusa", "commitment": "LAM-EQU-01", "adopted_on": "2023-01-01"},
        "city",
    ),
    ("PATCH", "/api/v1/cities/{city}/commitments/{charter}/{code}"): ({"owner": "Solidarités"}, "city"),
    ("POST", "/api/v1/cities/{city}/commitments/{charter}/{code}/updates"): (
        {"status": "in_progress", "reported_on": "2024-01-31"},
        "city",
    ),
    ("PUT", "/api/v1/cities/{city}/indicators/{charter}/{code}/target"): (
        {"target": 600, "baseline": 300},
        "city",
    ),
    ("POST", "/api/v1/cities/{city}/indicators/{charter}/{code}/measurements"): (
        {"period": "2024", "value": 410},
        "city",
    ),
    ("POST", "/api/v1/cities/{city}/evidence"): (
        {"title": "Rapport", "kind": "report", "url": "https://grenoble.example/r.pdf"},
        "filer",
    ),
    ("PATCH", "/api/v1/claims/{claim_id}"): ({"value": 420}, "city"),
    ("POST", "/api/v1/claims/{claim_id}/publish"): (None, "city"),
    ("POST", "/api/v1/claims/{claim_id}/verification"): ({"note_md": "Checked."}, "secretariat"),
    ("POST", "/api/v1/claims/{claim_id}/challenges"): ({"reason_md": "Our count is lower."}, "reviewer"),
    ("POST", "/api/v1/evidence/{evidence_id}/review"): ({"review": "accepted"}, "secretariat"),
    ("POST", "/api/v1/evidence/{evidence_id}/withdrawal"): (None, "city"),
    ("POST", "/api/v1/challenges/{challenge_id}/replies"): ({"body_md": "We stand by it."}, "city"),
    ("POST", "/api/v1/challenges/{challenge_id}/ruling"): ({"outcome": "dismissed"}, "secretariat"),
    ("POST", "/api/v1/cities/{city}/imports"): (IMPORT_CSV, "city"),
    ("POST", "/api/v1/imports/{import_id}/commit"): (None, "city"),
}
DRAFT_ROUTES = {"/api/v1/claims/{claim_id}", "/api/v1/claims/{claim_id}/publish"}


async def _objects(client, editor: str, reviewer: str) -> dict[str, str]:
    """Grenoble's evidence, a draft value, a published value citing the evidence, a challenge."""
    base = "/api/v1/cities/grenoble"
    evidence = (
        await client.post(
            f"{base}/evidence",
            headers=bearer(editor),
            json={"title": "Rapport 2023", "kind": "report", "url": "https://grenoble.example/ra.pdf"},
        )
    ).json()["id"]
    spare = (
        await client.post(
            f"{base}/evidence",
            headers=bearer(editor),
            json={"title": "Filed by mistake", "kind": "other", "url": "https://grenoble.example/x.pdf"},
        )
    ).json()["id"]
    values = f"{base}/indicators/lampedusa/LAM-DIG-01-I1/measurements"
    draft = (
        await client.post(
            values, headers=bearer(editor), json={"period": "2023", "value": 400, "draft": True}
        )
    ).json()["claim_id"]
    published = (
        await client.post(
            values, headers=bearer(editor), json={"period": "2022", "value": 380, "evidence": [evidence]}
        )
    ).json()["claim_id"]
    challenge = (
        await client.post(
            f"/api/v1/claims/{published}/challenges",
            headers=bearer(reviewer),
            json={"reason_md": "Too high."},
        )
    ).json()["id"]
    preview = (
        await client.post(
            f"{base}/imports?charter=lampedusa",
            headers=bearer(editor),
            content=IMPORT_CSV.replace(b"2021", b"2020"),
        )
    ).json()["id"]
    return {
        "evidence_id": str(evidence),
        "spare_evidence_id": str(spare),
        "draft": draft,
        "published": published,
        "challenge_id": str(challenge),
        "import_id": str(preview),
    }


async def _other_network_secretariat() -> str:
    """Grenoble in MC2CM; a secretariat limited to UCLG, which manages none of its data."""
    await update_city(SYSTEM, "grenoble", CityUpdate(networks=["MC2CM"]), ANY_VERSION)
    await add_user(SYSTEM, "sec@uclg-only.example", "secretariat", network="UCLG")
    return await issue_token(SYSTEM, "sec@uclg-only.example")


def _fill(template: str, objects: dict[str, str] | None = None) -> str:
    objects = objects or {}
    code = "LAM-DIG-01-I1" if "/indicators/" in template else "LAM-DIG-01"
    claim = objects.get("draft" if template in DRAFT_ROUTES else "published", "measurement-1")
    path = (
        template.replace("{city}", "grenoble")
        .replace("{charter}", "lampedusa")
        .replace("{code}", code)
        .replace("{claim_id}", claim)
    )
    if template.endswith("/withdrawal"):  # only what nothing cites is withdrawn
        path = path.replace("{evidence_id}", objects.get("spare_evidence_id", "1"))
    for key in ("evidence_id", "challenge_id", "import_id"):
        path = path.replace("{" + key + "}", objects.get(key, "1"))
    return path


async def _send(client, method: str, template: str, token: str | None, objects: dict[str, str] | None = None):
    body, _ = WRITES[(method, template)]
    # If-Match "*" on every write: this test is about who may write, not about versions.
    headers = {**bearer(token), "If-Match": "*"} if token else {"If-Match": "*"}
    if isinstance(body, str):
        return await client.request(
            method,
            _fill(template, objects),
            content=body.encode(),
            headers={**headers, "Content-Type": "text/markdown"},
        )
    if isinstance(body, bytes):
        return await client.request(
            method,
            _fill(template, objects) + "?charter=lampedusa",
            content=body,
            headers={**headers, "Content-Type": "text/csv"},
        )
    if body is None:
        return await client.request(method, _fill(template, objects), headers=headers)
    return await client.request(method, _fill(template, objects), json=body, headers=headers)


async def test_every_write_route_is_in_the_table(client) -> None:
    """The schema's write routes and this table are the same set."""
    schema = (await client.get("/schema/openapi.json")).json()
    routes = {
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"post", "put", "patch", "delete"}
    }
    assert routes == set(WRITES)


@pytest.mark.parametrize(("method", "template"), sorted(WRITES), ids=lambda v: str(v))
async def test_write_route_authorization(client, method: str, template: str) -> None:
    """Anonymous and forged tokens: 401. Everyone but the right caller: 403 (404 where the target
    is a draft they cannot see). The right caller: success."""
    await builders.editor_with_adoption()
    await builders.charter(SECOND_CHARTER)
    await builders.city("sousse", locale="fr-TN", country="TN")
    other_editor = await builders.token("city_editor", "sousse", email="ed@sousse.tn")
    reviewer = await builders.token("reviewer", email="watch@ngo.example")
    editor = await builders.token("city_editor", "grenoble", email="ed@grenoble.fr")
    secretariat = await builders.token("secretariat", email="sec@uclg.example")
    other_network = await _other_network_secretariat()
    objects = await _objects(client, editor, reviewer)

    async def send(token: str | None):
        return await _send(client, method, template, token, objects)

    assert (await send(None)).status_code == 401
    assert (await send("ct_forged")).status_code == 401
    _, who = WRITES[(method, template)]
    # Drafts and previews are invisible to those who may not touch them: 404 as much as 403.
    # as is evidence nothing published cites, the only evidence that may be withdrawn.
    hidden = DRAFT_ROUTES | {
        "/api/v1/imports/{import_id}/commit",
        "/api/v1/evidence/{evidence_id}/withdrawal",
    }
    refused = (403, 404) if template in hidden else (403,)
    # A challenge's rounds are the city's and the challenger's (who opened it: 409 until the city
    # has answered, see tests/indicators/test_trust_api.py); another reviewer is refused.
    stranger = await builders.token("reviewer", email="stranger@ngo.example")
    if template.endswith("/replies"):
        assert (await send(reviewer)).status_code == 409
    wrong = {
        "secretariat": [reviewer, other_editor, editor],
        "city": [stranger if template.endswith("/replies") else reviewer, other_editor]
        + ([secretariat] if "challenge_id" in template else []),
        "reviewer": [other_editor, editor, secretariat],
        "filer": [other_editor],
    }[who]
    # The secretariat of another network than Grenoble's is refused whatever the route.
    wrong.append(other_network)
    for token in wrong:
        r = await send(token)
        assert r.status_code in refused, (token, r.text)
    right = {"secretariat": secretariat, "city": editor, "reviewer": reviewer, "filer": editor}[who]
    r = await send(right)
    assert r.status_code in (200, 201), r.text
    if who == "filer":
        r = await send(reviewer)
        assert r.status_code == 201 and r.json()["origin"] == "reviewer"


async def test_another_city_is_never_changed(client) -> None:
    """After every refused write by Sousse's editor, or by a secretariat of another network,
    Grenoble's data is as it was."""
    await builders.editor_with_adoption()
    await builders.charter(SECOND_CHARTER)
    await builders.city("sousse", locale="fr-TN", country="TN")
    other_editor = await builders.token("city_editor", "sousse", email="ed@sousse.tn")
    editor = await builders.token("city_editor", "grenoble", email="ed@grenoble.fr")
    reviewer = await builders.token("reviewer", email="watch@ngo.example")
    other_network = await _other_network_secretariat()
    objects = await _objects(client, editor, reviewer)
    reads = (
        "/api/v1/cities/grenoble",
        "/api/v1/cities/grenoble/signatures",
        "/api/v1/cities/grenoble/commitments/lampedusa/LAM-DIG-01",
        "/api/v1/cities/grenoble/evidence",
        f"/api/v1/claims/{objects['published']}",
        f"/api/v1/challenges/{objects['challenge_id']}",
    )
    before = [(await client.get(u, headers=bearer(editor))).json() for u in reads]
    for method, template in WRITES:
        await _send(client, method, template, other_editor, objects)
        await _send(client, method, template, other_network, objects)
    after = [(await client.get(u, headers=bearer(editor))).json() for u in reads]
    assert after == before
