"""A piece of evidence: its metadata, its file or link, its review, every claim that cites it;
404 for evidence nothing published cites (as the API); no download link for a withheld file;
a link shown as text, clickable only when http(s); scripts inert; unknown ids 404."""

from __future__ import annotations

from indicators.tables import Evidence
from tests import builders
from tests.builders import bearer
from tests.web.html import check_page, parse
from tests.web.story import CITY, PDF, write_story
from tracker.demo import load_demo


async def test_a_link_evidence_shows_its_metadata_and_every_claim_citing_it(client) -> None:
    """Title, kind, date, filer, the link (rel nofollow noopener), the review, and the status and
    the value that cite it, linked to their commitment's page."""
    s = await write_story(client)
    r = await client.get(f"/evidence/{s.link}", params={"lang": "en"})
    assert r.status_code == 200
    page = parse(r.text)
    assert "report" in page.text and "January 10, 2024" in page.text and "the city" in page.text
    link = next(a for n, a in page.tags if n == "a" and a.get("href") == "https://example.org/report.pdf")
    assert link.get("rel") == "nofollow noopener"
    assert "not reviewed yet" in page.text
    cited = [a.get("data-claim") for n, a in page.tags if n == "li" and a.get("data-claim")]
    assert cited == [s.status, s.first_value]
    hrefs = [a.get("href") for n, a in page.tags if n == "a"]
    assert "/cities/grenoble/commitments/lampedusa/LAM-DIG-01" in hrefs
    assert f"/history?entity=evidence&key=evidence-{s.link}" in hrefs
    assert "/api/v1/evidence/" not in r.text  # a link has no file


async def test_a_file_evidence_offers_its_download_until_the_secretariat_withholds_it(client) -> None:
    """File name, type, size and a download link; once rejected (file not released) the public
    and a reviewer get no download link, the city still does, and the review is shown."""
    s = await write_story(client)
    url = f"/evidence/{s.file}"
    download = f"/api/v1/evidence/{s.file}/file"
    r = await client.get(url, params={"lang": "en"})
    check_page(r, "en", "ltr")
    assert download in r.text and "application/pdf" in r.text and f"{len(PDF)} bytes" in r.text
    etag = (await client.get(f"/api/v1/evidence/{s.file}")).headers["etag"]
    reviewed = await client.post(
        f"/api/v1/evidence/{s.file}/review",
        headers=bearer(s.secretariat, etag),
        json={"review": "rejected", "note_md": "Names of residents are visible."},
    )
    assert reviewed.status_code == 200, reviewed.text
    for headers in ({}, bearer(s.reviewer)):
        r = await client.get(url, params={"lang": "en"}, headers=headers)
        assert r.status_code == 200
        assert download not in r.text
        text = parse(r.text).text
        assert (
            "withholds its file" in text and "rejected" in text and "Names of residents are visible." in text
        )
    r = await client.get(url, params={"lang": "en"}, headers=bearer(s.editor))
    assert download in r.text


async def test_unpublished_evidence_is_404_for_whoever_may_not_see_it(client) -> None:
    """Evidence cited only by a draft: 404 for the public and a reviewer (as the API), seen by the
    city's editor with the draft marked."""
    s = await write_story(client)
    uploaded = await client.post(
        f"{CITY}/evidence",
        headers=bearer(s.editor),
        files={"file": ("budget.pdf", PDF + b"% the draft budget\n", "application/pdf")},
        data={"title": "Confidential draft budget", "kind": "budget"},
    )
    evidence = uploaded.json()["id"]
    await client.post(
        f"{CITY}/indicators/lampedusa/LAM-DIG-01-I2/measurements",
        headers=bearer(s.editor),
        json={"period": "2023", "value": 12, "evidence": [evidence], "draft": True},
    )
    for headers in ({}, bearer(s.reviewer)):
        r = await client.get(f"/evidence/{evidence}", params={"lang": "fr"}, headers=headers)
        assert r.status_code == 404
        check_page(r, "fr", "ltr")
        assert "Confidential" not in r.text
        api = await client.get(f"/api/v1/evidence/{evidence}", headers=headers)
        assert api.status_code == 404
    r = await client.get(f"/evidence/{evidence}", params={"lang": "en"}, headers=bearer(s.editor))
    assert r.status_code == 200 and "Confidential draft budget" in r.text
    assert "Draft, not published" in r.text


async def test_a_link_that_is_not_http_is_shown_as_text(client) -> None:
    """A stored link that is not http(s) (from older data) is text, never a link."""
    s = await write_story(client)
    await Evidence.update({Evidence.url: "javascript:alert(1)"}).where(Evidence.id == s.link)
    r = await client.get(f"/evidence/{s.link}", params={"lang": "en"})
    page = check_page(r, "en", "ltr")
    assert "javascript:alert(1)" in page.text
    assert not [a for n, a in page.tags if n == "a" and "javascript" in (a.get("href") or "")]


async def test_scripts_in_titles_descriptions_and_file_names_are_inert(client) -> None:
    """An evidence title, description and file name carrying a script or an image show as text,
    in every language."""
    s = await write_story(client)
    for lang in ("fr", "en", "es", "ar"):
        for evidence in (s.link, s.file):
            r = await client.get(f"/evidence/{evidence}", params={"lang": lang})
            assert r.status_code == 200
            assert "<script>alert" not in r.text and "<img" not in r.text
            page = parse(r.text)
            assert [n for n, a in page.tags if n in ("script", "img", "iframe")] == []
            assert not [a for n, a in page.tags if [k for k in a if k.startswith("on")]]
    r = await client.get(f"/evidence/{s.link}", params={"lang": "en"})
    assert "&lt;script&gt;alert(&#39;evidence&#39;)&lt;/script&gt; Annual report" in r.text
    r = await client.get(f"/evidence/{s.file}", params={"lang": "en"})
    assert "onerror=alert(1)&gt; consultations.pdf" in r.text


async def test_evidence_pages_read_in_french_and_arabic(client) -> None:
    """On the demo data, a published piece of evidence answers in French and in Arabic with the
    pages' policy; its kind is translated."""
    await load_demo()
    evidence = (await client.get("/api/v1/cities/grenoble/evidence")).json()
    files = [e for e in evidence if e["url"] is None] or evidence
    first = files[0]["id"]
    for lang, direction in (("fr", "ltr"), ("ar", "rtl")):
        r = await client.get(f"/evidence/{first}", params={"lang": lang})
        assert r.status_code == 200
        if files[0]["url"] is None:
            check_page(r, lang, direction)
        assert f'<html lang="{lang}" dir="{direction}">' in r.text
    # Loaded with the demo, not by a person: said in words, not as the service's inner name.
    r = await client.get(f"/evidence/{first}", params={"lang": "fr"})
    assert "Données importées" in r.text and ">system<" not in r.text and "· system" not in r.text


async def test_unknown_and_malformed_ids_are_404(client) -> None:
    """No such evidence, zero, negative, not a number, too large: a 404 page, never a 500."""
    await builders.editor_with_adoption()
    for value in ("999", "0", "-1", "abc", "1e3", "99999999999999999999999", "%00", "1%00", "%3Cscript%3E"):
        r = await client.get(f"/evidence/{value}", params={"lang": "fr"})
        assert r.status_code == 404, (value, r.status_code)
        check_page(r, "fr", "ltr")
