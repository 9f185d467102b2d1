"""A city officer's other tasks, walked in the browser in French (Grenoble) and Arabic (Sousse):
correct a published value as a draft and publish it from the to-do; answer a challenge on its own
page; withdraw an adopted commitment with its reason; withdraw a piece of evidence filed by
mistake; preview and download the city's report. This module runs after the page checks: what it
changes (an answered challenge, a withdrawal) leaves them as they were meant to be."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import pytest

from tests.browser.conftest import SCREENSHOTS, Visit
from tests.browser.test_journeys import no_violations

OFFICERS = {"fr": ("editor", "grenoble"), "ar": ("sousse", "sousse")}


@pytest.mark.parametrize(
    ("lang", "commitment"), [("fr", "lampedusa/LAM-PAR-01"), ("ar", "sousse-local/SOU-SOL-01")]
)
def test_an_officer_corrects_a_value_as_a_draft_then_publishes_it(
    visit: Callable[..., Visit], lang: str, commitment: str
) -> None:
    """From the commitment's page, "correct" opens the value form filled in; saved as a draft,
    the correction waits on the to-do, which publishes it; the page then shows both values."""
    who, city = OFFICERS[lang]
    page = visit(f"/cities/{city}/commitments/{commitment}?lang={lang}", who=who).page
    correct = page.locator("a[href*='/values/new?correct=']").first
    corrected = (correct.get_attribute("href") or "").rsplit("=", 1)[1]
    with page.expect_navigation():
        correct.click()
    value = page.locator("#value")
    assert value.input_value() != "", "the correction form starts from the value it corrects"
    no_violations(page, f"correction form ({lang})")
    typed = "٣٣" if lang == "ar" else "33"
    value.fill(typed)
    with page.expect_navigation():
        page.locator("main button[value=draft]").click()
    assert urlsplit(page.url).path == f"/workspace/{city}", page.url
    draft = page.locator("section[aria-labelledby=drafts] li", has_text=typed).locator("input[name=draft]")
    assert draft.count() == 1
    draft.check()
    with page.expect_navigation():
        page.locator("section[aria-labelledby=drafts] form").first.locator("button[type=submit]").click()
    assert page.locator("[role=status]").count() == 1
    assert page.locator("section[aria-labelledby=drafts] li", has_text=typed).count() == 0
    no_violations(page, f"to-do after publishing ({lang})")
    page.goto(urljoin(page.url, f"/cities/{city}/commitments/{commitment}?lang={lang}"))
    # The value corrected stays, struck through, beside the new one.
    shown = [
        t.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))
        for t in page.locator(".correction").all_inner_texts()
    ]
    assert [t for t in shown if "33" in t], shown
    assert corrected in page.locator("main").inner_html()
    page.screenshot(path=SCREENSHOTS / f"value-corrected-{lang}.png", full_page=True)


@pytest.mark.parametrize(("lang", "challenge"), [("fr", 1), ("ar", 2)])
def test_an_officer_answers_a_challenge_on_its_page(
    visit: Callable[..., Visit], lang: str, challenge: int
) -> None:
    """The to-do's line opens the challenge beside the claim; the answer is written there and
    sent in one submit; the page then shows it as the city's answer."""
    who, city = OFFICERS[lang]
    visit_ = visit(f"/workspace/{city}?lang={lang}", who=who)
    page = visit_.page
    with page.expect_navigation():
        page.locator(f"a[href='/challenges/{challenge}#next-round']").click()
    loads = len([r for r in visit_.requests if urlsplit(r).path.startswith("/challenges/")])
    no_violations(page, f"challenge to answer ({lang})")
    answer = (
        "Le délai est calculé sur le registre, voir p. 4."
        if lang == "fr"
        else "المهلة محسوبة من السجل، انظروا الصفحة 4."
    )
    page.locator("#text").fill(answer)
    with page.expect_navigation():
        page.locator("main button[value=send]").click()
    assert urlsplit(page.url).path == f"/challenges/{challenge}", page.url
    assert answer in page.locator("section[aria-labelledby=rounds]").inner_text()
    # One page to read and answer, one answer: the challenge page, then the page after sending.
    assert loads == 1
    no_violations(page, f"challenge answered ({lang})")
    page.screenshot(path=SCREENSHOTS / f"challenge-answered-{lang}.png", full_page=True)


@pytest.mark.parametrize(
    ("lang", "commitment", "evidence"),
    [("fr", "lampedusa/LAM-REC-02", 10), ("ar", "sousse-local/SOU-PAR-01", 15)],
)
def test_an_officer_withdraws_an_adoption_and_a_mistaken_piece(
    visit: Callable[..., Visit], lang: str, commitment: str, evidence: int
) -> None:
    """The withdrawal form takes the day and the reason and publishes the withdrawal; the library
    withdraws a piece nothing cites, after a confirmation, and says so."""
    who, city = OFFICERS[lang]
    page = visit(f"/workspace/{city}/commitments/{commitment}/withdraw?lang={lang}", who=who).page
    no_violations(page, f"withdrawal form ({lang})")
    page.locator("#reported-on").fill("20/11/2026")
    reason = (
        "Le conseil a transféré ce service à la métropole."
        if lang == "fr"
        else "نقل المجلس هذه الخدمة إلى الجهة."
    )
    page.locator("#text").fill(reason)
    with page.expect_navigation():
        page.locator("main button[type=submit]:not([value=preview])").click()
    assert "/withdraw" not in page.url, page.locator("main").inner_text()[:500]
    page.goto(urljoin(page.url, f"/cities/{city}/commitments/{commitment}?lang={lang}"))
    assert reason in page.locator("main").inner_text()
    page.goto(urljoin(page.url, f"/workspace/{city}/evidence?lang={lang}"))
    with page.expect_navigation():
        page.locator(f"a[href='/workspace/{city}/evidence/{evidence}/withdraw']").click()
    no_violations(page, f"evidence withdrawal ({lang})")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert urlsplit(page.url).path == f"/workspace/{city}/evidence", page.url
    assert page.locator("[role=status]").count() == 1
    no_violations(page, f"library after a withdrawal ({lang})")
    page.screenshot(path=SCREENSHOTS / f"evidence-withdrawn-{lang}.png", full_page=True)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_an_officer_previews_and_downloads_the_report(visit: Callable[..., Visit], lang: str) -> None:
    """The reports page links a preview in the page's language and the PDF, which is a PDF."""
    who, city = OFFICERS[lang]
    page = visit(f"/workspace/{city}/reports?lang={lang}", who=who).page
    no_violations(page, f"reports ({lang})")
    preview = page.locator(f"a[href*='report.html'][hreflang={lang}]").first
    shown = page.request.get(urljoin(page.url, preview.get_attribute("href") or ""))
    assert shown.ok and f'lang="{lang}"' in shown.text()
    pdf = page.locator(f"a[href*='report.pdf'][hreflang={lang}]").first
    answer = page.request.get(urljoin(page.url, pdf.get_attribute("href") or ""))
    assert answer.ok and answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF-")
