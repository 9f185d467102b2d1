"""The city's evidence library from the workspace: each piece with its review and where it is
cited; a file sent again in a form is cited as the piece on file, and the to-do says which; a
piece nothing cites is withdrawn after a confirmation page; only the city's editors and the
secretariat, with the form's token."""

from __future__ import annotations

from accounts.invitations import accept_invitation, invite
from indicators.evidence import create_file_evidence
from indicators.tables import Evidence, MeasurementEvidence
from kernel.caller import SYSTEM
from kernel.tables import AuditEntry
from tests import builders
from tests.web.html import check_page, parse
from tests.web.test_challenge_form import PASSWORD, PDF, csrf_of

LIBRARY = "/workspace/grenoble/evidence"
FORM = "/workspace/grenoble/indicators/lampedusa/LAM-DIG-01-I1/values/new"


async def _editor(client, city: str = "grenoble", email: str = "ed@grenoble.fr") -> None:
    secret = await invite(SYSTEM, email, "city_editor", city)
    client.cookies.set("session", await accept_invitation(secret, PASSWORD, "192.0.2.9"))


async def _on_file(title: str, content: bytes = PDF) -> int:
    piece = await create_file_evidence(
        SYSTEM,
        "grenoble",
        content=content,
        file_name="registre.pdf",
        title=title,
        kind="statistics",
        issued_on=None,
        description_md=None,
    )
    return piece.id


def _links(response) -> list[str]:
    return [a.get("href") or "" for n, a in parse(response.text).tags if n == "a"]


async def test_a_file_sent_again_is_cited_as_the_piece_on_file(client) -> None:
    await builders.editor_with_adoption()
    on_file = await _on_file("Registre 2025")
    await _editor(client)
    form = await client.get(FORM, params={"period": "2025", "lang": "fr"})
    r = await client.post(
        FORM,
        data={
            "_csrf_token": csrf_of(form.text),
            "period": "2025",
            "value": "12",
            "evidence_title": "Une copie du registre",
            "action": "publish",
        },
        files={"evidence_file": ("copie.pdf", PDF, "application/pdf")},
    )
    assert r.status_code == 303, r.text[:800]
    assert await Evidence.count() == 1
    assert [x["evidence"] for x in await MeasurementEvidence.select(MeasurementEvidence.evidence)] == [
        on_file
    ]
    todo = await client.get(r.headers["location"] + "&lang=fr")
    assert "Elle cite : “Registre 2025”" in parse(todo.text).text


async def test_the_library_lists_and_withdraws_what_nothing_cites(client) -> None:
    await builders.editor_with_adoption()
    cited = await _on_file("Registre cité")
    stray = await _on_file("Mauvais fichier", PDF + b"% not this one\n")
    await _editor(client)
    form = await client.get(FORM, params={"period": "2025"})
    await client.post(
        FORM,
        data={
            "_csrf_token": csrf_of(form.text),
            "period": "2025",
            "value": "12",
            "evidence": str(cited),
            "action": "publish",
        },
    )
    todo = await client.get("/workspace/grenoble", params={"lang": "ar"})
    assert LIBRARY in _links(todo)
    for lang, direction in (("fr", "ltr"), ("ar", "rtl")):
        listing = await client.get(LIBRARY, params={"lang": lang})
        check_page(listing, lang, direction)
    listing = await client.get(LIBRARY, params={"lang": "fr"})
    text = parse(listing.text).text
    assert "Registre cité" in text and "Citée 1 fois" in text and "Citée nulle part" in text
    withdraw = f"{LIBRARY}/{stray}/withdraw"
    assert withdraw in _links(listing) and f"{LIBRARY}/{cited}/withdraw" not in _links(listing)
    confirm = await client.get(withdraw, params={"lang": "fr"})
    check_page(confirm, "fr", "ltr")
    # The cited piece has no form: its page says what cites it.
    kept = await client.get(f"{LIBRARY}/{cited}/withdraw", params={"lang": "fr"})
    assert "measurement-" in parse(kept.text).text and 'name="version"' not in kept.text
    token = csrf_of(confirm.text)
    stale = await client.post(withdraw, data={"_csrf_token": token, "version": "7"})
    assert stale.status_code == 409 and await Evidence.count().where(Evidence.withdrawn_at.is_not_null()) == 0
    assert (await client.post(withdraw, data={"version": "1"})).status_code == 403  # no token
    r = await client.post(withdraw, data={"_csrf_token": token, "version": "1"})
    assert r.status_code == 303 and r.headers["location"] == f"{LIBRARY}?withdrawn={stray}"
    after = await client.get(r.headers["location"] + "&lang=fr")
    page = check_page(after, "fr", "ltr")
    assert "La preuve est retirée" in page.text and "Retirées" in page.text
    assert await AuditEntry.count().where(AuditEntry.action == "withdraw") == 1
    # No longer offered to cite in the forms.
    form = await client.get(FORM, params={"period": "2024"})
    offered = [
        a.get("value") for n, a in parse(form.text).tags if n == "input" and a.get("name") == "evidence"
    ]
    assert str(stray) not in offered and str(cited) in offered


async def test_other_cities_reviewers_and_visitors_get_no_library(client) -> None:
    await builders.editor_with_adoption()
    await builders.city("sousse", locale="fr-TN", country="TN")
    piece = await _on_file("Registre")
    anonymous = await client.get(LIBRARY)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/sign-in")
    await _editor(client, "sousse", "ed@sousse.tn")
    assert (await client.get(LIBRARY)).status_code == 403
    token = csrf_of((await client.get("/workspace/sousse")).text)
    r = await client.post(f"{LIBRARY}/{piece}/withdraw", data={"_csrf_token": token, "version": "1"})
    assert r.status_code == 403
    # Another city's piece through this city's library: not found.
    assert (await client.get(f"/workspace/sousse/evidence/{piece}/withdraw")).status_code == 404
    assert await Evidence.count().where(Evidence.withdrawn_at.is_not_null()) == 0
