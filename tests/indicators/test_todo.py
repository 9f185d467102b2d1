"""A city's to-do, built from the data: values due for the last ended period, statuses older
than a year, missing targets, commitments past their due date, challenges waiting for the city,
drafts, rejected evidence; only for the city's own editors and the secretariat."""

from datetime import date

import pytest

from accounts.services import caller_for_token
from commitments.choices import CommitmentStatus
from commitments.schemas import StatusUpdateCreate
from indicators.challenges import open_challenge, reply
from indicators.evidence import create_link_evidence, review_evidence
from indicators.measurements import add_measurement
from indicators.schemas import (
    ChallengeCreate,
    EvidenceCreate,
    EvidenceReviewCreate,
    MeasurementCreate,
    ReplyCreate,
    TargetSet,
)
from indicators.status_updates import add_status_update
from indicators.targets import set_target
from indicators.todo import city_todo
from kernel.caller import SYSTEM
from kernel.errors import Forbidden
from kernel.versions import ANY_VERSION
from tests import builders


async def _callers():
    editor = await caller_for_token(await builders.editor_with_adoption())
    await builders.city("sousse", locale="fr-TN", country="TN")
    other = await caller_for_token(await builders.token("city_editor", "sousse", email="ed@sousse.tn"))
    reviewer = await caller_for_token(
        await builders.token("reviewer", email="watch@ngo.example", organisation="Cimade 38")
    )
    assert editor and other and reviewer
    return editor, other, reviewer


async def test_a_new_adoption_asks_for_everything() -> None:
    """Adopted, nothing reported: each indicator wants last year's value and a target, the
    commitment a status; its due date (end of 2025) has passed."""
    editor, _, _ = await _callers()
    todo = await city_todo(editor, "grenoble", "en")
    assert [(v.indicator, v.period, v.last_period) for v in todo.values_due] == [
        ("LAM-DIG-01-I1", "2025", None),
        ("LAM-DIG-01-I2", "2025", None),
    ]
    assert [i.code for _, i in todo.targets_missing] == ["LAM-DIG-01-I1", "LAM-DIG-01-I2"]
    assert [c.commitment for c in todo.statuses_due] == ["LAM-DIG-01"]
    assert [c.commitment for c in todo.overdue] == ["LAM-DIG-01"]
    assert todo.drafts == [] and todo.challenges == [] and todo.rejected_evidence == []
    assert todo.count == 6


async def test_what_is_done_leaves_the_list_and_drafts_are_listed_instead() -> None:
    editor, _, _ = await _callers()
    await add_measurement(
        editor, "grenoble", "lampedusa", "LAM-DIG-01-I1", MeasurementCreate(period="2025", value="410")
    )
    await add_measurement(
        editor,
        "grenoble",
        "lampedusa",
        "LAM-DIG-01-I2",
        MeasurementCreate(period="2025", value="12", draft=True),
    )
    await set_target(editor, "grenoble", "lampedusa", "LAM-DIG-01-I1", TargetSet(target="600"), ANY_VERSION)
    await add_status_update(
        editor,
        "grenoble",
        "lampedusa",
        "LAM-DIG-01",
        StatusUpdateCreate(status=CommitmentStatus.achieved, reported_on=date(2026, 6, 1)),
    )
    todo = await city_todo(editor, "grenoble", "en")
    assert todo.values_due == [] and todo.statuses_due == [] and todo.overdue == []
    assert [i.code for _, i in todo.targets_missing] == ["LAM-DIG-01-I2"]
    assert [(d.kind, d.indicator, d.period, d.what) for d in todo.drafts] == [
        ("measurement", "LAM-DIG-01-I2", "2025", "12")
    ]


async def test_a_status_older_than_a_year_is_due_again() -> None:
    editor, _, _ = await _callers()
    await add_status_update(
        editor,
        "grenoble",
        "lampedusa",
        "LAM-DIG-01",
        StatusUpdateCreate(status=CommitmentStatus.in_progress, reported_on=date(2025, 11, 1)),
    )
    assert [c.commitment for c in (await city_todo(editor, "grenoble", "en")).statuses_due] == ["LAM-DIG-01"]


async def test_challenges_waiting_for_the_city_and_rejected_evidence() -> None:
    editor, _, reviewer = await _callers()
    value = await add_measurement(
        editor, "grenoble", "lampedusa", "LAM-DIG-01-I1", MeasurementCreate(period="2025", value="410")
    )
    challenge = await open_challenge(reviewer, value.claim_id, ChallengeCreate(reason_md="Not proven."))
    todo = await city_todo(editor, "grenoble", "en")
    assert [(c.challenge.id, c.days_left) for c in todo.challenges] == [(challenge.id, 30)]
    await reply(editor, challenge.id, ReplyCreate(body_md="Here is the register."))
    assert (await city_todo(editor, "grenoble", "en")).challenges == []
    await reply(reviewer, challenge.id, ReplyCreate(body_md="The register is not public."))
    assert [
        (c.challenge.id, c.days_left) for c in (await city_todo(editor, "grenoble", "en")).challenges
    ] == [(challenge.id, None)]
    proof = await create_link_evidence(
        editor, "grenoble", EvidenceCreate(title="Register", kind="report", url="https://grenoble.example/r")
    )
    await review_evidence(
        SYSTEM, proof.id, EvidenceReviewCreate(review="rejected", note_md="Dead link."), ANY_VERSION
    )
    assert [e.id for e in (await city_todo(editor, "grenoble", "en")).rejected_evidence] == [proof.id]


async def test_only_the_citys_editors_and_the_secretariat() -> None:
    _, other, reviewer = await _callers()
    for caller in (other, reviewer):
        with pytest.raises(Forbidden):
            await city_todo(caller, "grenoble", "en")
    assert (await city_todo(SYSTEM, "grenoble", "en")).count == 6
