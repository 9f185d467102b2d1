"""Evidence is public only once something published cites it (a claim that is not a draft, a
challenge, a reply); the file of evidence the secretariat rejected is withheld from the public unless
the secretariat releases it, while its description stays visible, marked rejected."""

import csv
import io
import zipfile

from indicators.tables import Challenge
from tests import builders
from tests.builders import bearer

CITY = "/api/v1/cities/grenoble"
EV = f"{CITY}/evidence"
VALUES = f"{CITY}/indicators/lampedusa/LAM-DIG-01-I1/measurements"
DETAIL = f"{CITY}/commitments/lampedusa/LAM-DIG-01"
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


async def _people() -> dict[str, str]:
    editor = await builders.editor_with_adoption()
    await builders.city("sousse", locale="fr-TN", country="TN")
    return {
        "editor": editor,
        "reviewer": await builders.token("reviewer", email="watch@ngo.example", organisation="Watch"),
        "other": await builders.token("city_editor", "sousse", email="ed@sousse.tn"),
        "secretariat": await builders.token("secretariat", email="sec@uclg.example"),
    }


def _pdf(title: str) -> bytes:
    """A PDF of its own for each title: the same bytes are filed once."""
    return PDF + f"% {title}\n".encode()


async def _upload(client, token: str, title: str = "Confidential draft budget") -> dict:
    r = await client.post(
        EV,
        headers=bearer(token),
        files={"file": ("budget.pdf", _pdf(title), "application/pdf")},
        data={"title": title, "kind": "budget", "issued_on": "2024-02-01"},
    )
    assert r.status_code == 201, r.text
    return r.json()


async def _package_evidence(client) -> list[str]:
    archive = zipfile.ZipFile(io.BytesIO((await client.get("/api/v1/export/datapackage.zip")).content))
    name = next(n for n in archive.namelist() if n.endswith("data/evidence.csv"))
    return [row["title"] for row in csv.DictReader(io.StringIO(archive.read(name).decode()))]


async def _seen_by(client, token: str | None, evidence_id: int) -> tuple[int, int, int, list[int]]:
    """Statuses of the evidence, its file and its history, and the ids the city's list shows."""
    headers = bearer(token) if token else {}
    one = await client.get(f"/api/v1/evidence/{evidence_id}", headers=headers)
    file = await client.get(f"/api/v1/evidence/{evidence_id}/file", headers=headers)
    history = await client.get(f"/api/v1/history?entity=evidence&key=evidence-{evidence_id}", headers=headers)
    listed = [e["id"] for e in (await client.get(EV, headers=headers)).json()]
    return one.status_code, file.status_code, history.status_code, listed


async def test_evidence_cited_only_by_a_draft_is_private_until_the_claim_is_published(client) -> None:
    """Anonymous, a reviewer and another city's editor get 404 everywhere; the city's editors and
    the secretariat see it marked unpublished; publishing the claim publishes the evidence."""
    people = await _people()
    evidence = await _upload(client, people["editor"])
    assert evidence["published"] is False and evidence["file_url"]
    draft = (
        await client.post(
            VALUES,
            headers=bearer(people["editor"]),
            json={"period": "2023", "value": 410, "evidence": [evidence["id"]], "draft": True},
        )
    ).json()
    for token in (None, people["reviewer"], people["other"]):
        assert await _seen_by(client, token, evidence["id"]) == (404, 404, 404, [])
    for token in (people["editor"], people["secretariat"]):
        assert await _seen_by(client, token, evidence["id"]) == (200, 200, 200, [evidence["id"]])
        seen = (await client.get(f"/api/v1/evidence/{evidence['id']}", headers=bearer(token))).json()
        assert seen["published"] is False
    assert (await client.get(DETAIL)).json()["evidence"] == []
    editors_view = (await client.get(DETAIL, headers=bearer(people["editor"]))).json()["evidence"]
    assert [(e["id"], e["published"]) for e in editors_view] == [(evidence["id"], False)]
    assert await _package_evidence(client) == []

    r = await client.post(
        f"/api/v1/claims/{draft['claim_id']}/publish", headers=bearer(people["editor"], '"v1"')
    )
    assert r.status_code == 200, r.text
    assert await _seen_by(client, None, evidence["id"]) == (200, 200, 200, [evidence["id"]])
    public = (await client.get(f"/api/v1/evidence/{evidence['id']}")).json()
    assert public["published"] is True and public["file_withheld"] is False
    assert [e["id"] for e in (await client.get(DETAIL)).json()["evidence"]] == [evidence["id"]]
    assert await _package_evidence(client) == ["Confidential draft budget"]


async def test_rejected_evidence_stays_described_but_its_file_is_withheld(client) -> None:
    """Rejected and cited: the public reads its description marked rejected, without a file link,
    and gets 403 on the file; the city and the secretariat still download it; the secretariat may
    release it."""
    people = await _people()
    evidence = await _upload(client, people["editor"], "Registre des domiciliations")
    await client.post(
        VALUES,
        headers=bearer(people["editor"]),
        json={"period": "2023", "value": 410, "evidence": [evidence["id"]]},
    )
    r = await client.post(
        f"/api/v1/evidence/{evidence['id']}/review",
        headers=bearer(people["secretariat"], '"v1"'),
        json={"review": "rejected", "note_md": "Names of residents are visible."},
    )
    assert r.status_code == 200, r.text
    public = (await client.get(f"/api/v1/evidence/{evidence['id']}")).json()
    assert (public["review"], public["file_withheld"], public["file_url"]) == ("rejected", True, None)
    assert public["title"] == "Registre des domiciliations" and public["sha256"] == evidence["sha256"]
    cited = (await client.get(DETAIL)).json()["evidence"]
    assert [(e["review"], e["file_url"]) for e in cited] == [("rejected", None)]
    refused = await client.get(f"/api/v1/evidence/{evidence['id']}/file")
    assert refused.status_code == 403 and "withholds" in refused.json()["detail"]
    for token in (people["reviewer"], people["other"]):
        assert (
            await client.get(f"/api/v1/evidence/{evidence['id']}/file", headers=bearer(token))
        ).status_code == 403
    for token in (people["editor"], people["secretariat"]):
        own = await client.get(f"/api/v1/evidence/{evidence['id']}", headers=bearer(token))
        assert own.json()["file_url"] == f"/api/v1/evidence/{evidence['id']}/file"
        file = await client.get(f"/api/v1/evidence/{evidence['id']}/file", headers=bearer(token))
        assert file.status_code == 200 and file.content == _pdf("Registre des domiciliations")
    assert await _package_evidence(client) == ["Registre des domiciliations"]

    r = await client.post(
        f"/api/v1/evidence/{evidence['id']}/review",
        headers=bearer(people["secretariat"], '"v2"'),
        json={"review": "rejected", "note_md": "Off topic, not confidential.", "release_file": True},
    )
    assert r.status_code == 200, r.text
    released = await client.get(f"/api/v1/evidence/{evidence['id']}/file")
    assert released.status_code == 200 and released.content == _pdf("Registre des domiciliations")
    assert (await client.get(f"/api/v1/evidence/{evidence['id']}")).json()["file_withheld"] is False
    history = (await client.get(f"/api/v1/history?entity=evidence&key=evidence-{evidence['id']}")).json()
    assert [h["after"].get("file_released") for h in history] == [None, False, True]


async def test_a_reviewer_cannot_publish_private_evidence_by_citing_it(client) -> None:
    """A challenge may cite public evidence and the reviewer's own counter-evidence, not the city's
    unpublished files (422, nothing written); counter-evidence is the filer's until cited."""
    people = await _people()
    private = await _upload(client, people["editor"])
    public = await _upload(client, people["editor"], "Rapport annuel")
    value = (
        await client.post(
            VALUES,
            headers=bearer(people["editor"]),
            json={"period": "2023", "value": 410, "evidence": [public["id"]]},
        )
    ).json()
    counter = (
        await client.post(
            EV,
            headers=bearer(people["reviewer"]),
            json={"title": "Enquête associative", "kind": "report", "url": "https://ngo.example/enquete"},
        )
    ).json()
    assert (
        await client.get(f"/api/v1/evidence/{counter['id']}", headers=bearer(people["reviewer"]))
    ).status_code == 200
    assert (await client.get(f"/api/v1/evidence/{counter['id']}")).status_code == 404
    challenges = f"/api/v1/claims/{value['claim_id']}/challenges"
    r = await client.post(
        challenges,
        headers=bearer(people["reviewer"]),
        json={"reason_md": "See the budget.", "evidence": [private["id"]]},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "evidence"
    assert str(private["id"]) in r.json()["errors"][0]["message"]
    assert await Challenge.count() == 0
    assert (await client.get(f"/api/v1/evidence/{private['id']}")).status_code == 404

    r = await client.post(
        challenges,
        headers=bearer(people["reviewer"]),
        json={"reason_md": "Our survey says 210.", "evidence": [public["id"], counter["id"]]},
    )
    assert r.status_code == 201, r.text
    assert (await client.get(f"/api/v1/evidence/{counter['id']}")).json()["published"] is True

    # The city answers with its private budget: the city chose to publish it.
    r = await client.post(
        f"/api/v1/challenges/{r.json()['id']}/replies",
        headers=bearer(people["editor"]),
        json={"body_md": "See our budget.", "evidence": [private["id"]]},
    )
    assert r.status_code == 201, r.text
    assert (await client.get(f"/api/v1/evidence/{private['id']}")).json()["published"] is True
    assert sorted(e["id"] for e in (await client.get(EV)).json()) == sorted(
        [private["id"], public["id"], counter["id"]]
    )


async def test_malformed_evidence_history_keys_are_not_found(client) -> None:
    """`evidence-x`, `evidence-0` and an id beyond the range are 404, never a 500."""
    await _people()
    for key in ("evidence-x", "evidence-0", "evidence-99999999999999999999", "12"):
        r = await client.get(f"/api/v1/history?entity=evidence&key={key}")
        assert r.status_code == 404, (key, r.text)
