"""API shapes of adoptions and status updates."""

from __future__ import annotations

from datetime import date

import msgspec

from commitments.choices import CommitmentStatus
from kernel.claim_ids import ClaimInput, ClaimStanding
from kernel.schemas import Name, RowRef


class AdoptionCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A city adopts one commitment of a charter it has signed."""

    charter: str
    commitment: str
    adopted_on: date
    due_on: date | None = None
    owner: Name | None = None


class AdoptionUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Changes to an adoption's local due date or owning unit; absent fields stay as they are."""

    due_on: date | msgspec.UnsetType | None = msgspec.UNSET
    owner: Name | msgspec.UnsetType | None = msgspec.UNSET


class AdoptionRead(msgspec.Struct):
    """An adoption as recorded, with its version (the ETag)."""

    charter: str
    commitment: str
    adopted_on: date
    due_on: date | None
    owner: str | None
    version: int = 1
    evidence: list[int] = msgspec.field(default_factory=list)
    """The evidence of the adoption (the council decision)."""


class StatusUpdateCreate(ClaimInput, forbid_unknown_fields=True):
    """A dated status with its narrative (Markdown) and the evidence it cites (ids)."""

    status: CommitmentStatus
    reported_on: date


class StatusUpdateRead(ClaimStanding):
    """An entry of the timeline, a claim; `note_html` is the note rendered safely."""

    id: int
    status: CommitmentStatus
    reported_on: date
    note_md: str | None
    note_html: str | None
    evidence: list[RowRef]
