"""A challenge filed with its counter-evidence in one go, as a form sends it: the files and links
are written with the challenge or not at all; each field's problem is named before anything is
written; a reviewer's own challenges are listed apart."""

from datetime import date

import pytest

from accounts.services import caller_for_token
from commitments.choices import CommitmentStatus
from commitments.schemas import StatusUpdateCreate
from indicators.challenges import list_challenges, open_challenge
from indicators.evidence import NewEvidence, check_new_evidence
from indicators.schemas import ChallengeCreate
from indicators.status_updates import add_status_update
from indicators.tables import Challenge, ChallengeEvidence, Evidence
from kernel.caller import SYSTEM
from kernel.errors import InvalidInput, NotFound
from kernel.tables import AuditEntry
from tests import builders

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def _claims() -> tuple[str, str]:
    """A published status update and a draft one, for Grenoble."""
    await builders.editor_with_adoption()
    ids = []
    for draft in (False, True):
        update = await add_status_update(
            SYSTEM,
            "grenoble",
            "lampedusa",
            "LAM-DIG-01",
            StatusUpdateCreate(
                status=CommitmentStatus.in_progress,
                reported_on=date(2024, 1, 31),
                draft=draft,
                note_md="Le guichet unique est ouvert.",
            ),
        )
        ids.append(update.claim_id)
    return ids[0], ids[1]


async def _reviewer(email: str = "watch@ngo.example"):
    caller = await caller_for_token(await builders.token("reviewer", email=email, organisation="Cimade 38"))
    assert caller is not None
    return caller


async def test_counter_evidence_filed_with_the_challenge() -> None:
    """A PDF and a link become two pieces of counter-evidence, cited by the challenge, each
    audited with it."""
    published, _ = await _claims()
    reviewer = await _reviewer()
    items = [
        NewEvidence(title="Survey of the association", content=PDF, file_name="enquete.pdf"),
        NewEvidence(title="Press article", url="https://news.example/article"),
    ]
    challenge = await open_challenge(reviewer, published, ChallengeCreate(reason_md="Not proven."), items)
    rows = await Evidence.select().where(Evidence.id.is_in(challenge.evidence)).order_by(Evidence.id)
    assert [(r["title"], r["origin"], r["file_name"], r["url"]) for r in rows] == [
        ("Survey of the association", "reviewer", "enquete.pdf", None),
        ("Press article", "reviewer", None, "https://news.example/article"),
    ]
    assert challenge.by == "Cimade 38"
    audited = await AuditEntry.select(AuditEntry.entity, AuditEntry.action).order_by(AuditEntry.id)
    assert [(a["entity"], a["action"]) for a in audited][-3:] == [
        ("evidence", "create"),
        ("evidence", "create"),
        ("challenge", "create"),
    ]


async def test_nothing_is_written_when_the_challenge_fails() -> None:
    """A draft claim is not there for a reviewer: the file is not filed either, nor audited."""
    _, draft = await _claims()
    reviewer = await _reviewer()
    before = (await Evidence.count(), await AuditEntry.count())
    with pytest.raises(NotFound):
        await open_challenge(
            reviewer,
            draft,
            ChallengeCreate(reason_md="Not proven."),
            [NewEvidence(title="Survey", content=PDF, file_name="s.pdf")],
        )
    assert (await Evidence.count(), await AuditEntry.count()) == before
    assert await Challenge.count() == 0 and await ChallengeEvidence.count() == 0


async def test_a_link_that_is_not_http_is_refused_and_nothing_written() -> None:
    published, _ = await _claims()
    reviewer = await _reviewer()
    before = await Evidence.count()
    with pytest.raises(InvalidInput) as raised:
        await open_challenge(
            reviewer,
            published,
            ChallengeCreate(reason_md="Not proven."),
            [
                NewEvidence(title="Survey", content=PDF, file_name="s.pdf"),
                NewEvidence(title="Bad", url="javascript:alert(1)"),
            ],
        )
    assert [e.field for e in raised.value.errors] == ["url"]
    assert await Evidence.count() == before and await Challenge.count() == 0


@pytest.mark.parametrize(
    ("item", "fields"),
    [
        (NewEvidence(title="Page", content=b"<html><script>alert(1)</script>", file_name="x.pdf"), ["file"]),
        (NewEvidence(title="Empty", content=b"", file_name="x.pdf"), ["file"]),
        (NewEvidence(title="", url="ftp://files.example/x"), ["title", "url"]),
        (NewEvidence(title="x" * 501, content=PDF, file_name="x.pdf"), ["title"]),
        (NewEvidence(title="Survey", content=PDF, file_name="x.pdf"), []),
    ],
)
def test_each_problem_is_named_by_its_field(item: NewEvidence, fields: list[str]) -> None:
    assert [e.field for e in check_new_evidence(item)] == fields


def test_a_file_over_the_cap_is_named(monkeypatch) -> None:
    monkeypatch.setenv("MAX_UPLOAD_BYTES", "10")
    errors = check_new_evidence(NewEvidence(title="Big", content=PDF, file_name="big.pdf"))
    assert [e.field for e in errors] == ["file"] and "at most 10 bytes" in errors[0].message


async def test_a_reviewers_own_challenges() -> None:
    published, _ = await _claims()
    mine, theirs = await _reviewer(), await _reviewer("other@ngo.example")
    first = await open_challenge(mine, published, ChallengeCreate(reason_md="One."))
    await open_challenge(theirs, published, ChallengeCreate(reason_md="Two."))
    own = await list_challenges(
        city=None, status=None, overdue=None, claim=None, limit=10, offset=0, opened_by=mine.user_id
    )
    assert [c.id for c in own.items] == [first.id] and own.total == 1
