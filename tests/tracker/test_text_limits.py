"""Every text the service takes has a documented maximum: a longer one is refused by name (400
or 422) and nothing is stored, so no published claim can carry megabytes of Markdown."""

import pytest

from kernel.schemas import MAX_MARKDOWN, MAX_NAME, MAX_TITLE
from tests import builders
from tests.builders import bearer

CITY = "/api/v1/cities/grenoble"
VALUES = f"{CITY}/indicators/lampedusa/LAM-DIG-01-I1/measurements"
UPDATES = f"{CITY}/commitments/lampedusa/LAM-DIG-01/updates"
LONG = "x" * (MAX_MARKDOWN + 1)


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        (VALUES, {"period": "2023", "value": 4, "note_md": LONG}, "note_md"),
        (UPDATES, {"status": "in_progress", "reported_on": "2024-01-31", "note_md": LONG}, "note_md"),
        (
            f"{CITY}/evidence",
            {"title": "t" * (MAX_TITLE + 1), "kind": "report", "url": "https://a.example/x"},
            "title",
        ),
        (
            f"{CITY}/evidence",
            {"title": "Report", "kind": "report", "url": "https://a.example/x", "description_md": LONG},
            "description_md",
        ),
        (
            "/api/v1/cities/grenoble/commitments",
            {
                "charter": "lampedusa",
                "commitment": "LAM-DIG-02",
                "adopted_on": "2024-01-01",
                "owner": "o" * (MAX_NAME + 1),
            },
            "owner",
        ),
    ],
)
async def test_a_text_over_its_maximum_is_refused(client, url: str, body: dict, field: str) -> None:
    """Each over-long text is a 4xx naming its field; nothing is stored."""
    editor = await builders.editor_with_adoption()
    r = await client.post(url, headers=bearer(editor), json=body)
    assert r.status_code in (400, 422), r.text
    assert r.json()["errors"][0]["field"] == field
    assert (await client.get(VALUES)).json() == []
    assert len((await client.get(f"{CITY}/evidence")).json()) == 0


async def test_a_challenge_reason_over_its_maximum_is_refused(client) -> None:
    """The same rule for civil society: a reason over the maximum names `reason_md`."""
    editor = await builders.editor_with_adoption()
    reviewer = await builders.token("reviewer", email="watch@ngo.example")
    claim = (await client.post(VALUES, headers=bearer(editor), json={"period": "2023", "value": 4})).json()
    r = await client.post(
        f"/api/v1/claims/{claim['claim_id']}/challenges", headers=bearer(reviewer), json={"reason_md": LONG}
    )
    assert r.status_code in (400, 422) and r.json()["errors"][0]["field"] == "reason_md"
