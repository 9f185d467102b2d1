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
    r = await client.get("/static/report-fonts/DejaVuSans.ttf")
    assert r.status_code == 200 and r.content[:4] == b"\x00\x01\x00\x00"
