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
        assert "/workspace/grenoble/indicators/lampedusa/LAM-DIG-01-I2/target" in links
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


async def test_drafts_are_published_from_the_to_do_one_or_all_never_stale(client) -> None:
    from indicators.drafts import edit_draft
    from indicators.schemas import ClaimEdit
    from indicators.tables import Measurement
    from kernel.versions import ANY_VERSION

    await builders.editor_with_adoption()
    drafts = [
        await add_measurement(
            SYSTEM, "grenoble", "lampedusa", code, MeasurementCreate(period="2025", value="12", draft=True)
        )
        for code in ("LAM-DIG-01-I1", "LAM-DIG-01-I2")
    ]
    client.cookies.set("session", await _session("ed@grenoble.fr", "city_editor", "grenoble"))
    page = await client.get("/workspace/grenoble", params={"lang": "fr"})
    ticks = [a.get("value") for n, a in parse(page.text).tags if n == "input" and a.get("type") == "checkbox"]
    assert ticks == [f"{d.claim_id}@1" for d in drafts]
    token = csrf_of(page.text)
    none = await client.post("/workspace/grenoble/drafts/publish", data={"_csrf_token": token})
    assert none.status_code == 422
    # Another officer changes the first draft after the page was shown: nothing is published.
    await edit_draft(SYSTEM, drafts[0].claim_id, ClaimEdit(value="13"), ANY_VERSION)
    stale = await client.post(
        "/workspace/grenoble/drafts/publish", data={"_csrf_token": token, "draft": [ticks[0], ticks[1]]}
    )
    assert stale.status_code == 409 and "rien n’a été publié" in parse(stale.text).text.replace("'", "’")
    assert await Measurement.count().where(Measurement.draft.eq(False)) == 0
    page = await client.get("/workspace/grenoble")
    ticks = [a.get("value") for n, a in parse(page.text).tags if n == "input" and a.get("type") == "checkbox"]
    one = await client.post(
        "/workspace/grenoble/drafts/publish", data={"_csrf_token": token, "draft": ticks[0]}
    )
    assert one.status_code == 303 and one.headers["location"] == "/workspace/grenoble?published=1"
    rest = await client.get("/workspace/grenoble")
    hidden = [a.get("value") for n, a in parse(rest.text).tags if n == "input" and a.get("name") == "draft"]
    assert hidden == [ticks[1]]
    r = await client.post("/workspace/grenoble/drafts/publish", data={"_csrf_token": token, "draft": hidden})
    assert r.status_code == 303 and await Measurement.count().where(Measurement.draft.eq(True)) == 0
    # A claim of another city named in the form publishes nothing.
    await builders.city("sousse", locale="fr-TN", country="TN")
    r = await client.post(
        "/workspace/grenoble/drafts/publish", data={"_csrf_token": token, "draft": "measurement-999@1"}
    )
    assert r.status_code == 409
