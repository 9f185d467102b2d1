"""Filters of a city's lists: its evidence by review and origin, its adopted commitments by last
status, assurance of that status, principle, flag and charter; unknown values are refused."""

import pytest

from tests import builders
from tests.builders import bearer

CITY = "/api/v1/cities/grenoble"
EV = f"{CITY}/evidence"
LIST = f"{CITY}/commitments"


async def _evidence(client, token: str, title: str) -> int:
    r = await client.post(
        EV,
        headers=bearer(token),
        json={"title": title, "kind": "report", "url": f"https://grenoble.example/{title}.pdf"},
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def _review(client, secretariat: str, evidence_id: int, review: str) -> None:
    r = await client.post(
        f"/api/v1/evidence/{evidence_id}/review", headers=bearer(secretariat, '"v1"'), json={"review": review}
    )
    assert r.status_code == 200, r.text


async def _evidence_set_up(client) -> dict:
    """Grenoble's accepted and rejected evidence, and a reviewer's counter-evidence not yet reviewed;
    `secretariat`: the token of who lists them (the public sees only evidence something published cites)."""
    editor = await builders.editor_with_adoption()
    reviewer = await builders.token("reviewer", email="watch@ngo.example")
    secretariat = await builders.token("secretariat", email="sec@uclg.example")
    ids = {
        "accepted": await _evidence(client, editor, "accepted"),
        "rejected": await _evidence(client, editor, "rejected"),
        "counter": await _evidence(client, reviewer, "counter"),
    }
    await _review(client, secretariat, ids["accepted"], "accepted")
    await _review(client, secretariat, ids["rejected"], "rejected")
    return {**ids, "secretariat": secretariat}


async def _ids(client, url: str, token: str | None = None, **params: str) -> list[int]:
    r = await client.get(url, params=params, headers=bearer(token) if token else {})
    assert r.status_code == 200, r.text
    return [e["id"] for e in r.json()]


async def test_evidence_filtered_by_review(client) -> None:
    """`review` keeps only the evidence whose review is that one."""
    ids = await _evidence_set_up(client)
    assert await _ids(client, EV, ids["secretariat"]) == [ids["accepted"], ids["rejected"], ids["counter"]]
    assert await _ids(client, EV, ids["secretariat"], review="unreviewed") == [ids["counter"]]
    assert await _ids(client, EV, ids["secretariat"], review="accepted") == [ids["accepted"]]
    assert await _ids(client, EV, ids["secretariat"], review="rejected") == [ids["rejected"]]


async def test_evidence_filtered_by_origin(client) -> None:
    """`origin` keeps the city's own evidence or the reviewers' counter-evidence; filters combine."""
    ids = await _evidence_set_up(client)
    assert await _ids(client, EV, ids["secretariat"], origin="city") == [ids["accepted"], ids["rejected"]]
    assert await _ids(client, EV, ids["secretariat"], origin="reviewer") == [ids["counter"]]
    assert await _ids(client, EV, ids["secretariat"], origin="city", review="rejected") == [ids["rejected"]]
    assert await _ids(client, EV, ids["secretariat"], origin="reviewer", review="accepted") == []


@pytest.mark.parametrize(
    ("name", "value", "accepted"),
    [("review", "maybe", "unreviewed, accepted, rejected"), ("origin", "ngo", "city, reviewer")],
)
async def test_unknown_evidence_filter_is_400_naming_it(client, name: str, value: str, accepted: str) -> None:
    """An evidence filter outside its vocabulary is a 400 naming the parameter and what it accepts."""
    await builders.editor_with_adoption()
    r = await client.get(EV, params={name: value})
    assert r.status_code == 400, r.text
    error = r.json()["errors"][0]
    assert error["field"] == name and accepted in error["message"]


async def _commitments_set_up(client) -> None:
    """Three adoptions of the Lampedusa charter, each with a last status of its own:
    LAM-DIG-01 achieved, self-reported, with no evidence; LAM-DIG-02 in progress, verified;
    LAM-EQU-01 delayed and under challenge. The due dates (end of 2025) have passed."""
    editor = await builders.editor_with_adoption()
    for code in ("LAM-DIG-02", "LAM-EQU-01"):
        await builders.adopted("grenoble", code)
    secretariat = await builders.token("secretariat", email="sec@uclg.example")
    reviewer = await builders.token("reviewer", email="watch@ngo.example")
    proof = await _evidence(client, editor, "decision")
    claims = {}
    for code, status, evidence in (
        ("LAM-DIG-01", "achieved", []),
        ("LAM-DIG-02", "in_progress", [proof]),
        ("LAM-EQU-01", "delayed", []),
    ):
        r = await client.post(
            f"{LIST}/lampedusa/{code}/updates",
            headers=bearer(editor),
            json={"status": status, "reported_on": "2024-06-30", "evidence": evidence},
        )
        assert r.status_code == 201, r.text
        claims[code] = r.json()["claim_id"]
    r = await client.post(
        f"/api/v1/claims/{claims['LAM-DIG-02']}/verification",
        headers=bearer(secretariat, '"v1"'),
        json={"note_md": "Checked."},
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        f"/api/v1/claims/{claims['LAM-EQU-01']}/challenges",
        headers=bearer(reviewer),
        json={"reason_md": "Nothing was done in 2024."},
    )
    assert r.status_code == 201, r.text


async def _codes(client, **params: str) -> list[str]:
    r = await client.get(LIST, params=params)
    assert r.status_code == 200, r.text
    return [c["commitment"] for c in r.json()]


async def test_commitments_filtered_by_status(client) -> None:
    """`status` keeps the adoptions whose last status is that one."""
    await _commitments_set_up(client)
    assert await _codes(client) == ["LAM-DIG-01", "LAM-DIG-02", "LAM-EQU-01"]
    assert await _codes(client, status="achieved") == ["LAM-DIG-01"]
    assert await _codes(client, status="delayed") == ["LAM-EQU-01"]
    assert await _codes(client, status="withdrawn") == []


async def test_commitments_filtered_by_assurance_of_the_last_status(client) -> None:
    """`assurance` keeps the adoptions whose last status is self-reported, verified or contested;
    the list shows that assurance as the commitment's page does on the status itself."""
    await _commitments_set_up(client)
    assert await _codes(client, assurance="self_reported") == ["LAM-DIG-01"]
    assert await _codes(client, assurance="verified") == ["LAM-DIG-02"]
    assert await _codes(client, assurance="contested") == ["LAM-EQU-01"]
    for summary in (await client.get(LIST)).json():
        detail = (await client.get(f"{LIST}/lampedusa/{summary['commitment']}")).json()
        assert summary["status_assurance"] == detail["timeline"][-1]["assurance"]
        assert detail["status_assurance"] == summary["status_assurance"]


async def test_commitments_filtered_by_principle(client) -> None:
    """`principle` keeps the adoptions of that principle's commitments."""
    await _commitments_set_up(client)
    assert await _codes(client, principle="DIG") == ["LAM-DIG-01", "LAM-DIG-02"]
    assert await _codes(client, principle="EQU") == ["LAM-EQU-01"]
    assert await _codes(client, principle="PAR") == []


async def test_commitments_filtered_by_flag(client) -> None:
    """`flag` keeps the adoptions that raise that flag."""
    await _commitments_set_up(client)
    assert await _codes(client, flag="achieved_without_evidence") == ["LAM-DIG-01"]
    assert await _codes(client, flag="contested") == ["LAM-EQU-01"]
    assert await _codes(client, flag="overdue") == ["LAM-DIG-02", "LAM-EQU-01"]


async def test_commitments_filtered_by_charter_and_filters_combine(client) -> None:
    """`charter` keeps one charter's adoptions; every filter given must hold."""
    await _commitments_set_up(client)
    assert await _codes(client, charter="lampedusa") == ["LAM-DIG-01", "LAM-DIG-02", "LAM-EQU-01"]
    assert await _codes(client, charter="sousse-local") == []
    assert await _codes(client, principle="DIG", flag="overdue") == ["LAM-DIG-02"]
    assert await _codes(client, principle="DIG", status="delayed") == []


@pytest.mark.parametrize(
    ("name", "value", "accepted"),
    [
        ("status", "done", "not_started, in_progress, achieved, delayed, withdrawn"),
        ("assurance", "trusted", "self_reported, verified, contested"),
        (
            "flag",
            "late",
            "achieved_without_evidence, achieved_below_target, overdue, target_met_not_reported, stale",
        ),
    ],
)
async def test_unknown_commitment_filter_is_400_naming_it(
    client, name: str, value: str, accepted: str
) -> None:
    """A commitment filter outside its vocabulary is a 400 naming the parameter and what it accepts."""
    await builders.editor_with_adoption()
    r = await client.get(LIST, params={name: value})
    assert r.status_code == 400, r.text
    error = r.json()["errors"][0]
    assert error["field"] == name and accepted in error["message"]


async def test_filters_are_in_the_openapi_schema(client) -> None:
    """Each filter is a documented query parameter, with its accepted values."""
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    params = {p["name"]: p for p in paths["/api/v1/cities/{city}/commitments"]["get"]["parameters"]}
    assert {"charter", "status", "assurance", "principle", "flag"} <= set(params)
    assert params["status"]["schema"]["enum"] == [
        "not_started",
        "in_progress",
        "achieved",
        "delayed",
        "withdrawn",
    ]
    assert params["assurance"]["schema"]["enum"] == ["self_reported", "verified", "contested"]
    params = {p["name"]: p for p in paths["/api/v1/cities/{city}/evidence"]["get"]["parameters"]}
    assert params["review"]["schema"]["enum"] == ["unreviewed", "accepted", "rejected"]
    assert params["origin"]["schema"]["enum"] == ["city", "reviewer"]
