"""What people do on the site, walked in the browser with the keyboard as far as it goes: a
person invited by the secretariat chooses a password, finds their account, and signs out."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import PASSWORD, SCREENSHOTS, Service, Visit
from tests.browser.test_pages import AXE, WCAG_TAGS, readable


def no_violations(page, what: str) -> None:
    page.evaluate(AXE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    assert result["violations"] == [], f"{what}:\n{readable(result['violations'])}"


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element `selector` names has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
            return
    pytest.fail(f"{selector} is not reachable with Tab")


@pytest.mark.parametrize(
    ("lang", "email", "name"),
    [("fr", "volunteer@demo.example", "Demo volunteer"), ("ar", "grenoble@demo.example", "Demo officer")],
)
def test_an_invited_person_chooses_a_password_signs_in_and_out(
    service: Service, visit: Callable[..., Visit], lang: str, email: str, name: str
) -> None:
    page = visit(f"{service.invitation(email)}?lang={lang}").page
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert email in page.locator("main").inner_text()
    no_violations(page, f"invitation ({lang})")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"invitation-{lang}.png", full_page=True)

    # Two passwords that differ: the form says so, at the top and beside the field.
    password_fields = page.locator("main input[type=password]")
    assert password_fields.count() == 2
    tab_to(page, "main input[type=password]")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD + "!")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator(".error-summary")
    assert summary.count() == 1 and summary.locator("a[href^='#']").count() >= 1
    no_violations(page, f"invitation with an error ({lang})")

    page.locator("main input[type=password]").nth(0).fill(PASSWORD)
    page.locator("main input[type=password]").nth(1).fill(PASSWORD)
    page.locator("main input[type=password]").nth(1).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == "/account"
    assert name in page.locator("header").inner_text()
    assert email in page.locator("main").inner_text()
    no_violations(page, f"account ({lang})")
    page.screenshot(path=SCREENSHOTS / f"account-{lang}.png", full_page=True)

    # The link worked once: it is not a way in any more.
    again = page.goto(f"{service.url}{service.invitation(email)}?lang={lang}")
    assert again is not None and again.status == 404

    # Sign out from the header, with the keyboard; then sign in again with the password chosen.
    page.goto(f"{service.url}/account?lang={lang}")
    tab_to(page, "header form button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("header a[href^='/sign-in']").count() == 1
    page.goto(f"{service.url}/account?lang={lang}")
    assert urlsplit(page.url).path == "/sign-in"
    page.locator("input[type=email]").fill(email)
    page.locator("input[type=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("input[type=password]").press("Enter")
    assert urlsplit(page.url).path == "/account"


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_volunteer_challenges_a_claim_with_a_pdf_and_signs_out(
    service: Service, visit: Callable[..., Visit], tmp_path, lang: str
) -> None:
    """From an invitation to a published challenge: the claim's link, the reason with its
    preview, a PDF chosen once (kept through the preview), the challenge's page, sign out."""
    email = f"walker-{lang}@ngo.example"
    organisation = f"Observatoire {lang} (fictional)"
    path = service.invite(email, "reviewer", "--organisation", organisation)
    page = visit(f"{path}?lang={lang}").page
    page.locator("#password").fill(PASSWORD)
    page.locator("#password-again").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#password-again").press("Enter")

    page.goto(f"{service.url}/cities/grenoble/commitments/lampedusa/LAM-DIG-01?lang={lang}")
    link = page.locator("main a[href$='/challenge']").first
    target = link.get_attribute("href")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == target
    no_violations(page, f"challenge form ({lang})")

    # Sent empty: the summary names the reason, the page is still usable.
    page.locator("button[value=open]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary a[href='#text']").count() == 1
    no_violations(page, f"challenge form with an error ({lang})")

    reason = "Le guichet est **fermé** le samedi depuis octobre."
    page.locator("#text").fill(reason)
    page.locator("#evidence-title").fill("Constat du 12 octobre")
    pdf = tmp_path / "constat.pdf"
    pdf.write_bytes(PDF)
    page.locator("#evidence-file").set_input_files(pdf)
    page.locator("button[value=preview]").click()
    page.locator("#preview strong").wait_for()
    assert page.locator("#preview strong").inner_text() == "fermé"
    no_violations(page, f"challenge form with its preview ({lang})")
    page.screenshot(path=SCREENSHOTS / f"challenge-preview-{lang}.png", full_page=True)

    with page.expect_navigation():
        page.locator("button[value=open]").click()
    assert urlsplit(page.url).path.startswith("/challenges/")
    main = page.locator("main").inner_text()
    assert organisation in main and "fermé" in main and "Constat du 12 octobre" in main
    no_violations(page, f"the new challenge ({lang})")
    page.screenshot(path=SCREENSHOTS / f"challenge-opened-{lang}.png", full_page=True)

    with page.expect_navigation():
        page.locator("main a", has_text="Constat du 12 octobre").click()
    assert page.locator("main a[href$='/file']").count() == 1  # the PDF, downloadable

    tab_to(page, "header form button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("header a[href^='/sign-in']").count() == 1
    page.goto(f"{service.url}/my/challenges?lang={lang}")
    assert urlsplit(page.url).path == "/sign-in"


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_an_officer_reports_a_value_with_the_keyboard_alone(
    service: Service, visit: Callable[..., Visit], lang: str
) -> None:
    """The whole task without a mouse: the period from the list, the value as the city writes it
    (Arabic-Indic digits on the Arabic page), publish; the to-do says it is saved."""
    form = "/workspace/sousse/indicators/sousse-local/SOU-COO-01-I1/values/new"
    page = visit(f"{form}?lang={lang}", who="sousse").page
    no_violations(page, f"value form ({lang})")
    tab_to(page, "#period")
    page.keyboard.press("Home")  # the newest free period
    tab_to(page, "#value")
    page.keyboard.type("٤٧" if lang == "ar" else "47")
    tab_to(page, "button[value=publish]", limit=80)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == "/workspace/sousse", page.url
    notice = page.locator("[role=status]").inner_text()
    assert "47" in notice or "٤٧" in notice
    no_violations(page, f"to-do after saving ({lang})")
    page.screenshot(path=SCREENSHOTS / f"value-saved-{lang}.png", full_page=True)
