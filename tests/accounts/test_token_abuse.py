"""Failed authentication is throttled by address, and tokens can expire."""

from kernel.caller import SYSTEM
from tests import builders
from tests.builders import bearer


async def test_bad_tokens_from_one_address_are_throttled(client, monkeypatch) -> None:
    """After AUTH_FAILURES_PER_MINUTE bad tokens in a minute, the address gets 429 with
    Retry-After, even for a valid token, until the minute is over."""
    monkeypatch.setenv("AUTH_FAILURES_PER_MINUTE", "5")
    good = await builders.token("secretariat", email="sec@uclg.example")
    answers = [
        (await client.get("/api/v1/me", headers=bearer(f"ct_forged{i}"))).status_code for i in range(8)
    ]
    assert answers == [401] * 5 + [429] * 3
    r = await client.get("/api/v1/me", headers=bearer(good))
    assert r.status_code == 429 and r.headers["retry-after"] == "60"
    assert r.headers["content-type"] == "application/problem+json"
    monkeypatch.setenv("CLOCK", "2026-11-26T12:01:30+00:00")
    assert (await client.get("/api/v1/me", headers=bearer(good))).status_code == 200


async def test_a_token_stops_working_when_it_expires(client, monkeypatch) -> None:
    """A token issued for 30 days works on day 29 and is refused (401) on day 31."""
    from accounts.services import add_user, issue_token

    await add_user(SYSTEM, "ed@grenoble.fr", "secretariat")
    token = await issue_token(SYSTEM, "ed@grenoble.fr", valid_days=30)
    assert (await client.get("/api/v1/me", headers=bearer(token))).status_code == 200
    monkeypatch.setenv("CLOCK", "2026-12-25T12:00:00+00:00")
    assert (await client.get("/api/v1/me", headers=bearer(token))).status_code == 200
    monkeypatch.setenv("CLOCK", "2026-12-27T12:00:00+00:00")
    r = await client.get("/api/v1/me", headers=bearer(token))
    assert r.status_code == 401 and "expired" in r.json()["detail"]
