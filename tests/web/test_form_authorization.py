"""Every form of the web application, sent by each kind of person who may not send it: anonymous
(sent to sign in), a civil-society reviewer, another city's editor, the city's own editor where
the form is the secretariat's, and the secretariat of another network than the city's. Each is
refused and nothing is written (the audit log, where every write leaves a line, does not grow).

The table below must name every form: a new one without an entry fails the first test."""

from __future__ import annotations

import pytest

from accounts.invitations import accept_invitation, invite
from accounts.tables import Membership
from charter.schemas import CityUpdate
from charter.services import update_city
from kernel.caller import SYSTEM
from kernel.tables import AuditEntry
from kernel.versions import ANY_VERSION
from tests import builders
from tests.builders import CHARTER_MD
from tests.tracker.test_authorization import SECOND_CHARTER, _objects
from tests.web.test_challenge_form import PASSWORD, csrf_of

FORMS: dict[str, str] = {
    "/claims/{claim_id:str}/challenge": "reviewer",
    "/preview": "anyone",
    "/challenges/{challenge_id:int}/replies": "city",
    "/workspace/{city:str}/drafts/publish": "city",
    "/workspace/{city:str}/indicators/{charter:str}/{code:str}/values/new": "city",
    "/workspace/{city:str}/commitments/{charter:str}/{code:str}/status/new": "city",
    "/workspace/{city:str}/charters/{charter:str}/adopt": "city",
    "/workspace/{city:str}/charters/{charter:str}/sign": "city",
    "/workspace/{city:str}/commitments/{charter:str}/{code:str}/withdraw": "city",
    "/workspace/{city:str}/evidence/{evidence_id:int}/withdraw": "city",
    "/workspace/{city:str}/spreadsheet/{import_id:int}/commit": "city",
    "/workspace/{city:str}/spreadsheet": "city",
    "/workspace/{city:str}/indicators/{charter:str}/{code:str}/target": "city",
    "/secretariat/evidence/{evidence_id:int}": "secretariat",
    "/secretariat/claims/{claim:str}": "secretariat",
    "/secretariat/challenges/{challenge_id:int}/ruling": "secretariat",
    "/secretariat/charters/apply": "global",
    "/secretariat/charters": "global",
    "/secretariat/cities/{city:str}": "secretariat",
    "/secretariat/cities/new": "any-secretariat",
    "/secretariat/people/new": "any-secretariat",
    "/secretariat/people/{user_id:int}/invitation": "secretariat",
    "/secretariat/people/{user_id:int}/roles": "secretariat",
    "/secretariat/people/{user_id:int}/roles/{membership_id:int}/delete": "secretariat",
    "/secretariat/people/{user_id:int}/access": "secretariat",
    "/secretariat/people/{user_id:int}/suspension": "secretariat",
    "/account/tokens": "signed-in",
    "/account/tokens/{token_id:int}/revoke": "signed-in",
    "/sign-in": "anyone",
    "/sign-out": "anyone",
    "/account/sign-out-everywhere": "signed-in",
    "/invitations/{secret:str}": "anyone",
}
"""Each form's address, and who may send it: anyone; a person signed in (about their own
account); a civil-society reviewer; the city's editors (and the secretariat that oversees the
city); the secretariat that oversees the city; any secretariat (a new city, in its networks);
the secretariat of every network."""

BODY = {
    "text": "Nous maintenons ce chiffre.",
    "value": "12",
    "period": "2023",
    "status": "achieved",
    "reported_on": "2024-01-31",
    "signed_on": "2023-01-01",
    "adopted_on": "2023-01-01",
    "adopt": "LAM-EQU-01",
    "reason": "Erreur.",
    "review": "accepted",
    "note": "Vérifié.",
    "outcome": "dismissed",
    "reasons": "Non fondée.",
    "document": CHARTER_MD,
    "version": "1",
    "name_fr": "Grenoble-Alpes",
    "country": "FR",
    "locale": "fr-FR",
    "target": "600",
    "draft": "1",
    "action": "send",
    "email": "someone@example.org",
    "role": "city_editor",
    "city": "grenoble",
}
"""A form body plausible for every form (each reads the fields it knows)."""


async def _sign_in(client, email: str, role: str, city: str | None = None, network: str | None = None) -> str:
    """Sign in as a new person with that role; returns a form token of their session."""
    organisation = "Observatoire" if role == "reviewer" else None
    secret = await invite(SYSTEM, email, role, city, organisation=organisation, network=network)
    await accept_invitation(secret, PASSWORD, "192.0.2.9")
    client.cookies.clear()
    page = await client.get("/sign-in")
    r = await client.post(
        "/sign-in", data={"_csrf_token": csrf_of(page.text), "email": email, "password": PASSWORD}
    )
    assert r.status_code == 303, r.text[:300]
    return csrf_of((await client.get("/")).text)


def _fill(template: str, objects: dict[str, str]) -> str:
    code = "LAM-DIG-01-I1" if "/indicators/" in template else "LAM-DIG-01"
    path = (
        template.replace("{city:str}", "grenoble")
        .replace("{charter:str}", "lampedusa")
        .replace("{code:str}", code)
        .replace("{claim_id:str}", objects["published"])
        .replace("{claim:str}", objects["published"])
        .replace("{challenge_id:int}", objects["challenge_id"])
        .replace("{import_id:int}", objects["import_id"])
        .replace("{token_id:int}", "1")
        .replace("{user_id:int}", objects["user_id"])
        .replace("{membership_id:int}", objects["membership_id"])
        .replace("{secret:str}", "x")
    )
    if template.endswith("/withdraw") and "{evidence_id" in template:
        return path.replace("{evidence_id:int}", objects["spare_evidence_id"])
    return path.replace("{evidence_id:int}", objects["evidence_id"])


async def test_every_form_is_in_the_table(client) -> None:
    """The application's forms (every page route that takes a POST) and this table are the same."""
    from litestar.routes import HTTPRoute

    app = client._transport.app  # the application under test, as the client drives it
    forms = {
        route.path
        for route in app.routes
        if isinstance(route, HTTPRoute)
        and "POST" in route.methods
        and not route.path.startswith(("/api", "/schema"))
    }
    assert forms == set(FORMS)


@pytest.fixture
async def grenoble(client) -> dict[str, str]:
    """Grenoble (network UCLG) with evidence, a draft, a published value, a challenge and an
    import preview; Sousse, another city."""
    editor = await builders.editor_with_adoption()
    await builders.charter(SECOND_CHARTER)
    await builders.city("sousse", locale="fr-TN", country="TN")
    await update_city(SYSTEM, "grenoble", CityUpdate(networks=["UCLG"]), ANY_VERSION)
    reviewer = await builders.token("reviewer", email="watch@ngo.example")
    objects = await _objects(client, editor, reviewer)
    # Grenoble's editor, as a person the secretariat manages, and their role.
    held = (
        await Membership.select(Membership.id, Membership.user)
        .where(Membership.role == "city_editor")
        .first()
    )
    return objects | {"user_id": str(held["user"]), "membership_id": str(held["id"])}


WRONG: dict[str, tuple[str, ...]] = {
    "reviewer": ("anonymous", "city_editor@sousse", "city_editor@grenoble", "secretariat@MC2CM"),
    "city": ("anonymous", "reviewer", "city_editor@sousse", "secretariat@MC2CM"),
    "secretariat": (
        "anonymous",
        "reviewer",
        "city_editor@sousse",
        "city_editor@grenoble",
        "secretariat@MC2CM",
    ),
    "global": ("anonymous", "reviewer", "city_editor@grenoble", "secretariat@MC2CM"),
    "any-secretariat": ("anonymous", "reviewer", "city_editor@sousse", "city_editor@grenoble"),
    "signed-in": ("anonymous",),
}
"""Who is refused each kind of form: `role@city` an editor of that city, `secretariat@NETWORK` a
secretariat limited to that network (Grenoble is in UCLG only)."""


@pytest.mark.parametrize("person", sorted({p for people in WRONG.values() for p in people}))
async def test_nobody_sends_a_form_that_is_not_theirs(client, grenoble: dict[str, str], person: str) -> None:
    if person == "anonymous":
        client.cookies.clear()
        token = csrf_of((await client.get("/sign-in")).text)
    else:
        role, _, where = person.partition("@")
        token = await _sign_in(
            client,
            f"{role}.{where or 'x'}@example.org".lower(),
            role,
            city=where if role == "city_editor" else None,
            network=where if role == "secretariat" else None,
        )
    before = await AuditEntry.count()
    tried = 0
    for template, who in FORMS.items():
        if person not in WRONG.get(who, ()):
            continue
        r = await client.post(_fill(template, grenoble), data={"_csrf_token": token, **BODY})
        tried += 1
        if person == "anonymous":
            assert r.status_code in (303, 401, 403), (template, r.status_code)
            if r.status_code == 303 and who != "signed-in":
                # Sent to sign in first (the account's own forms have nothing to act on: home).
                assert r.headers["location"].startswith("/sign-in"), (template, r.headers["location"])
        else:
            assert r.status_code in (403, 404), (person, template, r.status_code)
    assert tried >= 5
    assert await AuditEntry.count() == before, person
