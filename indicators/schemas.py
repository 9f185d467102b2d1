"""API shapes of indicators, targets, measurements, evidence and a city's commitments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec

from commitments.choices import CommitmentStatus
from commitments.schemas import StatusUpdateRead
from indicators.choices import (
    ChallengeStatus,
    Direction,
    EvidenceKind,
    EvidenceReview,
    ReplySide,
    RulingOutcome,
    ValueType,
)
from kernel.claim_ids import Assurance, ClaimInput, ClaimStanding
from kernel.numbers import NumberIn
from kernel.schemas import Code, Markdown, Name, RowRef, Title, Url


class TargetSet(msgspec.Struct, forbid_unknown_fields=True):
    """A city's baseline and target for an indicator."""

    target: NumberIn
    baseline: NumberIn | None = None
    baseline_period: Code | None = None
    target_period: Code | None = None


class TargetRead(msgspec.Struct):
    """Baseline and target as stored."""

    baseline: float | None
    baseline_period: str | None
    target: float
    target_period: str | None
    version: int = 1


class MeasurementCreate(ClaimInput, forbid_unknown_fields=True):
    """A value for an ended period, with its narrative and the evidence behind it."""

    period: Code
    value: NumberIn


class MeasurementRead(ClaimStanding):
    """A reported value, a claim; `value_text` is exactly what the city typed."""

    id: int
    period: str
    value: float
    value_text: str
    note_md: str | None
    note_html: str | None
    evidence: list[RowRef]
    reported_at: datetime


class ClaimEdit(msgspec.Struct, forbid_unknown_fields=True):
    """Changes to a draft claim; absent fields stay as they are. A status update takes `status`,
    `reported_on`, `note_md`, `evidence`; a measurement takes `value`, `note_md`, `evidence`."""

    status: CommitmentStatus | msgspec.UnsetType = msgspec.UNSET
    reported_on: date | msgspec.UnsetType = msgspec.UNSET
    value: NumberIn | msgspec.UnsetType = msgspec.UNSET
    note_md: Markdown | msgspec.UnsetType | None = msgspec.UNSET
    evidence: list[RowRef] | msgspec.UnsetType = msgspec.UNSET


class ClaimRead(ClaimStanding, kw_only=True):
    """One claim, whatever its kind (`signature`, `status_update`, `measurement`): what it says,
    about what (`subject`: the charter, the adoption or the indicator), and its standing."""

    kind: str
    city: str
    subject: str
    period: str | None = None
    value: float | None = None
    value_text: str | None = None
    status: str | None = None
    reported_on: date | None = None
    note_md: str | None = None
    note_html: str | None = None
    evidence: list[RowRef] = msgspec.field(default_factory=list)
    version: int = 1


class VerificationCreate(msgspec.Struct, forbid_unknown_fields=True):
    """The secretariat's note on checking a claim against its evidence."""

    note_md: Markdown | None = None


class EvidenceReviewCreate(msgspec.Struct, forbid_unknown_fields=True):
    """The secretariat accepts or rejects a piece of evidence, with a note."""

    review: EvidenceReview
    note_md: Markdown | None = None
    release_file: Annotated[
        bool,
        msgspec.Meta(
            description="When rejecting: let the public still download the file (withheld otherwise)."
        ),
    ] = False


class EvidenceCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Evidence given as a link (files come as multipart/form-data with a `file` part)."""

    title: Title
    kind: EvidenceKind
    url: Url
    issued_on: date | None = None
    description_md: Markdown | None = None


class EvidenceRead(msgspec.Struct):
    """A piece of evidence: a link, or a stored file identified by its SHA-256."""

    id: int
    city: str
    title: str
    kind: EvidenceKind
    url: str | None
    issued_on: date | None
    description_md: str | None
    description_html: str | None
    sha256: str | None
    file_name: str | None
    media_type: str | None
    size: int | None
    file_url: str | None
    origin: str = "city"
    review: EvidenceReview = EvidenceReview.unreviewed
    review_note_md: str | None = None
    review_note_html: str | None = None
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    published: Annotated[
        bool,
        msgspec.Meta(
            description="Public: a published claim, a challenge or a reply cites it. Until then only "
            "the city's editors, the secretariat and whoever filed it see it."
        ),
    ] = True
    file_withheld: Annotated[
        bool,
        msgspec.Meta(
            description="The secretariat rejected this evidence and withholds its file from the public "
            "(`file_url` is then given only to the city's editors, the secretariat and the filer)."
        ),
    ] = False
    withdrawn_at: Annotated[
        datetime | None,
        msgspec.Meta(
            description="When the city withdrew this evidence as filed by mistake (nothing cited it): "
            "it is hidden from the public and can no longer be cited. Null while it stands."
        ),
    ] = None
    version: int = 1
    history: str = ""


class IndicatorDef(msgspec.Struct):
    """An indicator as the charter defines it; `title_lang` is the language its title is in (the
    charter's own, or another, when it has none in the asked language)."""

    code: str
    title: str
    title_lang: str | None
    unit: str
    value_type: ValueType
    direction: Direction


class CommitmentDef(msgspec.Struct):
    """A commitment as the charter defines it; `title_lang` and `description_lang` are the
    languages its texts are in (each falls back on its own when untranslated)."""

    code: str
    title: str
    title_lang: str | None
    description_md: str | None
    description_html: str | None
    description_lang: str | None
    indicators: list[IndicatorDef]


class PrincipleDef(msgspec.Struct):
    """A principle with its commitments; `title_lang` and `description_lang` are the languages
    its texts are in (each falls back on its own when untranslated)."""

    code: str
    title: str
    title_lang: str | None
    description_md: str | None
    description_html: str | None
    description_lang: str | None
    commitments: list[CommitmentDef]


class CharterRead(msgspec.Struct):
    """A charter with its whole tree, texts in the asked language."""

    slug: str
    lang: str
    title: str
    title_i18n: dict[str, str]
    preamble_md: str | None
    preamble_html: str | None
    preamble_lang: str | None
    issuer: str
    adopted_on: date | None
    source_url: str | None
    version: str
    languages: list[str]
    principles: list[PrincipleDef]


class IndicatorProgress(msgspec.Struct):
    """An indicator of an adopted commitment, with the city's target and measurements;
    `title_lang` is the language its title is in (another than the asked one when untranslated)."""

    code: str
    title: str
    title_lang: str | None
    unit: str
    value_type: ValueType
    direction: Direction
    target: TargetRead | None
    measurements: list[MeasurementRead]
    latest: float | None
    progress: float | None


class FlagRead(msgspec.Struct):
    """A warning computed from the data (see the methodology): its code, its name in the asked
    language, the claim it concerns (null when nothing was claimed) and the indicator it
    concerns (null when it concerns the commitment itself)."""

    code: str
    message: str
    claim_id: str | None
    indicator: str | None


class CityCommitmentSummary(msgspec.Struct):
    """An adopted commitment in the city's list: last status, how far that status can be trusted
    (`status_assurance`: self-reported, verified or contested; null with no status) and computed
    progress (0–1). `title_lang` is the language the title is in (the charter's own, or another,
    when it has none in the asked language)."""

    charter: str
    commitment: str
    principle: str
    title: str
    title_lang: str | None
    adopted_on: date
    due_on: date | None
    owner: str | None
    status: CommitmentStatus | None
    status_reported_on: date | None
    status_assurance: Assurance | None
    progress: float
    flags: list[FlagRead]


class CityCommitmentRead(CityCommitmentSummary):
    """An adopted commitment in full: timeline, indicators with targets and measurements, evidence;
    `description_lang` is the language its description is in."""

    city: str
    description_md: str | None
    description_html: str | None
    description_lang: str | None
    timeline: list[StatusUpdateRead]
    indicators: list[IndicatorProgress]
    evidence: list[EvidenceRead]
    version: int = 1
    history: str = ""
    decision: list[EvidenceRead] = msgspec.field(default_factory=list)
    """The evidence of the decision by which the city adopted the commitment."""


class ChallengeCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A reviewer questions a claim: why (Markdown) and counter-evidence ids. It is published
    under the organisation set on the reviewer's account (else the reviewer's own name)."""

    reason_md: Markdown
    evidence: list[RowRef] = msgspec.field(default_factory=list)
    organisation: Name | None = None
    """Not to be typed: the organisation is the one set on the account. A request may repeat it;
    any other name is refused."""


class ReplyCreate(msgspec.Struct, forbid_unknown_fields=True):
    """The city's answer to a challenge (Markdown), with the evidence it offers."""

    body_md: Markdown
    evidence: list[RowRef] = msgspec.field(default_factory=list)


class RulingCreate(msgspec.Struct, forbid_unknown_fields=True):
    """The secretariat's ruling on a challenge, with a note."""

    outcome: RulingOutcome
    note_md: Markdown | None = None


class ReplyRead(msgspec.Struct):
    """One round of a challenge: the city's answer (`side` = `city`), or the challenger's answer
    back (`challenger`)."""

    id: int
    side: ReplySide
    by: str
    at: datetime
    body_md: str
    body_html: str
    evidence: list[RowRef]


class RulingRead(msgspec.Struct):
    """The secretariat's ruling."""

    outcome: RulingOutcome
    by: str
    at: datetime
    note_md: str | None
    note_html: str | None


class ChallengeRead(msgspec.Struct):
    """A challenge with its replies and ruling. `status`: open (waiting for the city), answered,
    ruled; `overdue` when the city has not replied within 30 days. `by` is the name published
    (the organisation, or the reviewer's name)."""

    id: int
    claim_id: str
    city: str
    status: ChallengeStatus
    overdue: bool
    by: str
    opened_at: datetime
    reason_md: str
    reason_html: str
    evidence: list[RowRef]
    replies: list[ReplyRead]
    ruling: RulingRead | None
    version: int
    history: str


class ChallengePage(msgspec.Struct):
    """A page of challenges, newest first."""

    items: list[ChallengeRead]
    total: int
    limit: int
    offset: int


class HistoryEntry(msgspec.Struct):
    """One change of an item: when, what (create, update, publish, verify, unverify, review,
    reply, rule...), by whom (as published, or the account for the secretariat), before and after."""

    at: datetime
    action: str
    by: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
