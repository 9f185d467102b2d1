"""The claims published last across cities, and claims described by id, as public lists show
them: never a draft, each with its assurance, its texts with the language they are in."""

from datetime import date

from commitments.choices import CommitmentStatus
from commitments.schemas import StatusUpdateCreate
from indicators.challenges import open_challenge
from indicators.claims import verify_claim
from indicators.evidence import create_link_evidence
from indicators.measurements import add_measurement
from indicators.recent import describe_claims, recent_claims
from indicators.schemas import ChallengeCreate, EvidenceCreate, MeasurementCreate
from indicators.status_updates import add_status_update
from kernel.caller import SYSTEM, Caller
from kernel.versions import ANY_VERSION
from tests import builders

REVIEWER = Caller(label="ngo", roles=frozenset({"reviewer"}), system=True, organisation="Observatoire")


async def _status(city: str, status: str, on: date, **extra):
    return await add_status_update(
        SYSTEM,
        city,
        "lampedusa",
        "LAM-DIG-01",
        StatusUpdateCreate(status=CommitmentStatus(status), reported_on=on, **extra),
    )


async def test_latest_published_claims_with_their_assurance() -> None:
    """Newest first, drafts left out, corrected ones marked by their correction's standing,
    verified and contested as the claim's own page says."""
    await builders.charter()
    await builders.city("grenoble", name={"fr": "Grenoble", "ar": "غرونوبل"})
    await builders.signed("grenoble")
    await builders.adopted("grenoble")
    proof = await create_link_evidence(
        SYSTEM,
        "grenoble",
        EvidenceCreate(title="Délibération", kind="council_decision", url="https://x.example/d"),
    )
    first = await _status("grenoble", "not_started", date(2024, 1, 10), evidence=[proof.id])
    second = await _status("grenoble", "in_progress", date(2025, 1, 10))
    await _status("grenoble", "achieved", date(2026, 1, 10), draft=True)
    value = await add_measurement(
        SYSTEM, "grenoble", "lampedusa", "LAM-DIG-01-I1", MeasurementCreate(period="2024", value="1 250")
    )
    await verify_claim(SYSTEM, first.claim_id, "Checked.", ANY_VERSION)
    await open_challenge(REVIEWER, value.claim_id, ChallengeCreate(reason_md="Too high."))

    lines = await recent_claims("ar", limit=10)
    assert [line.claim_id for line in lines] == [second.claim_id, value.claim_id, first.claim_id]
    by_id = {line.claim_id: line for line in lines}
    assert by_id[first.claim_id].assurance == "verified"
    assert by_id[second.claim_id].assurance == "self_reported"
    assert by_id[value.claim_id].assurance == "contested"
    line = by_id[value.claim_id]
    assert (line.city, line.city_name, line.city_name_lang) == ("grenoble", "غرونوبل", "ar")
    assert (line.commitment, line.indicator, line.value_text, line.period) == (
        "LAM-DIG-01",
        "LAM-DIG-01-I1",
        "1 250",
        "2024",
    )
    assert line.commitment_title_lang == "en"  # the charter has no Arabic text: its own language
    assert len(await recent_claims("fr", limit=2)) == 2


async def test_described_claims_are_published_ones() -> None:
    """Ids of published claims are described; a draft, an unknown id or no id at all is left out."""
    await builders.charter()
    await builders.city("grenoble")
    await builders.signed("grenoble")
    await builders.adopted("grenoble")
    published = await _status("grenoble", "in_progress", date(2025, 1, 10))
    draft = await _status("grenoble", "achieved", date(2026, 1, 10), draft=True)
    described = await describe_claims([published.claim_id, draft.claim_id, "status-999", "nonsense"], "fr")
    assert list(described) == [published.claim_id]
    assert described[published.claim_id].status == "in_progress"
