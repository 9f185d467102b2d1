"""The charter document endpoints: import, translate, export, and who may write."""

import time

from charter.tables import Charter
from kernel.db import get_engine
from tests import builders
from tests.builders import CHARTER_MD, DEMO_CHARTERS, bearer

MD = {"Content-Type": "text/markdown"}


async def test_secretariat_imports_and_exports_a_charter(client) -> None:
    """A document PUT by the secretariat reads back identically, tree included."""
    token = await builders.token("secretariat")
    r = await client.put(
        "/api/v1/charters/lampedusa/document", content=CHARTER_MD, headers={**MD, **bearer(token, "*")}
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"slug": "lampedusa", "lang": "en", "created": 8, "updated": 0, "version": 1}
    r = await client.get("/api/v1/charters/lampedusa/document")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/markdown")
    assert r.text == CHARTER_MD


async def test_demo_charters_round_trip_through_the_database(client) -> None:
    """Import → export → import of every shipped document changes nothing."""
    token = await builders.token("secretariat")
    for path in sorted(DEMO_CHARTERS.glob("*.md"), key=lambda p: not p.name.endswith(".en.md")):
        slug, lang, _ = path.name.split(".")
        source = path.read_text(encoding="utf-8")
        r = await client.put(
            f"/api/v1/charters/{slug}/document?lang={lang}",
            content=source.encode(),
            headers={**MD, **bearer(token, "*")},
        )
        assert r.status_code == 200, (path.name, r.text)
    for path in DEMO_CHARTERS.glob("*.md"):
        slug, lang, _ = path.name.split(".")
        first = (await client.get(f"/api/v1/charters/{slug}/document?lang={lang}")).text
        r = await client.put(
            f"/api/v1/charters/{slug}/document?lang={lang}",
            content=first.encode(),
            headers={**MD, **bearer(token, "*")},
        )
        assert r.status_code == 200, r.text
        assert r.json()["created"] == 0 and r.json()["updated"] == 0
        assert (await client.get(f"/api/v1/charters/{slug}/document?lang={lang}")).text == first


async def test_translation_adds_texts_and_must_have_the_same_codes(client) -> None:
    """A French document adds French texts; one with a code missing or added is refused."""
    token = await builders.token("secretariat")
    await builders.charter()
    french = (
        CHARTER_MD.replace("lang: en", "lang: fr")
        .replace("title: Lampedusa Charter", "title: Charte de Lampedusa")
        .replace("## DIG: Dignity", "## DIG: Dignité")
    )
    r = await client.put(
        "/api/v1/charters/lampedusa/document?lang=fr",
        content=french.encode(),
        headers={**MD, **bearer(token, "*")},
    )
    assert r.status_code == 200, r.text
    listed = (await client.get("/api/v1/charters?lang=fr")).json()
    assert listed[0]["title"] == "Charte de Lampedusa"
    assert listed[0]["languages"] == ["en", "fr"]
    fewer = french.replace("### LAM-DIG-02: Administrative domiciliation within 15 days\n", "")
    r = await client.put(
        "/api/v1/charters/lampedusa/document?lang=fr",
        content=fewer.encode(),
        headers={**MD, **bearer(token, "*")},
    )
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"field": "document", "message": "Commitment 'LAM-DIG-02' is missing from this translation."}
    ]
    extra = french + "\n### LAM-EQU-09: Something new\n"
    r = await client.put(
        "/api/v1/charters/lampedusa/document?lang=fr",
        content=extra.encode(),
        headers={**MD, **bearer(token, "*")},
    )
    assert r.status_code == 422
    assert "LAM-EQU-09" in r.json()["errors"][0]["message"]


async def test_base_document_may_extend_but_not_remove(client) -> None:
    """A new commitment is added; removing one that exists is a conflict and changes nothing."""
    token = await builders.token("secretariat")
    await builders.charter()
    extended = CHARTER_MD + "\n### LAM-EQU-02: Open public space\n"
    r = await client.put(
        "/api/v1/charters/lampedusa/document", content=extended.encode(), headers={**MD, **bearer(token, "*")}
    )
    assert r.json()["created"] == 1
    reduced = CHARTER_MD.replace("### LAM-DIG-02: Administrative domiciliation within 15 days\n", "")
    r = await client.put(
        "/api/v1/charters/lampedusa/document", content=reduced.encode(), headers={**MD, **bearer(token, "*")}
    )
    assert r.status_code == 409
    assert "LAM-DIG-02" in r.json()["errors"][0]["message"]
    assert "LAM-EQU-02" in (await client.get("/api/v1/charters/lampedusa/document")).text


async def test_duplicate_code_is_refused_with_both_lines_and_nothing_written(client) -> None:
    """A broken document writes nothing at all."""
    token = await builders.token("secretariat")
    source = CHARTER_MD.replace("LAM-DIG-02: Administrative", "LAM-DIG-01\u200b: Administrative")
    r = await client.put(
        "/api/v1/charters/lampedusa/document", content=source.encode(), headers={**MD, **bearer(token, "*")}
    )
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"] == [
        {"field": "line 22", "message": "Duplicate code 'LAM-DIG-01': also on line 15."}
    ]
    assert (await client.get("/api/v1/charters")).json() == []


async def test_only_the_secretariat_writes_charters(client) -> None:
    """No token: 401; a city editor or a reviewer: 403; a revoked token: 401."""
    await builders.city("grenoble")
    r = await client.put("/api/v1/charters/lampedusa/document", content=CHARTER_MD.encode(), headers=MD)
    assert r.status_code == 401
    for role, city in (("city_editor", "grenoble"), ("reviewer", None)):
        token = await builders.token(role, city)
        r = await client.put(
            "/api/v1/charters/lampedusa/document",
            content=CHARTER_MD.encode(),
            headers={**MD, **bearer(token, "*")},
        )
        assert r.status_code == 403, role
    r = await client.put(
        "/api/v1/charters/lampedusa/document",
        content=CHARTER_MD.encode(),
        headers={**MD, **bearer("ct_not-a-token")},
    )
    assert r.status_code == 401


async def test_slug_in_url_must_match_and_body_must_be_markdown(client) -> None:
    """The URL names the charter the document is for; JSON is not a document."""
    token = await builders.token("secretariat")
    r = await client.put(
        "/api/v1/charters/other/document", content=CHARTER_MD.encode(), headers={**MD, **bearer(token, "*")}
    )
    assert r.status_code == 422
    r = await client.put("/api/v1/charters/lampedusa/document", json={"a": 1}, headers=bearer(token))
    assert r.status_code == 415


async def test_every_import_is_audited(client) -> None:
    """The import and the translation each append one audit row with the document after."""
    await builders.charter()
    rows = await get_engine()._run_in_new_connection(
        "SELECT entity, key, action FROM audit_entry ORDER BY id"
    )
    assert [tuple(r.values()) for r in rows] == [("charter_document", "lampedusa/en", "import")]


async def test_charter_list_create_and_missing(client) -> None:
    """POST /charters makes a header; GET of an unknown document is 404."""
    token = await builders.token("secretariat")
    r = await client.post(
        "/api/v1/charters",
        headers=bearer(token),
        json={
            "slug": "sousse-local",
            "lang": "fr",
            "title": {"fr": "Charte locale", "ar": "الميثاق المحلي"},
            "issuer": "Municipalité de Sousse",
            "adopted_on": "2020-06-20",
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["title"] == "Charte locale"
    r = await client.post(
        "/api/v1/charters", headers=bearer(token), json={"slug": "sousse-local", "lang": "fr", "title": "x"}
    )
    assert r.status_code == 409
    r = await client.post(
        "/api/v1/charters",
        headers=bearer(token),
        json={"slug": "x", "lang": "fr", "title": "x", "source_url": "javascript:alert(1)"},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "source_url"
    r = await client.post(
        "/api/v1/charters",
        headers=bearer(token),
        json={"slug": "y", "lang": "fr", "title": "x", "adopted_on": "2000-05"},
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "adopted_on"
    assert (await client.get("/api/v1/charters/nope/document")).status_code == 404


async def test_changing_a_charter_takes_its_etag(client) -> None:
    """A changed document without If-Match: 428; with a stale ETag: 412 and nothing changes."""
    token = await builders.token("secretariat")
    await builders.charter()
    url = "/api/v1/charters/lampedusa/document"
    read = await client.get(url)
    assert read.headers["etag"] == '"v1"'
    changed = read.text.replace("## DIG: Dignity", "## DIG: Human dignity")
    r = await client.put(url, content=changed.encode(), headers={**MD, **bearer(token)})
    assert r.status_code == 428
    r = await client.put(url, content=changed.encode(), headers={**MD, **bearer(token, '"v5"')})
    assert r.status_code == 412
    assert (await client.get(url)).text == read.text
    r = await client.put(url, content=changed.encode(), headers={**MD, **bearer(token, '"v1"')})
    assert r.status_code == 200 and r.headers["etag"] == '"v2"' and r.json()["version"] == 2
    r = await client.put(url, content=changed.encode(), headers={**MD, **bearer(token)})
    assert r.status_code == 200 and r.json()["updated"] == 0  # the same document changes nothing


async def test_front_matter_aliases_are_refused_fast_and_nothing_stored(client) -> None:
    """A "billion laughs" front matter (seven levels of aliases, a few hundred bytes) is refused
    at once, naming the line of the first anchor; no charter is created."""
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n, name in enumerate("bcdefg"):
        previous = "abcdefg"[n]
        levels.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    bomb = "---\nslug: lampedusa\nlang: en\n" + "\n".join(levels) + "\ntitle: *g\n---\n\n## DIG: Dignity\n"
    token = await builders.token("secretariat")
    started = time.perf_counter()
    r = await client.put(
        "/api/v1/charters/lampedusa/document", content=bomb.encode(), headers={**MD, **bearer(token, "*")}
    )
    assert time.perf_counter() - started < 2
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"] == [
        {
            "field": "line 4",
            "message": "Front matter may not use YAML anchors or aliases (& or *): write each value out.",
        }
    ]
    assert await Charter.count() == 0


async def test_too_large_documents_are_refused_before_reading(client) -> None:
    """More than 5,000 principles, commitments and indicators, or more than 2 MB: 413 naming the
    limit, answered without parsing the whole document, nothing stored."""
    token = await builders.token("secretariat")
    url = "/api/v1/charters/lampedusa/document"
    rows = "\n".join(f"| LAM-X-{i} | Row {i} | p | count | increase |" for i in range(40_000))
    table = (
        "\n### LAM-EQU-02: Many\n\n| code | indicator | unit | type | direction |\n|---|---|---|---|---|\n"
    )
    started = time.perf_counter()
    r = await client.put(
        url, content=(CHARTER_MD + table + rows).encode(), headers={**MD, **bearer(token, "*")}
    )
    assert time.perf_counter() - started < 3
    assert r.status_code == 413, r.text
    (error,) = r.json()["errors"]
    # The document has 9 items before the table's rows: its 5,001st item is row 4,992.
    assert error["field"] == f"line {(CHARTER_MD + table).count(chr(10)) + 4_992}"
    assert "at most 5000 principles, commitments and indicators" in error["message"]
    padded = CHARTER_MD + "\n" + "Cities commit to dignity. " * 100_000 + "\n"
    r = await client.put(url, content=padded.encode(), headers={**MD, **bearer(token, "*")})
    assert r.status_code == 413, r.text
    assert r.json()["errors"] == [{"field": "document", "message": "Expected at most 2097152 bytes."}]
    assert await Charter.count() == 0


async def test_values_longer_than_their_columns_are_refused_and_nothing_stored(client) -> None:
    """An edition, issuer, code or unit longer than the charter keeps is refused on its line
    (or its field, in the header's API), never cut nor a server error (PostgreSQL enforces the
    lengths SQLite ignores)."""
    token = await builders.token("secretariat")
    r = await client.post(
        "/api/v1/charters",
        headers=bearer(token),
        json={"slug": "turin", "lang": "it", "title": "Carta", "version": "¨" + "v" * 32},
    )
    assert r.status_code == 400, r.text
    assert r.json()["errors"][0]["field"] == "version"
    lines = CHARTER_MD.splitlines()
    unit_line = next(n for n, text in enumerate(lines, 1) if text.startswith("| LAM-DIG-01-I1 |"))
    code_line = next(n for n, text in enumerate(lines, 1) if text.startswith("## EQU:"))
    long_unit = CHARTER_MD.replace("| persons/year |", "| " + "u" * 65 + " |", 1)
    cases = {
        "version": (CHARTER_MD.replace("issuer: UCLG", "issuer: UCLG\nversion: " + "v" * 33), 1),
        "issuer": (CHARTER_MD.replace("issuer: UCLG", "issuer: " + "i" * 256), 1),
        "code": (CHARTER_MD.replace("## EQU:", "## " + "X" * 65 + ":"), code_line),
        "unit": (long_unit, unit_line),
    }
    for what, (source, line) in cases.items():
        r = await client.put(
            "/api/v1/charters/lampedusa/document",
            content=source.encode(),
            headers={**MD, **bearer(token, "*")},
        )
        assert r.status_code == 422, (what, r.text)
        errors = r.json()["errors"]
        assert [e["field"] for e in errors] == [f"line {line}"], (what, errors)
        assert "too long" in errors[0]["message"] or "at most 64" in errors[0]["message"], (what, errors)
    assert (await client.get("/api/v1/charters")).json() == []
