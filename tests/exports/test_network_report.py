"""The network report: read back as text and metadata, in French and Arabic; deterministic;
served from the cache; filters and bad input."""

import re
from datetime import date
from io import BytesIO

from pypdf import PdfReader

from exports.network_report import build_network_context
from exports.report_render import asset_fetcher, html_to_pdf, render_html
from tests.exports.test_city_report import pdftotext
from tracker.demo import load_demo

URL = "/api/v1/charters/lampedusa/network-report.pdf"


async def _render(lang: str, **kw):
    context = await build_network_context("lampedusa", lang, today=date(2026, 11, 26), **kw)
    fetcher = asset_fetcher(context.charts)
    return context, html_to_pdf(render_html(context), context.hash, fetcher=fetcher), fetcher


async def test_french_network_report_reads_back() -> None:
    """Heat map, curves, a line per signatory city, methodology, metadata; only our own assets."""
    await load_demo()
    context, pdf, fetcher = await _render("fr")
    text = re.sub(r"\s+", " ", pdftotext(pdf))
    assert "RAPPORT DU RÉSEAU" in text and "Avancement par ville et par principe" in text
    assert "Villes ayant adopté chaque principe, par année" in text and "Les villes en bref" in text
    assert "Méthodologie" in text and context.hash in text
    for city in ("Grenoble", "Madrid", "Turin", "Sfax", "Tanger"):
        assert city in text
    assert len(context.rows) == 11
    assert [c.code for c in context.columns] == ["DIG", "EQU", "REC", "PAR", "COM"]
    grenoble = next(r for r in context.rows if r.city == "grenoble")
    assert "Dont échéance dépassée" in text
    row = re.search(r"Grenoble FR, Europe de (?:l’Ouest )?(\d+ \S+ \d{4}) (\d+)", text)
    assert row and int(row[2]) == grenoble.total.adopted, row
    reader = PdfReader(BytesIO(pdf))
    assert reader.metadata.title.startswith("Rapport du réseau — Charte de Lampedusa")
    assert fetcher.refused == [] and any(url.endswith("charts/curve.svg") for url in fetcher.calls)


async def test_arabic_network_report_and_same_bytes_twice() -> None:
    """Arabic labels, right to left; two renders of the same data give the same bytes."""
    await load_demo()
    context, first, _ = await _render("ar")
    _, second, _ = await _render("ar")
    assert first == second
    text = pdftotext(first)
    assert "تقرير الشبكة" in text and "المدن في لمحة" in text
    assert '<html lang="ar" dir="rtl">' in render_html(context)


async def test_network_report_endpoint_caches_and_filters(client, tmp_path, monkeypatch) -> None:
    """The API serves the PDF, then from the cache; filters narrow the cities; bad ones are 400."""
    monkeypatch.setenv("REPORT_CACHE_DIR", str(tmp_path / "cache"))
    await load_demo()
    first = await client.get(URL, params={"lang": "en"})
    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "application/pdf" and first.headers["x-report-cache"] == "miss"
    again = await client.get(URL, params={"lang": "en"})
    assert again.headers["x-report-cache"] == "hit" and again.content == first.content
    tunisia = await client.get(URL, params={"lang": "en", "country": "TN"})
    text = pdftotext(tunisia.content)
    assert "Sfax" in text and "Grenoble" not in text
    assert (await client.get(URL, params={"lang": "de"})).status_code == 400
    r = await client.get(URL, params={"colour": "red"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "colour"
    html = await client.get("/api/v1/charters/lampedusa/network-report.html", params={"lang": "fr"})
    assert html.status_code == 200 and "<svg" in html.text


async def test_a_charter_without_signatories_gets_a_short_report() -> None:
    """No signatory city: the report says so, without error."""
    from tests import builders

    await builders.charter()
    context, pdf, _ = await _render("en")
    assert context.rows == []
    assert "No city has a standing signature of this charter." in re.sub(r"\s+", " ", pdftotext(pdf))
