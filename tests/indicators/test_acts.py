"""A signature or an adoption cites the evidence of its decision (the council deliberation):
checked as a claim's evidence is, linked in the same transaction, public once the act is
recorded, and named wherever the act or the evidence is read."""

import csv
import io
import zipfile
from datetime import date

import pytest

from charter.tables import Signature
from commitments.tables import Adoption
from indicators import acts
from indicators.evidence import NewEvidence
from indicators.tables import AdoptionEvidence, Evidence
from kernel.caller import SYSTEM
from kernel.errors import InvalidInput
from kernel.tables import AuditEntry
from tests import builders
from tests.builders import bearer

CITY = "/api/v1/cities/grenoble"
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


async def _decision(client, token: str, city: str = "grenoble") -> int:
    r = await client.post(
        f"/api/v1/cities/{city}/evidence",
        headers=bearer(token),
        files={"file": ("deliberation.pdf", PDF, "application/pdf")},
        data={"title": "Délibération 2023-045", "kind": "council_decision", "issued_on": "2023-01-10"},
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def _setup() -> tuple[str, str]:
    await builders.charter()
    await builders.city("grenoble")
    await builders.city("sousse", locale="fr-TN", country="TN")
    editor = await builders.token("city_editor", "grenoble")
    other = await builders.token("city_editor", "sousse", email="ed@sousse.tn")
    return editor, other


async def test_a_signature_cites_its_decision_which_becomes_public(client) -> None:
    """Private until the signature cites it; then public, listed with the act, as a claim's
    evidence, on the data package, and in the act's audit row."""
    editor, _ = await _setup()
    decision = await _decision(client, editor)
    assert (await client.get(f"/api/v1/evidence/{decision}")).status_code == 404
    body = {"charter": "lampedusa", "signed_on": "2023-01-12", "act": "Délibération 2023-045"}
    r = await client.post(f"{CITY}/signatures", headers=bearer(editor), json={**body, "evidence": [decision]})
    assert r.status_code == 201, r.text
    signature = r.json()
    assert signature["evidence"] == [decision]
    assert (await client.get(f"/api/v1/evidence/{decision}")).status_code == 200
    listed = (await client.get(f"{CITY}/signatures")).json()
    assert [s["evidence"] for s in listed] == [[decision]]
    claim = (await client.get(f"/api/v1/claims/{signature['claim_id']}")).json()
    assert claim["evidence"] == [decision]
    package = await client.get("/api/v1/export/datapackage.zip")
    with zipfile.ZipFile(io.BytesIO(package.content)) as archive:
        rows = list(
            csv.DictReader(io.StringIO(archive.read("charter-tracker/data/signature_evidence.csv").decode()))
        )
    assert rows == [{"claim_id": signature["claim_id"], "evidence": f"evidence-{decision}"}]
    audit = await AuditEntry.select().where(AuditEntry.entity == "signature").first()
    assert audit is not None and '"evidence": [' + str(decision) in audit["after"]


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [([987654], "evidence"), (["x"], "evidence"), ([0], "evidence"), ("not a list", "evidence")],
)
async def test_a_signature_citing_unknown_or_malformed_evidence_writes_nothing(
    client, evidence, expected
) -> None:
    """Unknown ids, a string, 0, not a list: 4xx naming `evidence`, and no signature written."""
    editor, _ = await _setup()
    body = {"charter": "lampedusa", "signed_on": "2023-01-12", "evidence": evidence}
    r = await client.post(f"{CITY}/signatures", headers=bearer(editor), json=body)
    assert r.status_code in (400, 422), r.text
    assert expected in r.text
    assert await Signature.count() == 0


async def test_another_citys_evidence_cannot_be_cited(client) -> None:
    """Sousse's decision is not Grenoble's: 422 naming `evidence`; nothing written, and the
    evidence stays private."""
    editor, other = await _setup()
    foreign = await _decision(client, other, "sousse")
    body = {"charter": "lampedusa", "signed_on": "2023-01-12", "evidence": [foreign]}
    r = await client.post(f"{CITY}/signatures", headers=bearer(editor), json=body)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "evidence"
    assert await Signature.count() == 0
    assert (await client.get(f"/api/v1/evidence/{foreign}")).status_code == 404


async def test_an_adoption_cites_its_decision(client) -> None:
    """The adoption's answer, the commitment read (`decision`) and the evidence's page name it."""
    editor, _ = await _setup()
    await builders.signed("grenoble")
    decision = await _decision(client, editor)
    body = {
        "charter": "lampedusa",
        "commitment": "LAM-DIG-01",
        "adopted_on": "2023-02-01",
        "evidence": [decision],
    }
    r = await client.post(f"{CITY}/commitments", headers=bearer(editor), json=body)
    assert r.status_code == 201, r.text
    assert r.json()["evidence"] == [decision]
    read = (await client.get(f"{CITY}/commitments/lampedusa/LAM-DIG-01")).json()
    assert [e["id"] for e in read["decision"]] == [decision]
    assert (await client.get(f"/api/v1/evidence/{decision}")).status_code == 200
    changed = await client.patch(
        f"{CITY}/commitments/lampedusa/LAM-DIG-01",
        headers=bearer(editor, f'"v{read["version"]}"'),
        json={"owner": "Service juridique"},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["evidence"] == [decision]


async def test_adopting_several_is_all_or_nothing() -> None:
    """The third adoption refused (due before adopted): none is written, nor the decision filed
    in the same call, and the error names the place of the refused one."""
    await _setup()
    await builders.signed("grenoble")
    items = [
        acts.Adopting("LAM-DIG-01"),
        acts.Adopting("LAM-DIG-02", date(2026, 1, 1)),
        acts.Adopting("LAM-EQU-01", date(2020, 1, 1)),
    ]
    new = [NewEvidence("Délibération", content=PDF, file_name="d.pdf")]
    with pytest.raises(InvalidInput) as refused:
        await acts.adopt_several(SYSTEM, "grenoble", "lampedusa", date(2023, 2, 1), items, (), new)
    assert [e.field for e in refused.value.errors] == ["commitments[2].due_on"]
    assert await Adoption.count() == 0
    assert await AdoptionEvidence.count() == 0 and await Evidence.count() == 0


async def test_adopting_several_by_one_decision() -> None:
    """Two adoptions and the decision filed with them: both cite it, one audit row each."""
    await _setup()
    await builders.signed("grenoble")
    items = [acts.Adopting("LAM-DIG-01", owner="CCAS"), acts.Adopting("LAM-DIG-02", date(2026, 1, 1))]
    new = [NewEvidence("Délibération", content=PDF, file_name="d.pdf")]
    reads = await acts.adopt_several(SYSTEM, "grenoble", "lampedusa", date(2023, 2, 1), items, (), new)
    assert [(r.commitment, r.owner, r.due_on) for r in reads] == [
        ("LAM-DIG-01", "CCAS", None),
        ("LAM-DIG-02", None, date(2026, 1, 1)),
    ]
    (decision,) = await Evidence.select(Evidence.id)
    assert [r.evidence for r in reads] == [[decision["id"]], [decision["id"]]]
    assert await AdoptionEvidence.count() == 2
    assert await AuditEntry.count().where(AuditEntry.entity == "adoption") == 2
