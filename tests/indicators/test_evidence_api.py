"""Evidence: links, uploads checked by their bytes, size cap, safe downloads, citations."""

import hashlib

import pytest

from tests import builders
from tests.builders import bearer

EV = "/api/v1/cities/grenoble/evidence"
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 16


async def test_link_evidence(client) -> None:
    """A link with a kind and a date is recorded, its description rendered safely."""
    token = await builders.editor_with_adoption()
    r = await client.post(
        EV,
        headers=bearer(token),
        json={
            "title": "Délibération du conseil municipal",
            "kind": "council_decision",
            "url": "https://grenoble.example/deliberation-2022-118.pdf",
            "issued_on": "2022-12-18",
            "description_md": "Vote *unanime* <script>x</script>",
        },
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["kind"] == "council_decision" and body["sha256"] is None and body["file_url"] is None
    assert body["description_html"] == "<p>Vote <em>unanime</em> &lt;script&gt;x&lt;/script&gt;</p>\n"
    # The city's editor sees it at once; the public once a published claim cites it.
    assert (await client.get(f"/api/v1/evidence/{body['id']}", headers=bearer(token))).json() == body
    assert (await client.get(EV, headers=bearer(token))).json() == [body]


@pytest.mark.parametrize(
    "bad",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://x.example/a",
        "https://",
        "data:text/html,<script>x</script>",
    ],
)
async def test_only_http_links(client, bad: str) -> None:
    """javascript:, file:, data: and ftp: links are refused on `url`."""
    token = await builders.editor_with_adoption()
    r = await client.post(EV, headers=bearer(token), json={"title": "x", "kind": "report", "url": bad})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "url"
    assert (await client.get(EV, headers=bearer(token))).json() == []


@pytest.mark.parametrize(
    ("content", "media_type"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        (WEBP, "image/webp"),
    ],
)
async def test_upload_is_stored_by_sha256_and_served_as_attachment(client, content, media_type) -> None:
    """An upload's type comes from its bytes; the download is an attachment with nosniff."""
    token = await builders.editor_with_adoption()
    r = await client.post(
        EV,
        headers=bearer(token),
        files={"file": ("proof.bin", content, "text/html")},
        data={"title": "Registre 2024", "kind": "statistics", "issued_on": "2025-01-20"},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
    assert (body["media_type"], body["size"], body["file_name"]) == (
        media_type,
        len(content),
        f"proof.{extension[media_type]}",
    )
    download = await client.get(body["file_url"], headers=bearer(token))
    assert download.status_code == 200 and download.content == content
    assert download.headers["content-type"].startswith(media_type)
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"].startswith("attachment")


async def test_upload_whose_bytes_are_not_an_allowed_type(client) -> None:
    """HTML named .pdf, an SVG, an executable: 415, naming the file, and nothing stored."""
    token = await builders.editor_with_adoption()
    for name, content in (
        ("report.pdf", b"<html><script>alert(1)</script></html>"),
        ("chart.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        ("x.jpg", b"MZ\x90\x00"),
    ):
        r = await client.post(
            EV,
            headers=bearer(token),
            files={"file": (name, content, "application/pdf")},
            data={"title": "x", "kind": "report"},
        )
        assert r.status_code == 415 and r.json()["errors"][0]["field"] == "file", r.text
    assert (await client.get(EV, headers=bearer(token))).json() == []


async def test_a_50_mb_upload_is_refused(client) -> None:
    """An upload over the cap is 413 and nothing is stored."""
    token = await builders.editor_with_adoption()
    big = PDF + b"\x00" * (50 * 1024 * 1024)
    r = await client.post(
        EV,
        headers=bearer(token),
        files={"file": ("big.pdf", big, "application/pdf")},
        data={"title": "Big", "kind": "report"},
    )
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"
    assert (await client.get(EV, headers=bearer(token))).json() == []


async def test_path_in_file_name_is_dropped(client) -> None:
    """A file name with a path keeps only its last part."""
    token = await builders.editor_with_adoption()
    r = await client.post(
        EV,
        headers=bearer(token),
        files={"file": ("../../etc/passwd.pdf", PDF, "application/pdf")},
        data={"title": "x", "kind": "report"},
    )
    assert r.json()["file_name"] == "passwd.pdf"


@pytest.mark.parametrize(
    ("uploaded", "content", "kept"),
    [
        ("polyglot.html", PDF, "polyglot.pdf"),
        ("\u202egpj.exe", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "gpj.jpg"),
        ("scan\u200b\u2066.JPEG\u2069", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "scan.JPEG"),
    ],
)
async def test_file_name_ends_in_the_extension_of_its_bytes(client, uploaded, content, kept) -> None:
    """A PDF uploaded as `polyglot.html` is kept, shown and served as `polyglot.pdf`; a name
    with a right-to-left override (`gpj.exe` that reads `exe.jpg`) loses it and gets the
    extension of a JPEG; invisible characters go."""
    token = await builders.editor_with_adoption()
    r = await client.post(
        EV,
        headers=bearer(token),
        files={"file": (uploaded, content, "application/octet-stream")},
        data={"title": "Registre", "kind": "report"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["file_name"] == kept
    assert (await client.get(EV, headers=bearer(token))).json()[0]["file_name"] == kept
    download = await client.get(r.json()["file_url"], headers=bearer(token))
    assert download.status_code == 200
    assert download.headers["content-disposition"] == f'attachment; filename="{kept}"'


async def test_evidence_cited_by_a_measurement_appears_on_the_commitment(client) -> None:
    """Evidence ids cited by a measurement come back with the commitment."""
    token = await builders.editor_with_adoption()
    ev = (
        await client.post(
            EV,
            headers=bearer(token),
            json={"title": "Rapport annuel", "kind": "report", "url": "https://grenoble.example/r.pdf"},
        )
    ).json()
    r = await client.post(
        "/api/v1/cities/grenoble/indicators/lampedusa/LAM-DIG-01-I1/measurements",
        headers=bearer(token),
        json={"period": "2024", "value": 410, "evidence": [ev["id"]]},
    )
    assert r.json()["evidence"] == [ev["id"]]
    detail = (await client.get("/api/v1/cities/grenoble/commitments/lampedusa/LAM-DIG-01")).json()
    assert [e["id"] for e in detail["evidence"]] == [ev["id"]]


async def test_evidence_of_another_city_cannot_be_cited(client) -> None:
    """A city cannot cite Sousse's evidence as its own."""
    token = await builders.editor_with_adoption()
    await builders.editor_with_adoption("sousse", locale="fr-TN")
    sousse_token = await builders.token("city_editor", "sousse", email="ed@sousse.tn")
    ev = (
        await client.post(
            "/api/v1/cities/sousse/evidence",
            headers=bearer(sousse_token),
            json={"title": "PV", "kind": "report", "url": "https://sousse.example/pv.pdf"},
        )
    ).json()
    r = await client.post(
        "/api/v1/cities/grenoble/indicators/lampedusa/LAM-DIG-01-I1/measurements",
        headers=bearer(token),
        json={"period": "2024", "value": 1, "evidence": [ev["id"]]},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "evidence"


async def test_missing_evidence_and_link_file(client) -> None:
    """Unknown evidence is 404; a link has no file to download."""
    token = await builders.editor_with_adoption()
    assert (await client.get("/api/v1/evidence/999")).status_code == 404
    ev = (
        await client.post(
            EV, headers=bearer(token), json={"title": "x", "kind": "media", "url": "https://x.example/"}
        )
    ).json()
    assert (await client.get(f"/api/v1/evidence/{ev['id']}/file")).status_code == 404
    r = await client.post(EV, headers={**bearer(token), "Content-Type": "text/plain"}, content=b"hello")
    assert r.status_code == 415
