"""Every page type, in French and in Arabic, in a real browser: axe-core's WCAG 2.2 A/AA rules
find nothing, nothing scrolls sideways at 320 CSS px, the keyboard alone reaches and shows
everything, Arabic is mirrored, and no request leaves the site. A full-page screenshot of each is
saved (tests/browser/.screenshots/ or BROWSER_SCREENSHOTS) to be looked at.

A new page type is one more line in PAGES."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import SCREENSHOTS, Visit

PAGES: list[tuple[str, str, str | None]] = [
    ("home", "/", None),
    ("search", "/search?q=grenoble", None),
    ("charter", "/charters/lampedusa", None),
    ("city", "/cities/grenoble", None),
    ("commitment", "/cities/grenoble/commitments/lampedusa/LAM-DIG-01", None),
    ("evidence", "/evidence/1", None),
    ("comparison", "/charters/lampedusa/comparison", None),
    ("history", "/history?entity=adoption&key=grenoble%2Flampedusa%2FLAM-DIG-01", None),
    ("challenges", "/challenges", None),
    ("challenge", "/challenges/1", None),
    ("sign-in", "/sign-in?next=/cities/grenoble", None),
    ("not-found", "/cities/nowhere", None),
    ("challenge-form", "/claims/measurement-31/challenge", "reviewer"),
    ("my-challenges", "/my/challenges", "reviewer"),
    ("challenge-answer", "/challenges/1", "editor"),
    ("account", "/account", "editor"),
    ("todo", "/workspace/grenoble", "editor"),
    ("value-form", "/workspace/sousse/indicators/sousse-local/SOU-ENG-01-I1/values/new", "sousse"),
    ("status-form", "/workspace/grenoble/commitments/lampedusa/LAM-DIG-01/status/new", "editor"),
    ("target-form", "/workspace/grenoble/indicators/lampedusa/LAM-DIG-01-I1/target", "editor"),
    ("charters-workspace", "/workspace/grenoble/charters", "editor"),
    ("sign-form", "/workspace/grenoble/charters/sousse-local/sign", "editor"),
    ("adopt-form", "/workspace/grenoble/charters/lampedusa/adopt", "editor"),
    ("withdraw-form", "/workspace/grenoble/commitments/lampedusa/LAM-DIG-01/withdraw", "editor"),
    ("evidence-library", "/workspace/grenoble/evidence", "editor"),
    ("evidence-withdraw", "/workspace/grenoble/evidence/10/withdraw", "editor"),
    ("reports", "/workspace/grenoble/reports", "editor"),
    ("spreadsheet", "/workspace/grenoble/spreadsheet", "editor"),
    ("review-queue", "/secretariat", "secretariat"),
    ("review-evidence", "/secretariat/evidence/2", "secretariat"),
    ("review-claim", "/secretariat/claims/measurement-4", "secretariat"),
    ("challenge-ruling", "/challenges/1", "secretariat"),
    ("charters-admin", "/secretariat/charters", "secretariat"),
    ("cities-admin", "/secretariat/cities", "secretariat"),
    ("city-form", "/secretariat/cities/sousse", "secretariat"),
    ("people", "/secretariat/people", "secretariat"),
    ("person", "/secretariat/people/1", "secretariat"),
    ("person-invite", "/secretariat/people/new", "secretariat"),
    ("network-view", "/secretariat/network", "secretariat"),
]
"""(page type, path, who: None for anyone, or one of the `people` fixture) of each page type
checked; add yours here."""

LANGUAGES = ["fr", "ar"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()

each_page = pytest.mark.parametrize(("kind", "path", "who"), PAGES, ids=[kind for kind, _, _ in PAGES])
each_language = pytest.mark.parametrize("lang", LANGUAGES)


def in_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


def readable(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}  {v['helpUrl']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']}")
            lines.append(f"      {node['html'][:200]}")
    return "\n".join(lines)


@each_language
@each_page
def test_axe_finds_no_wcag_violation(
    visit: Callable[..., Visit], kind: str, path: str, who: str | None, lang: str
) -> None:
    # Evaluated through the DevTools protocol, not as a <script>: the page's own CSP stays on.
    page = visit(in_lang(path, lang), who=who).page
    page.evaluate(AXE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    assert result["violations"] == [], f"{kind} ({lang}):\n{readable(result['violations'])}"


@each_language
@each_page
def test_nothing_scrolls_sideways_at_320_px(
    visit: Callable[..., Visit], kind: str, path: str, who: str | None, lang: str
) -> None:
    page = visit(in_lang(path, lang), width=320, who=who).page
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{kind} ({lang}) is {width} px wide at 320"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{kind}-{lang}-320.png", full_page=True)


@each_language
@each_page
def test_the_page_is_screenshot_and_stays_on_the_site(
    visit: Callable[..., Visit], site: str, kind: str, path: str, who: str | None, lang: str
) -> None:
    seen = visit(in_lang(path, lang), who=who)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    seen.page.screenshot(path=SCREENSHOTS / f"{kind}-{lang}.png", full_page=True)
    origin = urlsplit(site)
    away = [u for u in seen.requests if urlsplit(u)[:2] != origin[:2]]
    assert away == [], f"{kind} ({lang}) asked other sites: {away}"
    assert len(seen.requests) >= 2  # the page and at least its stylesheet


@each_language
@each_page
def test_arabic_is_right_to_left_and_mirrored(
    visit: Callable[..., Visit], kind: str, path: str, who: str | None, lang: str
) -> None:
    page = visit(in_lang(path, lang), who=who).page
    html = page.locator("html")
    assert html.get_attribute("lang") == lang
    assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    box = page.locator(".site-name").bounding_box()
    assert box is not None
    middle = page.viewport_size["width"] / 2
    if lang == "ar":
        assert box["x"] > middle, f"the site's name is not on the right: {box}"
    else:
        assert box["x"] + box["width"] < middle, f"the site's name is not on the left: {box}"


FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
  return {tag: e.tagName, id: e.id, cls: e.className, href: e.getAttribute('href'),
          text: (e.textContent || '').trim().slice(0, 40),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
          visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
                   && r.left < innerWidth && r.top < innerHeight};
}"""


@each_language
@each_page
def test_the_keyboard_reaches_everything_and_shows_where_it_is(
    visit: Callable[..., Visit], kind: str, path: str, who: str | None, lang: str
) -> None:
    page = visit(in_lang(path, lang), who=who).page
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert "skip-link" in first["cls"] and first["visible"] and first["outline"], first
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # From the top again: each link, button and field shows its focus, up to the footer.
    page.evaluate("document.activeElement.blur()")
    count = page.evaluate("document.querySelectorAll('a[href], button, input, select, textarea').length")
    for _ in range(min(count, 60)):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        if now["tag"] == "BODY":
            break
        assert now["outline"], f"{kind} ({lang}): no visible focus on {now}"


@each_language
def test_the_language_switcher_works_with_the_keyboard(visit: Callable[..., Visit], lang: str) -> None:
    other = "ar" if lang == "fr" else "fr"
    page = visit(in_lang("/cities/grenoble", lang)).page
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('hreflang')") == other:
            break
    else:
        pytest.fail(f"the link to {other} is not reachable with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("html").get_attribute("lang") == other
    assert urlsplit(page.url).path == "/cities/grenoble"


@each_language
def test_the_search_works_with_the_keyboard(visit: Callable[..., Visit], lang: str) -> None:
    query = {"fr": "Grenoble", "ar": "غرونوبل"}[lang]  # a city's name in the page's language
    page = visit(in_lang("/", lang)).page
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "search-q":
            break
    else:
        pytest.fail("the search field is not reachable with Tab")
    page.keyboard.type(query)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == "/search"
    assert page.locator("main a[href^='/cities/grenoble']").count() >= 1


def test_the_pages_own_policy_still_blocks_inline_scripts(visit: Callable[..., Visit]) -> None:
    """axe runs through the DevTools protocol, which the CSP does not govern; a <script> the page
    did not load from the site is still refused."""
    page = visit("/?lang=fr").page
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    with pytest.raises(Exception, match=r"(?i)content security policy|refused"):
        page.add_script_tag(content="document.documentElement.dataset.injected = 'yes'")
    assert page.locator("html").get_attribute("data-injected") is None
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = \"document.documentElement.dataset.inline = 'ran'\";"
        " document.head.appendChild(s); }"
    )
    assert page.locator("html").get_attribute("data-inline") is None
    assert json.dumps(violations)  # the refusal is reported, not silent
