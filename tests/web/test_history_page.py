"""An item's history page: the same audit rows as the API's history for the same caller (people
under their published names, the secretariat's accounts to the secretariat alone), each with its
date, time, author and changed fields; what the public may not see is a 404 page, a parameter the
page cannot read a 400 page naming it, and what people wrote is shown as text."""

from __future__ import annotations

import re

import pytest

from tests import builders
from tests.builders import bearer
from tests.web.html import check_page, parse
from tracker.demo import load_demo

CITY = "/api/v1/cities/grenoble"
EV = f"{CITY}/evidence"
VALUES = f"{CITY}/indicators/lampedusa/LAM-DIG-01-I1/measurements"
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _steps(html: str) -> list[tuple[str, list[str], str]]:
    """(action, fields changed, the step's text) of each step of the page, in order."""
    steps = []
    for action, body in re.findall(
        r'<li class="history-step" data-action="([^"]+)">(.*?)</li>\s*(?=<li class="history-step"|</ol>)',
        html,
        re.DOTALL,
    ):
        fields = re.findall(r'<div class="change" data-field="([^"]+)">', body)
        steps.append((action, fields, parse(body).text))
    return steps


def _changed(entry: dict) -> list[str]:
    """The fields the page should list for an API history row."""
    before, after = entry["before"], entry["after"] or {}
    if before is None:
        return list(after)
    return [k for k in dict.fromkeys([*after, *before]) if before.get(k) != after.get(k)]


async def test_the_rows_are_the_api_history_rows(client) -> None:
    """For items of each kind on the demo data, the page lists the API's rows in the same order,
    with the same action, the same changed fields, and the author as published."""
    await load_demo()
    items = [
        ("city", "grenoble"),
        ("challenge", "challenge-1"),
        ("evidence", "evidence-1"),
        ("measurement", "measurement-1"),
        ("status_update", "status-1"),
        ("signature", "signature-1"),
        ("adoption", "grenoble/lampedusa/LAM-PAR-01"),
        ("target", "grenoble/lampedusa/LAM-PAR-01-I1"),
        ("charter_document", "lampedusa/fr"),
    ]
    for entity, key in items:
        api = await client.get("/api/v1/history", params={"entity": entity, "key": key})
        assert api.status_code == 200, (entity, key)
        r = await client.get("/history", params={"entity": entity, "key": key, "lang": "en"})
        assert r.status_code == 200, (entity, key, r.text[:300])
        check_page(r, "en", "ltr")
        steps = _steps(r.text)
        assert [s[0] for s in steps] == [h["action"] for h in api.json()], (entity, key)
        for (_, fields, text), entry in zip(steps, api.json(), strict=True):
            assert fields == _changed(entry), (entity, key)
            if entry["by"] != "system":
                assert entry["by"] in text
        assert len(r.content) < 100_000, (entity, key)
    text = parse(
        (await client.get("/history", params={"entity": "challenge", "key": "challenge-1"})).text
    ).text
    assert "Collectif Accès aux Droits 38 (fictional)" in text


async def _verified_value(client) -> tuple[str, str]:
    """A value verified by the secretariat; its claim id and the secretariat's token."""
    editor = await builders.editor_with_adoption()
    secretariat = await builders.token("secretariat", email="sec@uclg.example")
    evidence = await client.post(
        EV,
        headers=bearer(editor),
        json={"title": "Rapport annuel 2023", "kind": "report", "url": "https://grenoble.example/ra.pdf"},
    )
    value = (
        await client.post(
            VALUES,
            headers=bearer(editor),
            json={"period": "2023", "value": 410, "evidence": [evidence.json()["id"]]},
        )
    ).json()
    r = await client.post(
        f"/api/v1/claims/{value['claim_id']}/verification",
        headers=bearer(secretariat, '"v1"'),
        json={"note_md": "Checked."},
    )
    assert r.status_code == 200, r.text
    return value["claim_id"], secretariat


async def test_the_public_sees_published_names_and_the_secretariat_its_accounts(client) -> None:
    """A verified value's history names the verifier "Network secretariat" to the public (never
    the e-mail address nor an account id), with the day and time of each change; the secretariat
    sees the account, as the API shows it."""
    claim, secretariat = await _verified_value(client)
    params = {"entity": "measurement", "key": claim}
    r = await client.get("/history", params={**params, "lang": "fr"})
    assert r.status_code == 200
    check_page(r, "fr", "ltr")
    assert "sec@uclg.example" not in r.text
    assert [s[0] for s in _steps(r.text)] == ["create", "verify"]
    verify = _steps(r.text)[1]
    assert "Vérifié ·" in verify[2] and "par Secrétariat du réseau" in verify[2]
    assert "verified_by" in verify[1]
    at = (await client.get("/api/v1/history", params=params)).json()[1]["at"]
    assert f'<time datetime="{at[:19]}' in r.text
    assert "Secrétariat du réseau" in verify[2].split("Vérifié par")[1]
    private = await client.get("/history", params={**params, "lang": "en"}, headers=bearer(secretariat))
    assert "sec@uclg.example" in private.text
    api = (await client.get("/api/v1/history", params=params, headers=bearer(secretariat))).json()
    assert [s[0] for s in _steps(private.text)] == [h["action"] for h in api]


async def test_unpublished_evidence_and_drafts_are_404_to_the_public(client) -> None:
    """Evidence only a draft cites, and the draft itself: 404 pages to anonymous visitors and
    reviewers, as the API answers them; the city's editor reads both histories."""
    editor = await builders.editor_with_adoption()
    reviewer = await builders.token("reviewer", email="watch@ngo.example", organisation="Watch")
    uploaded = await client.post(
        EV,
        headers=bearer(editor),
        files={"file": ("budget.pdf", PDF, "application/pdf")},
        data={"title": "Confidential draft budget", "kind": "budget", "issued_on": "2024-02-01"},
    )
    evidence = uploaded.json()["id"]
    draft = await client.post(
        VALUES,
        headers=bearer(editor),
        json={"period": "2023", "value": 7, "evidence": [evidence], "draft": True},
    )
    claim = draft.json()["claim_id"]
    items = [("evidence", f"evidence-{evidence}"), ("measurement", claim)]
    for entity, key in items:
        params = {"entity": entity, "key": key}
        for headers in ({}, bearer(reviewer)):
            r = await client.get("/history", params=params | {"lang": "ar"}, headers=headers)
            assert r.status_code == 404, (entity, key)
            check_page(r, "ar", "rtl")
            assert "Confidential" not in r.text
            api = await client.get("/api/v1/history", params=params, headers=headers)
            assert api.status_code == 404
        r = await client.get("/history", params=params, headers=bearer(editor))
        assert r.status_code == 200, (entity, key)


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("", "entity"),
        ("entity=city", "key"),
        ("entity=city&key=", "key"),
        ("entity=planet&key=earth", "entity"),
        ("entity=%3Cscript%3E&key=x", "entity"),
        ("entity=city&key=" + "a" * 513, "key"),
        ("entity=city&key=gre%00noble", "key"),
        ("entity=city&key=grenoble&colour=red", "colour"),
    ],
)
async def test_a_parameter_the_page_cannot_read_is_a_400_page_naming_it(
    client, query: str, name: str
) -> None:
    """No kind of item, an unknown one, no key, a key too long or with a control character, an
    unknown parameter: a 400 page whose summary names the parameter, with the form to ask again."""
    r = await client.get(f"/history?{query}&lang=en")
    assert r.status_code == 400, r.text[:300]
    page = check_page(r, "en", "ltr")
    summary = re.search(r'<div class="error-summary".*?</div>', r.text, re.DOTALL)
    assert summary is not None and f"“{name}”" in summary[0]
    assert "<script>" not in r.text
    assert any(n == "select" and a.get("name") == "entity" for n, a in page.tags)


async def test_an_unknown_item_is_a_404_page(client) -> None:
    """An item with no history, or a claim id that names none: the 404 page, never a 500."""
    await builders.charter()
    for entity, key in (
        ("city", "atlantis"),
        ("measurement", "measurement-x"),
        ("evidence", "evidence-0"),
        ("status_update", "status-99"),
    ):
        r = await client.get("/history", params={"entity": entity, "key": key, "lang": "fr"})
        assert r.status_code == 404, (entity, key)
        check_page(r, "fr", "ltr")


async def test_what_people_wrote_is_shown_as_text(client) -> None:
    """A challenge's reason and a reviewer's organisation holding scripts: shown as text, in French
    and in Arabic."""
    editor = await builders.editor_with_adoption()
    reviewer = await builders.token(
        "reviewer", email="watch@ngo.example", organisation="<script>alert('org')</script> NGO"
    )
    value = (await client.post(VALUES, headers=bearer(editor), json={"period": "2023", "value": 410})).json()
    challenge = await client.post(
        f"/api/v1/claims/{value['claim_id']}/challenges",
        headers=bearer(reviewer),
        json={"reason_md": "<script>alert('reason')</script> <img src=x onerror=alert(1)> Doubtful."},
    )
    assert challenge.status_code == 201, challenge.text
    key = f"challenge-{challenge.json()['id']}"
    for lang, direction in (("fr", "ltr"), ("ar", "rtl")):
        r = await client.get("/history", params={"entity": "challenge", "key": key, "lang": lang})
        assert r.status_code == 200
        page = check_page(r, lang, direction)
        assert "<script>alert" not in r.text and "<img" not in r.text
        assert [n for n, a in page.tags if n in ("script", "img")] == []
        assert "&lt;script&gt;alert(&#39;org&#39;)&lt;/script&gt; NGO" in r.text
        assert "&lt;script&gt;alert(&#39;reason&#39;)&lt;/script&gt;" in r.text


async def test_a_challenge_history_leads_to_the_claim_history(client) -> None:
    """The claim a challenge questions links to that claim's history, which answers 200."""
    await load_demo()
    r = await client.get("/history", params={"entity": "challenge", "key": "challenge-1", "lang": "en"})
    links = [
        a["href"] for n, a in parse(r.text).tags if n == "a" and (a.get("href") or "").startswith("/history?")
    ]
    assert links == ["/history?entity=measurement&key=measurement-45"]
    for link in links:
        assert (await client.get(link)).status_code == 200
