"""Integers out of range in a path, a query or a body are refused by name (400), or name nothing
(404), before they reach the database: never a 500."""

import pytest

from tests import builders
from tests.builders import bearer

HUGE = "297087299333818245873401856"


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/challenges?offset=37704315167405458325504", "offset"),
        ("/api/v1/challenges?offset=-1", "offset"),
        (f"/api/v1/challenges/{HUGE}", "challenge_id"),
        ("/api/v1/challenges/0", "challenge_id"),
        ("/api/v1/evidence/2147483648", "evidence_id"),
        (f"/api/v1/evidence/{HUGE}/file", "evidence_id"),
        ("/api/v1/charters/lampedusa/comparison?signed_year=99999", "signed_year"),
        ("/api/v1/charters/lampedusa/comparison?signed_year=-5", "signed_year"),
        ("/api/v1/charters/lampedusa/comparison?signed_year=0", "signed_year"),
        ("/api/v1/charters/lampedusa/adoption-over-time?signed_year=99999", "signed_year"),
        ("/api/v1/charters/lampedusa/network-report.html?signed_year=-5", "signed_year"),
        ("/api/v1/cities?limit=100000", "limit"),
    ],
)
async def test_an_integer_out_of_range_is_refused_by_name(client, url: str, field: str) -> None:
    """Each is a 400 problem naming the parameter."""
    await builders.charter()
    r = await client.get(url)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["field"] == field


async def test_writes_with_huge_ids_are_refused_and_change_nothing(client) -> None:
    """A reply to challenge 2^63+1 is a 400 naming it; evidence 10^11 cited by a value is a 400
    naming `evidence`; a claim id past the largest row is simply not found."""
    editor = await builders.editor_with_adoption()
    secretariat = await builders.token("secretariat", email="sec@uclg.example")
    r = await client.post(
        "/api/v1/challenges/9223372036854775809/replies", headers=bearer(editor), json={"body_md": "x"}
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "challenge_id"
    values = "/api/v1/cities/grenoble/indicators/lampedusa/LAM-DIG-01-I1/measurements"
    r = await client.post(
        values, headers=bearer(editor), json={"period": "2023", "value": 4, "evidence": [10**11]}
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "evidence[0]"
    assert (await client.get(values)).json() == []
    r = await client.get("/api/v1/claims/measurement-999999999999999999")
    assert r.status_code == 404
    r = await client.post(
        "/api/v1/claims/measurement-999999999999999999/verification",
        headers=bearer(secretariat, "*"),
        json={},
    )
    assert r.status_code == 404
    r = await client.get("/api/v1/history?entity=measurement&key=measurement-999999999999999999")
    assert r.status_code == 404
