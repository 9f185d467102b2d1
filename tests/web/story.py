"""A commitment with a whole story, written through the API by the people who write it: the
city's evidence (a link and a file), a target, values and a correction, a status with its
narrative, the secretariat's verification, a reviewer's challenge, the city's reply, the ruling;
and drafts the public must never see. Texts carry scripts where people type them."""

from __future__ import annotations

from dataclasses import dataclass

from tests import builders
from tests.builders import bearer

CITY = "/api/v1/cities/grenoble"
PAGE = "/cities/grenoble/commitments/lampedusa/LAM-DIG-01"
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
SCRIPT = "<script>alert('{}')</script>"
FILE_NAME = "<img src=x onerror=alert(1)> consultations.pdf"


@dataclass
class Story:
    editor: str
    reviewer: str
    secretariat: str
    link: int
    file: int
    first_value: str
    wrong_value: str
    correction: str
    status: str
    challenge: int
    draft_status: str
    draft_value: str


async def _json(response, status: int = 201) -> dict:
    assert response.status_code == status, response.text
    return response.json()


async def write_story(client) -> Story:
    editor = await builders.editor_with_adoption()
    reviewer = await builders.token("reviewer", email="watch@ngo.example", organisation="Watch")
    secretariat = await builders.token("secretariat", email="sec@uclg.example")
    ed = bearer(editor)
    link = await _json(
        await client.post(
            f"{CITY}/evidence",
            headers=ed,
            json={
                "title": SCRIPT.format("evidence") + " Annual report",
                "kind": "report",
                "url": "https://example.org/report.pdf",
                "issued_on": "2024-01-10",
                "description_md": "The city's own report. " + SCRIPT.format("description"),
            },
        )
    )
    file = await _json(
        await client.post(
            f"{CITY}/evidence",
            headers=ed,
            files={"file": (FILE_NAME, PDF, "application/pdf")},
            data={"title": "Registre des consultations", "kind": "statistics", "issued_on": "2024-02-01"},
        )
    )
    await _json(
        await client.put(
            f"{CITY}/indicators/lampedusa/LAM-DIG-01-I1/target",
            headers=ed,
            json={"baseline": 100, "baseline_period": "2022", "target": 500, "target_period": "2025"},
        ),
        200,
    )
    values = f"{CITY}/indicators/lampedusa/LAM-DIG-01-I1/measurements"
    first = await _json(
        await client.post(values, headers=ed, json={"period": "2023", "value": 120, "evidence": [link["id"]]})
    )
    wrong = await _json(
        await client.post(
            values, headers=ed, json={"period": "2024", "value": 2000, "evidence": [file["id"]]}
        )
    )
    correction = await _json(
        await client.post(
            values,
            headers=ed,
            json={"period": "2024", "value": 200, "supersedes": wrong["claim_id"], "note_md": "Typo fixed."},
        )
    )
    status = await _json(
        await client.post(
            f"{CITY}/commitments/lampedusa/LAM-DIG-01/updates",
            headers=ed,
            json={
                "status": "in_progress",
                "reported_on": "2024-03-01",
                "note_md": "Opened **two** offices. " + SCRIPT.format("narrative"),
                "evidence": [link["id"]],
            },
        )
    )
    claim = await client.get(f"/api/v1/claims/{status['claim_id']}")
    await _json(
        await client.post(
            f"/api/v1/claims/{status['claim_id']}/verification",
            headers=bearer(secretariat, claim.headers["etag"]),
            json={"note_md": "Checked against the report."},
        ),
        200,
    )
    challenge = await _json(
        await client.post(
            f"/api/v1/claims/{first['claim_id']}/challenges",
            headers=bearer(reviewer),
            json={"reason_md": "The count includes phone calls. " + SCRIPT.format("reason")},
        )
    )
    replied = await _json(
        await client.post(
            f"/api/v1/challenges/{challenge['id']}/replies",
            headers=ed,
            json={"body_md": "Phone calls are consultations too."},
        )
    )
    etag = (await client.get(f"/api/v1/challenges/{challenge['id']}")).headers["etag"]
    await _json(
        await client.post(
            f"/api/v1/challenges/{challenge['id']}/ruling",
            headers=bearer(secretariat, etag),
            json={"outcome": "dismissed", "note_md": "Consultations by phone count."},
        ),
        200,
    )
    assert replied["replies"]
    draft_status = await _json(
        await client.post(
            f"{CITY}/commitments/lampedusa/LAM-DIG-01/updates",
            headers=ed,
            json={
                "status": "achieved",
                "reported_on": "2025-06-01",
                "note_md": "SECRET-DRAFT",
                "draft": True,
            },
        )
    )
    draft_value = await _json(
        await client.post(values, headers=ed, json={"period": "2025", "value": 987654, "draft": True})
    )
    return Story(
        editor,
        reviewer,
        secretariat,
        link["id"],
        file["id"],
        first["claim_id"],
        wrong["claim_id"],
        correction["claim_id"],
        status["claim_id"],
        challenge["id"],
        draft_status["claim_id"],
        draft_value["claim_id"],
    )
