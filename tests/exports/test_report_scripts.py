"""Reports in Arabic read back as Arabic: the text a search, a copy or a screen reader takes out
of the PDF has its ligatures and vowel marks in reading order, and every glyph comes from the
package's own fonts, none slanted."""

import subprocess
from datetime import date
from io import BytesIO

from pypdf import PdfReader

from exports.pdf_text import visual_ligature
from exports.report_context import build_report_context
from exports.report_render import asset_fetcher, html_to_pdf, render_html
from tracker.demo import load_demo


def extracted(pdf: bytes) -> str:
    """What Poppler's text extraction gives (in reading order, as pdftotext writes it)."""
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode()


def fonts_of(pdf: bytes) -> set[str]:
    """The base names of every font the PDF's pages draw with (subset prefix removed)."""
    names = set()
    for page in PdfReader(BytesIO(pdf)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


async def arabic_report() -> bytes:
    await load_demo()
    context = await build_report_context("sousse", "sousse-local", "ar", today=date(2026, 11, 26))
    return html_to_pdf(render_html(context), context.hash, fetcher=asset_fetcher(context.charts))


async def test_arabic_text_extracts_in_reading_order() -> None:
    """Lam-alef ligatures (الأجل, الإنجاز) and shadda (التقدّم) come out of the PDF as written,
    never reversed (األجل) or detached."""
    text = extracted(await arabic_report())
    assert "الأجل" in text and "الإنجاز" in text and "تقرير التقدّم" in text and "ويُعدّ" in text
    assert "التزامًا" in text and "ذاتيًا" in text  # a mark never takes a ligature's letters
    assert "األ" not in text and "اإل" not in text and "لًاا" not in text


async def test_glyphs_come_from_the_package_fonts_only() -> None:
    """Text, labels and the charts' axes are all drawn with the shipped faces: no system font."""
    names = fonts_of(await arabic_report())
    assert names and all(name.startswith("Report-") for name in names), names
    assert {"Report-Sans", "Report-Arabic"} <= names


def test_a_ligature_is_mapped_in_visual_order() -> None:
    """Two right-to-left letters of one glyph are reversed; Latin ligatures and lone letters stay."""
    assert visual_ligature("لأ") == "أل" and visual_ligature("لا") == "ال"
    assert visual_ligature("fi") == "fi" and visual_ligature("ب") == "ب" and visual_ligature("لx") == "لx"
