"""Report a value from the page: one page and one submit from the to-do, the value typed as the
city writes numbers, evidence picked or filed in the same form, a draft or published; refused
fields named and kept as typed; only the city's editors and the secretariat."""

from __future__ import annotations

import pytest

from accounts.invitations import accept_invitation, invite
from indicators.evidence import create_link_evidence
from indicators.schemas import EvidenceCreate
from indicators.tables import Evidence, Measurement, MeasurementEvidence
from kernel.caller import SYSTEM
from kernel.tables import AuditEntry
from tests import builders
from tests.web.html import check_page, parse
from tests.web.test_challenge_form import PASSWORD, PDF, csrf_of

FORM = "/workspace/grenoble/indicators/lampedusa/LAM-DIG-01-I1/values/new"


async def _editor(client, city: str = "grenoble", email: str = "ed@grenoble.fr") -> None:
    secret = await invite(SYSTEM, email, "city_editor", city)
    client.cookies.set("session", await accept_invitation(secret, PASSWORD, "192.0.2.9"))


async def test_from_the_to_do_one_page_one_submit_with_a_new_pdf(client) -> None:
    await builders.editor_with_adoption()
    await _editor(client)
    todo = await client.get("/workspace/grenoble", params={"lang": "fr"})
    links = [a.get("href") or "" for n, a in parse(todo.text).tags if n == "a"]
    assert f"{FORM}?period=2025" in links
    form = await client.get(FORM, params={"period": "2025", "lang": "fr"})
    page = check_page(form, "fr", "ltr")
    chosen = [a.get("value") for n, a in page.tags if n == "option" and "selected" in a]
    assert "2025" in chosen and "1 250,5" in page.text.replace("\u202f", " ")  # the city's way
    r = await client.post(
        FORM,
        data={
            "_csrf_token": csrf_of(form.text),
            "period": "2025",
            "value": "1 250",
            "text": "Permanences du *samedi* comprises.",
            "evidence_title": "Registre 2025",
            "evidence_kind": "statistics",
            "evidence_date": "15/01/2026",  # as Grenoble writes dates
            "action": "publish",
        },
        files={"evidence_file": ("registre.pdf", PDF, "application/pdf")},
    )
    assert r.status_code == 303, r.text[:1000]
    value = await Measurement.select().first()
    assert r.headers["location"] == f"/workspace/grenoble?saved=measurement-{value['id']}"
    assert (value["period"], value["value_text"], value["draft"]) == ("2025", "1 250", False)
    assert float(value["value"]) == 1250
    proof = await Evidence.select().first()
    assert (proof["title"], proof["kind"], str(proof["issued_on"]), proof["origin"]) == (
        "Registre 2025",
        "statistics",
        "2026-01-15",
        "city",
    )
    assert await MeasurementEvidence.count() == 1
    back = await client.get(r.headers["location"] + "&lang=fr")
    assert "1 250" in parse(back.text).text and f"{FORM}?period=2025" not in back.text


async def test_a_draft_with_evidence_on_file_in_arabic_digits(client) -> None:
    await builders.editor_with_adoption()
    proof = await create_link_evidence(
        SYSTEM,
        "grenoble",
        EvidenceCreate(title="Délibération", kind="council_decision", url="https://g.example/d"),
    )
    await _editor(client)
    form = await client.get(FORM, params={"lang": "ar"})
    check_page(form, "ar", "rtl")
    r = await client.post(
        FORM,
        data={
            "_csrf_token": csrf_of(form.text),
            "period": "2025",
            "value": "٤٧",
            "evidence": str(proof.id),
            "action": "draft",
        },
    )
    assert r.status_code == 303, r.text[:1000]
    value = await Measurement.select().first()
    assert value["draft"] is True and float(value["value"]) == 47
    cited = await MeasurementEvidence.select().first()
    assert cited["evidence"] == proof.id


@pytest.mark.parametrize(
    ("fields", "anchors"),
    [
        ({"period": "2026", "value": "12"}, ["#period"]),
        ({"period": "2025", "value": "douze"}, ["#value"]),
        ({"period": "2025", "value": "12,5"}, ["#value"]),  # a count is a whole number
        ({"period": "2025", "value": ""}, ["#value"]),
        ({"period": "2025", "value": "12", "evidence": "999"}, ["#evidence-picked"]),
        ({"period": "2025", "value": "12", "evidence_url": "javascript:alert(1)"}, ["#evidence-url"]),
        (
            {
                "period": "2025",
                "value": "12",
                "evidence_url": "https://a.example",
                "evidence_date": "01/01/2999",
            },
            ["#evidence-date"],
        ),
        ({"period": "1999", "value": "x", "text": "y" * 20_001}, ["#period", "#value", "#text"]),
    ],
)
async def test_refused_fields_are_named_kept_and_nothing_written(client, fields, anchors) -> None:
    await builders.editor_with_adoption()
    await _editor(client)
    form = await client.get(FORM, params={"lang": "fr"})
    before = (await Measurement.count(), await Evidence.count(), await AuditEntry.count())
    r = await client.post(FORM, data={"_csrf_token": csrf_of(form.text), "action": "publish", **fields})
    assert r.status_code == 422, r.text[:800]
    page = check_page(r, "fr", "ltr")
    summary = [a.get("href") for n, a in page.tags if n == "a" and (a.get("href") or "").startswith("#")]
    assert [h for h in summary if h != "#main"] == anchors
    typed = next((a.get("value") for n, a in page.tags if a.get("id") == "value"), None)
    assert typed == fields["value"]
    assert (await Measurement.count(), await Evidence.count(), await AuditEntry.count()) == before


async def test_a_taken_period_is_not_offered_and_others_get_no_form(client) -> None:
    await builders.editor_with_adoption()
    await builders.city("sousse", locale="fr-TN", country="TN")
    await _editor(client)
    form = await client.get(FORM)
    first = await client.post(
        FORM, data={"_csrf_token": csrf_of(form.text), "period": "2025", "value": "12", "action": "publish"}
    )
    assert first.status_code == 303
    form = await client.get(FORM)
    options = [
        a.get("value") for n, a in parse(form.text).tags if n == "option" and a.get("value", "").isdigit()
    ]
    assert "2025" not in options and "2024" in options
    again = await client.post(
        FORM, data={"_csrf_token": csrf_of(form.text), "period": "2025", "value": "13", "action": "publish"}
    )
    assert again.status_code == 422 and await Measurement.count() == 1
    client.cookies.clear()
    await _editor(client, "sousse", "ed@sousse.tn")
    assert (await client.get(FORM)).status_code == 403
    token = csrf_of((await client.get("/workspace/sousse")).text)
    r = await client.post(
        FORM, data={"_csrf_token": token, "period": "2024", "value": "1", "action": "publish"}
    )
    assert r.status_code == 403 and await Measurement.count() == 1
    client.cookies.clear()
    assert (await client.get(FORM)).status_code == 303


async def test_a_yes_no_indicator_is_answered_yes_or_no(client) -> None:
    """A boolean indicator offers Yes and No, not a number to type."""
    from tracker.demo import load_demo

    await load_demo()
    secret = await invite(SYSTEM, "ed@sousse.tn", "city_editor", "sousse")
    client.cookies.set("session", await accept_invitation(secret, PASSWORD, "192.0.2.9"))
    form_path = "/workspace/sousse/indicators/sousse-local/SOU-ENG-01-I1/values/new"
    form = await client.get(form_path, params={"lang": "fr"})
    page = check_page(form, "fr", "ltr")
    radios = [a.get("value") for n, a in page.tags if n == "input" and a.get("type") == "radio"]
    assert radios == ["1", "0"] and "Oui" in page.text
    period = next(a.get("value") for n, a in page.tags if n == "option" and (a.get("value") or "").isdigit())
    r = await client.post(
        form_path, data={"_csrf_token": csrf_of(form.text), "period": period, "value": "1", "action": "draft"}
    )
    assert r.status_code == 303, r.text[:600]


async def test_a_published_value_is_corrected_from_the_commitment_page(client) -> None:
    """The officer sees "correct" beside each standing published value; the form comes filled in;
    the correction supersedes the value and both stay on the page. The public sees no such link."""
    from indicators.measurements import add_measurement as add
    from indicators.schemas import MeasurementCreate

    await builders.editor_with_adoption()
    wrong = await add(
        SYSTEM, "grenoble", "lampedusa", "LAM-DIG-01-I1", MeasurementCreate(period="2024", value="410")
    )
    page = "/cities/grenoble/commitments/lampedusa/LAM-DIG-01"
    assert "?correct=" not in (await client.get(page)).text
    await _editor(client)
    shown = await client.get(page, params={"lang": "fr"})
    link = f"{FORM}?correct={wrong.claim_id}"
    assert link in [a.get("href") for n, a in parse(shown.text).tags if n == "a"]
    form = await client.get(link + "&lang=fr")
    tags = check_page(form, "fr", "ltr").tags
    assert next(a.get("value") for n, a in tags if a.get("id") == "value") == "410"
    r = await client.post(
        FORM,
        data={
            "_csrf_token": csrf_of(form.text),
            "correct": wrong.claim_id,
            "value": "210",
            "action": "publish",
        },
    )
    assert r.status_code == 303, r.text[:800]
    rows = await Measurement.select(
        Measurement.period, Measurement.value_text, Measurement.supersedes
    ).order_by(Measurement.id)
    assert [(x["period"], x["value_text"]) for x in rows] == [("2024", "410"), ("2024", "210")]
    assert rows[1]["supersedes"] == wrong.id
    after = await client.get(page, params={"lang": "fr"})
    assert "<del>" in after.text and "<ins>" in after.text


async def test_a_nul_character_in_any_field_is_refused_before_anything_is_read(client) -> None:
    """PostgreSQL cannot keep U+0000 in text: a form carrying one is a 422 page on both databases,
    and nothing is written."""
    await builders.editor_with_adoption()
    await _editor(client)
    form = await client.get(FORM, params={"lang": "fr"})
    for field in ("text", "value", "evidence_title", "period"):
        data = {"_csrf_token": csrf_of(form.text), "period": "2025", "value": "12", "action": "publish"}
        data[field] = data.get(field, "x") + "\x00"
        r = await client.post(FORM, data=data)
        assert r.status_code == 422, (field, r.status_code)
        assert r.headers["content-type"].startswith("text/html")
    r = await client.post(
        "/sign-in", data={"_csrf_token": csrf_of(form.text), "email": "a\x00@b.c", "password": "x"}
    )
    assert r.status_code == 422
    assert await Measurement.count() == 0
