"""The public pages on the demo data, in French and in Arabic: each answers with its language and
direction, its words translated, the pages' security policy and nothing inline or elsewhere; the
city page's scorecard says what the API's comparison says."""

from __future__ import annotations

import re

import pytest
from babel.numbers import format_percent

from exports.comparison import COUNTS, STANDINGS
from tests.web.html import check_page, parse
from tracker.demo import load_demo

PAGES = [
    "/",
    "/search?q=dig",
    "/search?q=",
    "/search?q=zzzz",
    "/charters/lampedusa",
    "/charters/sousse-local",
    "/charters/gca-2011",
    "/cities/sousse",
    "/cities/grenoble",
    "/cities/turin",
    "/cities/grenoble?status=in_progress&assurance=self_reported",
]
# A word of the menu in each language: the pages' labels come from the catalogs.
WORDS = {"fr": ("Villes", "Chartes"), "ar": ("المدن", "المواثيق")}


async def test_every_page_in_french_and_in_arabic(client) -> None:
    """Each public page answers 200 in French (left to right) and in Arabic (right to left), with
    the menu's words in that language, the exact policy, no inline script or style, and no
    address on another site."""
    await load_demo()
    for lang, direction in (("fr", "ltr"), ("ar", "rtl")):
        for url in PAGES:
            r = await client.get(url, params={"lang": lang})
            assert r.status_code == 200, (url, lang, r.text[:500])
            page = check_page(r, lang, direction)
            for word in WORDS[lang]:
                assert word in page.text, (url, lang, word)


async def test_the_home_page_lists_charters_cities_claims_and_open_challenges(client) -> None:
    """Home: the three charters with their signatory counts, the eleven cities, ten claims
    published last with their assurance, and the open challenges (those the city has answered, or
    the secretariat ruled on, are not listed)."""
    await load_demo()
    r = await client.get("/", params={"lang": "fr"})
    page = parse(r.text)
    links = [a.get("href") for name, a in page.tags if name == "a"]
    for charter in ("lampedusa", "sousse-local", "gca-2011"):
        assert f"/charters/{charter}" in links
    assert "11 villes signataires" in page.text  # Lampedusa
    cities = ("grenoble", "sousse", "sfax", "tangier", "beirut", "turin", "madrid", "ramallah")
    for city in (*cities, "barcelona", "seine-saint-denis", "valencia"):
        assert f"/cities/{city}" in links
    recent = re.search(r'<section aria-labelledby="recent">(.*?)</section>', r.text, re.DOTALL)
    assert recent is not None and recent[1].count('class="claim"') == 10
    assert "auto-déclarée" in recent[1]
    challenges = re.search(r'<section aria-labelledby="challenges">(.*?)</section>', r.text, re.DOTALL)
    assert challenges is not None and challenges[1].count('class="claim"') == 3
    assert "Grenoble" in challenges[1] and "Sousse" in challenges[1]


async def test_a_text_shown_in_another_language_is_marked(client) -> None:
    """A text the page's language lacks falls back and says so: Turin's Italian name on an Arabic
    page carries lang="it"; the Sousse charter, which has no Spanish text, shows its title,
    principles and preamble in English marked lang="en", and Sousse's Arabic name lang="ar"."""
    await load_demo()
    r = await client.get("/", params={"lang": "ar"})
    assert '<span lang="it" dir="ltr">Torino</span>' in r.text
    r = await client.get("/charters/sousse-local", params={"lang": "es"})
    assert '<h1><span lang="en" dir="ltr">Local Charter for the Defence' in r.text
    assert '<span lang="en" dir="ltr">Commitment of local authorities</span>' in r.text
    assert '<div class="prose" lang="en" dir="ltr"><p>The charter expresses' in r.text
    assert '<span lang="ar" dir="rtl">سوسة</span>' in r.text
    r = await client.get("/charters/sousse-local", params={"lang": "fr"})
    assert "<h1>Charte locale pour la défense" in r.text


def _scorecards(html: str) -> dict[str, dict[str, dict[str, str]]]:
    """charter → principle (or `total`) → metric → the text of its cell."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for charter, table in re.findall(
        r'<table class="table scorecard" data-charter="([^"]+)"[^>]*>(.*?)</table>', html, re.DOTALL
    ):
        rows = out.setdefault(charter, {})
        for principle, row in re.findall(r'<tr data-principle="([^"]+)">(.*?)</tr>', table, re.DOTALL):
            rows[principle] = {
                metric: re.sub(r"<svg.*?</svg>|<[^>]+>", "", cell, flags=re.DOTALL).strip()
                for metric, cell in re.findall(r'<td data-metric="([^"]+)"[^>]*>(.*?)</td>', row, re.DOTALL)
            }
    return out


@pytest.mark.parametrize("city", ["grenoble", "sousse", "madrid"])
async def test_the_scorecard_says_what_the_api_comparison_says(client, city: str) -> None:
    """Every count and progress of every principle, and the totals, are the city's line of the
    API's comparison of that charter."""
    await load_demo()
    page = _scorecards((await client.get(f"/cities/{city}", params={"lang": "en"})).text)
    signatures = (await client.get(f"/api/v1/cities/{city}/signatures")).json()
    assert set(page) == {s["charter"] for s in signatures}
    for charter, rows in page.items():
        comparison = (await client.get(f"/api/v1/charters/{charter}/comparison")).json()
        line = next(row for row in comparison["rows"] if row["city"] == city)
        expected = {**line["cells"], "total": line["total"]}
        assert set(rows) == set(expected)
        for principle, cells in rows.items():
            want = expected[principle]
            for metric in COUNTS:
                assert cells[metric] == str(want[metric]), (charter, principle, metric)
            assert sum(int(cells[metric]) for metric in STANDINGS) == int(cells["adopted"])
            progress = want["progress"]
            assert cells["progress"] == ("—" if progress is None else format_percent(progress, locale="en"))
        total = rows["total"]
        for metric in COUNTS:
            assert int(total[metric]) == sum(int(rows[p][metric]) for p in rows if p != "total")


async def test_every_scorecard_adds_up_and_sets_overdue_apart(client) -> None:
    """On every demo city's page, in every scorecard row and total, achieved, on track, in
    progress behind schedule, delayed, not started and withdrawn add up to adopted; overdue comes
    after them, set apart, and a note linked to the table says it is not added."""
    await load_demo()
    cities = [c["slug"] for c in (await client.get("/api/v1/cities")).json()["items"]]
    rows_seen = 0
    for city in cities:
        html = (await client.get(f"/cities/{city}", params={"lang": "en"})).text
        for charter, rows in _scorecards(html).items():
            for principle, cells in rows.items():
                assert list(cells) == [*COUNTS, "progress"], (city, charter)
                parts = sum(int(cells[metric]) for metric in STANDINGS)
                assert parts == int(cells["adopted"]), (city, charter, principle, cells)
                assert int(cells["overdue"]) <= int(cells["adopted"]) - int(cells["achieved"])
                rows_seen += 1
            note = f'id="scorecard-note-{charter}"'
            assert f'aria-describedby="scorecard-note-{charter}"' in html and note in html
            assert "so they are not added again" in html
            assert '<th scope="col" class="overlap">Of which overdue</th>' in html
    assert rows_seen > len(cities)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ["En cours, en deçà du rythme prévu", "Non commencés", "Retirés", "Dont échéance dépassée"]),
        (
            "es",
            ["En curso, por debajo del ritmo previsto", "No iniciados", "Retirados", "De ellos, vencidos"],
        ),
        ("ar", ["قيد الإنجاز دون الوتيرة المقررة", "التي لم تبدأ", "المسحوبة", "منها ما تجاوز الأجل"]),
    ],
)
async def test_the_scorecard_columns_are_translated(client, lang: str, words: list[str]) -> None:
    """The scorecard's new columns and its note are in the page's language."""
    await load_demo()
    html = (await client.get("/cities/grenoble", params={"lang": lang})).text
    for word in words:
        assert word in html
    assert "so they are not added again" not in html


async def test_every_link_on_the_pages_leads_somewhere(client) -> None:
    """Following each address of the home page, a charter's page and a city's page gives a 200
    (a PDF report is checked through its HTML twin, which reads the same parameters)."""
    await load_demo()
    seen: set[str] = set()
    for url in (
        "/?lang=fr",
        "/charters/lampedusa?lang=ar",
        "/cities/sousse?lang=fr",
        "/cities/grenoble?lang=es",
    ):
        r = await client.get(url)
        base = url.split("?")[0]
        for name, attrs in parse(r.text).tags:
            address = attrs.get("href") or attrs.get("src") if name in ("a", "link", "script") else None
            if not address or address.startswith("#"):
                continue
            target = (base + address if address.startswith("?") else address).split("#")[0]
            target = target.replace(".pdf?", ".html?")
            if not target or target in seen:
                continue
            seen.add(target)
            answer = await client.get(target)
            assert answer.status_code == 200, (url, address, answer.text[:300])
    assert any("/report.html?" in t for t in seen) and any("/network-report.html?" in t for t in seen)
    assert "/api/v1/export/datapackage.zip" in seen and "/schema" in seen


@pytest.mark.parametrize("charter", ["lampedusa", "sousse-local"])
async def test_the_charter_page_shows_adoption_over_the_years_as_the_api_counts_it(
    client, charter: str
) -> None:
    """The curve (an SVG with an accessible name, no inline style) and its table: each cell is the
    API's cumulative count for that principle and year."""
    await load_demo()
    api = (await client.get(f"/api/v1/charters/{charter}/adoption-over-time")).json()
    r = await client.get(f"/charters/{charter}", params={"lang": "en"})
    page = check_page(r, "en", "ltr")
    svg = next(a for n, a in page.tags if n == "svg" and a.get("role") == "img")
    assert "by year" in (svg.get("aria-label") or "")
    table = r.text[r.text.index('class="table adoption-years"') :]
    table = table[: table.index("</table>")]
    heads = re.findall(r'<th scope="col">(\d{4})</th>', table)
    assert [int(y) for y in heads] == api["years"]
    rows = re.findall(r"<tr>\s*<th scope=\"row\"><span class=\"code\">([^<]+)</span>(.*?)</tr>", table, re.S)
    assert [code for code, _ in rows] == [p["code"] for p in api["principles"]]
    for (_, cells), principle in zip(rows, api["principles"], strict=True):
        shown = [int(n.replace(",", "")) for n in re.findall(r"<td>([\d,]+)", cells)]
        assert shown == principle["adopted"], principle["code"]
    assert any(p["adopted"][-1] for p in api["principles"])
