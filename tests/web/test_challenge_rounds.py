"""A challenge's rounds from its page, the claim and the challenge side by side: the city's
editors answer, then the challenger answers back, each with evidence ticked on file or filed in
the same form; nobody else gets the form; the reviewer's own
list says whose turn it is."""

from __future__ import annotations

from accounts.invitations import accept_invitation, invite
from accounts.sessions import caller_for_session
from indicators.challenges import open_challenge
from indicators.evidence import create_link_evidence
from indicators.schemas import ChallengeCreate, EvidenceCreate
from indicators.tables import Challenge, ChallengeReply, Evidence
from kernel.caller import SYSTEM
from tests import builders
from tests.web.html import check_page, parse
from tests.web.test_challenge_form import PASSWORD, PDF, _claims, csrf_of


async def _session(email: str, role: str, city: str | None = None, organisation: str | None = None) -> str:
    secret = await invite(SYSTEM, email, role, city, organisation=organisation)
    return await accept_invitation(secret, PASSWORD, "192.0.2.9")


def _as(client, session: str | None) -> None:
    client.cookies.clear()
    if session:
        client.cookies.set("session", session)


def _posts(html: str) -> list[str]:
    return [a.get("action") or "" for n, a in parse(html).tags if n == "form" and a.get("method") == "post"]


async def test_the_city_answers_then_the_challenger_answers_back(client) -> None:
    published, _ = await _claims()
    editor = await _session("ed@grenoble.fr", "city_editor", "grenoble")
    reviewer = await _session("watch@ngo.example", "reviewer", organisation="Cimade 38")
    stranger = await _session("other@ngo.example", "reviewer", organisation="Autre")
    opener = await caller_for_session(reviewer)
    assert opener is not None
    challenge = await open_challenge(opener, published, ChallengeCreate(reason_md="Pas prouvé."))
    page = f"/challenges/{challenge.id}"
    action = f"{page}/replies"

    _as(client, None)
    r = await client.get(page, params={"lang": "fr"})
    assert action not in _posts(r.text) and f"/sign-in?next={page}" in r.text
    _as(client, reviewer)
    r = await client.get(page, params={"lang": "fr"})
    assert action not in _posts(r.text)  # the city speaks first
    r = await client.post(action, data={"_csrf_token": csrf_of(r.text), "text": "Trop tôt"})
    assert r.status_code == 403 and await ChallengeReply.count() == 0

    _as(client, editor)
    r = await client.get(page, params={"lang": "ar"})
    check_page(r, "ar", "rtl")
    assert action in _posts(r.text)
    data = {"_csrf_token": csrf_of(r.text), "text": "Le guichet ouvre le *samedi*.", "action": "preview"}
    preview = await client.post(action, data=data)
    assert (
        preview.status_code == 200 and "<em>samedi</em>" in preview.text and await ChallengeReply.count() == 0
    )
    data |= {"action": "send", "evidence_url": "https://grenoble.example/horaires"}
    r = await client.post(action, data=data)
    assert r.status_code == 303, r.text[:500]
    first = await ChallengeReply.select().first()
    assert r.headers["location"] == f"{page}#reply-{first['id']}" and first["side"] == "city"
    assert (await Challenge.select(Challenge.status).first())["status"] == "answered"

    _as(client, stranger)
    r = await client.get(page)
    assert action not in _posts(r.text)
    assert (await client.post(action, data={"_csrf_token": csrf_of(r.text), "text": "x"})).status_code == 403

    _as(client, reviewer)
    r = await client.get(page, params={"lang": "fr"})
    assert action in _posts(r.text)
    empty = await client.post(action, data={"_csrf_token": csrf_of(r.text), "text": " ", "action": "send"})
    assert empty.status_code == 422 and 'href="#text"' in empty.text
    r = await client.post(
        action,
        data={"_csrf_token": csrf_of(r.text), "text": "Fermé le 12 octobre.", "action": "send"},
        files={"evidence_file": ("photo.pdf", PDF, "application/pdf")},
    )
    assert r.status_code == 303, r.text[:500]
    rounds = await ChallengeReply.select().order_by(ChallengeReply.id)
    assert [(x["side"], x["created_by_label"]) for x in rounds] == [
        ("city", "Grenoble"),
        ("challenger", "Cimade 38"),
    ]
    assert (await Evidence.select(Evidence.origin).order_by(Evidence.id, ascending=False).first())[
        "origin"
    ] == "reviewer"
    shown = await client.get(page, params={"lang": "fr"})
    assert f'id="reply-{rounds[1]["id"]}"' in shown.text


async def test_my_challenges_say_whose_turn_it_is(client) -> None:
    published, _ = await _claims()
    editor = await _session("ed@grenoble.fr", "city_editor", "grenoble")
    reviewer = await _session("watch@ngo.example", "reviewer", organisation="Cimade 38")
    other = await _session("other@ngo.example", "reviewer", organisation="Autre")
    opener, someone = await caller_for_session(reviewer), await caller_for_session(other)
    assert opener is not None and someone is not None
    mine = await open_challenge(opener, published, ChallengeCreate(reason_md="Pas prouvé."))
    theirs = await open_challenge(someone, published, ChallengeCreate(reason_md="Non plus."))

    _as(client, None)
    r = await client.get("/my/challenges")
    assert r.status_code == 303 and r.headers["location"] == "/sign-in?next=/my/challenges"
    _as(client, editor)
    assert (await client.get("/my/challenges")).status_code == 403

    _as(client, reviewer)
    r = await client.get("/my/challenges", params={"lang": "fr"})
    page = check_page(r, "fr", "ltr")
    links = [a.get("href") for n, a in page.tags if n == "a"]
    assert f"/challenges/{mine.id}" in links and f"/challenges/{theirs.id}" not in links
    assert "/my/challenges" in links  # the header's link, for reviewers
    assert "30" in page.text  # days left for the city

    _as(client, editor)
    form = await client.get(f"/challenges/{mine.id}")
    await client.post(
        f"/challenges/{mine.id}/replies",
        data={"_csrf_token": csrf_of(form.text), "text": "Voici.", "action": "send"},
    )
    _as(client, reviewer)
    r = await client.get("/my/challenges", params={"lang": "en"})
    assert "your turn" in r.text


async def test_a_round_without_the_csrf_token_changes_nothing(client) -> None:
    published, _ = await _claims()
    editor = await _session("ed@grenoble.fr", "city_editor", "grenoble")
    reviewer = await _session("watch@ngo.example", "reviewer", organisation="Cimade 38")
    opener = await caller_for_session(reviewer)
    assert opener is not None
    challenge = await open_challenge(opener, published, ChallengeCreate(reason_md="Pas prouvé."))
    _as(client, editor)
    await client.get(f"/challenges/{challenge.id}")
    for token in (None, "forged"):
        data = {"text": "Voici.", "action": "send"} | ({"_csrf_token": token} if token else {})
        r = await client.post(f"/challenges/{challenge.id}/replies", data=data)
        assert r.status_code == 403
    assert await ChallengeReply.count() == 0


async def test_the_city_answers_side_by_side_citing_evidence_on_file(client) -> None:
    """The claim and the challenge face each other, each with its evidence; the city's editor
    ticks a piece of the city's evidence on file; a piece of another city's is refused, named,
    and nothing is written."""
    published, _ = await _claims()
    await builders.city("sousse", locale="ar-TN", country="TN")
    ours = await create_link_evidence(
        SYSTEM,
        "grenoble",
        EvidenceCreate(title="Horaires du guichet", kind="report", url="https://grenoble.example/h"),
    )
    theirs = await create_link_evidence(
        SYSTEM, "sousse", EvidenceCreate(title="Sousse only", kind="report", url="https://sousse.example/s")
    )
    editor = await _session("ed@grenoble.fr", "city_editor", "grenoble")
    reviewer = await caller_for_session(
        await _session("watch@ngo.example", "reviewer", organisation="Cimade 38")
    )
    assert reviewer is not None
    challenge = await open_challenge(reviewer, published, ChallengeCreate(reason_md="Pas prouvé."))
    page, action = f"/challenges/{challenge.id}", f"/challenges/{challenge.id}/replies"
    _as(client, editor)
    r = await client.get(page, params={"lang": "fr"})
    shown = check_page(r, "fr", "ltr")
    assert "Ce que dit la ville" in shown.text and "Ce que dit l’auteur de la contestation" in shown.text
    assert "La déclaration ne cite aucune preuve." in shown.text
    offered = [a.get("value") for n, a in shown.tags if n == "input" and a.get("name") == "evidence"]
    assert offered == [str(ours.id)]
    token = csrf_of(r.text)
    stray = await client.post(
        action, data={"_csrf_token": token, "text": "Voici.", "action": "send", "evidence": str(theirs.id)}
    )
    assert stray.status_code == 422 and 'href="#evidence-picked"' in stray.text
    assert await ChallengeReply.count() == 0
    kept = check_page(stray, "fr", "ltr")
    assert next(a.get("value") for n, a in kept.tags if a.get("id") == "text") is None  # a textarea
    assert "Voici." in stray.text
    r = await client.post(
        action, data={"_csrf_token": token, "text": "Voici.", "action": "send", "evidence": str(ours.id)}
    )
    assert r.status_code == 303, r.text[:500]
    answered = (await client.get(f"/api/v1/challenges/{challenge.id}")).json()
    assert answered["replies"][0]["evidence"] == [ours.id]
