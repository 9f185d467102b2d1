"""The charters in the secretariat's workspace: a document pasted or uploaded is checked first
(its errors next to their lines, in the page's language, the text kept; or what it adds and
changes, before and after), then applied at the version checked; a change made in between is
said and not overwritten; nothing is written by a check, by a refused document, or by anybody
but the secretariat."""

from __future__ import annotations

import re

from charter.tables import Charter
from commitments.tables import Commitment
from kernel.tables import AuditEntry
from tests import builders
from tests.builders import CHARTER_MD, bearer
from tests.web.html import check_page, parse
from tests.web.test_challenge_form import csrf_of
from tests.web.test_secretariat_pages import _signed_in

NEW_CHARTER = """---
slug: sousse-local
lang: fr
title: Charte locale de Sousse
issuer: Municipalité de Sousse
---

## SOU-DIG: Dignité

### SOU-DIG-01: Accueil des personnes migrantes

| code | indicator | unit | type | direction |
|---|---|---|---|---|
| SOU-DIG-01-I1 | Personnes accueillies | personnes/an | count | increase |
"""


async def _send(client, source: str | None = None, *, lang: str = "en", file: tuple | None = None):
    page = await client.get("/secretariat/charters", params={"lang": lang})
    data = {"_csrf_token": csrf_of(page.text), "document": source or ""}
    files = {"file": file} if file else None
    return await client.post(f"/secretariat/charters?lang={lang}", data=data, files=files)


async def _apply(client, checked_html: str, lang: str = "en"):
    form = parse(checked_html)
    fields = {
        attrs.get("name"): attrs.get("value", "")
        for name, attrs in form.tags
        if name == "input" and attrs.get("type") == "hidden"
    }
    fields["_csrf_token"] = csrf_of(checked_html)
    return await client.post(f"/secretariat/charters/apply?lang={lang}", data=fields)


async def test_a_new_charter_is_checked_then_applied(client) -> None:
    """A new charter's document: the check lists every item it adds and writes nothing; the
    apply creates it, audited, and the page lists it with its document to download."""
    await _signed_in(client, "sec@uclg.example", "secretariat")
    page = await client.get("/secretariat/charters", params={"lang": "fr"})
    check_page(page, "fr", "ltr")
    assert "Aucune charte" in page.text
    checked = await _send(client, NEW_CHARTER, lang="fr")
    assert checked.status_code == 200, checked.text[:2000]
    check_page(checked, "fr", "ltr")
    lead = "Ce document crée la charte « Charte locale de Sousse » (sousse-local), en français."
    assert lead in checked.text
    added = re.findall(r'<span class="code">(SOU-[A-Z0-9-]+)</span></td><td><bdi>', checked.text)
    assert added == ["SOU-DIG", "SOU-DIG-01", "SOU-DIG-01-I1"]
    assert await Charter.count() == 0
    done = await _apply(client, checked.text, "fr")
    assert done.status_code == 303, done.text[:2000]
    assert done.headers["location"].startswith("/secretariat/charters?applied=sousse-local")
    listed = await client.get(done.headers["location"] + "&lang=fr")
    check_page(listed, "fr", "ltr")
    assert "Le texte de la charte est enregistré : 3 éléments ajoutés, 0 mis à jour." in listed.text
    assert 'href="/api/v1/charters/sousse-local/document?lang=fr"' in listed.text
    assert await Charter.count() == 1
    audited = await AuditEntry.select(AuditEntry.entity).where(AuditEntry.key == "sousse-local/fr")
    assert audited == [{"entity": "charter_document"}]


async def test_errors_are_shown_on_their_lines_in_the_pages_language(client) -> None:
    """A document with two errors: each on its line (numbered as in the document, with the lines
    around it), in the summary with a link to it, in French and Arabic; the text is kept in the
    form; nothing is written."""
    await _signed_in(client, "sec@uclg.example", "secretariat")
    broken = NEW_CHARTER.replace("| count | increase |", "| money | increase |").replace(
        "### SOU-DIG-01:", "#### SOU-DIG-01:"
    )
    lines = broken.split("\n")
    heading_line = next(n for n, t in enumerate(lines, 1) if t.startswith("####"))
    row_line = next(n for n, t in enumerate(lines, 1) if "money" in t)
    for lang, direction, words in (
        ("fr", "ltr", ("Ligne", "Type inconnu")),
        ("ar", "rtl", ("السطر", "نوع غير معروف")),
    ):
        r = await _send(client, broken, lang=lang)
        assert r.status_code == 422, r.text[:2000]
        page = check_page(r, lang, direction)
        for number in (heading_line, row_line):
            assert f'<li value="{number}" id="line-{number}" class="source-error">' in r.text
            assert f'href="#line-{number}"' in r.text
        assert all(word in r.text for word in words), (lang, words)
        kept = page.first("textarea")
        assert kept is not None
        assert "money" in r.text.split('id="document"')[1]
    assert await Charter.count() == 0


async def test_a_change_lists_what_is_added_and_changed_before_and_after(client) -> None:
    """An edition of an existing charter: a new commitment, a changed title and unit, each shown
    with what it was and what it becomes; applied, the charter has them."""
    await builders.charter()
    await _signed_in(client, "sec@uclg.example", "secretariat")
    changed = (
        CHARTER_MD.replace("## DIG: Dignity", "## DIG: Human dignity")
        .replace("| persons/year |", "| residents/year |")
        .replace("## EQU: Equity", "### LAM-DIG-03: Shelter for everyone\n\n## EQU: Equity")
    )
    r = await _send(client, changed)
    assert r.status_code == 200, r.text[:2000]
    check_page(r, "en", "ltr")
    assert "changes the English text" in r.text
    assert '<span class="code">LAM-DIG-03</span></td><td><bdi>Shelter for everyone</bdi>' in r.text
    assert '<p class="before" dir="auto">Dignity</p>' in r.text
    assert '<p class="after" dir="auto">Human dignity</p>' in r.text
    assert '<p class="before" dir="auto">persons/year</p>' in r.text
    assert "1 item added" in r.text and "2 texts changed" in r.text
    assert await Commitment.count() == 3
    done = await _apply(client, r.text)
    assert done.status_code == 303
    assert await Commitment.count() == 4
    again = await _send(client, changed)
    assert "nothing to apply" in again.text and "/secretariat/charters/apply" not in again.text


async def test_a_charter_changed_since_the_check_is_not_overwritten(client) -> None:
    """Checked at one version, changed through the API meanwhile: the apply writes nothing and
    shows the check again against the charter as it is now (409)."""
    await builders.charter()
    await _signed_in(client, "sec@uclg.example", "secretariat")
    mine = CHARTER_MD.replace("## DIG: Dignity", "## DIG: Dignity of all")
    checked = await _send(client, mine)
    assert checked.status_code == 200
    token = await builders.token("secretariat", email="other@uclg.example")
    theirs = CHARTER_MD.replace("## EQU: Equity", "## EQU: Equity for all")
    r = await client.put(
        "/api/v1/charters/lampedusa/document",
        content=theirs.encode(),
        headers={"Content-Type": "text/markdown", **bearer(token, '"v1"')},
    )
    assert r.status_code == 200, r.text
    stale = await _apply(client, checked.text)
    assert stale.status_code == 409
    assert "changed by someone else" in stale.text
    document = (await client.get("/api/v1/charters/lampedusa/document")).text
    assert "Dignity of all" not in document and "Equity for all" in document
    # The check shown again is against their version: it shows that this document would put
    # back "Equity", so that applying it is a choice made knowing it.
    assert '<p class="before" dir="auto">Equity for all</p>' in stale.text
    done = await _apply(client, stale.text)
    assert done.status_code == 303
    document = (await client.get("/api/v1/charters/lampedusa/document")).text
    assert "Dignity of all" in document and "Equity for all" not in document


async def test_a_translation_is_checked_and_a_removed_code_refused(client) -> None:
    """A French text adds the language; a base text without one of the charter's codes is refused
    (409) with the code named, and nothing changes."""
    await builders.charter()
    await _signed_in(client, "sec@uclg.example", "secretariat")
    french = (
        CHARTER_MD.replace("lang: en", "lang: fr")
        .replace("title: Lampedusa Charter", "title: Charte de Lampedusa")
        .replace("## DIG: Dignity", "## DIG: Dignité")
    )
    r = await _send(client, french, lang="fr")
    assert r.status_code == 200, r.text[:2000]
    assert "Ce document ajoute le texte en français de la charte « Charte de Lampedusa »." in r.text
    assert (await _apply(client, r.text, "fr")).status_code == 303
    listed = await client.get("/secretariat/charters")
    assert 'href="/api/v1/charters/lampedusa/document?lang=fr"' in listed.text
    reduced = CHARTER_MD.replace("### LAM-DIG-02: Administrative domiciliation within 15 days\n", "")
    r = await _send(client, reduced)
    assert r.status_code == 409
    assert "Commitment &#39;LAM-DIG-02&#39; is missing; codes are never removed or moved." in r.text
    assert await Commitment.count() == 3


async def test_hostile_documents_are_refused_with_nothing_written(client) -> None:
    """Not UTF-8, larger than the limit, empty, a slug for another charter, raw HTML in a title:
    each said in words, nothing written; HTML is shown as text."""
    await _signed_in(client, "sec@uclg.example", "secretariat")
    r = await _send(client, file=("charte.md", "titre: é".encode("latin-1"), "text/markdown"))
    assert r.status_code == 422 and "UTF-8" in r.text
    r = await _send(client, file=("charte.md", b"#" * (2 * 1024 * 1024 + 1), "text/markdown"))
    assert r.status_code == 422 and "larger than 2 MB" in r.text
    r = await _send(client, "   \n")
    assert r.status_code == 422 and "Paste the charter" in r.text
    hostile = NEW_CHARTER.replace("Accueil des personnes migrantes", "<script>alert(1)</script>")
    r = await _send(client, hostile.replace("\n", "\r\n"))
    assert r.status_code == 200
    check_page(r, "en", "ltr")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text and "<script>alert" not in r.text
    r = await _send(client, file=("charte.md", NEW_CHARTER.encode("utf-8-sig"), "text/markdown"))
    assert r.status_code == 200 and "SOU-DIG-01-I1" in r.text
    assert await Charter.count() == 0


async def test_nobody_else_opens_or_sends_the_charter_pages(client) -> None:
    """Anonymous: sign in first; a city editor or a reviewer: refused (403), even posting the
    forms directly with a valid form token; nothing written."""
    await builders.city("grenoble")
    anonymous = await client.get("/secretariat/charters")
    assert anonymous.status_code in (302, 303) and "/sign-in" in anonymous.headers["location"]
    for email, role, city in (
        ("agent@grenoble.example", "city_editor", "grenoble"),
        ("benevole@ong.example", "reviewer", None),
    ):
        await _signed_in(client, email, role, city)
        assert (await client.get("/secretariat/charters")).status_code == 403
        home = await client.get("/")
        token = csrf_of(home.text)
        for path in ("/secretariat/charters", "/secretariat/charters/apply"):
            r = await client.post(path, data={"_csrf_token": token, "document": NEW_CHARTER, "version": ""})
            assert r.status_code == 403, (role, path, r.status_code)
    assert await Charter.count() == 0
