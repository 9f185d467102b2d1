"""The sign-in pages: signing in and out with a session cookie, where the browser goes next,
CSRF on every form, the account page's tokens, and what a stale session is (anonymous)."""

from __future__ import annotations

import re

import pytest

from accounts.invitations import accept_invitation, invite
from accounts.tables import ApiToken, UserSession
from kernel.caller import SYSTEM
from tests.accounts.people import PASSWORD
from tests.web.html import parse

EMAIL = "ed@grenoble.fr"


def csrf_of(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, html[:2000]
    return match[1]


async def _invited(email: str = EMAIL, display_name: str = "", organisation: str | None = None) -> None:
    role = "reviewer" if organisation else "secretariat"
    secret = await invite(SYSTEM, email, role, None, organisation, display_name)
    await accept_invitation(secret, PASSWORD, "192.0.2.9")


async def _sign_in(client, email: str = EMAIL, password: str = PASSWORD, next_: str = "/account"):
    page = await client.get("/sign-in", params={"next": next_})
    assert page.status_code == 200
    return await client.post(
        "/sign-in",
        data={"email": email, "password": password, "next": next_, "_csrf_token": csrf_of(page.text)},
    )


async def test_sign_in_sets_a_safe_cookie_with_a_new_session_and_sign_out_ends_it(client) -> None:
    await _invited()
    client.cookies.set("session", "chosen-by-an-attacker")
    r = await _sign_in(client)
    assert r.status_code == 303, r.text[:500]
    assert r.headers["location"] == "/account"
    cookie = next(v for v in r.headers.get_list("set-cookie") if v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax") and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP in tests
    secret = cookie.split(";")[0].removeprefix("session=")
    assert secret and secret != "chosen-by-an-attacker"
    client.cookies.clear()
    client.cookies.set("session", secret)
    account = await client.get("/account")
    assert account.status_code == 200 and EMAIL in account.text
    going_on = await UserSession.count().where(UserSession.ended_at.is_null())
    signed_out = await client.post("/sign-out", data={"_csrf_token": csrf_of(account.text)})
    assert signed_out.status_code == 303
    assert await UserSession.count().where(UserSession.ended_at.is_null()) == going_on - 1
    client.cookies.set("session", secret)
    again = await client.get("/account")
    assert again.status_code == 303 and again.headers["location"] == "/sign-in?next=/account"


async def test_wrong_credentials_show_one_message(client) -> None:
    await _invited()
    wrong_password = await _sign_in(client, password="not the password at all")
    unknown = await _sign_in(client, email="nobody@example.org")
    assert wrong_password.status_code == unknown.status_code == 400
    for r in (wrong_password, unknown):
        assert "The e-mail address or the password is not right" in r.text
        assert 'autocomplete="current-password"' in r.text and 'href="#email"' in r.text


@pytest.mark.parametrize(
    "target", ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)", ""]
)
async def test_next_never_leaves_the_site(client, target: str) -> None:
    await _invited()
    r = await _sign_in(client, next_=target)
    # Without a page to go back to, the secretariat lands on its review queue.
    assert r.status_code == 303 and r.headers["location"] == ("/secretariat" if target == "" else "/")


async def test_next_within_the_site_is_kept(client) -> None:
    await _invited()
    r = await _sign_in(client, next_="/cities/grenoble?lang=fr")
    assert r.headers["location"] == "/cities/grenoble?lang=fr"


async def test_a_form_without_or_with_a_wrong_csrf_token_changes_nothing(client) -> None:
    await _invited()
    await _sign_in(client)
    going_on = await UserSession.count().where(UserSession.ended_at.is_null())
    for token in (None, "forged"):
        data = {"name": "laptop"} if token is None else {"name": "laptop", "_csrf_token": token}
        r = await client.post("/account/tokens", data=data)
        assert r.status_code == 403
        assert "Reload the form and try again" in r.text
    assert await ApiToken.count() == 0
    r = await client.post("/sign-out", data={})
    assert r.status_code == 403
    assert await UserSession.count().where(UserSession.ended_at.is_null()) == going_on


async def test_a_locked_account_stays_locked_from_another_address(client) -> None:
    await _invited()
    for _ in range(5):
        r = await _sign_in(client, password="not the password at all")
        assert r.status_code == 400
    r = await _sign_in(client)
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert "minute" in r.text


async def test_tokens_made_and_revoked_on_the_account_page_work_on_the_api(client) -> None:
    await _invited()
    await _sign_in(client)
    account = await client.get("/account")
    made = await client.post("/account/tokens", data={"name": "laptop", "_csrf_token": csrf_of(account.text)})
    assert made.status_code == 200
    token = re.search(r'<code class="token">([^<]+)</code>', made.text)[1]
    assert "Copy this token now" in made.text
    assert "not yet" in parse(made.text).text  # never used
    headers = {"Authorization": f"Bearer {token}"}
    api = await client.get("/api/v1/me", headers=headers)
    assert api.status_code == 200, api.text
    used = (await ApiToken.select(ApiToken.last_used_at).first())["last_used_at"]
    assert used is not None
    await client.get("/api/v1/me", headers=headers)  # within the minute: not written again
    assert (await ApiToken.select(ApiToken.last_used_at).first())["last_used_at"] == used
    # The API does not ask for a CSRF token: it reads bearer tokens, not cookies.
    listed = await client.get("/account")
    assert listed.status_code == 200 and "not yet" not in parse(listed.text).text
    token_id = (await ApiToken.select(ApiToken.id).first())["id"]
    revoked = await client.post(
        f"/account/tokens/{token_id}/revoke", data={"_csrf_token": csrf_of(made.text)}
    )
    assert revoked.status_code == 303
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


async def test_sign_out_everywhere_ends_the_other_sessions(client) -> None:
    await _invited()
    await _sign_in(client)
    account = await client.get("/account")
    r = await client.post("/account/sign-out-everywhere", data={"_csrf_token": csrf_of(account.text)})
    assert r.status_code == 303
    assert await UserSession.count().where(UserSession.ended_at.is_null()) == 0


async def test_an_unknown_session_cookie_is_anonymous_and_cleared(client) -> None:
    client.cookies.set("session", "no-such-session")
    r = await client.get("/")
    assert r.status_code == 200
    assert 'href="/sign-in?next=/"' in r.text
    assert any(
        v.startswith("session=;") or v.startswith('session="";') for v in r.headers.get_list("set-cookie")
    )


async def test_signed_in_header_and_hostile_names_are_inert(client) -> None:
    await _invited(display_name="<script>alert(1)</script>", organisation="<script>alert(2)</script>")
    await _sign_in(client)
    r = await client.get("/account")
    assert r.status_code == 200
    assert "<script>alert" not in r.text
    assert "&lt;script&gt;alert(1)" in r.text and "&lt;script&gt;alert(2)" in r.text
    assert 'action="/sign-out"' in r.text


async def test_a_signed_in_person_on_an_unknown_address_is_not_offered_to_sign_in(client) -> None:
    await _invited()
    await _sign_in(client)
    links = lambda html: [a.get("href") for n, a in parse(html).tags if n == "a"]  # noqa: E731
    lost = await client.get("/no/such/page")
    assert lost.status_code == 404
    assert "/account" in links(lost.text) and not any(
        (h or "").startswith("/sign-in") for h in links(lost.text)
    )
    client.cookies.clear()
    lost = await client.get("/no/such/page")
    assert any((h or "").startswith("/sign-in") for h in links(lost.text))


async def test_a_throttled_sign_in_says_how_many_minutes_to_wait(client) -> None:
    await _invited()
    for _ in range(5):
        await _sign_in(client, password="not the password at all")
    r = await _sign_in(client, password="not the password at all")
    assert r.status_code == 429
    assert 0 < int(r.headers["retry-after"]) <= 15 * 60
    assert "Try again in 15 minutes" in r.text


async def test_an_invitation_shows_who_is_invited_then_signs_them_in_once(client) -> None:
    secret = await invite(SYSTEM, "rita@ngo.example", "reviewer", None, "Friends <script>x</script>")
    page = await client.get(f"/invitations/{secret}")
    assert page.status_code == 200
    assert "rita@ngo.example" in page.text and "reviewer" in page.text
    assert "Friends &lt;script&gt;" in page.text and "<script>x" not in page.text
    assert 'autocomplete="new-password"' in page.text and "12 to 1,024 characters" in page.text
    token = csrf_of(page.text)
    short = await client.post(
        f"/invitations/{secret}", data={"password": "short", "password_again": "short", "_csrf_token": token}
    )
    assert short.status_code == 422 and "Choose a password of 12 to 1,024 characters" in short.text
    mismatch = await client.post(
        f"/invitations/{secret}",
        data={"password": PASSWORD, "password_again": PASSWORD + "x", "_csrf_token": token},
    )
    assert mismatch.status_code == 422 and "not the same" in mismatch.text
    done = await client.post(
        f"/invitations/{secret}",
        data={"password": PASSWORD, "password_again": PASSWORD, "_csrf_token": token},
    )
    assert done.status_code == 303 and done.headers["location"] == "/account"
    assert (await client.get("/account")).status_code == 200
    again = await client.get(f"/invitations/{secret}")
    assert again.status_code == 404 and "new invitation" in again.text
    assert (await client.get("/invitations/nonsense")).status_code == 404


async def test_an_expired_invitation_is_gone(client, monkeypatch) -> None:
    secret = await invite(SYSTEM, "rita@ngo.example", "reviewer", None, "Friends")
    monkeypatch.setenv("CLOCK", "2026-12-25T12:00:00+00:00")
    r = await client.get(f"/invitations/{secret}")
    assert r.status_code == 410 and "expired" in r.text


async def test_the_api_still_reads_bearer_tokens_without_csrf(client) -> None:
    from accounts.services import issue_token

    await _invited()
    token = await issue_token(SYSTEM, EMAIL)
    headers = {"Authorization": f"Bearer {token}"}
    r = await client.post("/api/v1/cities", json={}, headers=headers)
    # Refused for its body (no CSRF token asked), as a problem, not as a page.
    assert r.status_code in (400, 422), r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    anonymous = await client.post("/api/v1/cities", json={})
    assert anonymous.status_code == 401
    # A bearer token works on a page too.
    page = await client.get("/account", headers=headers)
    assert page.status_code == 200 and EMAIL in page.text
