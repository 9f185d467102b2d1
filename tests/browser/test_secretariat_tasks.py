"""The secretariat's charter work, walked in the browser in French and in Arabic: a new charter's
document pasted with an error on a known line, shown on that line in the page's language; fixed
in place, checked again, what it adds listed; applied; then a new edition that changes a title,
shown before and after, applied. Each language works on a charter of its own."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import pytest

from tests.browser.conftest import SCREENSHOTS, Visit
from tests.browser.test_journeys import no_violations

DOCUMENTS = {
    "fr": ("essai-fr", "Charte d'essai", "Dignité des personnes", "Accueil digne", "Personnes accueillies"),
    "ar": ("essai-ar", "ميثاق تجريبي", "كرامة الأشخاص", "استقبال لائق", "عدد الأشخاص المستقبَلين"),
}
WORDS = {
    "fr": ("Type inconnu", "éléments ajoutés", "Avant", "Après"),
    "ar": ("نوع غير معروف", "مضاف", "قبل", "بعد"),
}


def _document(lang: str, kind: str = "count", principle: str | None = None) -> str:
    slug, title, principle_title, commitment, indicator = DOCUMENTS[lang]
    return (
        f"---\nslug: {slug}\nlang: {lang}\ntitle: {title}\nissuer: UCLG\n---\n\n"
        f"## ESS-DIG: {principle or principle_title}\n\n"
        f"### ESS-DIG-01: {commitment}\n\n"
        "| code | indicator | unit | type | direction |\n|---|---|---|---|---|\n"
        f"| ESS-DIG-01-I1 | {indicator} | % | {kind} | increase |\n"
    )


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_secretariat_adds_a_charter_then_a_new_edition(visit: Callable[..., Visit], lang: str) -> None:
    page = visit(f"/secretariat/charters?lang={lang}", who="secretariat").page
    no_violations(page, f"charters ({lang})")
    broken = _document(lang, kind="money")
    error_line = broken.split("\n").index(next(t for t in broken.split("\n") if "money" in t)) + 1
    page.locator("#document").fill(broken)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    line = page.locator(f"#line-{error_line}")
    assert line.get_attribute("class") == "source-error"
    assert WORDS[lang][0] in line.inner_text()
    assert page.locator(f".error-summary a[href='#line-{error_line}']").count() == 1
    no_violations(page, f"charter refused ({lang})")
    page.screenshot(path=SCREENSHOTS / f"charter-refused-{lang}.png", full_page=True)
    # Fixed where it was kept, checked again: what the document adds, then applied.
    page.locator("#document").fill(_document(lang))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert WORDS[lang][1] in page.locator("#changes").inner_text()
    assert page.locator("#added tbody tr, table tbody tr").count() >= 3
    no_violations(page, f"charter checked ({lang})")
    page.screenshot(path=SCREENSHOTS / f"charter-check-{lang}.png", full_page=True)
    with page.expect_navigation():
        page.locator("form[action='/secretariat/charters/apply'] button[type=submit]").click()
    assert urlsplit(page.url).path == "/secretariat/charters"
    assert page.locator("[role=status]").count() == 1
    no_violations(page, f"charter applied ({lang})")
    # A new edition: the principle's title changes, shown before and after.
    renamed = DOCUMENTS[lang][2] + " (2027)"
    page.locator("#document").fill(_document(lang, principle=renamed))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".change-pair .before").first.inner_text() == DOCUMENTS[lang][2]
    assert page.locator(".change-pair .after").first.inner_text() == renamed
    no_violations(page, f"charter edition checked ({lang})")
    page.screenshot(path=SCREENSHOTS / f"charter-edition-{lang}.png", full_page=True)
    with page.expect_navigation():
        page.locator("form[action='/secretariat/charters/apply'] button[type=submit]").click()
    page.goto(page.url.split("/secretariat")[0] + f"/charters/{DOCUMENTS[lang][0]}?lang={lang}")
    assert renamed in page.locator("main").inner_text()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_secretariat_adds_a_city_and_invites_its_officer(visit: Callable[..., Visit], lang: str) -> None:
    """A city added through its form (a mistake said next to its field, the typed values kept),
    then its officer invited: the link to send is shown; the officer's page suspends them."""
    slug = f"ville-{lang}"
    page = visit(f"/secretariat/cities/new?lang={lang}", who="secretariat").page
    no_violations(page, f"city form ({lang})")
    page.locator("#slug").fill(slug)
    page.locator("#name-fr").fill("Mahdia")
    page.locator("#name-ar").fill("المهدية")
    page.locator("#country").select_option("TN")
    page.locator("#region").select_option("015")
    page.locator("#networks").fill("MC2CM")
    page.locator("#population").fill("beaucoup")
    page.locator("#locale").fill("ar-TN")
    page.locator("#time-zone").select_option("Africa/Tunis")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".error-summary a[href='#population']").count() == 1
    assert page.locator("#name-ar").input_value() == "المهدية"
    no_violations(page, f"city form with an error ({lang})")
    page.screenshot(path=SCREENSHOTS / f"city-form-error-{lang}.png", full_page=True)
    page.locator("#population").fill("٥٧٠٠٠" if lang == "ar" else "57 000")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert urlsplit(page.url).path == "/secretariat/cities"
    assert page.locator("[role=status]").count() == 1
    assert page.locator(f"a[href='/secretariat/cities/{slug}']").count() == 1
    no_violations(page, f"cities ({lang})")
    # Its officer, invited: the link is shown to be sent.
    page.goto(urljoin(page.url, f"/secretariat/people/new?lang={lang}"))
    page.locator("#email").fill(f"agent@{slug}.example")
    page.locator("input[name=role][value=city_editor]").check()
    page.locator("#city").select_option(slug)
    no_violations(page, f"invitation form ({lang})")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    link = page.locator("#link").input_value()
    assert "/invitations/" in link
    no_violations(page, f"invitation to send ({lang})")
    page.screenshot(path=SCREENSHOTS / f"person-invited-{lang}.png", full_page=True)
    with page.expect_navigation():
        page.locator("main a[href^='/secretariat/people/']").first.click()
    with page.expect_navigation():
        page.locator("button[name=action][value=suspend]").click()
    assert page.locator("[role=status]").count() == 1
    no_violations(page, f"person suspended ({lang})")
    page.screenshot(path=SCREENSHOTS / f"person-suspended-{lang}.png", full_page=True)


@pytest.mark.parametrize(("lang", "city", "pieces"), [("fr", "tangier", 5), ("ar", "beirut", 4)])
def test_the_secretariat_goes_through_a_citys_evidence_with_the_keyboard(
    visit: Callable[..., Visit], lang: str, city: str, pieces: int
) -> None:
    """From the queue filtered by a city, each piece is accepted with the keyboard alone (from the
    note, Tab to Accept, Enter): every submit opens the next piece, the last one the queue, which
    says none is left for the city."""
    page = visit(f"/secretariat?city={city}&lang={lang}", who="secretariat").page
    with page.expect_navigation():
        page.locator("a.button[href^='/secretariat/evidence/']").click()
    seen = []
    for _ in range(pieces):
        seen.append(urlsplit(page.url).path)
        no_violations(page, f"evidence to review ({lang})")
        page.locator("#note").focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.value") == "accepted"
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert len(set(seen)) == pieces and all(p.startswith("/secretariat/evidence/") for p in seen)
    assert urlsplit(page.url).path == "/secretariat"
    assert page.locator("[role=status]").count() == 1
    assert page.locator("#evidence-to-review").count() == 0
