"""The secretariat's review queue: evidence to review, claims to verify once their evidence is
accepted, challenges to rule on and those left unanswered, cities late with their values; filtered
by city, charter and network; the secretariat's alone."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from charter.tables import City
from indicators.review_queue import QueueFilters, next_evidence, review_queue
from indicators.tables import Challenge
from kernel import clock
from kernel.caller import SYSTEM, Caller
from kernel.errors import Forbidden, InvalidInput
from tests import builders
from tests.builders import bearer

CITY = "/api/v1/cities/grenoble"
VALUES = f"{CITY}/indicators/lampedusa/LAM-DIG-01-I1/measurements"


async def _link(client, token: str, title: str, city: str = "grenoble") -> int:
    r = await client.post(
        f"/api/v1/cities/{city}/evidence",
        headers=bearer(token),
        json={"title": title, "kind": "report", "url": f"https://{city}.example/{title}.pdf"},
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def _review(client, secretariat: str, evidence: int, verdict: str) -> None:
    r = await client.post(
        f"/api/v1/evidence/{evidence}/review", headers=bearer(secretariat, "*"), json={"review": verdict}
    )
    assert r.status_code == 200, r.text


async def test_evidence_then_claims_as_the_secretariat_reviews(client) -> None:
    """Unreviewed evidence waits, oldest first; once accepted, the value citing it waits to be
    verified; verified, it leaves the queue; a value citing rejected evidence never waits."""
    editor = await builders.editor_with_adoption()
    secretariat = await builders.token("secretariat")
    first, second = await _link(client, editor, "rapport-2023"), await _link(client, editor, "budget-2024")
    for period, cited in (("2023", first), ("2024", second)):
        r = await client.post(
            VALUES, headers=bearer(editor), json={"period": period, "value": 5, "evidence": [cited]}
        )
        assert r.status_code == 201, r.text
    queue = await review_queue(SYSTEM, QueueFilters(), "fr")
    assert [e.id for e in queue.evidence] == [first, second] and queue.claims == []
    assert await next_evidence(SYSTEM, QueueFilters(), None) == first
    assert await next_evidence(SYSTEM, QueueFilters(), first) == second
    assert await next_evidence(SYSTEM, QueueFilters(), second) is None
    await _review(client, secretariat, first, "accepted")
    await _review(client, secretariat, second, "rejected")
    queue = await review_queue(SYSTEM, QueueFilters(), "fr")
    assert queue.evidence == []
    assert [(c.kind, c.period) for c in queue.claims] == [("measurement", "2023")]
    r = await client.post(
        f"/api/v1/claims/{queue.claims[0].claim_id}/verification", headers=bearer(secretariat, "*"), json={}
    )
    assert r.status_code == 200, r.text
    assert (await review_queue(SYSTEM, QueueFilters(), "fr")).claims == []


async def test_challenges_to_rule_on_and_left_unanswered(client) -> None:
    """A challenge the city answered waits for a ruling; one the city left for 30 days is overdue."""
    editor = await builders.editor_with_adoption()
    reviewer = await builders.token("reviewer", organisation="Observatoire")
    cited = await _link(client, editor, "rapport")
    ids = []
    for period in ("2023", "2024"):
        r = await client.post(
            VALUES, headers=bearer(editor), json={"period": period, "value": 5, "evidence": [cited]}
        )
        r = await client.post(
            f"/api/v1/claims/{r.json()['claim_id']}/challenges",
            headers=bearer(reviewer),
            json={"reason_md": "Le chiffre ne correspond pas au rapport."},
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    r = await client.post(
        f"/api/v1/challenges/{ids[0]}/replies", headers=bearer(editor), json={"body_md": "Voir page 4."}
    )
    assert r.status_code == 201, r.text
    await Challenge.update({Challenge.opened_at: clock.now() - timedelta(days=31)}).where(
        Challenge.id == ids[1]
    )
    queue = await review_queue(SYSTEM, QueueFilters(), "fr")
    assert [c.id for c in queue.rulings] == [ids[0]] and [c.id for c in queue.overdue] == [ids[1]]


async def test_cities_late_with_their_values(client) -> None:
    """An adopted indicator without a value for its latest ended period makes its city late; a
    value for it takes the city off the list."""
    editor = await builders.editor_with_adoption()
    queue = await review_queue(SYSTEM, QueueFilters(), "fr")
    assert [(c.slug, c.values_due, c.oldest_due) for c in queue.late] == [("grenoble", 2, "2025")]
    for code in ("LAM-DIG-01-I1", "LAM-DIG-01-I2"):
        r = await client.post(
            f"{CITY}/indicators/lampedusa/{code}/measurements",
            headers=bearer(editor),
            json={"period": "2025", "value": 1},
        )
        assert r.status_code == 201, r.text
    assert (await review_queue(SYSTEM, QueueFilters(), "fr")).late == []


async def test_filters_by_city_network_and_charter(client) -> None:
    """Each filter keeps its part of the queue; an unknown city, charter or network is a 422
    naming the filter."""
    grenoble = await builders.editor_with_adoption()
    sousse = await builders.editor_with_adoption("sousse", locale="fr-TN")
    await City.update({City.networks: json.dumps(["MC2CM"])}).where(City.slug == "sousse")
    ours, theirs = (
        await _link(client, grenoble, "grenoble"),
        await _link(client, sousse, "sousse", city="sousse"),
    )
    every = await review_queue(SYSTEM, QueueFilters(), "fr")
    assert [e.id for e in every.evidence] == [ours, theirs] and every.networks == ["MC2CM"]
    assert [e.id for e in (await review_queue(SYSTEM, QueueFilters(city="sousse"), "fr")).evidence] == [
        theirs
    ]
    assert [e.id for e in (await review_queue(SYSTEM, QueueFilters(network="MC2CM"), "fr")).evidence] == [
        theirs
    ]
    # Evidence no claim about the charter cites is not the charter's to review.
    assert (await review_queue(SYSTEM, QueueFilters(charter="lampedusa"), "fr")).evidence == []
    r = await client.post(
        VALUES, headers=bearer(grenoble), json={"period": "2024", "value": 5, "evidence": [ours]}
    )
    assert r.status_code == 201, r.text
    assert [e.id for e in (await review_queue(SYSTEM, QueueFilters(charter="lampedusa"), "fr")).evidence] == [
        ours
    ]
    for bad in (QueueFilters(city="atlantis"), QueueFilters(charter="nope"), QueueFilters(network="NOPE")):
        with pytest.raises(InvalidInput) as refused:
            await review_queue(SYSTEM, bad, "fr")
        assert refused.value.errors[0].field in ("city", "charter", "network")


async def test_only_the_secretariat_sees_the_queue() -> None:
    await builders.editor_with_adoption()
    for caller in (
        Caller(user_id=5, roles=frozenset({"city_editor"}), editable_city_ids=frozenset({1})),
        Caller(user_id=6, roles=frozenset({"reviewer"})),
    ):
        with pytest.raises(Forbidden):
            await review_queue(caller, QueueFilters(), "fr")
        with pytest.raises(Forbidden):
            await next_evidence(caller, QueueFilters(), None)
