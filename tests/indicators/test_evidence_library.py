"""The city's evidence is kept once and can be withdrawn when filed by mistake: the same file
uploaded again is recognised (the API names the piece on file; a form cites it); a piece nothing
cites is withdrawn (hidden, no longer citable, kept in history), while a piece cited by a published
claim, an act, a challenge or a draft stays, the refusal naming what cites it."""

from __future__ import annotations

import pytest

from indicators.tables import Evidence
from kernel.tables import AuditEntry
from tests import builders
from tests.builders import bearer

CITY = "/api/v1/cities/grenoble"
EV = f"{CITY}/evidence"
VALUES = f"{CITY}/indicators/lampedusa/LAM-DIG-01-I1/measurements"
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


async def _upload(client, token: str, content: bytes = PDF, title: str = "Registre 2025"):
    return await client.post(
        EV,
        headers=bearer(token),
        files={"file": ("registre.pdf", content, "application/pdf")},
        data={"title": title, "kind": "report"},
    )


async def test_the_same_file_is_not_filed_twice(client) -> None:
    """The second upload of the same bytes is 409 and names the piece on file; nothing is
    written. A reviewer's counter-evidence with the same bytes is theirs to file."""
    editor = await builders.editor_with_adoption()
    first = await _upload(client, editor)
    assert first.status_code == 201, first.text
    before = (await Evidence.count(), await AuditEntry.count())
    again = await _upload(client, editor, title="Le même registre")
    assert again.status_code == 409, again.text
    problem = again.json()
    assert f"evidence {first.json()['id']}" in problem["detail"]
    assert [e["field"] for e in problem["errors"]] == ["file"]
    assert (await Evidence.count(), await AuditEntry.count()) == before
    other = await _upload(client, editor, content=PDF + b"% another page\n")
    assert other.status_code == 201
    reviewer = await builders.token("reviewer", email="watch@ngo.example", organisation="Watch")
    counter = await _upload(client, reviewer)
    assert counter.status_code == 201 and counter.json()["origin"] == "reviewer"


async def test_withdraw_what_nothing_cites(client) -> None:
    editor = await builders.editor_with_adoption()
    piece = (await _upload(client, editor)).json()
    url = f"/api/v1/evidence/{piece['id']}/withdrawal"
    assert (await client.post(url, headers=bearer(editor))).status_code == 428
    assert (await client.post(url, headers=bearer(editor, '"v9"'))).status_code == 412
    r = await client.post(url, headers=bearer(editor, '"v1"'))
    assert r.status_code == 200, r.text
    assert r.json()["withdrawn_at"] is not None and r.headers["ETag"] == '"v2"'
    audit = await AuditEntry.select().where(AuditEntry.action == "withdraw").first()
    assert audit is not None and audit["key"] == f"evidence-{piece['id']}"
    assert (await client.post(url, headers=bearer(editor, '"v2"'))).status_code == 409
    # No longer citable, and no longer public to anyone but the city's editors.
    cite = await client.post(
        VALUES, headers=bearer(editor), json={"period": "2025", "value": 12, "evidence": [piece["id"]]}
    )
    assert cite.status_code == 422 and cite.json()["errors"][0]["field"] == "evidence"
    assert (await client.get(f"/api/v1/evidence/{piece['id']}")).status_code == 404
    listed = (await client.get(EV, headers=bearer(editor))).json()
    assert [(e["id"], e["withdrawn_at"] is not None) for e in listed] == [(piece["id"], True)]
    # The same file may be filed again: the withdrawn piece no longer counts as on file.
    assert (await _upload(client, editor)).status_code == 201


async def test_what_is_cited_stays_and_the_refusal_names_what_cites_it(client) -> None:
    editor = await builders.editor_with_adoption()
    published = (await _upload(client, editor)).json()
    drafted = (await _upload(client, editor, content=PDF + b"% draft\n")).json()
    value = await client.post(
        VALUES, headers=bearer(editor), json={"period": "2025", "value": 12, "evidence": [published["id"]]}
    )
    draft = await client.post(
        VALUES,
        headers=bearer(editor),
        json={"period": "2024", "value": 10, "evidence": [drafted["id"]], "draft": True},
    )
    assert value.status_code == draft.status_code == 201, (value.text, draft.text)
    before = await AuditEntry.count()
    for piece, claim in ((published, value.json()), (drafted, draft.json())):
        r = await client.post(f"/api/v1/evidence/{piece['id']}/withdrawal", headers=bearer(editor, '"v1"'))
        assert r.status_code == 409, r.text
        assert claim["claim_id"] in r.json()["detail"]
    assert await AuditEntry.count() == before
    assert await Evidence.count().where(Evidence.withdrawn_at.is_not_null()) == 0


@pytest.mark.parametrize("who", ["other_city", "reviewer", "anonymous"])
async def test_only_the_citys_editors_and_the_secretariat_withdraw(client, who) -> None:
    editor = await builders.editor_with_adoption()
    piece = (await _upload(client, editor)).json()
    headers: dict[str, str] = {"If-Match": '"v1"'}
    if who == "other_city":
        await builders.city("sousse", locale="fr-TN", country="TN")
        headers = bearer(await builders.token("city_editor", "sousse", email="ed@sousse.tn"), '"v1"')
    elif who == "reviewer":
        headers = bearer(await builders.token("reviewer", email="w@ngo.example", organisation="W"), '"v1"')
    r = await client.post(f"/api/v1/evidence/{piece['id']}/withdrawal", headers=headers)
    assert r.status_code in {401, 403, 404}, r.text
    assert await Evidence.count().where(Evidence.withdrawn_at.is_not_null()) == 0
    secretariat = await builders.token("secretariat", email="sec@uclg.example")
    done = await client.post(
        f"/api/v1/evidence/{piece['id']}/withdrawal", headers=bearer(secretariat, '"v1"')
    )
    assert done.status_code == 200
