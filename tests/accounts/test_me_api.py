"""The account behind a token."""

from tests import builders
from tests.builders import bearer


async def test_me_shows_email_and_memberships(client) -> None:
    """A city editor's token shows its role and city; no token is 401."""
    await builders.city("sousse", locale="fr-TN", country="TN")
    token = await builders.token("city_editor", "sousse", email="Ed@Sousse.TN")
    r = await client.get("/api/v1/me", headers=bearer(token))
    assert r.status_code == 200
    assert r.json() == {
        "email": "ed@sousse.tn",
        "display_name": "",
        "active": True,
        "memberships": [{"role": "city_editor", "city": "sousse", "network": None}],
        "organisation": None,
    }
    assert (await client.get("/api/v1/me")).status_code == 401
    assert (await client.get("/api/v1/me", headers=bearer("ct_nope"))).status_code == 401
