"""Sign a charter, adopt several of its commitments by one decision, withdraw an adoption with its
reason, from the city's workspace: one page and one submit each, the council decision filed in the
same form; refused fields named and nothing written; only the city's editors and the secretariat."""

from __future__ import annotations

import pytest

from charter.tables import Signature
from commitments.tables import Adoption, StatusUpdate
from indicators.tables import AdoptionEvidence, Evidence, SignatureEvidence
from kernel.tables import AuditEntry
from tests import builders
from tests.web.html import check_page, parse
from tests.web.test_challenge_form import csrf_of
from tests.web.test_value_form import _editor

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
CHARTERS = "/workspace/grenoble/charters"
SIGN = f"{CHARTERS}/lampedusa/sign"
ADOPT = f"{CHARTERS}/lampedusa/adopt"
WITHDRAW = "/workspace/grenoble/commitments/lampedusa/LAM-DIG-01/withdraw"


async def _grenoble(client) -> None:
    await builders.charter()
    await builders.city("grenoble")
    await _editor(client)


def _links(response) -> list[str]:
    return [a.get("href") or "" for n, a in parse(response.text).tags if n == "a"]


def _anchors(response) -> list[str]:
    page = parse(response.text)
    return [
        a.get("href")
        for n, a in page.tags
        if n == "a" and (a.get("href") or "").startswith("#") and a.get("href") != "#main"
    ]


async def test_sign_then_adopt_two_commitments_with_the_decision_as_a_pdf(client) -> None:
    """From the to-do to the charters page, sign (with the decision as a new PDF), then adopt two
    commitments (owner, due date) citing the same decision, ticked on file: two pages, two submits."""
    await _grenoble(client)
    todo = await client.get("/workspace/grenoble", params={"lang": "fr"})
    assert CHARTERS in _links(todo)
    listing = await client.get(CHARTERS, params={"lang": "fr"})
    check_page(listing, "fr", "ltr")
    assert SIGN in _links(listing)
    form = await client.get(SIGN, params={"lang": "fr"})
    page = check_page(form, "fr", "ltr")
    # The day of the act is typed, never guessed: today would be a wrong day kept unseen.
    assert next(a.get("value") for n, a in page.tags if a.get("id") == "signed-on") == ""
    kind = [a.get("value") for n, a in page.tags if n == "option" and "selected" in a]
    assert kind == ["council_decision"]
    r = await client.post(
        SIGN,
        data={
            "_csrf_token": csrf_of(form.text),
            "signed_on": "12/01/2023",
            "act": "Délibération n° 2023-045",
            "evidence_title": "Délibération du 12 janvier 2023",
            "evidence_kind": "council_decision",
            "evidence_date": "12/01/2023",
        },
        files={"evidence_file": ("deliberation.pdf", PDF, "application/pdf")},
    )
    assert r.status_code == 303, r.text[:800]
    assert r.headers["location"] == f"{ADOPT}?signed=1"
    signature = await Signature.select().first()
    assert (str(signature["signed_on"]), signature["act"]) == ("2023-01-12", "Délibération n° 2023-045")
    decision = await Evidence.select().first()
    assert (decision["kind"], str(decision["issued_on"])) == ("council_decision", "2023-01-12")
    assert await SignatureEvidence.count() == 1
    adopt = await client.get(r.headers["location"] + "&lang=fr")
    page = check_page(adopt, "fr", "ltr")
    assert "La signature est enregistrée" in page.text
    # Right after signing, the decision's day offered is the signature's.
    assert next(a.get("value") for n, a in page.tags if a.get("id") == "adopted-on") == "12/01/2023"
    r = await client.post(
        ADOPT,
        data={
            "_csrf_token": csrf_of(adopt.text),
            "adopted_on": "01/02/2023",
            "adopt": ["LAM-DIG-01", "LAM-EQU-01"],
            "owner-LAM-DIG-01": "Direction des affaires juridiques",
            "due-LAM-DIG-01": "31/12/2027",
            "owner-LAM-DIG-02": "typed but not ticked",
            "evidence": str(decision["id"]),
        },
    )
    assert r.status_code == 303, r.text[:800]
    assert r.headers["location"] == f"{CHARTERS}?adopted=2"
    rows = await Adoption.select(Adoption.key, Adoption.owner, Adoption.due_on).order_by(Adoption.key)
    assert [(a["key"], a["owner"], a["due_on"] and str(a["due_on"])) for a in rows] == [
        ("grenoble/lampedusa/LAM-DIG-01", "Direction des affaires juridiques", "2027-12-31"),
        ("grenoble/lampedusa/LAM-EQU-01", None, None),
    ]
    assert await AdoptionEvidence.count() == 2 and await Evidence.count() == 1
    done = await client.get(r.headers["location"] + "&lang=fr")
    assert "2 engagements adoptés" in parse(done.text).text
    assert "2 engagements adoptés sur 3" in parse(done.text).text.replace("\u202f", " ")
    again = await client.get(ADOPT, params={"lang": "fr"})
    boxes = [a.get("value") for n, a in parse(again.text).tags if n == "input" and a.get("name") == "adopt"]
    assert boxes == ["LAM-DIG-02"]
    public = await client.get(f"/evidence/{decision['id']}", params={"lang": "fr"})
    assert public.status_code == 200 and "L’adoption de l’engagement LAM-DIG-01" in parse(public.text).text


async def test_a_signed_charter_sends_the_sign_page_to_adoptions(client) -> None:
    await _grenoble(client)
    await builders.signed("grenoble")
    r = await client.get(SIGN)
    assert r.status_code == 303 and r.headers["location"] == ADOPT


@pytest.mark.parametrize(
    ("fields", "anchors"),
    [
        ({"signed_on": "31/02/2023"}, ["#signed-on"]),
        ({"signed_on": "01/01/2999"}, ["#signed-on"]),
        ({"signed_on": ""}, ["#signed-on"]),
        ({"signed_on": "12/01/2023", "evidence": "77"}, ["#evidence-picked"]),
        ({"signed_on": "12/01/2023", "evidence_url": "javascript:alert(1)"}, ["#evidence-url"]),
        ({"signed_on": "12/01/2023", "act": "x" * 20_001}, ["#act"]),
    ],
)
async def test_refused_signature_fields_are_named_and_nothing_written(client, fields, anchors) -> None:
    await _grenoble(client)
    form = await client.get(SIGN, params={"lang": "ar"})
    before = (await Signature.count(), await Evidence.count(), await AuditEntry.count())
    r = await client.post(SIGN, data={"_csrf_token": csrf_of(form.text), **fields})
    assert r.status_code == 422, r.text[:800]
    check_page(r, "ar", "rtl")
    assert _anchors(r) == anchors
    assert (await Signature.count(), await Evidence.count(), await AuditEntry.count()) == before


@pytest.mark.parametrize(
    ("fields", "anchors", "status"),
    [
        ({"adopted_on": "01/02/2023"}, ["#adopt"], 422),
        ({"adopted_on": "01/02/2023", "adopt": "LAM-XXX-99"}, ["#adopt"], 409),
        ({"adopted_on": "01/13/2023", "adopt": "LAM-DIG-01"}, ["#adopted-on"], 422),
        (
            {
                "adopted_on": "01/02/2023",
                "adopt": ["LAM-DIG-01", "LAM-DIG-02"],
                "due-LAM-DIG-02": "01/01/2020",
            },
            ["#due-LAM-DIG-02"],
            422,
        ),
        (
            {"adopted_on": "01/02/2023", "adopt": "LAM-DIG-01", "owner-LAM-DIG-01": "x" * 256},
            ["#owner-LAM-DIG-01"],
            422,
        ),
        (
            {"adopted_on": "01/02/2023", "adopt": "LAM-DIG-01", "due-LAM-DIG-01": "demain"},
            ["#due-LAM-DIG-01"],
            422,
        ),
    ],
)
async def test_refused_adoptions_are_named_and_none_written(client, fields, anchors, status) -> None:
    """Nothing adopted when one field is wrong; every field typed comes back as typed."""
    await _grenoble(client)
    await builders.signed("grenoble")
    form = await client.get(ADOPT, params={"lang": "ar"})
    before = (await Adoption.count(), await AuditEntry.count())
    r = await client.post(
        ADOPT, data={"_csrf_token": csrf_of(form.text), "owner-LAM-EQU-01": "Kept", **fields}
    )
    assert r.status_code == status, r.text[:800]
    page = check_page(r, "ar", "rtl")
    assert _anchors(r) == anchors
    assert next(a.get("value") for n, a in page.tags if a.get("id") == "owner-LAM-EQU-01") == "Kept"
    assert (await Adoption.count(), await AuditEntry.count()) == before


async def test_adopting_before_signing_is_refused(client) -> None:
    await _grenoble(client)
    form = await client.get(ADOPT, params={"lang": "fr"})
    assert SIGN in _links(form)
    r = await client.post(
        ADOPT, data={"_csrf_token": csrf_of(form.text), "adopted_on": "01/02/2023", "adopt": "LAM-DIG-01"}
    )
    assert r.status_code == 422 and await Adoption.count() == 0


async def test_withdraw_an_adoption_with_its_reason(client) -> None:
    """The reason is required; the withdrawal is a published status `withdrawn` with the reason,
    linked from the commitment's page for its editors."""
    await builders.editor_with_adoption()
    await _editor(client)
    commitment = await client.get("/cities/grenoble/commitments/lampedusa/LAM-DIG-01", params={"lang": "fr"})
    assert WITHDRAW in _links(commitment)
    form = await client.get(WITHDRAW, params={"lang": "fr"})
    check_page(form, "fr", "ltr")
    token = csrf_of(form.text)
    r = await client.post(WITHDRAW, data={"_csrf_token": token, "reported_on": "15/10/2026", "text": "  "})
    assert r.status_code == 422 and _anchors(r) == ["#text"] and await StatusUpdate.count() == 0
    r = await client.post(
        WITHDRAW,
        data={
            "_csrf_token": token,
            "reported_on": "15/10/2026",
            "text": "Le service a été **transféré** à la métropole.",
        },
    )
    assert r.status_code == 303, r.text[:800]
    update = await StatusUpdate.select().first()
    assert (update["status"], update["draft"], str(update["reported_on"])) == (
        "withdrawn",
        False,
        "2026-10-15",
    )
    assert update["note_md"] == "Le service a été **transféré** à la métropole."


@pytest.mark.parametrize("path", [CHARTERS, SIGN, ADOPT, WITHDRAW.replace("grenoble", "sousse")])
async def test_other_cities_reviewers_and_visitors_get_no_form(client, path) -> None:
    """Sousse's editor on Grenoble's pages: 403 on each (GET and POST), nothing written; a
    visitor is sent to sign in; a POST without its CSRF token is 403."""
    await builders.charter()
    await builders.city("grenoble")
    await builders.city("sousse", locale="fr-TN", country="TN")
    anonymous = await client.get(path.replace("sousse", "grenoble"))
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/sign-in")
    await _editor(client, "sousse", "ed@sousse.tn")
    token = csrf_of((await client.get("/workspace/sousse")).text)
    target = path.replace("sousse", "grenoble")
    assert (await client.get(target)).status_code == 403
    if path != CHARTERS:  # the list of charters is a page to read only
        fields = {"signed_on": "12/01/2023", "adopted_on": "01/02/2023", "adopt": "LAM-DIG-01", "text": "Why"}
        post = await client.post(target, data={"_csrf_token": token, **fields})
        assert post.status_code == 403
    no_token = await client.post(
        "/workspace/sousse/charters/lampedusa/sign", data={"signed_on": "12/01/2023"}
    )
    assert no_token.status_code == 403
    assert await Signature.count() == 0 and await Adoption.count() == 0


async def test_hostile_names_are_inert(client) -> None:
    """An owner and an act with markup and a right-to-left override are kept as typed, shown as text."""
    await _grenoble(client)
    form = await client.get(SIGN)
    hostile = "<script>alert(1)</script>\u202e../../etc/passwd"
    r = await client.post(
        SIGN,
        data={
            "_csrf_token": csrf_of(form.text),
            "signed_on": "12/01/2023",
            "act": hostile,
            "evidence_url": "https://x.example/a",
        },
        files={"evidence_file": (hostile + ".pdf", PDF, "application/pdf")},
    )
    assert r.status_code == 303
    assert (await Signature.select(Signature.act).first())["act"] == hostile
    adopt = await client.get(ADOPT)
    r = await client.post(
        ADOPT,
        data={
            "_csrf_token": csrf_of(adopt.text),
            "adopted_on": "01/02/2023",
            "adopt": "LAM-DIG-01",
            "owner-LAM-DIG-01": hostile,
        },
    )
    assert r.status_code == 303
    page = await client.get("/cities/grenoble/commitments/lampedusa/LAM-DIG-01")
    assert "<script>alert" not in page.text and "\u202e" not in page.text
