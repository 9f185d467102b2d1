"""The same data gives the same PDF bytes whichever font subsetter runs: HarfBuzz's when the
system has it, fontTools' otherwise (forced here, so that the rule is proven on every machine)."""

import asyncio
import re
from datetime import date

import pytest
import weasyprint.pdf.fonts

from exports.report_context import build_report_context
from exports.report_render import html_to_pdf, render_html
from tracker.demo import load_demo


def trailer_id(pdf: bytes) -> tuple[bytes, bytes]:
    match = re.search(rb"/ID \[\(([0-9a-f]+)\) \(([0-9a-f]+)\)\]", pdf)
    assert match is not None, "the PDF carries no trailer /ID"
    return match[1], match[2]


@pytest.mark.parametrize("subsetter", ["fonttools", "installed"])
async def test_cold_renders_give_the_same_bytes_and_id(monkeypatch, subsetter: str) -> None:
    """Renders a second apart, with the fontTools fallback forced or the installed subsetter,
    are byte-identical, and both halves of /ID come from the data hash."""
    if subsetter == "fonttools":
        monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    await load_demo()
    context = await build_report_context("sousse", "sousse-local", "ar", today=date(2026, 11, 26))
    html = render_html(context)
    first = html_to_pdf(html, context.hash, charts=context.charts)
    await asyncio.sleep(1.1)  # font time stamps count whole seconds
    second = html_to_pdf(html, context.hash, charts=context.charts)
    assert first == second
    assert trailer_id(first) == (context.hash[:32].encode(),) * 2
