"""The pages' own files: one stylesheet written with logical properties only (right-to-left is its
mirror), the fonts it names shipped with their licences, htmx 2 vendored with its licence, all
served by this site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tinycss2

from web.routes import STATIC_DIR, STATIC_URL

CSS = (STATIC_DIR / "site.css").read_text(encoding="utf-8")
# Physical directions: each has a logical twin (inline-start, inset-inline-end, text-align: end...).
PHYSICAL = re.compile(
    r"\b(?:margin|padding|border|inset)-(?:left|right)\b|(?<![-\w])(?:left|right)\s*:"
    r"|(?:text-align|float|clear)\s*:\s*(?:left|right)\b",
    re.IGNORECASE,
)


def test_the_stylesheet_uses_logical_properties_only() -> None:
    """No left or right anywhere: margins, paddings, borders, positions and alignments follow the
    text's direction."""
    assert PHYSICAL.findall(re.sub(r"/\*.*?\*/", "", CSS, flags=re.DOTALL)) == []
    assert "margin-inline-start" in CSS and "inset-inline-start" in CSS and "text-align: start" in CSS


def test_the_stylesheet_parses_as_css() -> None:
    """Every rule closes and holds declarations only: a brace lost in an edit would make the
    browser drop every rule after it (a CSS parser, not the eye, finds that)."""
    rules = tinycss2.parse_stylesheet(CSS, skip_comments=True, skip_whitespace=True)
    assert [r for r in rules if r.type == "error"] == []
    for rule in rules:
        if rule.type == "qualified-rule":
            body = tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)
            bad = [d for d in body if d.type == "error"]
            assert bad == [], f"{tinycss2.serialize(rule.prelude).strip()}: {bad}"


def test_focus_is_visible() -> None:
    """Whatever has the keyboard's focus is outlined."""
    assert re.search(r":focus-visible\s*\{[^}]*outline:\s*3px solid", CSS)


def test_the_fonts_named_by_the_stylesheet_ship_with_their_licences() -> None:
    """Noto Sans (latin, latin-ext) and Noto Sans Arabic, regular and bold, as woff2, each family
    with its SIL Open Font License beside it."""
    named = set(re.findall(r"url\(fonts/([^)]+)\)", CSS))
    assert named == {p.name for p in (STATIC_DIR / "fonts").glob("*.woff2")}
    assert len(named) == 6 and any("arabic-arabic" in n for n in named)
    for font in named:
        assert (STATIC_DIR / "fonts" / font).read_bytes()[:4] == b"wOF2", font
    for licence in ("OFL-noto-sans.txt", "OFL-noto-sans-arabic.txt"):
        assert "SIL Open Font License" in (STATIC_DIR / "fonts" / licence).read_text(encoding="utf-8")


def test_htmx_is_a_pinned_2x_release_with_its_licence() -> None:
    """The vendored htmx is the 2.x release the fetching script pins, with its licence."""
    script = (Path(__file__).resolve().parents[2] / "scripts" / "vendor-web-assets").read_text()
    pinned = re.search(r"HTMX=htmx\.org@(2\.\d+\.\d+)\n", script)
    assert pinned is not None
    assert f'version:"{pinned[1]}"' in (STATIC_DIR / "htmx.min.js").read_text(encoding="utf-8")
    assert "Zero-Clause BSD" in (STATIC_DIR / "LICENSE-htmx.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("site.css", "text/css"),
        ("htmx.min.js", "text/javascript"),
        ("fonts/noto-sans-arabic-arabic-400-normal.woff2", "font/woff2"),
        ("fonts/noto-sans-latin-700-normal.woff2", "font/woff2"),
    ],
)
async def test_the_files_are_served_by_this_site(client, path: str, media_type: str) -> None:
    """Under /static/web, with the security headers, cacheable for a day."""
    r = await client.get(f"{STATIC_URL}/{path}")
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] in {media_type, "application/javascript"}
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "max-age=86400" in r.headers["cache-control"]
    assert r.content == (STATIC_DIR / path).read_bytes()
