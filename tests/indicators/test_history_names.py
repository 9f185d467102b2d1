"""Histories name people only as they publish: never by account id or e-mail address."""

from tests import builders
from tests.builders import bearer

CITY = "/api/v1/cities/grenoble"
VALUES = f"{CITY}/indicators/lampedusa/LAM-DIG-01-I1/measurements"


def account_ids(state: object) -> list[str]:
    """Keys of a history state that hold an account id (`verified_by: 2`)."""
    if not isinstance(state, dict):
        return []
    return [k for k, v in state.items() if k.endswith("_by") and isinstance(v, int)]


async def test_public_history_of_a_verified_claim_shows_no_account_id(client) -> None:
    """After the secretariat verifies a value, its public history names the verifier by the
    published name; only the secretariat sees the account."""
    editor = await builders.editor_with_adoption()
    secretariat = await builders.token("secretariat", email="sec@uclg.example")
    evidence = (
        await client.post(
            f"{CITY}/evidence",
            headers=bearer(editor),
            json={
                "title": "Rapport annuel 2023",
                "kind": "report",
                "url": "https://grenoble.example/ra.pdf",
                "issued_on": "2024-03-01",
            },
        )
    ).json()["id"]
    value = (
        await client.post(
            VALUES, headers=bearer(editor), json={"period": "2023", "value": 410, "evidence": [evidence]}
        )
    ).json()
    r = await client.post(
        f"/api/v1/claims/{value['claim_id']}/verification",
        headers=bearer(secretariat, '"v1"'),
        json={"note_md": "Checked."},
    )
    assert r.status_code == 200, r.text
    url = f"/api/v1/history?entity=measurement&key={value['claim_id']}"
    public = (await client.get(url)).json()
    verify = next(h for h in public if h["action"] == "verify")
    assert verify["after"]["verified_by"] == "secretariat"
    assert [account_ids(h["before"]) + account_ids(h["after"]) for h in public] == [[]] * len(public)
    assert "sec@uclg.example" not in str(public)
    private = (await client.get(url, headers=bearer(secretariat))).json()
    assert any(h["by"] == "sec@uclg.example" for h in private)


async def test_a_challenge_is_published_under_the_account_organisation(client) -> None:
    """The organisation belongs to the reviewer's account: a request cannot name another one."""
    editor = await builders.editor_with_adoption()
    reviewer = await builders.token(
        "reviewer", email="watch@ngo.example", organisation="Collectif Accès aux Droits 38"
    )
    claim = (await client.post(VALUES, headers=bearer(editor), json={"period": "2023", "value": 410})).json()[
        "claim_id"
    ]
    url = f"/api/v1/claims/{claim}/challenges"
    r = await client.post(
        url, headers=bearer(reviewer), json={"reason_md": "Doubtful.", "organisation": "UNHCR Tunisia"}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "organisation"
    assert (await client.get("/api/v1/challenges")).json()["items"] == []
    r = await client.post(url, headers=bearer(reviewer), json={"reason_md": "Doubtful."})
    assert r.status_code == 201 and r.json()["by"] == "Collectif Accès aux Droits 38"
    r = await client.post(
        url,
        headers=bearer(reviewer),
        json={"reason_md": "Again.", "organisation": "Collectif Accès aux Droits 38"},
    )
    assert r.status_code == 201, r.text  # repeating the account's own organisation is harmless
    assert "UNHCR" not in (await client.get("/api/v1/challenges")).text
