"""Update a commitment's status from the page: the status, its day as the city writes dates, the
narrative, evidence picked or filed in the same form; refused fields named, nothing written;
only the city's editors and the secretariat."""

from __future__ import annotations

import pytest

from commitments.tables import StatusUpdate
from indicators.tables import Evidence, UpdateEvidence
from kernel.tables import AuditEntry
from tests import builders
from tests.web.html import check_page, parse
from tests.web.test_challenge_form import csrf_of
from tests.web.test_value_form import _editor

FORM = "/workspace/grenoble/commitments/lampedusa/LAM-DIG-01/status/new"


async def test_from_the_to_do_a_status_with_its_narrative_and_a_new_link(client) -> None:
    await builders.editor_with_adoption()
    await _editor(client)
    todo = await client.get("/workspace/grenoble", params={"lang": "fr"})
    assert FORM in [a.get("href") for n, a in parse(todo.text).tags if n == "a"]
    form = await client.get(FORM, params={"lang": "fr"})
    page = check_page(form, "fr", "ltr")
    day = next(a.get("value") for n, a in page.tags if a.get("id") == "reported-on")
    assert day == "26/11/2026"  # today, as Grenoble writes dates
    r = await client.post(
        FORM,
        data={
            "_csrf_token": csrf_of(form.text),
            "status": "in_progress",
            "reported_on": "15/10/2026",
            "text": "La permanence du **samedi** est ouverte.",
            "evidence_title": "Délibération du conseil",
            "evidence_kind": "council_decision",
            "evidence_url": "https://grenoble.example/deliberation",
            "action": "publish",
        },
    )
    assert r.status_code == 303, r.text[:800]
    update = await StatusUpdate.select().first()
    assert r.headers["location"] == f"/workspace/grenoble?saved=status-{update['id']}"
    assert (update["status"], str(update["reported_on"]), update["draft"]) == (
        "in_progress",
        "2026-10-15",
        False,
    )
    proof = await Evidence.select().first()
    assert (proof["kind"], proof["url"]) == ("council_decision", "https://grenoble.example/deliberation")
    assert await UpdateEvidence.count() == 1
    back = await client.get(r.headers["location"] + "&lang=fr")
    assert "En cours" in parse(back.text).text or "en cours" in parse(back.text).text


@pytest.mark.parametrize(
    ("fields", "anchors"),
    [
        ({"reported_on": "15/10/2026"}, ["#status"]),
        ({"status": "withdrawn", "reported_on": "15/10/2026"}, ["#status"]),
        ({"status": "achieved", "reported_on": "31/02/2026"}, ["#reported-on"]),
        ({"status": "achieved", "reported_on": "01/01/2020"}, ["#reported-on"]),  # before the adoption
        ({"status": "achieved", "reported_on": "01/01/2999"}, ["#reported-on"]),
        ({"status": "achieved", "reported_on": "15/10/2026", "evidence": "77"}, ["#evidence-picked"]),
    ],
)
async def test_refused_fields_are_named_and_nothing_written(client, fields, anchors) -> None:
    await builders.editor_with_adoption()
    await _editor(client)
    form = await client.get(FORM, params={"lang": "ar"})
    before = (await StatusUpdate.count(), await AuditEntry.count())
    r = await client.post(FORM, data={"_csrf_token": csrf_of(form.text), "action": "publish", **fields})
    assert r.status_code == 422, r.text[:800]
    page = check_page(r, "ar", "rtl")
    summary = [a.get("href") for n, a in page.tags if n == "a" and (a.get("href") or "").startswith("#")]
    assert [h for h in summary if h != "#main"] == anchors
    assert (await StatusUpdate.count(), await AuditEntry.count()) == before


async def test_another_citys_officer_gets_no_form(client) -> None:
    await builders.editor_with_adoption()
    await builders.city("sousse", locale="fr-TN", country="TN")
    await _editor(client, "sousse", "ed@sousse.tn")
    assert (await client.get(FORM)).status_code == 403
    token = csrf_of((await client.get("/workspace/sousse")).text)
    r = await client.post(
        FORM, data={"_csrf_token": token, "status": "achieved", "reported_on": "2026-10-15"}
    )
    assert r.status_code == 403 and await StatusUpdate.count() == 0
