"""Hostile bodies: who is asking is decided before a body is read (401 first), and a JSON body
nested deeper than any shape of the API is refused (400), never a 500."""

import pytest

from tests import builders
from tests.builders import bearer

DEEP = b"[" * 1000 + b"]" * 1000
ROUTES = [
    "/api/v1/cities",
    "/api/v1/charters",
    "/api/v1/cities/grenoble/signatures",
    "/api/v1/claims/measurement-1/challenges",
]


@pytest.mark.parametrize("url", ROUTES)
async def test_deep_json_from_anonymous_or_forged_callers_is_401(client, url: str) -> None:
    """The token is checked first: no token, or a forged one, is 401 whatever the body."""
    headers = {"Content-Type": "application/json"}
    assert (await client.post(url, content=DEEP, headers=headers)).status_code == 401
    forged = {**headers, "Authorization": "Bearer ct_forged"}
    r = await client.post(url, content=DEEP, headers=forged)
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("url", ROUTES)
async def test_deep_json_from_a_real_caller_is_400(client, url: str) -> None:
    """A valid token with a 1000-deep body: 400 naming the body, nothing written."""
    await builders.city()
    token = await builders.token("secretariat", email="sec@uclg.example")
    r = await client.post(url, content=DEEP, headers={**bearer(token), "Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.json()["errors"][0]["field"] == "body"
    assert [c["slug"] for c in (await client.get("/api/v1/cities")).json()["items"]] == ["grenoble"]


async def test_brackets_inside_strings_do_not_count(client) -> None:
    """A note full of brackets is text, not nesting."""
    token = await builders.editor_with_adoption()
    url = "/api/v1/cities/grenoble/indicators/lampedusa/LAM-DIG-01-I1/measurements"
    note = "[" * 200 + '\\"{' * 50
    r = await client.post(url, headers=bearer(token), json={"period": "2023", "value": 4, "note_md": note})
    assert r.status_code == 201, r.text
