"""The API documentation: the OpenAPI schema and a docs page that needs no CDN."""


async def test_docs_page_and_its_assets_are_served_locally(client) -> None:
    """/schema links only to our own /static files, which are served; the schema states the formula."""
    page = await client.get("/schema")
    assert page.status_code == 200
    assert "/static/swagger/swagger-ui-bundle.js" in page.text and "cdn." not in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
        assert (await client.get(f"/static/swagger/{asset}")).status_code == 200
    schema = (await client.get("/schema/openapi.json")).json()
    assert "(latest − baseline) / (target − baseline)" in schema["info"]["description"]
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"


async def test_report_preview_fonts_are_served(client) -> None:
    """The HTML preview's fonts come from the application itself."""
    r = await client.get("/static/report-fonts/NotoSansArabic-Regular.ttf")
    assert r.status_code == 200 and r.content[:4] == b"\x00\x01\x00\x00"


async def test_every_operation_is_described_and_refusals_are_problems(client) -> None:
    """Each operation carries its handler's docstring; every error response it documents is the
    RFC 9457 problem the API sends, never Litestar's {status_code, detail, extra}."""
    schema = (await client.get("/schema/openapi.json")).json()
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) >= 40
    assert [f"{m.upper()} {p}" for p, m, op in operations if not op.get("description")] == []
    for path, method, op in operations:
        refusals = {code: r for code, r in op["responses"].items() if code.startswith(("4", "5"))}
        assert "400" in refusals, f"{method} {path}"
        for code, response in refusals.items():
            assert list(response["content"]) == ["application/problem+json"], f"{method} {path} {code}"
            assert response["content"]["application/problem+json"]["schema"] == {
                "$ref": "#/components/schemas/Problem"
            }, f"{method} {path} {code}"
    problem = schema["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail"} <= set(problem["required"])


async def test_evidence_upload_documents_its_multipart_fields(client) -> None:
    """POST /cities/{city}/evidence says what it reads: a multipart file with its fields, or a
    JSON link."""
    schema = (await client.get("/schema/openapi.json")).json()
    body = schema["paths"]["/api/v1/cities/{city}/evidence"]["post"]["requestBody"]["content"]
    multipart = body["multipart/form-data"]["schema"]
    assert set(multipart["properties"]) == {"file", "title", "kind", "issued_on", "description_md"}
    assert multipart["properties"]["file"]["format"] == "binary" and multipart["required"] == ["file"]
    assert set(body["application/json"]["schema"]["required"]) == {"title", "kind", "url"}


async def test_a_missing_query_parameter_is_named(client) -> None:
    """A required query parameter left out is reported under its own name, not as "body"."""
    r = await client.get("/api/v1/history?key=status-1")
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["field"] == "entity"
    assert "query parameter" in r.json()["errors"][0]["message"]


async def test_an_unknown_query_parameter_is_refused_by_name(client) -> None:
    """A parameter the address does not read is a 400 naming it, never silently ignored."""
    r = await client.get("/api/v1/cities?limit=5&stauts=achieved")
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in r.json()["errors"]] == ["stauts"]
    assert "limit" in r.json()["errors"][0]["message"]
    assert (await client.get("/api/v1/cities?limit=5")).status_code == 200


def test_one_place_lists_every_route_with_one_spelling_of_each_key() -> None:
    """`charter-tracker routes` lists every documented route; a charter is `{charter}` in every
    path, a city `{city}`."""
    from tracker.app import create_app
    from tracker.routes import route_table

    rows = route_table(create_app())
    paths = {path for _, path, _ in rows}
    assert len(rows) >= 47 and all(summary for *_, summary in rows)
    assert "/api/v1/charters/{charter}/comparison" in paths
    assert "/api/v1/cities/{city}/commitments/{charter}/{code}" in paths
    assert not any("{slug}" in path for path in paths)
