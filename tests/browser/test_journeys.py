"""What people do on the site, walked in the browser with the keyboard as far as it goes: a
person invited by the secretariat chooses a password, finds their account, and signs out; a
volunteer challenges a claim; an officer reports a value, signs a charter and adopts a commitment."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from urllib.parse import urljoin, urlsplit

import openpyxl
import pytest

from tests.browser.conftest import PASSWORD, SCREENSHOTS, Service, Visit
from tests.browser.test_pages import AXE, WCAG_TAGS, readable
from web.forms import written_date


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


@pytest.mark.parametrize(
    ("lang", "who", "day", "act", "owner"),
    [
        (
            "fr",
            "sfax",
            "12/01/2026",
            "Délibération du conseil municipal n° 12",
            "Service des affaires sociales",
        ),
        ("ar", "sousse", "١٢/٠١/٢٠٢٦", "مداولة المجلس البلدي عدد 12", "مصلحة الشؤون الاجتماعية"),
    ],
)
def test_an_officer_signs_a_charter_and_adopts_a_commitment_with_the_keyboard(
    visit: Callable[..., Visit], lang: str, who: str, day: str, act: str, owner: str
) -> None:
    """A Tunisian city signs the Global Charter-Agenda (on the Arabic page, the day typed in
    Arabic-Indic digits); the adoption form offers the same day; ticking a commitment shows its
    department field, and the charters page says one commitment is adopted."""
    page = visit(f"/workspace/{who}/charters/gca-2011/sign?lang={lang}", who=who).page
    no_violations(page, f"sign form ({lang})")
    tab_to(page, "#signed-on")
    page.keyboard.type(day)
    tab_to(page, "#act")
    page.keyboard.type(act)
    tab_to(page, "main button[type=submit]", limit=80)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == f"/workspace/{who}/charters/gca-2011/adopt", page.url
    assert page.locator("#adopted-on").input_value() == written_date(date(2026, 1, 12), "ar-TN")
    department = page.locator("#owner-GCA-RTC-01")
    assert not department.is_visible()
    tab_to(page, "input[name=adopt][value=GCA-RTC-01]")
    page.keyboard.press("Space")
    assert department.is_visible()
    tab_to(page, "#owner-GCA-RTC-01")
    page.keyboard.type(owner)
    no_violations(page, f"adoption form ({lang})")
    tab_to(page, "main button[type=submit]", limit=200)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == f"/workspace/{who}/charters", page.url
    assert page.locator("[role=status]").count() == 1
    page.screenshot(path=SCREENSHOTS / f"adopted-{lang}.png", full_page=True)


@pytest.mark.parametrize(
    ("lang", "who", "form"),
    [
        ("fr", "editor", "/workspace/grenoble/commitments/lampedusa/LAM-DIG-01/status/new"),
        ("ar", "sousse", "/workspace/sousse/commitments/sousse-local/SOU-COO-01/status/new"),
    ],
)
def test_the_typed_text_survives_a_session_that_ended(
    visit: Callable[..., Visit], lang: str, who: str, form: str
) -> None:
    """The session ends while the officer types the narrative; sending the form leads to the
    sign-in page, and signing in again brings the form back with what was typed, ready to send."""
    visit_ = visit(f"{form}?lang={lang}", who=who)
    page = visit_.page
    narrative = "Le guichet ouvre aussi le **samedi**." if lang == "fr" else "يفتح الشباك أيضاً يوم **السبت**."
    page.locator("input[name=status][value=in_progress]").check()
    page.locator("#text").fill(narrative)
    page.context.clear_cookies(name="session")  # the session ended on the server's side as well
    with page.expect_navigation():
        page.locator("main button[type=submit][value=publish]").click()
    assert urlsplit(page.url).path == "/sign-in", page.url
    no_violations(page, f"sign-in after the session ended ({lang})")
    page.locator("#email").fill(f"pages-{who}@demo.example")
    page.locator("#password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#password").press("Enter")
    assert urlsplit(page.url).path == form, page.url
    assert page.locator("#text").input_value() == narrative
    assert page.locator("input[name=status][value=in_progress]").is_checked()
    assert page.locator("form [role=status]").count() == 1
    no_violations(page, f"the form given back ({lang})")
    page.screenshot(path=SCREENSHOTS / f"typed-text-kept-{lang}.png", full_page=True)
    with page.expect_navigation():
        page.locator("main button[type=submit][value=publish]").click()
    assert urlsplit(page.url).path == form.split("/commitments/")[0], page.url
    # Kept only until the form is sent: the same form opened again is empty.
    page.goto(page.url.split("/workspace/")[0] + form)
    assert page.locator("#text").input_value() == ""


@pytest.mark.parametrize(("lang", "indicator"), [("fr", "LAM-DIG-02-I1"), ("ar", "LAM-EQU-02-I1")])
def test_two_officers_set_the_same_target(visit: Callable[..., Visit], lang: str, indicator: str) -> None:
    """Two officers (two browsers) open the same target form; the first saves; the second's
    save shows the target as it is now beside what they typed, kept, and saves on a second send."""
    form = f"/workspace/grenoble/indicators/lampedusa/{indicator}/target?lang={lang}"
    first, second = visit(form, who="editor").page, visit(form, who="editor").page
    first.locator("#target").fill("700")
    with first.expect_navigation():
        first.locator("main button[type=submit]").click()
    assert "/commitments/" in first.url, first.url
    second.locator("#target").fill("650")
    with second.expect_navigation():
        second.locator("main button[type=submit]").click()
    assert second.locator("#theirs").count() == 1
    assert "700" in second.locator("section.notice").inner_text()
    assert second.locator("#target").input_value() == "650"
    no_violations(second, f"target form after a conflict ({lang})")
    second.screenshot(path=SCREENSHOTS / f"target-conflict-{lang}.png", full_page=True)
    with second.expect_navigation():
        second.locator("main button[type=submit]").click()
    assert "/commitments/" in second.url, second.url


@pytest.mark.parametrize(
    ("lang", "who", "city", "charter"),
    [("fr", "editor", "grenoble", "lampedusa"), ("ar", "sousse", "sousse", "sousse-local")],
)
def test_the_quarterly_spreadsheet_update_is_three_pages(
    visit: Callable[..., Visit], tmp_path, lang: str, who: str, city: str, charter: str
) -> None:
    """Download the workbook, change a value (typed with Arabic-Indic digits on the Arabic site)
    and cite a link as its evidence, upload it and read the preview, apply it: three pages, with
    the keyboard for the forms."""
    page = visit(f"/workspace/{city}/spreadsheet?lang={lang}", who=who).page
    no_violations(page, f"spreadsheet page ({lang})")
    link = page.locator(f"a[href*='template.xlsx?charter={charter}']")
    workbook = page.request.get(urljoin(page.url, link.get_attribute("href") or ""))
    assert workbook.ok
    book = openpyxl.load_workbook(io.BytesIO(workbook.body()))
    sheet = book["measurements"]
    # A value above 1 (not a yes/no), one more, typed in Arabic-Indic digits on the Arabic site.
    row = next(r for r in range(2, sheet.max_row + 1) if (sheet.cell(r, 7).value or 0) > 1)
    code, changed = sheet.cell(row, 3).value, int(sheet.cell(row, 7).value) + 1
    typed = str(changed)
    sheet.cell(row, 7).value = (
        typed.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")) if lang == "ar" else typed
    )
    sheet.cell(row, 9).value = f"https://{city}.example/rapport-{lang}.pdf"
    book.save(tmp_path / f"{city}.xlsx")
    page.locator("#file").set_input_files(tmp_path / f"{city}.xlsx")
    tab_to(page, "main button[type=submit]", limit=80)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"/workspace/{city}/spreadsheet/" in page.url, page.url
    no_violations(page, f"spreadsheet preview ({lang})")
    shown = page.locator("main").inner_text()
    assert code in shown and f"rapport-{lang}.pdf" in shown and page.locator("#file-errors").count() == 0
    page.screenshot(path=SCREENSHOTS / f"spreadsheet-preview-{lang}.png", full_page=True)
    tab_to(page, "main form button[type=submit]", limit=80)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("[role=status]").count() == 1
    page.screenshot(path=SCREENSHOTS / f"spreadsheet-applied-{lang}.png", full_page=True)
