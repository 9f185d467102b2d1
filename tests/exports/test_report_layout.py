"""What a reader of a report sees on the page and in the PDF's structure: values isolated in their
own direction, the locale's punctuation and times, charts that explain themselves, links and
bookmarks, the archival copy's data, what changed since the previous report, and the network
report's legend, table and variants."""

import json
import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from charter.tables import Charter, City
from exports.network_report import build_network_context
from exports.report_context import build_report_context
from exports.report_render import DATA_NAME, asset_fetcher, html_to_pdf, render_html, render_pdf_here
from indicators.tables import ReportDownload
from tests import builders
from tracker.demo import load_demo

TODAY = date(2026, 11, 26)
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"


def text_of(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode()


async def city_report(city: str, charter: str, lang: str, variant: str | None = None):
    context = await build_report_context(city, charter, lang, today=TODAY)
    if variant:
        return context, render_pdf_here(context, variant)
    return context, html_to_pdf(render_html(context), context.hash, fetcher=asset_fetcher(context.charts))


async def test_inserted_values_are_isolated_in_their_direction() -> None:
    """In the Arabic report, the English signature act with Arabic in brackets, the period and
    each English title are isolated (no doubled brackets, no "Q3-2026"); a French challenge is
    a left-to-right block."""
    await load_demo()
    context = await build_report_context("sousse", "sousse-local", "ar", today=TODAY)
    html = render_html(context)
    assert f"{LRI}{context.signature.act}{PDI}" in html
    assert f"{FSI}{context.period}{PDI}" in html  # digits only: the first strong character decides
    commitment = context.principles[0].commitments[0]
    mark = RLI if commitment.title_lang in ("", "ar") else LRI
    assert f"{mark}{commitment.title}{PDI}" in html
    reason = next(ch for p in context.principles for c in p.commitments for ch in c.challenges)
    assert f'<div class="body" dir="ltr">{reason.reason}' in html


async def test_the_locale_punctuation_and_time() -> None:
    """French: a space before the colon, a 24-hour time "08 h 23 UTC", page numbers in words;
    Arabic: the arrow from baseline to latest points left."""
    await load_demo()
    context, pdf = await city_report("grenoble", "lampedusa", "fr")
    text = text_of(pdf)
    assert "Échéance\u00a0: " in text or "Échéance : " in text
    assert re.search(r"\d{4}, \d{2} h \d{2} UTC", context.as_of_text), context.as_of_text
    pages = len(PdfReader(BytesIO(pdf)).pages)
    assert f"page {pages} sur {pages}" in text
    arabic = await build_report_context("sousse", "sousse-local", "ar", today=TODAY)
    assert arabic.labels["arrow"] == "←" and "← " in render_html(arabic)


async def test_charts_explain_themselves() -> None:
    """The charts have a legend (value, target, baseline, which way is better), each panel its
    better direction, first and last period, end value and unit, and an alternative text;
    yearly counts are steps and a yes/no indicator has no line."""
    await load_demo()
    context = await build_report_context("sousse", "sousse-local", "fr", today=TODAY)
    first = context.principles[0].commitments[0]  # SOU-ENG-01: one yes/no indicator
    svg = context.charts[first.chart]
    assert "<title>up</title></path>" in svg and "2021" in svg and "2025" in svg
    assert 'stroke="#1f4e9c" stroke-width="1.6"' not in svg  # no line between yes and no
    legend = re.search(r'<p class="chart-legend".*?</p>', render_html(context))[0]
    for words in ("Valeur", "Cible", "Référence", "plus haut, mieux c’est", "plus bas, mieux c’est"):
        assert words in legend
    count = next(c for p in context.principles for c in p.commitments if c.code == "SOU-COO-01")
    counted = context.charts[count.chart]
    assert '<path d="M' in counted and " H" in counted and "(meetings/year)" in counted
    assert 'stroke="#1f4e9c" stroke-width="1.6"' in counted
    html = render_html(context)
    assert f'alt="{count.chart_alt}"' in html.replace("&#39;", "'")
    assert count.chart_alt.startswith("SOU-COO-01-I1\u00a0: Référence")


async def test_evidence_links_and_bookmarks_down_to_each_commitment() -> None:
    """[E1] links to the annex, a link evidence is clickable, and the outline lists each principle
    with its commitments under it."""
    await load_demo()
    _, pdf = await city_report("grenoble", "lampedusa", "fr")
    reader = PdfReader(BytesIO(pdf))
    uris, internal = [], 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            if a.get("/Subtype") != "/Link":
                continue
            action = a.get("/A")
            if action is not None and action.get_object().get("/URI"):
                uris.append(str(action.get_object()["/URI"]))
            elif a.get("/Dest") is not None or (action is not None and action.get_object().get("/D")):
                internal += 1
    assert internal >= 5
    assert uris and all(u.startswith(("https://", "http://")) for u in uris)
    outline = reader.outline
    nested = [item for item in outline if isinstance(item, list)]
    titles = [entry.title for group in nested for entry in group if not isinstance(entry, list)]
    assert any(t.lstrip(LRI + RLI + FSI).startswith("LAM-DIG-01") for t in titles), titles


async def test_the_archival_report_carries_its_data() -> None:
    """PDF/A-3u: the report's data is attached as JSON (the same the hash covers), dated like
    the report; the same data gives the same bytes."""
    await load_demo()
    context, pdf = await city_report("sousse", "sousse-local", "fr", "pdf/a-3u")
    reader = PdfReader(BytesIO(pdf))
    assert list(reader.attachments) == [DATA_NAME]
    data = json.loads(reader.attachments[DATA_NAME][0])
    assert data["hash"] == context.hash and data["city"]["slug"] == "sousse"
    assert {p["code"] for p in data["principles"]} >= {"ENG", "PAR"}
    root = reader.trailer["/Root"]
    assert {str(f.get_object()["/AFRelationship"]) for f in root["/AF"]} == {"/Data"}
    assert b"pdfaid:part" in root["/Metadata"].get_object().get_data()
    _, again = await city_report("sousse", "sousse-local", "fr", "pdf/a-3u")
    assert again == pdf


async def test_the_tagged_report_names_its_tables_headers() -> None:
    """PDF/UA-1: the scorecard's headers are header cells with their scope, each untranslated
    title carries its language and direction, and is marked as such."""
    await builders.editor_with_adoption()
    context = await build_report_context("grenoble", "lampedusa", "ar", today=TODAY)
    html = render_html(context)
    assert html.count('scope="col"') >= 10 and html.count('scope="row"') == len(context.principles) + 1
    commitment = next(c for p in context.principles for c in p.commitments)
    assert commitment.title_lang == "en"
    assert re.search(rf'<h3 id="c-{commitment.code}" data-label="[^"]+" lang="en" dir="ltr">', html)
    assert '<span class="fallback" title="' in html
    pdf = render_pdf_here(context, "pdf/ua-1")
    root = PdfReader(BytesIO(pdf)).trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "ar"


async def test_what_changed_since_the_previous_report() -> None:
    """With an earlier report downloaded, the report lists what was published after it (the
    first twelve, then how many more); without one, the section is not there."""
    await load_demo()
    context = await build_report_context("sousse", "sousse-local", "fr", today=TODAY)
    assert context.since_text == "" and "Ce qui a changé" not in render_html(context)
    city = await City.select(City.id).where(City.slug == "sousse").first()
    charter = await Charter.select(Charter.id).where(Charter.slug == "sousse-local").first()
    earlier = datetime.fromisoformat(context.as_of) - timedelta(days=400)
    await ReportDownload.insert(
        ReportDownload(
            user_id=1, city=city["id"], charter=charter["id"], lang="fr", report_id="x", at=earlier
        )
    )
    later = await build_report_context("sousse", "sousse-local", "fr", today=TODAY)
    assert later.since_text and later.changes and later.hash != context.hash
    kinds = {c.kind for c in later.changes}
    assert "value" in kinds or "status" in kinds
    assert len(later.changes) <= 12
    assert later.more_changes == 0 or len(later.changes) == 12
    html = render_html(later)
    assert "Ce qui a changé depuis le rapport précédent" in html
    assert f'href="#c-{later.changes[0].code}"' in html


def _luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def test_heat_map_text_contrast() -> None:
    """Every heat-map class has a text colour with a contrast of at least 4.5:1 on its fill."""
    css = (Path(__file__).resolve().parents[2] / "exports" / "assets" / "report.css").read_text()
    for n in range(11):
        rule = re.search(rf"\.h{n} \{{([^}}]*)\}}", css)
        assert rule, n
        fill = re.search(r"background: (#[0-9a-f]{6})", rule[1])[1]
        text = (re.search(r"color: (#[0-9a-f]{3,6})", rule[1]) or [None, "#1a1a1a"])[1]
        text = "#ffffff" if text == "#fff" else text
        light, dark = sorted((_luminance(fill), _luminance(text)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (n, fill, text)


async def test_network_report_says_what_it_compares(client) -> None:
    """The network report gives its data date and filters, the commitments behind each cell, a
    colour scale, the cities as a table and the flags' definitions; variants as the city report."""
    await load_demo()
    context = await build_network_context("lampedusa", "fr", today=TODAY)
    html = render_html(context)
    assert context.as_of_text != "—" and "aucun\u00a0: toutes les villes signataires" in html
    assert html.count('class="swatch ') == 12 and "0\u00a0%" in html and "100\u00a0%" in html
    assert '<span class="n">' in html and '<section class="summaries">' in html
    assert html.count('<th class="name" scope="row">') == 2 * len(context.rows)
    assert "Cible atteinte, statut non mis à jour" in html
    r = await client.get(
        "/api/v1/charters/lampedusa/network-report.pdf",
        params={"lang": "fr", "variant": "pdf/ua-1", "network": "MC2CM"},
    )
    assert r.status_code == 200, r.text
    assert "/StructTreeRoot" in PdfReader(BytesIO(r.content)).trailer["/Root"]
    assert "MC2CM" in text_of(r.content)
    bad = await client.get("/api/v1/charters/lampedusa/network-report.pdf", params={"variant": "pdf/x"})
    assert bad.status_code == 400 and "variant" in bad.text


def test_moment_is_utc() -> None:
    """The time of day is UTC whatever the machine's zone."""
    from babel import Locale

    from exports.report_context import moment

    at = datetime(2026, 12, 4, 8, 23, 12, tzinfo=UTC)
    assert moment(at, Locale.parse("fr")) == "4 décembre 2026, 08 h 23 UTC"
    assert moment(at, Locale.parse("es")) == "4 de diciembre de 2026, 08:23 UTC"


async def test_a_report_asked_again_is_served_without_reading_the_data(monkeypatch) -> None:
    """Asked again with nothing written since, the report comes from the cache without building
    its context; any audited write (a status update) builds it again."""
    import exports.reports
    from commitments.schemas import StatusUpdateCreate
    from exports.reports import report_pdf
    from indicators.status_updates import add_status_update
    from kernel.caller import SYSTEM

    await load_demo()
    first = await report_pdf("sousse", "sousse-local", "fr")
    assert not first.cached

    def no_build(*args, **kwargs):
        raise AssertionError("the context was built again")

    with monkeypatch.context() as patched:
        patched.setattr(exports.reports, "build_report_context", no_build)
        again = await report_pdf("sousse", "sousse-local", "fr")
    assert again.cached and again.pdf == first.pdf
    assert (again.report_id, again.data_hash) == (first.report_id, first.data_hash)
    await add_status_update(
        SYSTEM,
        "sousse",
        "sousse-local",
        "SOU-ENG-01",
        StatusUpdateCreate(status="achieved", reported_on=date(2026, 6, 30)),
    )
    changed = await report_pdf("sousse", "sousse-local", "fr")
    assert not changed.cached and changed.data_hash != first.data_hash
