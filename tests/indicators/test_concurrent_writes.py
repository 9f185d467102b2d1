"""Many writers at once on one adoption: no write fails with a server error, a reviewer's
challenge limit holds exactly, every row written has its audit row, and the standings kept by
the writes equal a full recomputation."""

import asyncio
import os
import time
from collections import Counter
from datetime import date, timedelta

import httpx
import pytest

from commitments.tables import StatusUpdate
from indicators.tables import Challenge, ChallengeReply, Evidence, Measurement
from kernel.tables import AuditEntry
from tests import builders
from tests.builders import bearer

CITY = "/api/v1/cities/grenoble"
INDICATORS = f"{CITY}/indicators/lampedusa"
VALUES = f"{INDICATORS}/LAM-DIG-01-I1/measurements"
UPDATES = f"{CITY}/commitments/lampedusa/LAM-DIG-01/updates"
WRITERS = 20
SECONDS = float(os.environ.get("CONCURRENCY_SECONDS", "30"))
"""How long the twenty writers of the mix keep writing."""
MOST = 8_000
"""Writes of the mix at most: the periods and dates they claim stay in the past."""


def _month(n: int) -> str:
    """A distinct month for the n-th value, so that no two values claim the same period."""
    return f"{1900 + n // 12}-{n % 12 + 1:02d}"


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


def _request(n: int, editor: str, reviewer: str, claim: str, challenge: int) -> tuple[str, str, dict, dict]:
    """The n-th write of the mix: (kind, path, headers, body), the kinds taking turns."""
    kind = ("value", "status", "target", "challenge", "reply", "evidence", "adoption")[n % 7]
    if kind == "value":
        return kind, VALUES, bearer(editor), {"period": _month(n // 7), "value": n}
    if kind == "status":
        reported = (date(2023, 2, 1) + timedelta(days=n // 7)).isoformat()
        return kind, UPDATES, bearer(editor), {"status": "in_progress", "reported_on": reported}
    if kind == "target":
        code = ("LAM-DIG-01-I1", "LAM-DIG-01-I2")[n % 2]
        return kind, f"{INDICATORS}/{code}/target", bearer(editor, "*"), {"baseline": 1, "target": 600 + n}
    if kind == "challenge":
        return kind, f"/api/v1/claims/{claim}/challenges", bearer(reviewer), {"reason_md": f"Doubt {n}"}
    if kind == "evidence":
        proof = {"title": f"Proof {n}", "kind": "report", "url": f"https://grenoble.example/{n}.pdf"}
        return kind, f"{CITY}/evidence", bearer(editor), proof
    if kind == "adoption":
        adoption = f"{CITY}/commitments/lampedusa/LAM-DIG-01"
        return kind, adoption, bearer(editor, "*"), {"owner": f"Owner {n}"}
    return kind, f"/api/v1/challenges/{challenge}/replies", bearer(editor), {"body_md": f"Answer {n}"}


async def _setup_mix(client: httpx.AsyncClient) -> tuple[str, list[str], str, int]:
    """Grenoble's editor, a published value, four reviewers, one open challenge, both targets set."""
    editor = await builders.editor_with_adoption()
    claim = await _published_value(client, editor)
    reviewers = [await builders.token("reviewer", email=f"r{n}@ngo.example") for n in range(4)]
    r = await client.post(
        f"/api/v1/claims/{claim}/challenges", headers=bearer(reviewers[0]), json={"reason_md": "Doubt"}
    )
    assert r.status_code == 201, r.text
    challenge = r.json()["id"]
    for code in ("LAM-DIG-01-I1", "LAM-DIG-01-I2"):
        r = await client.put(f"{INDICATORS}/{code}/target", headers=bearer(editor), json={"target": 500})
        assert r.status_code == 200, r.text
    return editor, reviewers, claim, challenge


@pytest.mark.postgres
async def test_many_writers_mixing_writes_on_one_adoption(client) -> None:
    """Twenty writers for `CONCURRENCY_SECONDS` (30), mixing values, status updates, targets,
    challenges, replies, evidence and changes of the adoption: no server error, as many audit
    rows as rows written, the kept standing as recomputed."""
    editor, reviewers, claim, challenge = await _setup_mix(client)
    deadline = time.monotonic() + SECONDS
    numbers = iter(range(MOST))
    calls = {"target": client.put, "adoption": client.patch}

    async def writer(w: int) -> list[tuple[str, int]]:
        done = []
        while time.monotonic() < deadline and (n := next(numbers, None)) is not None:
            kind, path, headers, body = _request(n, editor, reviewers[w % 4], claim, challenge)
            response = await calls.get(kind, client.post)(path, headers=headers, json=body)
            done.append((kind, response.status_code))
        return done

    results = [x for batch in await asyncio.gather(*(writer(w) for w in range(WRITERS))) for x in batch]
    assert [x for x in results if x[1] >= 500] == []
    ok = Counter(kind for kind, code in results if code < 300)
    assert all(ok[kind] for kind in ("value", "status", "target", "challenge", "reply", "evidence")), ok
    assert ok["adoption"], ok
    assert await Measurement.count() == 1 + ok["value"] == await _audits("measurement", "create")
    assert await StatusUpdate.count() == ok["status"] == await _audits("status_update", "create")
    assert await _audits("target", "create") + await _audits("target", "update") == 2 + ok["target"]
    assert await Challenge.count() == 1 + ok["challenge"] == await _audits("challenge", "create")
    assert await ChallengeReply.count() == ok["reply"] == await _audits("challenge", "reply")
    assert await Evidence.count() == ok["evidence"] == await _audits("evidence", "create")
    assert await _audits("adoption", "update") == ok["adoption"]
    statuses = dict(Counter(code for _, code in results))
    print(f"{len(results)} writes in {SECONDS:.0f} s by {WRITERS} writers: {statuses}")
    kept, rebuilt = await builders.kept_and_recomputed_standings()
    assert kept == rebuilt


async def test_first_settings_of_one_target_at_once(client) -> None:
    """Ten first settings of the same target at once: one is stored, the others are told to
    send the version they read (428); none fails with a server error."""
    editor = await builders.editor_with_adoption()
    url = f"{INDICATORS}/LAM-DIG-01-I1/target"
    responses = await asyncio.gather(
        *(client.put(url, headers=bearer(editor), json={"target": 600 + n}) for n in range(10))
    )
    assert sorted(r.status_code for r in responses) == [200] + [428] * 9, [r.text for r in responses]
    assert await _audits("target", "create") == 1
