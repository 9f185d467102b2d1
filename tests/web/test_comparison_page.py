"""A charter's comparison page: its heat map says what the API's comparison says for the same
filters and sorting (every progress, every count of commitments behind a cell, the order of the
cities), its colours come in five bands whose text stays readable, a parameter the API refuses is
a 400 page naming it, the downloads carry the filters, and people's names are shown, never run."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from babel.numbers import format_percent

from tests import builders
from tests.web.html import check_page, parse
from tracker.demo import load_demo
from web.public.comparison import heat_band

PAGE = "/charters/lampedusa/comparison"
API = "/api/v1/charters/lampedusa/comparison"
CSS = Path(__file__).resolve().parents[2] / "web" / "static" / "site.css"

QUERIES = [
    {},
    {"level": "commitment"},
    {"country": "FR,TN"},
    {"region": "015"},
    {"network": "ANVITA"},
    {"signed_year": "2023"},
    {"population_band": "medium"},
    {"sort": "total.progress", "order": "desc"},
    {"sort": "DIG.progress", "order": "asc"},
    {"sort": "population", "order": "desc"},
    {"sort": "signed_on"},
    {"sort": "name", "order": "desc"},
    {"sort": "total.adopted", "order": "desc", "country": "TN,MA,LB"},
    {"level": "commitment", "sort": "LAM-DIG-01.progress", "order": "desc", "network": "MC2CM"},
]


def _matrix(html: str) -> list[tuple[str, dict[str, tuple[str, str, str]]]]:
    """(city, column → (figure, commitments behind, band)) for each row of the heat map, in order."""
    table = re.search(r'<table class="table heatmap"[^>]*>(.*?)</table>', html, re.DOTALL)
    assert table is not None
    rows = []
    for city, row in re.findall(r'<tr data-city="([^"]+)">(.*?)</tr>', table[1], re.DOTALL):
        cells = {}
        for band, column, cell in re.findall(
            r'<td class="heat heat-([a-z0-9]+)" data-column="([^"]+)"[^>]*>(.*?)</td>', row, re.DOTALL
        ):
            figure = re.search(r'<span class="figure">(.*?)</span>', cell, re.DOTALL)
            behind = re.search(r'<span class="behind">(.*?)</span>', cell, re.DOTALL)
            assert figure and behind
            cells[column] = (figure[1].strip(), behind[1].strip(), band)
        rows.append((city, cells))
    return rows


def _expected_behind(adopted: int) -> str:
    if adopted == 0:
        return "not adopted"
    return f"{adopted} commitment" + ("" if adopted == 1 else "s")


async def test_every_cell_says_what_the_api_comparison_says(client) -> None:
    """For each filter, sort and level, the rows come in the API's order and every cell and total
    gives the API's progress (as a whole percentage), the number of adopted commitments behind it,
    and the colour band of that percentage."""
    await load_demo()
    for query in QUERIES:
        r = await client.get(PAGE, params={**query, "lang": "en"})
        assert r.status_code == 200, (query, r.text[:500])
        check_page(r, "en", "ltr")
        api = (await client.get(API, params={**query, "lang": "en"})).json()
        rows = _matrix(r.text)
        assert [city for city, _ in rows] == [row["city"] for row in api["rows"]], query
        codes = [c["code"] for c in api["columns"]]
        for (city, cells), want in zip(rows, api["rows"], strict=True):
            assert list(cells) == [*codes, "total"], (query, city)
            for code in [*codes, "total"]:
                cell = want["total"] if code == "total" else want["cells"][code]
                progress = cell["progress"]
                figure = "—" if progress is None else format_percent(progress, locale="en")
                assert cells[code] == (figure, _expected_behind(cell["adopted"]), heat_band(progress)), (
                    query,
                    city,
                    code,
                )


async def test_the_commitment_level_has_a_column_per_commitment(client) -> None:
    """`level=commitment`: one column per commitment of the charter, each cell backed by at most one
    commitment; the column headers sort the table by their progress."""
    await load_demo()
    r = await client.get(PAGE, params={"level": "commitment", "lang": "en"})
    page = parse(r.text)
    headers = [a["data-column"] for n, a in page.tags if n == "th" and a.get("data-column")]
    api = (await client.get(API, params={"level": "commitment"})).json()
    assert headers == [c["code"] for c in api["columns"]] + ["total"]
    assert len(headers) == 19
    for _, cells in _matrix(r.text):
        for code, (_, behind, _) in cells.items():
            if code != "total":
                assert behind in ("not adopted", "1 commitment")
    links = [
        a["href"] for n, a in page.tags if n == "a" and "sort=LAM-DIG-01.progress" in (a.get("href") or "")
    ]
    assert links and dict(parse_qsl(urlsplit(links[0]).query))["level"] == "commitment"


async def test_the_legend_names_each_band_in_words(client) -> None:
    """The legend gives each of the five bands and the empty cell in words, not by colour alone;
    every band's text keeps a contrast of at least 4.5:1 with its background."""
    await load_demo()
    text = parse((await client.get(PAGE, params={"lang": "en"})).text).text
    for words in (
        "0% to 19%",
        "20% to 39%",
        "40% to 59%",
        "60% to 79%",
        "80% to 100%",
        "no commitment counted",
    ):
        assert words in text
    css = CSS.read_text()
    bands = re.findall(r"\.heat-([a-z0-9]+) \{\s*background: (#[0-9a-f]{6});\s*color: (#[0-9a-f]{6});", css)
    assert sorted(b for b, _, _ in bands) == ["0", "1", "2", "3", "4", "none"]
    for band, background, color in bands:
        assert _contrast(background, color) >= 4.5, band


def _contrast(one: str, other: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_band_follows_the_percentage_written() -> None:
    """A cell's band is that of the whole percentage the page writes (19.6 % is written 20 %)."""
    assert [heat_band(p) for p in (None, 0, 0.194, 0.196, 0.4, 0.594, 0.599, 0.794, 0.8, 1)] == [
        "none",
        "0",
        "0",
        "1",
        "2",
        "2",
        "3",
        "3",
        "4",
        "4",
    ]
    assert heat_band(0.795) == "4"  # written 80 %


BAD = [
    ({"level": "city"}, "level", "Columns", "principle, commitment"),
    ({"order": "up"}, "order", "Order", "asc, desc"),
    ({"sort": "best"}, "sort", "Sort by", "total"),
    ({"sort": "XYZ.progress"}, "sort", "Sort by", "XYZ"),
    ({"signed_year": "twenty"}, "signed_year", "Year of signature", "1900"),
    ({"signed_year": "1800"}, "signed_year", "Year of signature", "2100"),
    ({"population_band": "huge"}, "population_band", "Population", "small, medium, large, metropolis"),
    ({"format": "csv"}, "format", "format", "population_band"),
    ({"colour": "<b>red</b>"}, "colour", "&lt;b&gt;", "signed_year"),
]


@pytest.mark.parametrize(("query", "name", "label", "expected"), BAD)
async def test_a_parameter_the_api_refuses_is_a_400_page_naming_it(
    client, query: dict[str, str], name: str, label: str, expected: str
) -> None:
    """A value or a parameter the API's comparison refuses: a 400 page in the visitor's language,
    with a summary naming the parameter and the values expected, and no heat map; the API refuses
    it too (404 for a column the level does not have, as the API says)."""
    await builders.charter()
    r = await client.get(PAGE, params={**query, "lang": "en"})
    assert r.status_code == 400, r.text[:300]
    page = check_page(r, "en", "ltr")
    summary = re.search(r'<div class="error-summary".*?</div>', r.text, re.DOTALL)
    assert summary is not None
    assert label in summary[0] and expected in summary[0], summary[0]
    assert "heatmap" not in r.text and "<b>red</b>" not in r.text
    if name in ("level", "order", "sort", "signed_year", "population_band"):
        assert any(n == "a" and a.get("href") == f"#cmp-{name}" for n, a in page.tags)
        field = next(a for n, a in page.tags if a.get("id") == f"cmp-{name}")
        assert field.get("aria-invalid") == "true"
    if name != "format":  # the API's own choice of format; the page is HTML
        api = await client.get(API, params=query)
        assert api.status_code == (404 if query.get("sort") == "XYZ.progress" else 400), api.text


async def test_a_nul_character_is_a_400_page(client) -> None:
    """A NUL in a filter is refused before any query (PostgreSQL would not take it)."""
    await builders.charter()
    for query in ("region=%00", "network=A%00B", "x%00=1"):
        r = await client.get(f"{PAGE}?{query}&lang=fr")
        assert r.status_code == 400, query
        check_page(r, "fr", "ltr")


async def test_an_unknown_charter_is_a_404_page(client) -> None:
    """An unknown charter: the 404 page, even with filters."""
    r = await client.get("/charters/nothing/comparison", params={"level": "commitment", "lang": "fr"})
    assert r.status_code == 404
    check_page(r, "fr", "ltr")


async def test_the_downloads_carry_the_filters(client) -> None:
    """The CSV, XLSX and JSON links are the API's comparison with the page's filters, level and
    order; the network report in each language takes the filters; each link answers 200 and the
    CSV has a line per city of the page."""
    await load_demo()
    query = {"country": "TN,FR", "population_band": "medium", "sort": "total.progress", "order": "desc"}
    r = await client.get(PAGE, params={**query, "level": "commitment", "lang": "fr"})
    page = parse(r.text)
    links = [a["href"] for n, a in page.tags if n == "a" and (a.get("href") or "").startswith("/api/v1/")]
    filters = {"country": "TN,FR", "population_band": "medium"}
    table = {**filters, "level": "commitment", "sort": "total.progress", "order": "desc", "lang": "fr"}
    wanted = [
        (API, {**table, "format": "csv"}),
        (API, {**table, "format": "xlsx"}),
        (API, table),
        *[
            ("/api/v1/charters/lampedusa/network-report.pdf", {**filters, "lang": lang})
            for lang in ("fr", "en", "es", "ar")
        ],
    ]
    found = [(urlsplit(link).path, dict(parse_qsl(urlsplit(link).query))) for link in links]
    for want in wanted:
        assert want in found, want
    assert "/api/v1/export/datapackage.zip" in links
    cities = [city for city, _ in _matrix(r.text)]
    assert cities and set(cities) <= {"sousse", "sfax", "grenoble", "beirut"}
    for link in links:
        answer = await client.get(link.replace(".pdf?", ".html?"))
        assert answer.status_code == 200, (link, answer.text[:300])
        if "format=csv" in link:
            lines = answer.content.decode("utf-8-sig").strip().splitlines()
            assert [line.split(",")[0] for line in lines[1:]] == cities


async def test_the_charter_page_links_to_the_comparison(client) -> None:
    """The charter's documents: its Markdown, the comparison page and its files, the network report."""
    await load_demo()
    page = parse((await client.get("/charters/lampedusa", params={"lang": "fr"})).text)
    links = [a.get("href") or "" for n, a in page.tags if n == "a"]
    assert PAGE in links
    assert any(link.startswith("/api/v1/charters/lampedusa/document?") for link in links)
    assert any(link.startswith("/api/v1/charters/lampedusa/network-report.pdf?") for link in links)


@pytest.mark.parametrize(
    ("lang", "direction", "words"), [("fr", "ltr", "Villes comparées"), ("ar", "rtl", "مقارنة المدن")]
)
async def test_the_page_in_french_and_in_arabic(client, lang: str, direction: str, words: str) -> None:
    """In French (left to right) and Arabic (right to left): the page's words in its language,
    the cities linking to their pages, the counts behind the cells in words of that language."""
    await load_demo()
    for query in ({}, {"level": "commitment", "sort": "total.progress", "order": "desc"}):
        r = await client.get(PAGE, params={**query, "lang": lang})
        assert r.status_code == 200
        page = check_page(r, lang, direction)
        assert words in page.text
        links = [a.get("href") for n, a in page.tags if n == "a"]
        for city in ("grenoble", "sousse", "turin"):
            assert f"/cities/{city}" in links
        assert len(r.content) < 100_000
    r = await client.get(PAGE, params={"lang": "fr"})
    if lang == "fr":
        assert "7 engagements" in parse(r.text).text


async def test_hostile_city_names_are_inert(client) -> None:
    """A city named with a script and markup is shown as text in the heat map and the filters."""
    await builders.charter()
    hostile = "<script>alert('city')</script><img src=x onerror=alert(1)>"
    await builders.city("hostile", name=hostile, country="FR")
    await builders.signed("hostile")
    await builders.adopted("hostile")
    for lang in ("en", "ar"):
        r = await client.get(PAGE, params={"lang": lang, "sort": "total.progress"})
        assert r.status_code == 200
        page = check_page(r, lang, "rtl" if lang == "ar" else "ltr")
        assert "<script>alert" not in r.text and "<img" not in r.text
        assert [n for n, a in page.tags if n in ("script", "img")] == []
        assert "&lt;script&gt;alert(&#39;city&#39;)&lt;/script&gt;" in r.text
        assert [city for city, _ in _matrix(r.text)] == ["hostile"]
