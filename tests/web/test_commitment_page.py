"""A commitment in a city: its standing as the API gives it, its story oldest first, each
indicator with the reports' chart inline and its values (a corrected one struck through beside
its correction), links to challenge each published claim and to its history; drafts only for
those who may see them; scripts inert; unknown addresses 404."""

from __future__ import annotations

import re

from exports.charts import Series, trend_strip
from tests import builders
from tests.builders import bearer
from tests.web.html import check_page, parse
from tests.web.story import PAGE, write_story
from tracker.demo import load_demo


def _section(html: str, marker: str) -> str:
    """The HTML of the element that starts with `marker`, up to the next section's end."""
    start = html.index(marker)
    return html[start : html.index("</section>", start)]


def _kinds(html: str) -> list[tuple[str, str | None]]:
    """The timeline's entries: (kind, claim or challenge)."""
    page = parse(_section(html, '<ol class="timeline">'))
    return [
        (a["data-kind"] or "", a.get("data-claim") or a.get("data-challenge"))
        for n, a in page.tags
        if n == "li" and "data-kind" in a
    ]


async def test_the_city_page_links_each_commitment_and_each_page_reads_in_french_and_arabic(client) -> None:
    """On the demo data, the city's list links to every adopted commitment's page, which answers
    in French (left to right) and in Arabic (right to left) with the pages' policy and nothing
    inline, its chart included."""
    await load_demo()
    city = await client.get("/cities/grenoble", params={"lang": "fr"})
    links = sorted(set(re.findall(r'href="(/cities/grenoble/commitments/[^"]+)"', city.text)))
    assert "/cities/grenoble/commitments/lampedusa/LAM-DIG-01" in links and len(links) >= 5
    for url in links:
        for lang, direction in (("fr", "ltr"), ("ar", "rtl")):
            r = await client.get(url, params={"lang": lang})
            assert r.status_code == 200, (url, r.text[:300])
            check_page(r, lang, direction)
            assert f'<html lang="{lang}" dir="{direction}">' in r.text
    r = await client.get(links[0], params={"lang": "ar"})
    assert "التقدم" in r.text or "الحالة" in r.text  # the page's own words in Arabic
    assert len(r.content) < 100_000


async def test_the_story_is_told_oldest_first(client) -> None:
    """Adoption, the 2023 value, the status with its narrative (Markdown) and evidence, the
    2024 value and its correction, the verification, the challenge, the reply, the ruling."""
    s = await write_story(client)
    r = await client.get(PAGE, params={"lang": "en"})
    assert r.status_code == 200
    assert _kinds(r.text) == [
        ("adoption", None),
        ("value", s.first_value),
        ("status", s.status),
        ("value", s.wrong_value),
        ("value", s.correction),
        ("verification", s.status),
        ("challenge", str(s.challenge)),
        ("reply", str(s.challenge)),
        ("ruling", str(s.challenge)),
    ]
    days = re.findall(r'<time datetime="([0-9-]{10})', _section(r.text, '<ol class="timeline">'))
    assert days == sorted(days) and len(days) == 9
    story = parse(_section(r.text, '<ol class="timeline">'))
    assert "Opened <strong>two</strong> offices." in r.text
    assert f"/evidence/{s.link}" in [a.get("href") for n, a in story.tags if n == "a"]
    for words in (
        "Status: In progress",
        "Corrected value for 2024",
        "Verified by the secretariat",
        "Checked against the report.",
        "The count includes phone calls.",
        "Phone calls are consultations too.",
        "dismissed",
        "Watch",
    ):
        assert words in story.text, words


async def test_a_superseded_value_is_struck_through_beside_its_correction(client) -> None:
    """The 2024 value 2,000 is struck through, its correction 200 beside it, in the table and in
    the story; the progress counts the correction."""
    s = await write_story(client)
    r = await client.get(PAGE, params={"lang": "en"})
    row = re.search(rf'<tr data-claim="{s.wrong_value}"[^>]*>(.*?)</tr>', r.text, re.DOTALL)
    assert row is not None
    assert re.search(r'<del><span class="figure">2,000</span>', row[1])
    assert re.search(r'corrected to <ins><span class="figure">200</span>', row[1])
    assert s.correction in row[1]
    story_entry = re.search(rf'data-claim="{s.wrong_value}">(.*?)</li>', r.text, re.DOTALL)
    assert story_entry is not None and "<del>" in story_entry[1]
    api = (await client.get("/api/v1/cities/grenoble/commitments/lampedusa/LAM-DIG-01")).json()
    assert api["indicators"][0]["latest"] == 200


async def test_each_indicator_has_the_reports_chart_inline(client) -> None:
    """Each indicator has its chart: the reports' SVG drawn from the values that count, with the
    baseline and target, named for assistive technologies, without a style attribute or a font
    of its own; the report's image keeps its font and no name."""
    await write_story(client)
    r = await client.get(PAGE, params={"lang": "en"})
    section = _section(r.text, '<section class="indicator" aria-labelledby="indicator-LAM-DIG-01-I1"')
    svg = re.search(r"<svg xmlns.*?</svg>", section, re.DOTALL)
    assert svg is not None
    assert "style=" not in svg[0] and "font-family" not in svg[0]
    assert 'role="img"' in svg[0] and "<title>LAM-DIG-01-I1 · Residents receiving" in svg[0]
    expected = trend_strip(
        [Series("LAM-DIG-01-I1", [120.0, 200.0], 100.0, 500.0)],
        font_family=None,
        label="LAM-DIG-01-I1 · Residents receiving free legal consultations",
    )
    assert svg[0] == expected
    for words in ("persons/year", "should increase", "Baseline", "Target"):
        assert words in parse(section).text
    report = trend_strip([Series("X", [1.0, 2.0], 0.0, 3.0)])
    assert "font-family=\"'Report Sans'" in report and "role=" not in report and "<title>" not in report


async def test_published_claims_link_to_their_challenge_form_and_history(client) -> None:
    """Every published claim links to `/claims/{id}/challenge` and to its history page; the
    adoption to its own history."""
    s = await write_story(client)
    page = parse((await client.get(PAGE, params={"lang": "en"})).text)
    links = {a.get("href") for n, a in page.tags if n == "a"}
    for claim in (s.first_value, s.wrong_value, s.correction, s.status):
        assert f"/claims/{claim}/challenge" in links, claim
    assert f"/history?entity=status_update&key={s.status}" in links
    assert f"/history?entity=measurement&key={s.correction}" in links
    assert "/history?entity=adoption&key=grenoble%2Flampedusa%2FLAM-DIG-01" in links
    for token, offered in ((s.reviewer, True), (s.editor, False), (s.secretariat, False)):
        html = (await client.get(PAGE, headers=bearer(token))).text
        assert (f"/claims/{s.status}/challenge" in html) is offered  # only to those who may


async def test_drafts_reach_only_the_city_and_the_facts_stay_the_same(client) -> None:
    """Anonymous and a reviewer's token: no draft (status, narrative, value), and the same
    standing as the API's; the city's editor sees both drafts marked, without a challenge
    link, and the same standing (drafts do not count)."""
    s = await write_story(client)
    api = (await client.get("/api/v1/cities/grenoble/commitments/lampedusa/LAM-DIG-01")).json()
    assert (api["status"], api["status_assurance"]) == ("in_progress", "verified")
    standings = []
    for headers in ({}, bearer(s.reviewer), bearer(s.editor)):
        r = await client.get(PAGE, params={"lang": "en"}, headers=headers)
        assert r.status_code == 200
        standing = _section(r.text, '<dl class="facts">')
        standings.append(standing)
        assert "In progress" in standing and "verified" in standing and "12%" in standing
        drafts = (s.draft_status, s.draft_value, "SECRET-DRAFT", "987,654", "Draft, not published")
        if headers.get("Authorization") == f"Bearer {s.editor}":
            for word in drafts:
                assert word in r.text, word
            assert f"/claims/{s.draft_status}/challenge" not in r.text
            assert f"/claims/{s.draft_value}/challenge" not in r.text
        else:
            for word in drafts:
                assert word not in r.text, word
    assert standings[0] == standings[1] == standings[2]


async def test_scripts_in_narratives_titles_and_names_are_inert(client) -> None:
    """A script in a narrative, a challenge's reason and an evidence title shows as text on the
    page, in every language; no script runs but the site's own."""
    await write_story(client)
    for lang in ("fr", "en", "es", "ar"):
        r = await client.get(PAGE, params={"lang": lang})
        page = check_page(r, lang, "rtl" if lang == "ar" else "ltr")
        assert "<script>alert" not in r.text and "<img" not in r.text
        assert [n for n, a in page.tags if n in ("script", "img", "iframe")] == []
    assert "&lt;script&gt;alert(&#39;evidence&#39;)&lt;/script&gt; Annual report" in r.text


async def test_unknown_or_not_adopted_commitments_and_malformed_addresses_are_404(client) -> None:
    """An unknown city, charter or commitment, a commitment the city has not adopted, and
    malformed codes: a 404 page in the visitor's language, never a 500."""
    await builders.editor_with_adoption()
    for url in (
        "/cities/nowhere/commitments/lampedusa/LAM-DIG-01",
        "/cities/grenoble/commitments/nothing/LAM-DIG-01",
        "/cities/grenoble/commitments/lampedusa/LAM-XXX-99",
        "/cities/grenoble/commitments/lampedusa/LAM-DIG-02",  # in the charter, not adopted
        "/cities/grenoble/commitments/lampedusa/%3Cscript%3E",
        "/cities/grenoble/commitments/lampedusa/" + "A" * 600,
        "/cities/grenoble/commitments/lampedusa/LAM%2FDIG-01",
        "/cities/grenoble/commitments/lampedusa/..%2F..%2Fetc",
        "/cities/grenoble/commitments/lampedusa/LAM-DIG-01%00",
        "/cities/gre%00noble/commitments/lampedusa/LAM-DIG-01",
    ):
        r = await client.get(url, params={"lang": "fr"})
        assert r.status_code == 404, (url, r.status_code, r.text[:300])
        check_page(r, "fr", "ltr")
        assert "<script>" not in r.text
    # Codes are normalised as the API normalises them: invisible characters do not make another.
    for code in ("LAM-DIG-01%E2%80%8B", "%20LAM-DIG-01%E2%80%AE", "lam-dig-01"):
        page = await client.get(f"/cities/grenoble/commitments/lampedusa/{code}", params={"lang": "fr"})
        api = await client.get(f"/api/v1/cities/grenoble/commitments/lampedusa/{code}")
        assert page.status_code == api.status_code != 500, (code, page.status_code, api.status_code)
