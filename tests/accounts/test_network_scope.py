"""A secretariat limited to one network (MC2CM's) manages, reviews, verifies and rules only in
the cities of that network; charters, and the roles beyond its networks, are the secretariat of
every network's. Checked through the API, the services and the pages, each refusal leaving
everything as it was."""

from __future__ import annotations

from accounts.invitations import accept_invitation, invite
from accounts.services import add_user, caller_for_token, issue_token
from charter.schemas import CityUpdate
from charter.services import update_city
from indicators.review_queue import QueueFilters, review_queue
from kernel.caller import SYSTEM
from kernel.errors import DomainError
from kernel.versions import ANY_VERSION
from tests import builders
from tests.builders import CHARTER_MD, bearer
from tests.web.test_challenge_form import PASSWORD, csrf_of

GRENOBLE = "/api/v1/cities/grenoble"
SOUSSE = "/api/v1/cities/sousse"


async def _two_networks(client) -> dict[str, str | int]:
    """Grenoble in MC2CM, Sousse in UCLG only, a piece of evidence and a published value in each;
    MC2CM's secretariat, and the secretariat of every network."""
    grenoble = await builders.editor_with_adoption()
    sousse = await builders.editor_with_adoption("sousse", "fr-TN")
    for slug, networks in (("grenoble", ["MC2CM"]), ("sousse", ["UCLG"])):
        await update_city(SYSTEM, slug, CityUpdate(networks=networks), ANY_VERSION)
    out: dict[str, str | int] = {"grenoble": grenoble, "sousse": sousse}
    for slug, token in (("grenoble", grenoble), ("sousse", sousse)):
        r = await client.post(
            f"/api/v1/cities/{slug}/evidence",
            headers=bearer(token),
            json={"title": "Rapport", "kind": "report", "url": f"https://{slug}.example/r.pdf"},
        )
        assert r.status_code == 201, r.text
        out[f"{slug}_evidence"] = r.json()["id"]
        r = await client.post(
            f"/api/v1/cities/{slug}/indicators/lampedusa/LAM-DIG-01-I1/measurements",
            headers=bearer(token),
            json={"period": "2023", "value": 12, "evidence": [r.json()["id"]]},
        )
        assert r.status_code == 201, r.text
        out[f"{slug}_claim"] = r.json()["claim_id"]
    account = await add_user(SYSTEM, "sec@mc2cm.example", "secretariat", network="mc2cm")
    assert [(m.role, m.network) for m in account.memberships] == [("secretariat", "MC2CM")]
    out["mc2cm"] = await issue_token(SYSTEM, "sec@mc2cm.example")
    out["global"] = await builders.token("secretariat", email="sec@uclg.example")
    return out


async def test_reviews_verifications_and_rulings_stay_in_the_network(client) -> None:
    s = await _two_networks(client)
    mc2cm = str(s["mc2cm"])
    for slug in ("grenoble", "sousse"):
        r = await client.post(
            f"/api/v1/evidence/{s[f'{slug}_evidence']}/review",
            headers=bearer(mc2cm, '"v1"'),
            json={"review": "accepted"},
        )
        assert r.status_code == (200 if slug == "grenoble" else 403), (slug, r.text)
    sousse_piece = (await client.get(f"/api/v1/evidence/{s['sousse_evidence']}")).json()
    assert sousse_piece["review"] == "unreviewed"
    r = await client.post(
        f"/api/v1/claims/{s['grenoble_claim']}/verification", headers=bearer(mc2cm, '"v1"'), json={}
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        f"/api/v1/claims/{s['sousse_claim']}/verification", headers=bearer(mc2cm, '"v1"'), json={}
    )
    assert r.status_code == 403 and "MC2CM" in r.json()["detail"]
    reviewer = await builders.token("reviewer", email="watch@ngo.example")
    r = await client.post(
        f"/api/v1/claims/{s['sousse_claim']}/challenges",
        headers=bearer(reviewer),
        json={"reason_md": "Doubtful."},
    )
    assert r.status_code == 201, r.text
    challenge = r.json()["id"]
    r = await client.post(
        f"/api/v1/challenges/{challenge}/ruling",
        headers=bearer(mc2cm, '"v1"'),
        json={"outcome": "dismissed", "note_md": "No."},
    )
    assert r.status_code == 403
    assert (await client.get(f"/api/v1/challenges/{challenge}")).json()["status"] == "open"
    # The secretariat of every network rules there.
    r = await client.post(
        f"/api/v1/challenges/{challenge}/ruling",
        headers=bearer(str(s["global"]), '"v1"'),
        json={"outcome": "dismissed", "note_md": "No."},
    )
    assert r.status_code == 200, r.text


async def test_cities_and_charters_stay_in_the_network(client) -> None:
    s = await _two_networks(client)
    mc2cm = str(s["mc2cm"])
    r = await client.patch(SOUSSE, headers=bearer(mc2cm, '"v1"'), json={"population": 1})
    assert r.status_code == 403
    version = (await client.get(GRENOBLE)).json()["version"]
    r = await client.patch(GRENOBLE, headers=bearer(mc2cm, f'"v{version}"'), json={"networks": ["ANVITA"]})
    assert r.status_code == 403 and r.json()["errors"][0]["field"] == "networks"
    r = await client.patch(GRENOBLE, headers=bearer(mc2cm, f'"v{version}"'), json={"population": 158000})
    assert r.status_code == 200, r.text
    city = {"slug": "tunis", "name": "Tunis", "country": "TN", "locale": "ar-TN"}
    r = await client.post("/api/v1/cities", headers=bearer(mc2cm), json={**city, "networks": ["UCLG"]})
    assert r.status_code == 403
    r = await client.post("/api/v1/cities", headers=bearer(mc2cm), json={**city, "networks": ["MC2CM"]})
    assert r.status_code == 201, r.text
    r = await client.put(
        "/api/v1/charters/lampedusa/document",
        content=CHARTER_MD.replace("## DIG: Dignity", "## DIG: Dignité").encode(),
        headers={"Content-Type": "text/markdown", **bearer(mc2cm, "*")},
    )
    assert r.status_code == 403
    r = await client.post(
        "/api/v1/charters", headers=bearer(mc2cm), json={"slug": "x", "lang": "fr", "title": "X"}
    )
    assert r.status_code == 403
    me = (await client.get("/api/v1/me", headers=bearer(mc2cm))).json()
    assert me["memberships"] == [{"role": "secretariat", "city": None, "network": "MC2CM"}]


async def test_roles_are_given_only_within_the_network(client) -> None:
    await _two_networks(client)
    caller = await caller_for_token(await issue_token(SYSTEM, "sec@mc2cm.example"))
    assert caller is not None and caller.networks == frozenset({"MC2CM"})
    for args, expected in (
        (("ed2@sousse.tn", "city_editor", "sousse"), 403),
        (("ed2@grenoble.fr", "city_editor", "grenoble"), None),
        (("sec2@uclg.example", "secretariat", None), 403),
        (("sec3@uclg.example", "secretariat", None, None, "", "UCLG"), 403),
        (("sec4@mc2cm.example", "secretariat", None, None, "", "MC2CM"), None),
        (("watch@ngo.example", "reviewer", None, None, "", "MC2CM"), 422),
    ):
        try:
            await invite(caller, *args)  # type: ignore[arg-type]
            status = None
        except DomainError as exc:
            status = exc.status
        assert status == expected, (args, status)
    queue = await review_queue(caller, QueueFilters(), "fr")
    assert {e.city for e in queue.evidence} == {"grenoble"}
    assert queue.networks == ["MC2CM"]


async def _signed_in_as_mc2cm(client) -> None:
    secret = await invite(SYSTEM, "pages@mc2cm.example", "secretariat", network="MC2CM")
    await accept_invitation(secret, PASSWORD, "192.0.2.9")
    client.cookies.clear()
    page = await client.get("/sign-in")
    r = await client.post(
        "/sign-in",
        data={"_csrf_token": csrf_of(page.text), "email": "pages@mc2cm.example", "password": PASSWORD},
    )
    assert r.status_code == 303 and r.headers["location"] == "/secretariat"


async def test_the_pages_stay_in_the_network(client) -> None:
    s = await _two_networks(client)
    await _signed_in_as_mc2cm(client)
    queue = await client.get("/secretariat")
    assert f"/secretariat/evidence/{s['grenoble_evidence']}" in queue.text
    assert f"/secretariat/evidence/{s['sousse_evidence']}" not in queue.text
    other = await client.get(f"/secretariat/evidence/{s['sousse_evidence']}", params={"lang": "fr"})
    assert other.status_code == 403 and "pas dans les réseaux" in other.text
    token = csrf_of(queue.text)
    r = await client.post(
        f"/secretariat/evidence/{s['sousse_evidence']}",
        data={"_csrf_token": token, "review": "accepted", "version": "1"},
    )
    assert r.status_code == 403
    assert (await client.get(f"/api/v1/evidence/{s['sousse_evidence']}")).json()["review"] == "unreviewed"
    assert (await client.get(f"/secretariat/claims/{s['sousse_claim']}")).status_code == 403
    assert (await client.get("/secretariat/charters")).status_code == 403
    r = await client.post("/secretariat/charters", data={"_csrf_token": token, "document": CHARTER_MD})
    assert r.status_code == 403
    cities = await client.get("/secretariat/cities")
    assert "/secretariat/cities/grenoble" in cities.text and "/secretariat/cities/sousse" not in cities.text
    assert (await client.get("/secretariat/cities/sousse")).status_code == 403
    r = await client.post(
        "/secretariat/cities/sousse", data={"_csrf_token": token, "name_fr": "X", "version": "1"}
    )
    assert r.status_code == 403
    assert (await client.get(SOUSSE)).json()["name"] == "Sousse"
