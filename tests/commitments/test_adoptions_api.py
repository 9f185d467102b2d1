"""Adoptions and status updates through the API."""

from tests import builders
from tests.builders import bearer

URL = "/api/v1/cities/grenoble/commitments"


async def _signed_editor() -> str:
    await builders.charter()
    await builders.city("grenoble")
    await builders.signed("grenoble")
    return await builders.token("city_editor", "grenoble")


async def test_city_adopts_a_commitment_of_a_signed_charter(client) -> None:
    """An adoption is recorded once and listed with no status and progress 0."""
    token = await _signed_editor()
    body = {
        "charter": "lampedusa",
        "commitment": "LAM-DIG-01",
        "adopted_on": "2023-01-15",
        "due_on": "2025-12-31",
        "owner": "Direction des affaires juridiques",
    }
    r = await client.post(URL, headers=bearer(token), json=body)
    assert r.status_code == 201, r.text
    assert r.json() == {**body, "version": 1, "evidence": []}
    assert (await client.post(URL, headers=bearer(token), json=body)).status_code == 409
    listed = (await client.get(URL)).json()
    assert [(c["commitment"], c["status"], c["progress"]) for c in listed] == [("LAM-DIG-01", None, 0.0)]


async def test_adoption_needs_a_signature_and_sane_dates(client) -> None:
    """No signature: 409; due before adoption, unknown commitment, a month for a day: refused."""
    await builders.charter()
    await builders.city("grenoble")
    token = await builders.token("city_editor", "grenoble")
    body = {"charter": "lampedusa", "commitment": "LAM-DIG-01", "adopted_on": "2023-01-15"}
    r = await client.post(URL, headers=bearer(token), json=body)
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "charter"
    await builders.signed("grenoble")
    cases = [
        ({"due_on": "2022-01-01"}, 422, "due_on"),
        ({"commitment": "LAM-XXX-99"}, 404, None),
        ({"adopted_on": "2000-05"}, 400, "adopted_on"),
        ({"adopted_on": "2999-01-01"}, 422, "adopted_on"),
    ]
    for change, status, field in cases:
        r = await client.post(URL, headers=bearer(token), json={**body, **change})
        assert r.status_code == status, (change, r.text)
        if field:
            assert r.json()["errors"][0]["field"] == field
    assert (await client.get(URL)).json() == []


async def test_status_updates_build_a_timeline(client) -> None:
    """Updates are listed oldest first; the last one is the commitment's status."""
    token = await builders.editor_with_adoption()
    url = f"{URL}/lampedusa/LAM-DIG-01"
    for status, day in (("in_progress", "2023-06-30"), ("delayed", "2024-06-30")):
        r = await client.post(
            f"{url}/updates",
            headers=bearer(token),
            json={"status": status, "reported_on": day, "note_md": f"**{status}**"},
        )
        assert r.status_code == 201, r.text
    detail = (await client.get(url)).json()
    assert [u["status"] for u in detail["timeline"]] == ["in_progress", "delayed"]
    assert detail["status"] == "delayed" and detail["status_reported_on"] == "2024-06-30"
    assert detail["timeline"][0]["note_html"] == "<p><strong>in_progress</strong></p>\n"
    assert detail["owner"] == "Legal affairs"


async def test_status_update_hostile_inputs(client) -> None:
    """Unknown status, future date, date before adoption, other city's evidence: each refused."""
    token = await builders.editor_with_adoption()
    url = f"{URL}/lampedusa/LAM-DIG-01/updates"
    cases = [
        ({"status": "finished"}, 400, "status"),
        ({"reported_on": "2999-01-01"}, 422, "reported_on"),
        ({"reported_on": "2022-01-01"}, 422, "reported_on"),
        ({"evidence": [999]}, 422, "evidence"),
        ({"reported_on": "2024-06"}, 400, "reported_on"),
    ]
    for change, status, field in cases:
        r = await client.post(
            url, headers=bearer(token), json={"status": "achieved", "reported_on": "2024-06-30", **change}
        )
        assert r.status_code == status, (change, r.text)
        assert r.json()["errors"][0]["field"] == field
    assert (await client.get(f"{URL}/lampedusa/LAM-DIG-01")).json()["timeline"] == []


async def test_markdown_in_notes_is_stored_as_typed_and_rendered_inert(client) -> None:
    """Scripts, iframes, handlers and javascript: links are kept in note_md and inert in note_html."""
    token = await builders.editor_with_adoption()
    hostile = (
        "<script>alert(1)</script> <iframe src=//evil.example></iframe> "
        "<img src=x onerror=alert(1)> [x](javascript:alert(1))"
    )
    r = await client.post(
        f"{URL}/lampedusa/LAM-DIG-01/updates",
        headers=bearer(token),
        json={"status": "in_progress", "reported_on": "2024-01-31", "note_md": hostile},
    )
    assert r.status_code == 201
    assert r.json()["note_md"] == hostile
    html = r.json()["note_html"]
    assert "<script" not in html and "<iframe" not in html and "<img" not in html
    assert 'href="javascript' not in html


async def test_unknown_adoption_is_404(client) -> None:
    """A commitment the city has not adopted has no page."""
    await builders.editor_with_adoption()
    assert (await client.get(f"{URL}/lampedusa/LAM-DIG-02")).status_code == 404
    assert (await client.get(f"{URL}/lampedusa/NOPE")).status_code == 404
    assert (await client.get("/api/v1/cities/nowhere/commitments")).status_code == 404
