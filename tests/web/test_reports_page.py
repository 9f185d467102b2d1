"""The city's reports from the workspace: each charter's report to preview or download in each
language; a download is kept with where each commitment stood, and the page then says what
changed since; only the city's officers and the secretariat, each with their own last download."""

from __future__ import annotations

from datetime import date

from pypdf import PdfReader

from accounts.invitations import accept_invitation, invite
from commitments.choices import CommitmentStatus
from commitments.schemas import StatusUpdateCreate
from indicators.status_updates import add_status_update
from indicators.tables import ReportDownload
from kernel.caller import SYSTEM
from kernel.tables import AuditEntry
from tests import builders
from tests.web.html import check_page, parse
from tests.web.test_challenge_form import PASSWORD

PAGE = "/workspace/grenoble/reports"
PDF = f"{PAGE}/lampedusa/report.pdf"


async def _editor(client, city: str = "grenoble", email: str = "ed@grenoble.fr") -> None:
    secret = await invite(SYSTEM, email, "city_editor", city)
    client.cookies.set("session", await accept_invitation(secret, PASSWORD, "192.0.2.9"))


def _links(response) -> list[str]:
    return [a.get("href") or "" for n, a in parse(response.text).tags if n == "a"]


async def test_download_then_see_what_changed(client, tmp_path) -> None:
    await builders.editor_with_adoption()
    await _editor(client)
    todo = await client.get("/workspace/grenoble", params={"lang": "fr"})
    assert PAGE in _links(todo)
    first = await client.get(PAGE, params={"lang": "fr"})
    page = check_page(first, "fr", "ltr")
    assert "Vous n’avez pas encore téléchargé ce rapport." in page.text
    links = _links(first)
    assert {f"{PDF}?lang={code}" for code in ("fr", "en", "es", "ar")} <= set(links)
    assert "/api/v1/cities/grenoble/report.html?charter=lampedusa&lang=ar" in links
    pdf = await client.get(PDF, params={"lang": "ar"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("attachment;")
    (tmp_path / "r.pdf").write_bytes(pdf.content)
    assert "LAM-DIG-01" in "".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages)
    assert await ReportDownload.count() == 1
    assert await AuditEntry.count().where(AuditEntry.entity == "report") == 1
    unchanged = check_page(await client.get(PAGE, params={"lang": "fr"}), "fr", "ltr")
    assert "Rien n’a changé depuis votre téléchargement" in unchanged.text
    await add_status_update(
        SYSTEM,
        "grenoble",
        "lampedusa",
        "LAM-DIG-01",
        StatusUpdateCreate(status=CommitmentStatus.achieved, reported_on=date(2026, 11, 20)),
    )
    changed = await client.get(PAGE, params={"lang": "ar"})
    shown = check_page(changed, "ar", "rtl")
    assert "LAM-DIG-01" in shown.text and "/cities/grenoble/commitments/lampedusa/LAM-DIG-01" in _links(
        changed
    )
    french = parse((await client.get(PAGE, params={"lang": "fr"})).text).text
    assert "1 engagement a changé depuis" in french and "Réalisé" in french


async def test_each_officer_has_their_own_last_download(client) -> None:
    await builders.editor_with_adoption()
    await _editor(client)
    await client.get(PDF, params={"lang": "fr"})
    await _editor(client, email="other@grenoble.fr")
    page = parse((await client.get(PAGE, params={"lang": "fr"})).text)
    assert "Vous n’avez pas encore téléchargé ce rapport." in page.text


async def test_other_cities_reviewers_and_visitors_get_no_reports_page(client) -> None:
    await builders.editor_with_adoption()
    await builders.city("sousse", locale="fr-TN", country="TN")
    for path in (PAGE, PDF):
        anonymous = await client.get(path)
        assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/sign-in")
    await _editor(client, "sousse", "ed@sousse.tn")
    for path in (PAGE, PDF):
        assert (await client.get(path)).status_code == 403
    assert await ReportDownload.count() == 0
    # A language the reports do not speak falls back on the page's; an unknown charter is 404.
    await _editor(client)
    assert (await client.get(PDF, params={"lang": "xx<script>"})).status_code == 200
    assert (await client.get(f"{PAGE}/nowhere/report.pdf")).status_code == 404
