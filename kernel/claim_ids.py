"""Claim ids: the stable public name of every claim a city makes (a signature, a status update,
a measurement), as `signature-4`, `status-17`, `measurement-250`; and what every claim carries
beside it (`ClaimStanding`: assurance, verification, corrections, challenges). The services that
write and read claims are in `indicators.claims`."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from urllib.parse import quote_plus

import msgspec

from kernel.errors import NotFound
from kernel.schemas import MAX_ROW_ID, Code, Markdown, RowRef


class Assurance(StrEnum):
    """How far a claim can be trusted: as the city says, checked by the secretariat against its
    evidence, or under challenge (an open challenge, or an upheld one the city has not corrected)."""

    self_reported = "self_reported"
    verified = "verified"
    contested = "contested"


class VerificationRead(msgspec.Struct):
    """Who in the secretariat checked a claim's evidence, when, and what they noted."""

    by: str
    at: datetime
    note_md: str | None
    note_html: str | None


class ClaimInput(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What a new status update or measurement may carry besides what it claims: its narrative
    (Markdown), the evidence it cites (ids), whether it is a draft, and the claim it corrects."""

    note_md: Markdown | None = None
    evidence: list[RowRef] = msgspec.field(default_factory=list)
    draft: bool = False
    supersedes: Code | None = None


class ClaimStanding(msgspec.Struct, kw_only=True):
    """What every claim carries: its stable id, whether it is a draft, what it corrects and what
    corrected it, its assurance, its open challenges, and where its history is."""

    claim_id: str
    draft: bool = False
    published_at: datetime | None = None
    supersedes: str | None = None
    superseded_by: str | None = None
    assurance: Assurance = Assurance.self_reported
    verification: VerificationRead | None = None
    challenges: list[int] = msgspec.field(default_factory=list)
    history: str = ""


CLAIM_KINDS = {"signature": "signature", "status": "status_update", "measurement": "measurement"}
"""Prefix of the claim id → the kind of claim (its table's name)."""
_PREFIX = {kind: prefix for prefix, kind in CLAIM_KINDS.items()}
_CLAIM_ID = re.compile(r"^(signature|status|measurement)-([1-9][0-9]{0,17})\Z")


def claim_id(kind: str, row_id: int) -> str:
    """The public id of the claim of `kind` stored in row `row_id`."""
    return f"{_PREFIX[kind]}-{row_id}"


def history_url(entity: str, key: str) -> str:
    """Where the audit rows of an item are read (as `urlencode` writes the query, for less: a
    page of a large city names thousands of them)."""
    return f"/api/v1/history?entity={quote_plus(entity)}&key={quote_plus(key)}"


def parse_claim_id(text: str) -> tuple[str, int]:
    """(kind, row id) of a claim id; 404 for anything that is not one."""
    match = _CLAIM_ID.match(text.strip())
    if match is None:
        raise NotFound(f"No claim {text!r}: claim ids look like measurement-12, status-3 or signature-1.")
    row_id = int(match[2])
    if row_id > MAX_ROW_ID:
        raise NotFound(f"No claim {text!r}.")
    return CLAIM_KINDS[match[1]], row_id
