"""The spreadsheet round trip from the workspace in three pages: download the city's workbook,
upload it and see the preview (every error by sheet, row and column; nothing written), apply it
(exactly what the preview showed); a file that is not a workbook is named; only the city's
officers and the secretariat, with the form's token."""

from __future__ import annotations

import io

import openpyxl

from accounts.invitations import accept_invitation, invite
from indicators.tables import Evidence, ImportPreview, Measurement, MeasurementEvidence
from kernel.caller import SYSTEM
from tests import builders
from tests.web.html import check_page, parse
from tests.web.test_challenge_form import PASSWORD, PDF, csrf_of

PAGE = "/workspace/grenoble/spreadsheet"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _editor(client, city: str = "grenoble", email: str = "ed@grenoble.fr") -> None:
    secret = await invite(SYSTEM, email, "city_editor", city)
    client.cookies.set("session", await accept_invitation(secret, PASSWORD, "192.0.2.9"))


def _links(response) -> list[str]:
    return [a.get("href") or "" for n, a in parse(response.text).tags if n == "a"]


async def _workbook(client, value: str, evidence: str | None = None) -> bytes:
    """The city's workbook as downloaded, with a value (and its evidence) typed on the first
    measurement row."""
    template = await client.get("/api/v1/cities/grenoble/template.xlsx", params={"charter": "lampedusa"})
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    sheet = book["measurements"]
    sheet.cell(2, 6).value, sheet.cell(2, 7).value, sheet.cell(2, 9).value = "2025", value, evidence
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_download_upload_preview_apply(client) -> None:
    await builders.editor_with_adoption()
    await _editor(client)
    todo = await client.get("/workspace/grenoble", params={"lang": "fr"})
    assert PAGE in _links(todo)
    start = await client.get(PAGE, params={"lang": "fr"})
    check_page(start, "fr", "ltr")
    assert "/api/v1/cities/grenoble/template.xlsx?charter=lampedusa" in _links(start)
    token = csrf_of(start.text)
    bad = await client.post(
        PAGE,
        data={"_csrf_token": token, "charter": ""},
        files={"file": ("grenoble.xlsx", await _workbook(client, "beaucoup"), XLSX)},
    )
    assert bad.status_code == 303, bad.text[:800]
    preview = await client.get(bad.headers["location"], params={"lang": "ar"})
    page = check_page(preview, "ar", "rtl")
    cells = [t for t in page.text.split() if t]
    # The error in the page's language, with a number as the city (Grenoble, French) writes it.
    assert "value" in cells and "اكتب رقمًا كما يُكتب في مدينتك، مثلًا" in page.text
    assert "Cannot read" not in preview.text
    assert "/commit" not in preview.text and await Measurement.count() == 0
    good = await client.post(
        PAGE,
        data={"_csrf_token": token},
        files={
            "file": (
                "grenoble.xlsx",
                await _workbook(client, "1 250", "https://grenoble.example/r.pdf"),
                XLSX,
            )
        },
    )
    location = good.headers["location"]
    shown = await client.get(location, params={"lang": "fr"})
    text = parse(shown.text).text
    assert "1 à créer" in text and "0 erreur" in text and f"{location}/commit" in shown.text, text[-600:]
    assert "Preuves : nouveau lien https://grenoble.example/r.pdf" in " ".join(text.split())
    assert await Measurement.count() == 0  # nothing before the commit
    assert (await client.post(f"{location}/commit")).status_code == 403  # no token
    applied = await client.post(f"{location}/commit", data={"_csrf_token": csrf_of(shown.text)})
    assert applied.status_code == 303 and applied.headers["location"] == location
    value = await Measurement.select().first()
    assert (value["period"], value["value_text"], float(value["value"])) == ("2025", "1 250", 1250)
    filed = await Evidence.select(Evidence.id, Evidence.url).first()
    assert filed["url"] == "https://grenoble.example/r.pdf"
    assert await MeasurementEvidence.count().where(MeasurementEvidence.evidence == filed["id"]) == 1
    done = parse((await client.get(location, params={"lang": "fr"})).text).text
    assert "Appliqué" in done
    again = await client.post(f"{location}/commit", data={"_csrf_token": csrf_of(shown.text)})
    assert again.status_code == 409 and await Measurement.count() == 1


async def test_a_file_that_is_not_a_workbook_is_named(client) -> None:
    await builders.editor_with_adoption()
    await _editor(client)
    token = csrf_of((await client.get(PAGE)).text)
    for files, anchor in (
        ({"file": ("budget.pdf", PDF, "application/pdf")}, "#file"),
        ({}, "#file"),
        ({"file": ("empty.xlsx", b"", XLSX)}, "#file"),
    ):
        r = await client.post(PAGE, data={"_csrf_token": token}, files=files or None)
        assert r.status_code == 422, r.text[:500]
        assert f'href="{anchor}"' in r.text
    assert await ImportPreview.count() == 0


async def test_other_cities_get_no_spreadsheet_page(client) -> None:
    await builders.editor_with_adoption()
    await builders.city("sousse", locale="fr-TN", country="TN")
    anonymous = await client.get(PAGE)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/sign-in")
    await _editor(client)
    token = csrf_of((await client.get(PAGE)).text)
    made = await client.post(
        PAGE, data={"_csrf_token": token}, files={"file": ("g.xlsx", await _workbook(client, "12"), XLSX)}
    )
    location = made.headers["location"]
    await _editor(client, "sousse", "ed@sousse.tn")
    assert (await client.get(PAGE)).status_code == 403
    assert (await client.get(location)).status_code == 403
    sousse_token = csrf_of((await client.get("/workspace/sousse")).text)
    assert (await client.post(f"{location}/commit", data={"_csrf_token": sousse_token})).status_code == 403
    # Grenoble's preview through Sousse's workspace: not found.
    assert (await client.get(location.replace("grenoble", "sousse"))).status_code == 404
    assert await Measurement.count() == 0
