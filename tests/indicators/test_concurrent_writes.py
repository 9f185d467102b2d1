"""Many writers at once on one adoption: no write fails with a server error, a reviewer's
challenge limit holds exactly, every row written has its audit row, and the standings kept by
the writes equal a full recomputation."""

import asyncio
from collections import Counter

import httpx

from indicators.tables import Challenge
from kernel.tables import AuditEntry
from tests import builders
from tests.builders import bearer

CITY = "/api/v1/cities/grenoble"
INDICATORS = f"{CITY}/indicators/lampedusa"
VALUES = f"{INDICATORS}/LAM-DIG-01-I1/measurements"
UPDATES = f"{CITY}/commitments/lampedusa/LAM-DIG-01/updates"
WRITERS = 20
REQUESTS_EACH = 10


def _month(n: int) -> str:
    """A distinct month for the n-th value, so that no two values claim the same period."""
    return f"{2000 + n // 12}-{n % 12 + 1:02d}"


async def _published_value(client: httpx.AsyncClient, editor: str) -> str:
    r = await client.post(VALUES, headers=bearer(editor), json={"period": "2023", "value": 410})
    assert r.status_code == 201, r.text
    return r.json()["claim_id"]


async def _audits(entity: str, action: str) -> int:
    return await AuditEntry.count().where((AuditEntry.entity == entity) & (AuditEntry.action == action))


async def test_twenty_values_at_once_on_one_adoption(client) -> None:
    """Each value refreshes the same standing row; none of the twenty fails."""
    editor = await builders.editor_with_adoption()
    responses = await asyncio.gather(
        *(
            client.post(VALUES, headers=bearer(editor), json={"period": _month(n), "value": n})
            for n in range(WRITERS)
        )
    )
    assert [r.status_code for r in responses] == [201] * WRITERS, [r.text for r in responses]
    kept, rebuilt = await builders.kept_and_recomputed_standings()
    assert kept == rebuilt and kept[0]["claims"] == WRITERS


async def test_forty_challenges_at_once_from_one_reviewer(client) -> None:
    """The limit of ten a minute holds when the forty arrive together: ten open, thirty get 429."""
    editor = await builders.editor_with_adoption()
    claim = await _published_value(client, editor)
    reviewer = await builders.token("reviewer", email="watch@ngo.example")
    responses = await asyncio.gather(
        *(
            client.post(
                f"/api/v1/claims/{claim}/challenges",
                headers=bearer(reviewer),
                json={"reason_md": f"Doubt {n}"},
            )
            for n in range(40)
        )
    )
    codes = Counter(r.status_code for r in responses)
    assert codes == {201: 10, 429: 30}, [r.text for r in responses if r.status_code >= 500]
    assert await Challenge.count() == 10 == await _audits("challenge", "create")
