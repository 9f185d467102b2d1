"""What people do on the site, walked in the browser with the keyboard as far as it goes: a
person invited by the secretariat chooses a password, finds their account, and signs out."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import SCREENSHOTS, Service, Visit
from tests.browser.test_pages import AXE, WCAG_TAGS, readable

PASSWORD = "a long demo passphrase"


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
