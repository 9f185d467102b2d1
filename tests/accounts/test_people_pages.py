"""The people in the secretariat's workspace: invite (the link shown once, single-use, bound to
the address it was made for, expiring), list with last sign-in, give and take back a role, send a
new invitation, end sessions and tokens, suspend (which ends them at once) and let back in; each
act audited and shown in the person's history; nobody but the secretariat gets there."""

from __future__ import annotations

import re

from accounts.services import caller_for_token, issue_token
from accounts.sessions import caller_for_session
from accounts.tables import Membership, User
from kernel.caller import SYSTEM
from kernel.tables import AuditEntry
from tests import builders
from tests.web.html import check_page
from tests.web.test_challenge_form import PASSWORD, csrf_of
from tests.web.test_secretariat_pages import _signed_in


async def _invite(client, fields: dict[str, str], lang: str = "fr"):
    page = await client.get("/secretariat/people/new", params={"lang": lang})
    check_page(page, lang, "rtl" if lang == "ar" else "ltr")
    return await client.post(
        f"/secretariat/people/new?lang={lang}", data={"_csrf_token": csrf_of(page.text), **fields}
    )


def _link(html: str) -> str:
    match = re.search(r'value="(http[^"]*/invitations/[^"]+)"', html)
    assert match, "no invitation link on the page"
    return match.group(1).split("/invitations/")[1]


async def test_an_invited_officer_signs_in_once_with_the_link(client) -> None:
    await builders.city("grenoble")
    await _signed_in(client, "sec@uclg.example", "secretariat")
    r = await _invite(client, {"email": "Agent@Grenoble.fr", "role": "city_editor", "city": "grenoble"})
    assert r.status_code == 200, r.text[:2000]
    check_page(r, "fr", "ltr")
    assert "Envoyez ce lien à agent@grenoble.fr" in r.text
    secret = _link(r.text)
    listed = await client.get("/secretariat/people", params={"lang": "fr"})
    check_page(listed, "fr", "ltr")
    assert (
        "agent@grenoble.fr" in listed.text
        and "invitation envoyée, valable jusqu'au 3 décembre 2026" in listed.text
    )
    # The link, opened elsewhere, is for agent@grenoble.fr whatever the form says.
    client.cookies.clear()
    page = await client.get(f"/invitations/{secret}")
    accepted = await client.post(
        f"/invitations/{secret}",
        data={
            "_csrf_token": csrf_of(page.text),
            "username": "sec@uclg.example",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
    )
    assert accepted.status_code == 303
    who = await caller_for_session(client.cookies.get("session"))
    assert who is not None and who.label == "agent@grenoble.fr" and not who.is_secretariat
    again = await client.get(f"/invitations/{secret}")
    assert again.status_code == 404  # used: it works no more


async def test_roles_access_and_suspension_are_audited_and_take_effect_at_once(client) -> None:
    await builders.city("grenoble")
    await builders.city("sousse", locale="fr-TN", country="TN")
    editor = await builders.token("city_editor", "grenoble", email="agent@grenoble.fr")
    await _signed_in(client, "sec@uclg.example", "secretariat")
    agent = (await User.select(User.id).where(User.email == "agent@grenoble.fr").first())["id"]
    page = await client.get(f"/secretariat/people/{agent}", params={"lang": "ar"})
    check_page(page, "ar", "rtl")
    token = csrf_of(page.text)
    # A second city, then the first one taken back.
    r = await client.post(
        f"/secretariat/people/{agent}/roles",
        data={"_csrf_token": token, "role": "city_editor", "city": "sousse"},
    )
    assert r.status_code == 303
    first = (await Membership.select(Membership.id).where(Membership.user == agent).order_by(Membership.id))[
        0
    ]
    r = await client.post(
        f"/secretariat/people/{agent}/roles/{first['id']}/delete", data={"_csrf_token": token}
    )
    assert r.status_code == 303
    caller = await caller_for_token(editor)
    assert caller is not None and caller.city_slugs == ("sousse",)
    # Suspended: the token stops at once, and so does a session.
    r = await client.post(
        f"/secretariat/people/{agent}/suspension", data={"_csrf_token": token, "action": "suspend"}
    )
    assert r.status_code == 303
    assert await caller_for_token(editor) is None
    assert (
        await client.get("/api/v1/cities/sousse/evidence", headers={"Authorization": f"Bearer {editor}"})
    ).status_code == 401
    shown = await client.get(f"/secretariat/people/{agent}", params={"lang": "fr"})
    assert "suspendu" in shown.text
    # Let back in: a new token works; the history lists every act, newest first.
    r = await client.post(
        f"/secretariat/people/{agent}/suspension", data={"_csrf_token": token, "action": "reactivate"}
    )
    assert r.status_code == 303
    fresh = await issue_token(SYSTEM, "agent@grenoble.fr")
    assert await caller_for_token(fresh) is not None
    r = await client.post(f"/secretariat/people/{agent}/access", data={"_csrf_token": token})
    assert r.status_code == 303
    assert await caller_for_token(fresh) is None
    actions = [
        (e["action"], e["entity"])
        for e in await AuditEntry.select(AuditEntry.action, AuditEntry.entity)
        .where(AuditEntry.key == "agent@grenoble.fr")
        .order_by(AuditEntry.id)
    ]
    assert actions[-6:] == [
        ("delete", "membership"),
        ("end_access", "session"),
        ("suspend", "user"),
        ("reactivate", "user"),
        ("create", "api_token"),
        ("end_access", "session"),
    ]
    history = await client.get(f"/secretariat/people/{agent}")
    assert history.text.count("sec@uclg.example") >= 5


async def test_a_new_invitation_and_what_cannot_be_done(client) -> None:
    await builders.city("grenoble")
    await _signed_in(client, "sec@uclg.example", "secretariat")
    r = await _invite(client, {"email": "agent@grenoble.fr", "role": "city_editor", "city": "grenoble"})
    first = _link(r.text)
    agent = (await User.select(User.id).where(User.email == "agent@grenoble.fr").first())["id"]
    page = await client.get(f"/secretariat/people/{agent}")
    again = await client.post(
        f"/secretariat/people/{agent}/invitation", data={"_csrf_token": csrf_of(page.text)}
    )
    assert again.status_code == 200
    assert _link(again.text) != first
    assert (await client.get(f"/invitations/{first}")).status_code == 404  # replaced
    me = (await User.select(User.id).where(User.email == "sec@uclg.example").first())["id"]
    r = await client.post(f"/secretariat/people/{me}/suspension", data={"_csrf_token": csrf_of(page.text)})
    assert r.status_code == 409
    assert (await User.select(User.active).where(User.id == me).first())["active"] is True
    for fields, field in (
        ({"email": "not-an-address", "role": "reviewer"}, "email"),
        ({"email": "x@y.org", "role": "city_editor"}, "city"),
        ({"email": "x@y.org", "role": "overlord"}, "role"),
        ({"email": "x@y.org", "role": "reviewer", "organisation": "o" * 300}, "organisation"),
        ({"email": "x@y.org", "role": "city_editor", "city": "atlantis"}, "city"),
    ):
        r = await _invite(client, fields)
        assert r.status_code == 422, (fields, r.status_code)
        assert f'href="#{field}"' in r.text, (fields, field)
    assert await User.count().where(User.email == "x@y.org") == 0


async def test_nobody_else_gets_the_people_pages(client) -> None:
    await builders.city("grenoble")
    anonymous = await client.get("/secretariat/people")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/sign-in")
    for email, role, city in (
        ("agent@grenoble.fr", "city_editor", "grenoble"),
        ("b@ong.example", "reviewer", None),
    ):
        await _signed_in(client, email, role, city)
        me = (await User.select(User.id).where(User.email == email).first())["id"]
        for path in ("/secretariat/people", "/secretariat/people/new", f"/secretariat/people/{me}"):
            assert (await client.get(path)).status_code == 403, (role, path)
        token = csrf_of((await client.get("/")).text)
        before = await AuditEntry.count()
        for path in (
            "/secretariat/people/new",
            f"/secretariat/people/{me}/roles",
            f"/secretariat/people/{me}/suspension",
            f"/secretariat/people/{me}/access",
            f"/secretariat/people/{me}/invitation",
        ):
            r = await client.post(
                path, data={"_csrf_token": token, "email": "z@z.org", "role": "secretariat"}
            )
            assert r.status_code == 403, (role, path, r.status_code)
        assert await AuditEntry.count() == before
