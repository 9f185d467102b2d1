"""Trust: claim ids, drafts and publication, corrections, verification, evidence review,
challenges with replies and rulings, histories, and optimistic concurrency (412/428)."""

import asyncio
from datetime import timedelta

from indicators.tables import Challenge
from tests import builders
from tests.builders import bearer

CITY = "/api/v1/cities/grenoble"
VALUES = f"{CITY}/indicators/lampedusa/LAM-DIG-01-I1/measurements"
UPDATES = f"{CITY}/commitments/lampedusa/LAM-DIG-01/updates"
DETAIL = f"{CITY}/commitments/lampedusa/LAM-DIG-01"


async def _setup(client) -> dict[str, str | int]:
    """Grenoble's editor with one piece of evidence; a reviewer, Sousse's editor, the secretariat."""
    editor = await builders.editor_with_adoption()
    await builders.city("sousse", locale="fr-TN", country="TN")
    r = await client.post(
        f"{CITY}/evidence",
        headers=bearer(editor),
        json={
            "title": "Rapport annuel 2023",
            "kind": "report",
            "url": "https://grenoble.example/ra-2023.pdf",
            "issued_on": "2024-03-01",
        },
    )
    assert r.status_code == 201, r.text
    return {
        "editor": editor,
        "evidence": r.json()["id"],
        "reviewer": await builders.token(
            "reviewer", email="watch@ngo.example", organisation="Collectif Accès aux Droits 38"
        ),
        "anonymous_reviewer": await builders.token("reviewer", email="solo@ngo.example"),
        "other": await builders.token("city_editor", "sousse", email="ed@sousse.tn"),
        "secretariat": await builders.token("secretariat", email="sec@uclg.example"),
    }


async def _value(client, token: str, period: str = "2023", value: object = 410, **extra) -> dict:
    r = await client.post(VALUES, headers=bearer(token), json={"period": period, "value": value, **extra})
    assert r.status_code == 201, r.text
    return r.json()


async def test_every_claim_has_a_stable_claim_id(client) -> None:
    """Signatures, status updates and measurements carry `claim_id`; GET /claims/{id} reads it back."""
    s = await _setup(client)
    value = await _value(client, s["editor"])
    update = (
        await client.post(
            UPDATES, headers=bearer(s["editor"]), json={"status": "in_progress", "reported_on": "2024-01-31"}
        )
    ).json()
    signature = (await client.get(f"{CITY}/signatures")).json()[0]
    for claim, kind in ((value, "measurement"), (update, "status_update"), (signature, "signature")):
        r = await client.get(f"/api/v1/claims/{claim['claim_id']}")
        assert r.status_code == 200, r.text
        assert r.json()["kind"] == kind and r.json()["assurance"] == "self_reported"
        assert r.headers["etag"] == '"v1"'
    assert value["claim_id"] == f"measurement-{value['id']}"
    assert (await client.get("/api/v1/claims/measurement-999999")).status_code == 404
    assert (await client.get("/api/v1/claims/nonsense")).status_code == 404


async def test_a_draft_is_private_until_published(client) -> None:
    """Public and reviewers get 404 on a draft; its editor sees it marked; it counts once published."""
    s = await _setup(client)
    draft = await _value(client, s["editor"], draft=True)
    cid = draft["claim_id"]
    assert draft["draft"] is True and draft["published_at"] is None
    assert (await client.get(VALUES)).json() == []
    assert [m["draft"] for m in (await client.get(VALUES, headers=bearer(s["editor"]))).json()] == [True]
    assert (await client.get(f"/api/v1/claims/{cid}")).status_code == 404
    assert (await client.get(f"/api/v1/claims/{cid}", headers=bearer(s["reviewer"]))).status_code == 404
    r = await client.post(
        f"/api/v1/claims/{cid}/challenges", headers=bearer(s["reviewer"]), json={"reason_md": "Not true"}
    )
    assert r.status_code == 404
    editor_view = (await client.get(DETAIL, headers=bearer(s["editor"]))).json()
    assert editor_view["indicators"][0]["latest"] is None  # drafts are shown, never counted
    r = await client.post(f"/api/v1/claims/{cid}/publish", headers=bearer(s["editor"]))
    assert r.status_code == 428
    r = await client.post(f"/api/v1/claims/{cid}/publish", headers=bearer(s["editor"], '"v7"'))
    assert r.status_code == 412
    assert (await client.get(VALUES)).json() == []
    r = await client.post(f"/api/v1/claims/{cid}/publish", headers=bearer(s["editor"], '"v1"'))
    assert r.status_code == 200, r.text
    assert r.json()["draft"] is False and r.headers["etag"] == '"v2"'
    assert [m["claim_id"] for m in (await client.get(VALUES)).json()] == [cid]
    assert (await client.get(DETAIL)).json()["indicators"][0]["latest"] == 410.0


async def test_a_draft_is_edited_a_published_claim_is_not(client) -> None:
    """PATCH changes a draft (with If-Match); on a published claim it is 409 and points to supersedes."""
    s = await _setup(client)
    draft = await _value(client, s["editor"], draft=True)
    url = f"/api/v1/claims/{draft['claim_id']}"
    r = await client.patch(url, headers=bearer(s["editor"], '"v1"'), json={"value": "420"})
    assert r.status_code == 200, r.text
    assert r.json()["value"] == 420.0 and r.json()["value_text"] == "420"
    r = await client.patch(url, headers=bearer(s["editor"], '"v1"'), json={"value": 430})
    assert r.status_code == 412
    r = await client.patch(url, headers=bearer(s["editor"], '"v2"'), json={"status": "achieved"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "status"
    published = await _value(client, s["editor"], period="2022", value=300)
    r = await client.patch(
        f"/api/v1/claims/{published['claim_id']}", headers=bearer(s["editor"], '"v1"'), json={"value": 301}
    )
    assert r.status_code == 409
    assert "supersedes" in r.json()["detail"] and r.json()["errors"][0]["field"] == "supersedes"
    assert (await client.get(f"/api/v1/claims/{published['claim_id']}")).json()["value"] == 300.0


async def test_a_correction_supersedes_and_only_the_newest_counts(client) -> None:
    """A second value for a period is 409 unless it names the first; both stay visible."""
    s = await _setup(client)
    first = await _value(client, s["editor"], value=410)
    r = await client.post(VALUES, headers=bearer(s["editor"]), json={"period": "2023", "value": 395})
    assert r.status_code == 409 and first["claim_id"] in r.json()["detail"]
    second = await _value(client, s["editor"], value=395, supersedes=first["claim_id"])
    assert second["supersedes"] == first["claim_id"]
    listed = (await client.get(VALUES)).json()
    assert [(m["value"], m["superseded_by"]) for m in listed] == [(410.0, second["claim_id"]), (395.0, None)]
    assert (await client.get(DETAIL)).json()["indicators"][0]["latest"] == 395.0
    r = await client.post(
        VALUES,
        headers=bearer(s["editor"]),
        json={"period": "2023", "value": 1, "supersedes": first["claim_id"]},
    )
    assert r.status_code == 409  # already corrected
    r = await client.post(
        VALUES, headers=bearer(s["editor"]), json={"period": "2023", "value": 1, "supersedes": "status-1"}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "supersedes"


async def test_verification_and_rejected_evidence(client) -> None:
    """Verified by the secretariat; rejecting its evidence makes it self-reported again, saying why."""
    s = await _setup(client)
    value = await _value(client, s["editor"], evidence=[s["evidence"]])
    bare = await _value(client, s["editor"], period="2022", value=300)
    url = f"/api/v1/claims/{value['claim_id']}"
    assert (
        await client.post(f"{url}/verification", headers=bearer(s["editor"], "*"), json={})
    ).status_code == 403
    assert (
        await client.post(f"{url}/verification", headers=bearer(s["secretariat"]), json={})
    ).status_code == 428
    r = await client.post(
        f"/api/v1/claims/{bare['claim_id']}/verification", headers=bearer(s["secretariat"], '"v1"'), json={}
    )
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "evidence"
    r = await client.post(
        f"{url}/verification",
        headers=bearer(s["secretariat"], '"v1"'),
        json={"note_md": "Checked against the **annual report**."},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["assurance"] == "verified" and body["verification"]["by"] == "secretariat"
    assert "<strong>annual report</strong>" in body["verification"]["note_html"]
    ev = await client.get(f"/api/v1/evidence/{s['evidence']}")
    assert (
        await client.post(
            f"/api/v1/evidence/{s['evidence']}/review",
            headers=bearer(s["editor"], "*"),
            json={"review": "rejected"},
        )
    ).status_code == 403
    r = await client.post(
        f"/api/v1/evidence/{s['evidence']}/review",
        headers=bearer(s["secretariat"], ev.headers["etag"]),
        json={"review": "rejected", "note_md": "A draft, not the adopted report."},
    )
    assert r.status_code == 200, r.text
    assert r.json()["review"] == "rejected" and r.json()["reviewed_by"] == "secretariat"
    assert (await client.get(url)).json()["assurance"] == "self_reported"
    history = (await client.get(f"/api/v1/history?entity=measurement&key={value['claim_id']}")).json()
    assert [h["action"] for h in history] == ["create", "verify", "unverify"]
    assert "rejected" in history[-1]["after"]["reason"] and "draft" in history[-1]["after"]["reason"]
    r = await client.post(
        VALUES, headers=bearer(s["editor"]), json={"period": "2021", "value": 1, "evidence": [s["evidence"]]}
    )
    assert r.status_code == 201  # rejected evidence may still be cited; it proves nothing


async def test_the_whole_challenge_loop(client) -> None:
    """Challenge → contested → reply → answered → ruling upheld → correction → no longer contested."""
    s = await _setup(client)
    value = await _value(client, s["editor"], evidence=[s["evidence"]])
    cid = value["claim_id"]
    r = await client.post(
        f"{CITY}/evidence",
        headers=bearer(s["reviewer"]),
        json={"title": "Enquête associative", "kind": "report", "url": "https://ngo.example/enquete.pdf"},
    )
    assert r.status_code == 201 and r.json()["origin"] == "reviewer"
    counter = r.json()["id"]
    r = await client.post(
        UPDATES,
        headers=bearer(s["editor"]),
        json={"status": "in_progress", "reported_on": "2024-01-31", "evidence": [counter]},
    )
    assert r.status_code == 422  # a city cannot cite the reviewer's counter-evidence as its own
    r = await client.post(
        f"/api/v1/claims/{cid}/challenges",
        headers=bearer(s["reviewer"]),
        json={
            "reason_md": "Our survey counts 210, not 410. <script>alert(1)</script>",
            "evidence": [counter],
        },
    )
    assert r.status_code == 201, r.text
    challenge = r.json()
    assert challenge["status"] == "open" and challenge["by"] == "Collectif Accès aux Droits 38"
    assert "<script>" not in challenge["reason_html"] and challenge["evidence"] == [counter]
    assert challenge["overdue"] is False
    claim = (await client.get(f"/api/v1/claims/{cid}")).json()
    assert claim["assurance"] == "contested" and claim["challenges"] == [challenge["id"]]
    detail = (await client.get(DETAIL)).json()
    assert {
        "code": "contested",
        "message": "Contested",
        "claim_id": cid,
        "indicator": "LAM-DIG-01-I1",
    } in detail["flags"]
    fr = (await client.get(DETAIL + "?lang=fr")).json()
    assert "Contesté" in [f["message"] for f in fr["flags"]]

    url = f"/api/v1/challenges/{challenge['id']}"
    body = {"body_md": "The 410 include the *second* office.", "evidence": [s["evidence"]]}
    assert (await client.post(f"{url}/replies", headers=bearer(s["other"]), json=body)).status_code == 403
    back = {"body_md": "The second office opened in *2024*.", "evidence": [counter]}
    r = await client.post(f"{url}/replies", headers=bearer(s["reviewer"]), json=back)
    assert r.status_code == 409 and "has not answered" in r.json()["detail"]  # the city speaks first
    r = await client.post(f"{url}/replies", headers=bearer(s["editor"]), json=body)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "answered" and r.json()["replies"][0]["evidence"] == [s["evidence"]]
    assert r.json()["replies"][0]["side"] == "city"
    for other in ("anonymous_reviewer", "secretariat"):  # neither the challenger nor the city
        assert (await client.post(f"{url}/replies", headers=bearer(s[other]), json=back)).status_code == 403
    r = await client.post(f"{url}/replies", headers=bearer(s["reviewer"]), json=back)
    assert r.status_code == 201, r.text
    answer_back = r.json()["replies"][1]
    assert answer_back["side"] == "challenger" and answer_back["by"] == "Collectif Accès aux Droits 38"
    assert answer_back["evidence"] == [counter] and r.json()["status"] == "answered"
    r = await client.post(f"{url}/replies", headers=bearer(s["editor"]), json={"body_md": "Second round."})
    assert len(r.json()["replies"]) == 3
    listed = (await client.get("/api/v1/challenges?city=grenoble&status=answered")).json()
    assert [c["id"] for c in listed["items"]] == [challenge["id"]] and listed["total"] == 1
    assert (await client.get("/api/v1/challenges?city=sousse")).json()["total"] == 0
    assert (await client.get("/api/v1/challenges?status=bogus")).status_code == 422

    ruling = {"outcome": "upheld", "note_md": "The second office opened in 2024."}
    for token, expected in ((bearer(s["editor"], "*"), 403), (bearer(s["secretariat"]), 428)):
        assert (await client.post(f"{url}/ruling", headers=token, json=ruling)).status_code == expected
    etag = (await client.get(url)).headers["etag"]
    assert (
        await client.post(f"{url}/ruling", headers=bearer(s["secretariat"], '"v1"'), json=ruling)
    ).status_code == 412
    r = await client.post(f"{url}/ruling", headers=bearer(s["secretariat"], etag), json=ruling)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "ruled" and r.json()["ruling"]["outcome"] == "upheld"
    assert (await client.post(f"{url}/replies", headers=bearer(s["editor"]), json=body)).status_code == 409
    assert (await client.get(f"/api/v1/claims/{cid}")).json()["assurance"] == "contested"
    correction = await _value(client, s["editor"], value=210, supersedes=cid)
    assert (await client.get(f"/api/v1/claims/{cid}")).json()["assurance"] == "self_reported"
    assert correction["assurance"] == "self_reported"
    assert "contested" not in [f["code"] for f in (await client.get(DETAIL)).json()["flags"]]

    history = (await client.get(f"/api/v1/history?entity=challenge&key=challenge-{challenge['id']}")).json()
    assert [h["action"] for h in history] == ["create", "reply", "reply", "reply", "rule"]
    assert history[0]["by"] == history[2]["by"] == "Collectif Accès aux Droits 38"
    assert "watch@ngo.example" not in str(history)
    private = (
        await client.get(
            f"/api/v1/history?entity=challenge&key=challenge-{challenge['id']}",
            headers=bearer(s["secretariat"]),
        )
    ).json()
    assert private[0]["by"] == "watch@ngo.example"


async def test_a_dismissed_challenge_leaves_the_claim_as_it_was(client) -> None:
    """Dismissed: the claim is no longer contested."""
    s = await _setup(client)
    cid = (await _value(client, s["editor"]))["claim_id"]
    challenge = (
        await client.post(
            f"/api/v1/claims/{cid}/challenges",
            headers=bearer(s["anonymous_reviewer"]),
            json={"reason_md": "Doubtful."},
        )
    ).json()
    assert challenge["by"] == "reviewer"  # no organisation, no display name: never the e-mail
    r = await client.post(
        f"/api/v1/challenges/{challenge['id']}/ruling",
        headers=bearer(s["secretariat"], '"v1"'),
        json={"outcome": "dismissed"},
    )
    assert r.status_code == 200, r.text
    assert (await client.get(f"/api/v1/claims/{cid}")).json()["assurance"] == "self_reported"


async def test_challenges_are_rate_limited(client) -> None:
    """100 challenges in a minute from one reviewer: the first 10 open, the rest get 429."""
    s = await _setup(client)
    cid = (await _value(client, s["editor"]))["claim_id"]
    codes = [
        (
            await client.post(
                f"/api/v1/claims/{cid}/challenges",
                headers=bearer(s["reviewer"]),
                json={"reason_md": f"Doubt {n}"},
            )
        ).status_code
        for n in range(100)
    ]
    assert codes[:10] == [201] * 10 and set(codes[10:]) == {429}
    r = await client.post(
        f"/api/v1/claims/{cid}/challenges", headers=bearer(s["reviewer"]), json={"reason_md": "One more"}
    )
    assert r.headers["retry-after"] == "60" and r.json()["status"] == 429
    assert await Challenge.count() == 10


async def test_who_may_open_a_challenge(client) -> None:
    """City editors and the secretariat do not open challenges (403); unknown claims are 404."""
    s = await _setup(client)
    cid = (await _value(client, s["editor"]))["claim_id"]
    for who in ("editor", "other", "secretariat"):
        r = await client.post(
            f"/api/v1/claims/{cid}/challenges", headers=bearer(s[who]), json={"reason_md": "x"}
        )
        assert r.status_code == 403
    for missing in ("measurement-987654", "status-1x", "../etc"):
        r = await client.post(
            f"/api/v1/claims/{missing}/challenges", headers=bearer(s["reviewer"]), json={"reason_md": "x"}
        )
        assert r.status_code == 404
    r = await client.post(
        f"/api/v1/claims/{cid}/challenges", headers=bearer(s["reviewer"]), json={"reason_md": " "}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason_md"
    assert await Challenge.count() == 0


async def test_history_of_published_items_only(client) -> None:
    """The public reads a published claim's history, oldest first; a draft's is 404 to them."""
    s = await _setup(client)
    draft = await _value(client, s["editor"], draft=True)
    key = draft["claim_id"]
    assert draft["history"] == f"/api/v1/history?entity=measurement&key={key}"
    assert (await client.get(draft["history"])).status_code == 404
    assert len((await client.get(draft["history"], headers=bearer(s["editor"]))).json()) == 1
    await client.post(f"/api/v1/claims/{key}/publish", headers=bearer(s["editor"], '"v1"'))
    history = (await client.get(draft["history"])).json()
    assert [h["action"] for h in history] == ["create", "publish"]
    assert history[0]["after"]["value_text"] == "410" and history[0]["by"] == "Grenoble"
    assert (await client.get("/api/v1/history?entity=password&key=x")).status_code == 400
    assert (await client.get("/api/v1/history?entity=city&key=nowhere")).status_code == 404


async def test_stale_and_missing_if_match_on_an_adoption(client) -> None:
    """PATCH without If-Match: 428; with an old ETag: 412, and nothing changes."""
    s = await _setup(client)
    url = f"{CITY}/commitments/lampedusa/LAM-DIG-01"
    etag = (await client.get(url)).headers["etag"]
    r = await client.patch(url, headers=bearer(s["editor"]), json={"owner": "Solidarités"})
    assert r.status_code == 428 and r.json()["errors"][0]["field"] == "If-Match"
    r = await client.patch(url, headers=bearer(s["editor"], etag), json={"owner": "Solidarités"})
    assert r.status_code == 200 and r.json()["owner"] == "Solidarités"
    r = await client.patch(url, headers=bearer(s["editor"], etag), json={"owner": "Autre"})
    assert r.status_code == 412
    assert (await client.get(url)).json()["owner"] == "Solidarités"
    r = await client.patch(url, headers=bearer(s["editor"], "v2"), json={"owner": "Autre"})
    assert r.status_code == 400  # not an ETag this service writes


async def test_two_editors_update_the_same_commitment_at_once(client) -> None:
    """Both send the ETag they read; exactly one wins, the other gets 412."""
    s = await _setup(client)
    second = await builders.token("city_editor", "grenoble", email="ed2@grenoble.fr")
    url = f"{CITY}/commitments/lampedusa/LAM-DIG-01"
    etag = (await client.get(url)).headers["etag"]
    results = await asyncio.gather(
        *(
            client.patch(url, headers=bearer(token, etag), json={"owner": owner})
            for token, owner in ((s["editor"], "A"), (second, "B"))
        )
    )
    assert sorted(r.status_code for r in results) == [200, 412]
    winner = next(r for r in results if r.status_code == 200).json()["owner"]
    assert (await client.get(url)).json()["owner"] == winner


async def test_a_target_is_replaced_with_its_etag(client) -> None:
    """The first PUT creates; replacing needs If-Match (428 without, 412 stale)."""
    s = await _setup(client)
    url = f"{CITY}/indicators/lampedusa/LAM-DIG-01-I1/target"
    r = await client.put(url, headers=bearer(s["editor"]), json={"target": 600})
    assert r.status_code == 200 and r.headers["etag"] == '"v1"'
    assert (await client.put(url, headers=bearer(s["editor"]), json={"target": 650})).status_code == 428
    r = await client.put(url, headers=bearer(s["editor"], '"v9"'), json={"target": 650})
    assert r.status_code == 412
    r = await client.put(url, headers=bearer(s["editor"], '"v1"'), json={"target": 650})
    assert r.status_code == 200 and r.json()["target"] == 650.0 and r.headers["etag"] == '"v2"'


async def test_evidence_dated_after_the_claim_is_flagged(client) -> None:
    """A status of January 2024 citing a report of March 2024 raises evidence_after_claim on it."""
    s = await _setup(client)
    r = await client.post(
        UPDATES,
        headers=bearer(s["editor"]),
        json={"status": "in_progress", "reported_on": "2024-01-31", "evidence": [s["evidence"]]},
    )
    late = r.json()["claim_id"]
    r = await client.post(
        UPDATES,
        headers=bearer(s["editor"]),
        json={"status": "in_progress", "reported_on": "2024-06-30", "evidence": [s["evidence"]]},
    )
    flags = [(f["code"], f["claim_id"]) for f in (await client.get(DETAIL)).json()["flags"]]
    assert ("evidence_after_claim", late) in flags
    assert ("evidence_after_claim", r.json()["claim_id"]) not in flags


async def test_an_unanswered_challenge_is_overdue_after_30_days(client) -> None:
    """Opened 31 days ago with no reply: overdue, and listed by ?overdue=true; a reply ends it."""
    s = await _setup(client)
    cid = (await _value(client, s["editor"]))["claim_id"]
    challenge = (
        await client.post(
            f"/api/v1/claims/{cid}/challenges",
            headers=bearer(s["reviewer"]),
            json={"reason_md": "No answer yet."},
        )
    ).json()
    assert (await client.get("/api/v1/challenges?overdue=true")).json()["total"] == 0
    opened = await Challenge.select(Challenge.opened_at).where(Challenge.id == challenge["id"]).first()
    await Challenge.update({Challenge.opened_at: opened["opened_at"] - timedelta(days=31)}).where(
        Challenge.id == challenge["id"]
    )
    listed = (await client.get("/api/v1/challenges?overdue=true")).json()
    assert [c["id"] for c in listed["items"]] == [challenge["id"]] and listed["items"][0]["overdue"]
    assert (await client.get("/api/v1/challenges?overdue=false")).json()["total"] == 0
    r = await client.post(
        f"/api/v1/challenges/{challenge['id']}/replies",
        headers=bearer(s["editor"]),
        json={"body_md": "Here it is. <script>alert(1)</script><img src=x onerror=y>"},
    )
    assert r.status_code == 201
    assert "<script>" not in r.json()["replies"][0]["body_html"]
    assert "<img" not in r.json()["replies"][0]["body_html"]
    assert r.json()["overdue"] is False
    assert (await client.get("/api/v1/challenges?overdue=false")).json()["total"] == 1
