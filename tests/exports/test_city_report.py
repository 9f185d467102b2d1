"""The city progress report: read back as text, metadata and bookmarks; deterministic; inert
against hostile content; served from the cache; batches that survive a failing city."""

import json
import re
import subprocess
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from commitments.schemas import StatusUpdateCreate
from exports.batch import run_batch
from exports.comparison import COUNTS, STANDINGS, comparison
from exports.report_context import build_report_context
from exports.report_render import _report_html_class, asset_fetcher, html_to_pdf, render_html
from indicators.status_updates import add_status_update
from kernel.caller import SYSTEM
from tests import builders
from tests.builders import bearer
from tracker.demo import load_demo

HOSTILE = (
    '<script>alert(1)</script> <img src="http://tracker.example/pixel.png"> '
    '<link rel=stylesheet href="http://tracker.example/x.css"> '
    '<span style="background: url(file:///etc/passwd)">x</span> {{ 7*7 }} \\input{/etc/passwd} '
    "![remote](http://tracker.example/img.png) " + "x" * 300
)


def pdftotext(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode()


async def render(city: str, charter: str, lang: str):
    context = await build_report_context(city, charter, lang, today=date(2026, 11, 26))
    fetcher = asset_fetcher(context.charts)
    pdf = html_to_pdf(render_html(context), context.hash, fetcher=fetcher)
    return context, pdf, fetcher


async def test_french_report_reads_back() -> None:
    """Grenoble in French: cover, scorecard, principles as bookmarks, annex, metadata."""
    await load_demo()
    context, pdf, fetcher = await render("grenoble", "lampedusa", "fr")
    reader = PdfReader(BytesIO(pdf))
    text = pdftotext(pdf)
    assert "RAPPORT D’AVANCEMENT" in text and "Grenoble" in text
    assert "Charte de Lampedusa" in text and "Tableau de bord" in text
    assert "Annexe des preuves" in text and "Méthodologie" in text
    assert context.report_id in text and context.hash in text
    assert "LAM-DIG-01" in text and "Échéance dépassée" in text
    assert len(reader.pages) >= 4
    assert f"page 1 sur {len(reader.pages)}" in text  # the page number in words, never "1 / 5"
    meta = reader.metadata
    assert meta.title.startswith("Rapport d’avancement — Grenoble")
    assert meta.author == "UCLG (United Cities and Local Governments)"
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "DIG Dignité" in outline and "PAR Participation" in outline
    assert all(url.startswith("file://") and "/exports/assets/" in url for url in fetcher.calls)
    assert fetcher.refused == []


async def test_arabic_report_is_right_to_left() -> None:
    """Sousse in Arabic: labels in Arabic, the page direction right-to-left, the city in its script."""
    await load_demo()
    context, pdf, _ = await render("sousse", "sousse-local", "ar")
    html = render_html(context, standalone=True)
    assert '<html lang="ar" dir="rtl">' in html and "<svg" in html and "@font-face" in html
    assert 'html[dir="rtl"] .charts' in html and ".bar > span" in html  # the inline CSS is not escaped
    text = pdftotext(pdf)
    assert "لوحة النتائج" in text and "سوسة" in text and "المنهجية" in text
    reader = PdfReader(BytesIO(pdf))
    assert reader.metadata.title.startswith("تقرير التقدّم")
    assert reader.trailer["/Root"]["/Lang"] == "ar"
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[0] == "لوحة النتائج" and outline[-2:] == ["ملحق الأدلة", "المنهجية"]
    assert "ENG التزام السلطات المحلية" in outline and len(outline) == 9
    assert len(reader.pages) >= 4
    bare = re.sub(r"[\u202a-\u202e\s]+", " ", text)
    assert re.search(rf"صفحة ?1 ?من ?{len(reader.pages)}", bare), "the page number in words"


async def test_the_scorecard_adds_up_and_is_the_comparison_line() -> None:
    """In every demo city's report, each principle's and the total's achieved, on track, in
    progress behind schedule, delayed, not started and withdrawn add up to adopted, and every
    count is the city's line of the comparison on the same day; the overdue ones are set apart
    and the note under the table says why they are not added."""
    await load_demo()
    today = date(2026, 11, 26)
    reports = 0
    for charter in ("lampedusa", "sousse-local", "gca-2011"):
        for row in (await comparison(charter, today=today)).rows:
            context = await build_report_context(row.city, charter, "en", today=today)
            for p in context.principles:
                assert sum(getattr(p.counts, k) for k in STANDINGS) == p.counts.adopted
                assert {k: getattr(p.counts, k) for k in COUNTS} == {
                    k: getattr(row.cells[p.code], k) for k in COUNTS
                }, (row.city, p.code)
            assert sum(getattr(context.totals, k) for k in STANDINGS) == context.totals.adopted
            assert {k: getattr(context.totals, k) for k in COUNTS} == {
                k: getattr(row.total, k) for k in COUNTS
            }
            html = render_html(context)
            assert '<th class="overlap" scope="col">Of which overdue</th>' in html
            assert "so they are not added again" in html
            reports += 1
    assert reports > 0


async def test_same_data_same_bytes() -> None:
    """Two renders of unchanged data are byte-identical; a change of data changes the hash."""
    await load_demo()
    first, pdf1, _ = await render("sousse", "sousse-local", "fr")
    second, pdf2, _ = await render("sousse", "sousse-local", "fr")
    assert first.hash == second.hash and pdf1 == pdf2
    await add_status_update(
        SYSTEM,
        "sousse",
        "sousse-local",
        "SOU-ENG-01",
        StatusUpdateCreate(status="achieved", reported_on=date(2026, 6, 30)),
    )
    third, _, _ = await render("sousse", "sousse-local", "fr")
    assert third.hash != first.hash


async def test_hostile_markdown_is_inert_and_fetches_nothing() -> None:
    """Scripts, remote images, stylesheets and file URLs stay text; only our assets are fetched."""
    await builders.editor_with_adoption()
    await add_status_update(
        SYSTEM,
        "grenoble",
        "lampedusa",
        "LAM-DIG-01",
        StatusUpdateCreate(status="in_progress", reported_on=date(2025, 1, 31), note_md=HOSTILE),
    )
    context, pdf, fetcher = await render("grenoble", "lampedusa", "fr")
    assert fetcher.refused == []
    assert {Path(u).name for u in fetcher.calls} == {f"{name}.svg" for name in context.charts}
    # The stylesheet and its fonts are read once per process, through a fetcher of their own.
    loader = _report_html_class().stylesheet_fetcher
    own = {"report.css", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSansArabic-Regular.ttf"}
    own |= {"NotoSansArabic-Bold.ttf", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"}
    assert {Path(u).name for u in loader.calls} == own and loader.refused == []
    html = render_html(context)
    assert "<script" not in html and '<link rel=stylesheet href="http' not in html
    assert all(src.startswith("charts/") for src in re.findall(r'<img src="([^"]+)"', html))
    text = pdftotext(pdf)
    flat = "".join(text.split())
    assert "{{7*7}}" in flat and "<script>alert(1)</script>" in flat
    assert "\\input{/etc/passwd}" in flat and "url(file:///etc/passwd)" in flat
    longest = max(len(m) for m in re.findall(r"x{20,}", text))
    assert longest < 300  # the 300-character word wrapped inside the page


async def test_emoji_and_mixed_scripts_stay_in_order_and_inside_the_page() -> None:
    """An Arabic note mixing Latin words, digits and emoji keeps its logical order and wraps."""
    await builders.editor_with_adoption("sousse", locale="ar-TN")
    note = "تمّ فتح 3 مكاتب في Sousse-Médina منذ 2024 🎉👍 " + "ب" * 200
    await add_status_update(
        SYSTEM,
        "sousse",
        "lampedusa",
        "LAM-DIG-01",
        StatusUpdateCreate(status="in_progress", reported_on=date(2025, 1, 31), note_md=note),
    )
    context, pdf, fetcher = await render("sousse", "lampedusa", "ar")
    assert fetcher.refused == []
    html = render_html(context)
    assert "Sousse-Médina منذ 2024 🎉👍" in html
    text = pdftotext(pdf)
    assert "Sousse-Médina" in text and "2024" in text
    assert max(len(m) for m in re.findall("ب{10,}", text)) < 200  # the long word wrapped


async def test_bidi_override_in_titles_is_neutralised() -> None:
    """A city name with U+202E cannot reverse the text around it."""
    await builders.charter()
    await builders.city("evil", name="Evil\u202eytic")
    await builders.signed("evil")
    context = await build_report_context("evil", "lampedusa", "en")
    assert context.city.name == "Evilytic"
    assert "\u202e" not in render_html(context)


async def test_a_city_with_no_adoptions_gets_a_short_report() -> None:
    """No adoption, no measurement: a correct short report, not an error."""
    await builders.charter()
    await builders.city("ramallah", locale="ar-PS", country="PS")
    await builders.signed("ramallah")
    _, pdf, _ = await render("ramallah", "lampedusa", "en")
    text = pdftotext(pdf)
    assert "The city has not adopted any commitment of this charter yet." in text
    assert len(PdfReader(BytesIO(pdf)).pages) <= 4


async def test_a_charter_without_indicators() -> None:
    """A commitment with no indicator is reported as such."""
    await builders.editor_with_adoption()
    await builders.adopted("grenoble", "LAM-DIG-02")
    _, pdf, _ = await render("grenoble", "lampedusa", "en")
    assert "No indicator measures this commitment." in pdftotext(pdf)


async def test_api_report_pdf_is_cached_and_checks_its_inputs(client, tmp_path, monkeypatch) -> None:
    """First call renders (miss), the second is served from the cache (hit); bad input is 4xx."""
    monkeypatch.setenv("REPORT_CACHE_DIR", str(tmp_path / "cache"))
    await builders.editor_with_adoption()
    url = "/api/v1/cities/grenoble/report.pdf?charter=lampedusa&lang=fr"
    first = await client.get(url)
    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "application/pdf" and first.headers["x-report-cache"] == "miss"
    second = await client.get(url)
    assert second.headers["x-report-cache"] == "hit" and second.content == first.content
    r = await client.get("/api/v1/cities/grenoble/report.pdf?charter=lampedusa&lang=de")
    assert r.status_code == 400
    assert r.json()["errors"] == [
        {"field": "lang", "message": "Expected one of the supported languages: fr, en, es, ar."}
    ]
    assert (await client.get("/api/v1/cities/grenoble/report.pdf?charter=nope")).status_code == 404
    assert (await client.get(url + "&drafts=1")).status_code == 403
    token = await builders.token("city_editor", "grenoble", email="ed2@grenoble.fr")
    assert (await client.get(url + "&drafts=1", headers=bearer(token))).status_code == 200
    assert (await client.get(url + "&variant=pdf/x")).status_code == 400
    html = await client.get("/api/v1/cities/grenoble/report.html?charter=lampedusa")
    assert html.status_code == 200 and '<html lang="fr" dir="ltr">' in html.text


@pytest.mark.parametrize("variant", ["pdf/a-3u", "pdf/ua-1"])
async def test_archival_and_accessible_variants(variant: str) -> None:
    """PDF/A-3u carries its XMP identification; PDF/UA-1 is tagged."""
    await builders.editor_with_adoption()
    context = await build_report_context("grenoble", "lampedusa", "fr")
    pdf = html_to_pdf(render_html(context), context.hash, variant, charts=context.charts)
    reader = PdfReader(BytesIO(pdf))
    if variant == "pdf/a-3u":
        xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
        assert b"pdfaid:part" in xmp and b"pdfaid:conformance" in xmp
    else:
        assert "/StructTreeRoot" in reader.trailer["/Root"]
        assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]


async def test_batch_skips_unchanged_cities_and_survives_a_failure(tmp_path: Path) -> None:
    """Second run renders nothing; a city that cannot be written fails alone, with its reason."""
    await load_demo()
    (tmp_path / "madrid-lampedusa-fr.pdf").mkdir()  # madrid's file cannot be written
    seen: list[str] = []
    result = await run_batch("lampedusa", "fr", tmp_path, workers=2, on_done=seen.append)
    cities = ["barcelona", "beirut", "grenoble", "madrid", "ramallah", "seine-saint-denis", "sfax"]
    cities += ["sousse", "tangier", "turin", "valencia"]
    assert sorted(result.rendered) == [c for c in cities if c != "madrid"]
    assert list(result.failed) == ["madrid"] and "IsADirectoryError" in result.failed["madrid"]
    assert sorted(seen) == sorted([*result.rendered, "madrid"])
    (tmp_path / "madrid-lampedusa-fr.pdf").rmdir()
    result = await run_batch("lampedusa", "fr", tmp_path)
    assert result.rendered == ["madrid"] and len(result.skipped) == len(cities) - 1
    result = await run_batch("lampedusa", "fr", tmp_path)
    assert result.rendered == [] and len(result.skipped) == len(cities) and result.failed == {}
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert set(manifest) == {f"{c}-lampedusa-fr.pdf" for c in cities}
    assert PdfReader(tmp_path / "sousse-lampedusa-fr.pdf").metadata.title.startswith("Rapport")


def _titles(outline: list) -> list:
    """Bookmark titles, nested as in the document."""
    return [_titles(item) if isinstance(item, list) else item.title for item in outline]


def _internal_links(reader: PdfReader) -> list[str]:
    """The named destinations the document's links go to, page by page."""
    return [
        str(annot.get_object()["/Dest"])
        for page in reader.pages
        for annot in page.get("/Annots") or []
        if "/Dest" in annot.get_object()
    ]


async def test_report_rendered_in_sections_joins_into_one_document() -> None:
    """A long report is rendered as its front, each principle and its back, and joined: the same
    bookmarks, links, metadata and page numbers as one piece, every link going to its target's
    page in another section, and the same bytes when joined again from the kept sections."""
    from exports.report_render import render_pdf_parallel, sections

    await load_demo()
    context = await build_report_context("grenoble", "lampedusa", "fr", today=date(2026, 11, 26))
    parts = sections(context, min_weight=0)
    shown = [p for p in context.principles if p.commitments]
    assert len(parts) == len(shown) + 2 and len(sections(context)) == 1  # Grenoble is light
    single = PdfReader(BytesIO(html_to_pdf(render_html(context), context.hash, charts=context.charts)))
    joined_bytes = render_pdf_parallel(context, min_weight=0)
    assert render_pdf_parallel(context, min_weight=0) == joined_bytes
    joined = PdfReader(BytesIO(joined_bytes))
    assert len(single.pages) <= len(joined.pages) <= len(single.pages) + len(parts) - 1  # each starts a page
    assert _titles(joined.outline) == _titles(single.outline)
    assert joined.metadata.title == single.metadata.title
    assert joined.metadata["/Keywords"] == single.metadata["/Keywords"]
    assert joined.trailer["/Root"]["/Lang"] == "fr" and joined.pdf_header == "%PDF-1.7"
    links = _internal_links(joined)
    assert sorted(links) == sorted(_internal_links(single)) and any(name.startswith("e") for name in links)
    pages = [page.extract_text() for page in joined.pages]
    annex = next(n for n, text in enumerate(pages) if "Annexe des preuves" in text)
    for name in set(links):
        page = joined.get_destination_page_number(joined.named_destinations[name])
        if name.startswith("e"):  # an evidence reference: its entry in the annex (the back section)
            assert page >= annex and f"[E{name[1:]}]" in pages[page], name
        else:
            assert page < annex and name.removeprefix("c-") in pages[page], name
    text = pdftotext(joined_bytes)
    total = len(joined.pages)
    for n in range(1, total + 1):
        assert f"page {n} sur {total}" in text
    assert "Annexe des preuves" in text and "LAM-PAR-01" in text


async def test_a_change_in_one_principle_renders_only_that_principle_and_the_front() -> None:
    """Sections are kept by their content: after a status update, the front (its scorecard and
    data date) and the principle of that commitment are rendered again, nothing else."""
    from exports.report_render import _missing, render_pdf_parallel, sections

    await load_demo()
    before = await build_report_context("grenoble", "lampedusa", "fr", today=date(2026, 11, 26))
    render_pdf_parallel(before, min_weight=0)
    await add_status_update(
        SYSTEM,
        "grenoble",
        "lampedusa",
        "LAM-DIG-01",
        StatusUpdateCreate(status="achieved", reported_on=date(2026, 10, 30)),
    )
    after = await build_report_context("grenoble", "lampedusa", "fr", today=date(2026, 11, 26))
    old, new = sections(before, min_weight=0), sections(after, min_weight=0)
    changed = [n for n, (a, b) in enumerate(zip(old, new, strict=True)) if a.key != b.key]
    dig = 1 + [p.code for p in after.principles if p.commitments].index("DIG")
    assert changed == [0, dig]
    assert [s.key for s in _missing(new)] == [new[0].key, new[dig].key]
    text = pdftotext(render_pdf_parallel(after, min_weight=0))
    assert "Réalisé" in text and _missing(new) == []
