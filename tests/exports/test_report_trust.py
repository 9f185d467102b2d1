"""The city report says what is verified, self-reported and contested: assurance marks, the
shares in the scorecard, the flags, and each challenge with its replies and ruling."""

import re
from datetime import date

import pytest

from charter.tables import City
from exports.report_context import build_report_context
from exports.report_render import html_to_pdf, render_html
from kernel.caller import Caller
from tests import builders
from tests.builders import bearer
from tests.exports.test_city_report import pdftotext

CITY = "/api/v1/cities/grenoble"
VALUES = f"{CITY}/indicators/lampedusa/LAM-DIG-01-I1/measurements"


async def _story(client) -> dict:
    """A verified value, a challenged value with two replies and an upheld ruling, a status."""
    editor = await builders.editor_with_adoption()
    reviewer = await builders.token(
        "reviewer", email="watch@ngo.example", organisation="Collectif Accès aux Droits 38"
    )
    secretariat = await builders.token("secretariat", email="sec@uclg.example")
    evidence = (
        await client.post(
            f"{CITY}/evidence",
            headers=bearer(editor),
            json={
                "title": "Rapport annuel 2023",
                "kind": "report",
                "url": "https://grenoble.example/ra.pdf",
                "issued_on": "2024-02-01",
            },
        )
    ).json()["id"]
    verified = (
        await client.post(
            VALUES, headers=bearer(editor), json={"period": "2023", "value": 410, "evidence": [evidence]}
        )
    ).json()["claim_id"]
    r = await client.post(
        f"/api/v1/claims/{verified}/verification",
        headers=bearer(secretariat, '"v1"'),
        json={"note_md": "Checked."},
    )
    assert r.status_code == 200, r.text
    challenged = (
        await client.post(VALUES, headers=bearer(editor), json={"period": "2022", "value": 380})
    ).json()["claim_id"]
    status = (
        await client.post(
            f"{CITY}/commitments/lampedusa/LAM-DIG-01/updates",
            headers=bearer(editor),
            json={
                "status": "in_progress",
                "reported_on": "2024-03-01",
                "note_md": "Deux permanences ouvertes.",
            },
        )
    ).json()["claim_id"]
    challenge = (
        await client.post(
            f"/api/v1/claims/{challenged}/challenges",
            headers=bearer(reviewer),
            json={"reason_md": "Notre décompte donne **210** consultations."},
        )
    ).json()
    url = f"/api/v1/challenges/{challenge['id']}"
    for body in ("Le décompte inclut Teisseire.", "Registre joint."):
        await client.post(f"{url}/replies", headers=bearer(editor), json={"body_md": body})
    r = await client.post(
        f"{url}/ruling",
        headers=bearer(secretariat, '"v3"'),
        json={"outcome": "upheld", "note_md": "La permanence de Teisseire a ouvert en 2023."},
    )
    assert r.status_code == 200, r.text
    return {"editor": editor, "verified": verified, "challenged": challenged, "status": status}


async def _pdf_text(lang: str, **kw) -> tuple[dict, str]:
    context = await build_report_context("grenoble", "lampedusa", lang, today=date(2026, 11, 26), **kw)
    return context, pdftotext(html_to_pdf(render_html(context), context.hash, charts=context.charts))


async def test_report_shows_assurance_flags_and_challenges(client) -> None:
    """French: one claim in three verified, one contested; the challenge, both replies, the ruling."""
    await _story(client)
    context, text = await _pdf_text("fr")
    flat = re.sub(r"\s+", " ", text)
    assert "Déclarations : 3 — vérifiées 1 (33 %), auto-déclarées 1 (33 %), contestées 1 (33 %)" in flat
    assert "vérifiée" in flat and "contestée" in flat
    assert "Contesté (LAM-DIG-01-I1)" in flat  # the flag, on the indicator of the contested value
    assert "Contestation · Collectif Accès aux Droits 38" in flat
    assert "Notre décompte donne 210 consultations." in flat and "**" not in flat
    assert "Le décompte inclut Teisseire." in flat and "Registre joint." in flat
    assert "Décision : fondée" in flat and "La permanence de Teisseire a ouvert en 2023." in flat
    assert "watch@ngo.example" not in flat and "sec@uclg.example" not in flat
    commitment = context.principles[0].commitments[0]
    assert [c.status for c in commitment.challenges] == ["ruled"]


@pytest.mark.parametrize(
    ("lang", "secretariat"),
    [("fr", "Secrétariat du réseau"), ("ar", "أمانة الشبكة"), ("es", "Secretaría de la red")],
)
async def test_people_are_named_in_the_report_language(client, lang: str, secretariat: str) -> None:
    """The city's replies are signed with the city's name and the ruling with the secretariat's
    name in the report's language: no English role word in a French, Arabic or Spanish report."""
    await _story(client)
    context, text = await _pdf_text(lang)
    challenge = context.principles[0].commitments[0].challenges[0]
    assert [r.by for r in challenge.replies] == ["Grenoble", "Grenoble"]
    assert challenge.ruling is not None and challenge.ruling.by == secretariat
    assert secretariat in text
    for english in ("city editor", "city_editor", "secretariat"):
        assert english not in text


async def test_arabic_report_shows_the_challenge(client) -> None:
    """Arabic: the same challenge under Arabic labels, the organisation's name as published."""
    await _story(client)
    _, text = await _pdf_text("ar")
    assert "طعن" in text and "Collectif Accès aux Droits 38" in text and "القرار" in text


async def test_a_correction_ends_the_contest_in_the_report(client) -> None:
    """Once the city corrects the challenged value, the report counts the correction, uncontested."""
    story = await _story(client)
    r = await client.post(
        VALUES,
        headers=bearer(story["editor"]),
        json={"period": "2022", "value": 210, "supersedes": story["challenged"]},
    )
    assert r.status_code == 201, r.text
    _, text = await _pdf_text("fr")
    flat = re.sub(r"\s+", " ", text)
    assert "contestées 0 (0 %)" in flat and "Contesté (" not in flat
    assert "Contestation · Collectif" in flat  # the story stays in the report


async def test_drafts_only_in_the_preview(client) -> None:
    """A draft value is absent from the public report and shown, marked, in the editors' preview."""
    story = await _story(client)
    r = await client.post(
        VALUES, headers=bearer(story["editor"]), json={"period": "2024", "value": 999, "draft": True}
    )
    assert r.status_code == 201
    public, text = await _pdf_text("fr")
    # As a word: the report's fingerprint is hex and may hold the digits.
    assert not re.search(r"\b999\b", text)
    city_id = (await City.select(City.id).where(City.slug == "grenoble").first())["id"]
    editor = Caller(user_id=1, roles=frozenset({"city_editor"}), editable_city_ids=frozenset({city_id}))
    preview, text = await _pdf_text("fr", caller=editor, drafts=True)
    assert re.search(r"\b999\b", text) and "brouillon" in text and "Aperçu incluant des brouillons" in text
    assert preview.hash != public.hash


async def test_the_demo_loop_from_challenge_to_report(client) -> None:
    """Demo data: Grenoble's contested domiciliation delay is answered, ruled partly upheld, and the
    French report shows the reply and the ruling."""
    from tracker.demo import load_demo

    await load_demo()
    editor = await builders.token("city_editor", "grenoble", email="ed@grenoble.fr")
    secretariat = await builders.token("secretariat", email="sec@uclg.example")
    listed = (await client.get("/api/v1/challenges?city=grenoble&status=open")).json()
    assert listed["total"] == 1
    challenge = listed["items"][0]
    assert challenge["by"] == "Collectif Accès aux Droits 38 (fictional)"
    claim = (await client.get(f"/api/v1/claims/{challenge['claim_id']}")).json()
    assert claim["assurance"] == "contested" and claim["kind"] == "measurement"
    url = f"/api/v1/challenges/{challenge['id']}"
    r = await client.post(
        f"{url}/replies",
        headers=bearer(editor),
        json={"body_md": "Le délai déclaré porte sur les demandes complètes ; nous publierons les deux."},
    )
    assert r.status_code == 201, r.text
    r = await client.post(
        f"{url}/ruling",
        headers=bearer(secretariat, r.headers["etag"]),
        json={"outcome": "partly_upheld", "note_md": "Les deux délais doivent être publiés."},
    )
    assert r.status_code == 200, r.text
    _, text = await _pdf_text("fr")
    flat = re.sub(r"\s+", " ", text)
    assert "Collectif Accès aux Droits 38 (fictional)" in flat
    assert "nous publierons les deux." in flat
    assert "Décision : partiellement fondée" in flat and "Les deux délais doivent être publiés." in flat
    assert "Contesté (LAM-DIG-02-I2)" in flat
