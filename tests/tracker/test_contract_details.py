"""What the contract run (tests/contract) found, pinned one by one: NUL characters are refused
wherever they come, `OPTIONS` lists every method of a path, the document declares what the API
answers (401 and 429 anywhere, enums of filters, bounds of every field), an empty filter is
allowed, a sort by a column the level lacks is 404."""

import pytest

from indicators.tables import Measurement
from tests import builders
from tests.builders import bearer

VALUES = "/api/v1/cities/grenoble/indicators/lampedusa/LAM-DIG-01-I1/measurements"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"period": "2023", "value": 1, "note_md": "a\u0000b"}, "note_md"),
        ({"period": "2023\u0000", "value": 1}, "period"),
        ({"period": "2023", "value": "4\u00001"}, "value"),
    ],
)
async def test_a_nul_in_a_json_body_is_422_naming_the_field(client, body: dict, field: str) -> None:
    """PostgreSQL cannot keep U+0000 in text: refused first, on both databases, nothing written."""
    token = await builders.editor_with_adoption()
    r = await client.post(VALUES, headers=bearer(token), json=body)
    assert r.status_code == 422, r.text
    assert r.json()["errors"] == [
        {"field": field, "message": "Expected text without the NUL character (U+0000)."}
    ]
    assert await Measurement.count() == 0


async def test_a_nul_in_a_path_a_query_a_form_or_a_document_is_422(client) -> None:
    token = await builders.editor_with_adoption()
    secretariat = await builders.token("secretariat", email="sec@uclg.example")
    r = await client.get("/api/v1/charters/lampedusa/comparison", params={"network": "MC2\u0000CM"})
    assert (r.status_code, r.json()["errors"][0]["field"]) == (422, "network")
    r = await client.get("/api/v1/cities/gre%00noble")
    assert (r.status_code, r.json()["errors"][0]["field"]) == (422, "city")
    r = await client.post(
        "/api/v1/cities/grenoble/evidence",
        headers=bearer(token),
        files={"file": ("a.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf")},
        data={"title": "Budget\u0000", "kind": "budget"},
    )
    assert (r.status_code, r.json()["errors"][0]["field"]) == (422, "title")
    r = await client.put(
        "/api/v1/charters/nul/document",
        headers={**bearer(secretariat), "Content-Type": "text/markdown"},
        content=b"---\nslug: nul\n---\n# A\x00B\n",
    )
    assert (r.status_code, r.json()["errors"][0]["field"]) == (422, "body")
    assert (await client.get("/api/v1/charters/nul")).status_code == 404


async def test_options_lists_every_method_of_the_path(client) -> None:
    """Litestar 2 listed only the first handler's method (`OPTIONS, PATCH` on a claim)."""
    for path, allowed in (
        ("/api/v1/claims/status-1", "GET, OPTIONS, PATCH"),
        ("/api/v1/cities/grenoble", "GET, OPTIONS, PATCH"),
        ("/api/v1/challenges/1", "GET, OPTIONS"),
    ):
        r = await client.options(path)
        assert (r.status_code, r.headers["allow"]) == (204, allowed)


async def test_the_document_declares_what_the_api_answers(client) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            declared = set(operation["responses"])
            assert {"400", "401", "429"} <= declared, (method, path)
            problem = operation["responses"]["429"]["content"]["application/problem+json"]
            assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}
    schemas = document["components"]["schemas"]
    assert schemas["MeasurementCreate"]["additionalProperties"] is False
    assert schemas["MeasurementCreate"]["properties"]["evidence"]["items"]["minimum"] == 1
    title = schemas["CharterCreate"]["properties"]["title"]["oneOf"][1]
    assert title["propertyNames"]["maxLength"] == 8 and title["additionalProperties"]["maxLength"] == 500
    comparison = document["paths"]["/api/v1/charters/{charter}/comparison"]["get"]
    assert set(comparison["responses"]["200"]["content"]) == {
        "application/json",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    status = next(p for p in comparison["parameters"] if p["name"] == "order")
    assert status["schema"]["enum"] == ["asc", "desc"]


async def test_an_empty_filter_filters_nothing_and_says_so(client) -> None:
    """`?status=` (a form's "all") is every item, and the document allows the empty value."""
    r = await client.get("/api/v1/challenges", params={"status": "in_progress"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "status"
    assert (await client.get("/api/v1/challenges", params={"status": ""})).status_code == 200
    document = (await client.get("/schema/openapi.json")).json()
    listed = document["paths"]["/api/v1/challenges"]["get"]["parameters"]
    status = next(p for p in listed if p["name"] == "status")
    assert status["allowEmptyValue"] is True and status["schema"]["enum"] == ["open", "answered", "ruled"]


async def test_sorting_by_a_column_the_level_lacks_is_404(client) -> None:
    await builders.editor_with_adoption()
    url = "/api/v1/charters/lampedusa/comparison"
    assert (await client.get(url, params={"sort": "NOPE.progress"})).status_code == 404
    assert (await client.get(url, params={"sort": "total.progress"})).status_code == 200
    assert (await client.get(url, params={"sort": "sideways"})).status_code == 400


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"period": "2023", "value": 1, "draft": 0}, "draft"),
        ({"period": "2023", "value": 1, "evidence": ["1"]}, "evidence[0]"),
        ({"period": 2023, "value": 1}, "period"),
    ],
)
async def test_a_body_is_taken_as_written(client, body: dict, field: str) -> None:
    """`0` is not `false`, `"1"` not an id, `2023` not the text "2023": 400 naming the field,
    nothing written (Litestar would have converted them)."""
    token = await builders.editor_with_adoption()
    r = await client.post(VALUES, headers=bearer(token), json=body)
    assert r.status_code == 400, r.text
    assert r.json()["errors"][0]["field"] == field
    assert await Measurement.count() == 0


async def test_an_evidence_form_without_its_file_or_with_parts_it_does_not_read(client) -> None:
    """No `file` part: 422 naming it; a part the upload does not read: 400 naming it; nothing kept."""
    token = await builders.editor_with_adoption()
    url = "/api/v1/cities/grenoble/evidence"
    r = await client.post(url, headers=bearer(token), files={"title": (None, "Budget")})
    assert (r.status_code, r.json()["errors"][0]["field"]) == (422, "file")
    r = await client.post(
        url,
        headers=bearer(token),
        files={"file": ("a.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf")},
        data={"title": "Budget", "kind": "budget", "secret": "x"},
    )
    assert (r.status_code, r.json()["errors"][0]["field"]) == (400, "secret")
    assert (await client.get(url, headers=bearer(token))).json() == []
