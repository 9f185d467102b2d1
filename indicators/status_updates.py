"""Status updates: the dated entries of an adoption's timeline (not started, in progress,
achieved...), each a claim with its narrative and the evidence it cites.

In the domain a status update belongs to the adopted commitment, and its table is in
`commitments`; the service stays here because it cites evidence (`check_cited`, the link table
`UpdateEvidence`), corrects claims (`check_supersedes`) and refreshes the adoption's standing,
all of which live in `indicators`, above `commitments` in the layering."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from commitments.choices import CommitmentStatus
from commitments.schemas import StatusUpdateCreate, StatusUpdateRead
from commitments.services import adoption_for_write
from commitments.tables import StatusUpdate
from indicators import standing
from indicators.claims import check_supersedes, claim_standing, set_citations
from indicators.claims import now as claim_now
from indicators.evidence import NewEvidence, check_cited, file_new_evidence
from kernel import clock
from kernel.caller import Caller
from kernel.claim_ids import claim_id
from kernel.db import audit, write_transaction
from kernel.errors import FieldError, InvalidInput
from kernel.markdown import render_markdown


def check_status_date(reported_on: date, adopted_on: date) -> None:
    """A status is reported for a day between the adoption and today."""
    errors = []
    if reported_on > clock.today():
        errors.append(FieldError("reported_on", "Expected a date not after today."))
    if reported_on < adopted_on:
        errors.append(
            FieldError("reported_on", f"Expected a date on or after the adoption ({adopted_on.isoformat()}).")
        )
    if errors:
        raise InvalidInput("The status update is not valid.", errors)


async def add_status_update(
    caller: Caller,
    city_slug: str,
    charter_slug: str,
    code: str,
    data: StatusUpdateCreate,
    new_evidence: Sequence[NewEvidence] = (),
) -> StatusUpdateRead:
    """Append a dated status to the adoption's timeline: published at once, or a draft; a
    correction names the published status it `supersedes`. It cites the evidence on file named
    in `data` and `new_evidence`, filed in the same transaction (all of it is written, or none)."""
    async with write_transaction():
        adoption = await adoption_for_write(caller, city_slug, charter_slug, code)
        check_status_date(data.reported_on, adoption["adopted_on"])
        corrected = None
        if data.supersedes is not None:
            corrected = await check_supersedes(
                "status_update", data.supersedes, parent=("adoption", adoption["id"])
            )
        filed = [(await file_new_evidence(caller, city_slug, item)).id for item in new_evidence]
        cited = await check_cited(adoption["city"], [*data.evidence, *filed])
        row = (
            await StatusUpdate.insert(
                StatusUpdate(
                    adoption=adoption["id"],
                    status=data.status,
                    reported_on=data.reported_on,
                    note_md=data.note_md,
                    created_by=caller.user_id,
                    draft=data.draft,
                    published_at=None if data.draft else claim_now(),
                    supersedes=corrected["id"] if corrected else None,
                )
            ).returning(*StatusUpdate.all_columns())
        )[0]
        await set_citations("status_update", row["id"], cited)
        await standing.refresh([adoption["id"]])
        await audit(
            caller,
            "create",
            "status_update",
            claim_id("status_update", row["id"]),
            None,
            {
                "commitment": adoption["key"],
                "status": str(data.status),
                "reported_on": data.reported_on,
                "note_md": data.note_md,
                "evidence": cited,
                "draft": data.draft,
                "supersedes": data.supersedes,
            },
        )
    return status_read(row, cited, None, [])


def status_read(
    row: dict[str, Any], cited: list[int], replaced_by: int | None, challenges: list[dict[str, Any]]
) -> StatusUpdateRead:
    """One entry of the timeline with its standing as a claim."""
    return StatusUpdateRead(
        row["id"],
        CommitmentStatus(row["status"]),
        row["reported_on"],
        row["note_md"],
        render_markdown(row["note_md"]),
        cited,
        **claim_standing("status_update", row, replaced_by=replaced_by, challenges=challenges),
    )
