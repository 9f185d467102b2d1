"""The city's to-do page: the first page an officer sees after signing in, each thing to do with
its link; only for the city's editors and the secretariat, in the visitor's language."""

from __future__ import annotations

from accounts.invitations import accept_invitation, invite
from indicators.challenges import open_challenge
from indicators.measurements import add_measurement
from indicators.schemas import ChallengeCreate, MeasurementCreate
from kernel.caller import SYSTEM
from tests import builders
from tests.web.html import check_page, parse
from tests.web.test_challenge_form import PASSWORD, csrf_of


async def _session(email: str, role: str, city: str | None = None, organisation: str | None = None) -> str:
    secret = await invite(SYSTEM, email, role, city, organisation=organisation)
    return await accept_invitation(secret, PASSWORD, "192.0.2.9")


def _links(html: str) -> list[str]:
    return [a.get("href") or "" for n, a in parse(html).tags if n == "a"]


async def test_an_officer_lands_on_the_to_do_and_each_line_links_to_its_place(client) -> None:
    await builders.editor_with_adoption()
    await builders.city("sousse", locale="fr-TN", country="TN")
    value = await add_measurement(
        SYSTEM, "grenoble", "lampedusa", "LAM-DIG-01-I1", MeasurementCreate(period="2025", value="410")
    )
    reviewer = await builders.token("reviewer", email="watch@ngo.example", organisation="Cimade 38")
    from accounts.services import caller_for_token

    challenge = await open_challenge(
        await caller_for_token(reviewer), value.claim_id, ChallengeCreate(reason_md="<script>x</script>")
    )
    await invite(SYSTEM, "ed@grenoble.fr", "city_editor", "grenoble")
    form = await client.get("/sign-in")
    await _session("ed@grenoble.fr", "city_editor", "grenoble")
    r = await client.post(
        "/sign-in", data={"email": "ed@grenoble.fr", "password": PASSWORD, "_csrf_token": csrf_of(form.text)}
    )
    assert r.status_code == 303 and r.headers["location"] == "/workspace/grenoble"

    for lang, direction in (("fr", "ltr"), ("ar", "rtl")):
        page = await client.get("/workspace/grenoble", params={"lang": lang})
        assert page.status_code == 200
        shown = check_page(page, lang, direction)
        links = _links(page.text)
        assert f"/challenges/{challenge.id}#next-round" in links
        assert "/cities/grenoble/commitments/lampedusa/LAM-DIG-01#indicator-LAM-DIG-01-I2" in links
        assert "/workspace/grenoble" in links  # the header's link
        assert "<script>x" not in page.text
    assert "30" in shown.text  # days left to answer
    assert "Valeurs attendues" in (await client.get("/workspace/grenoble", params={"lang": "fr"})).text


async def test_no_workspace_for_others(client) -> None:
    await builders.editor_with_adoption()
    await builders.city("sousse", locale="fr-TN", country="TN")
    r = await client.get("/workspace/grenoble")
    assert r.status_code == 303 and r.headers["location"] == "/sign-in?next=/workspace/grenoble"
    for email, role, city in (("ed@sousse.tn", "city_editor", "sousse"), ("w@ngo.example", "reviewer", None)):
        client.cookies.clear()
        client.cookies.set("session", await _session(email, role, city))
        r = await client.get("/workspace/grenoble", params={"lang": "fr"})
        assert r.status_code == 403 and "secrétariat" in r.text
    assert (await client.get("/workspace/nowhere")).status_code == 404
    client.cookies.clear()
    client.cookies.set("session", await _session("sec@uclg.example", "secretariat"))
    assert (await client.get("/workspace/grenoble")).status_code == 200
