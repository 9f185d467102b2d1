"""API shapes of indicators, targets, measurements, evidence and a city's commitments."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from commitments.choices import CommitmentStatus
from commitments.schemas import StatusUpdateRead
from indicators.choices import Direction, EvidenceKind, ValueType

NumberIn = bool | int | float | str
"""A number as JSON, or as text typed in the city's locale (`"12,5"`, `"1 250"`, `"٤٧"`)."""


class TargetSet(msgspec.Struct, forbid_unknown_fields=True):
    """A city's baseline and target for an indicator."""

    target: NumberIn
    baseline: NumberIn | None = None
    baseline_period: str | None = None
    target_period: str | None = None


class TargetRead(msgspec.Struct):
    """Baseline and target as stored."""

    baseline: float | None
    baseline_period: str | None
    target: float
    target_period: str | None


class MeasurementCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A value for an ended period, with its narrative and the evidence behind it."""

    period: str
    value: NumberIn
    note_md: str | None = None
    evidence: list[int] = msgspec.field(default_factory=list)


class MeasurementRead(msgspec.Struct):
    """A reported value; `value_text` is exactly what the city typed."""

    id: int
    period: str
    value: float
    value_text: str
    note_md: str | None
    note_html: str | None
    evidence: list[int]
    reported_at: datetime


class EvidenceCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Evidence given as a link (files come as multipart/form-data with a `file` part)."""

    title: str
    kind: EvidenceKind
    url: str
    issued_on: date | None = None
    description_md: str | None = None


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


class IndicatorDef(msgspec.Struct):
    """An indicator as the charter defines it."""

    code: str
    title: str
    unit: str
    value_type: ValueType
    direction: Direction


class CommitmentDef(msgspec.Struct):
    """A commitment as the charter defines it."""

    code: str
    title: str
    description_md: str | None
    description_html: str | None
    indicators: list[IndicatorDef]


class PrincipleDef(msgspec.Struct):
    """A principle with its commitments."""

    code: str
    title: str
    description_md: str | None
    description_html: str | None
    commitments: list[CommitmentDef]


class CharterRead(msgspec.Struct):
    """A charter with its whole tree, texts in the asked language."""

    slug: str
    lang: str
    title: str
    title_i18n: dict[str, str]
    preamble_md: str | None
    preamble_html: str | None
    issuer: str
    adopted_on: date | None
    source_url: str | None
    version: str
    languages: list[str]
    principles: list[PrincipleDef]


class IndicatorProgress(msgspec.Struct):
    """An indicator of an adopted commitment, with the city's target and measurements."""

    code: str
    title: str
    unit: str
    value_type: ValueType
    direction: Direction
    target: TargetRead | None
    measurements: list[MeasurementRead]
    latest: float | None
    progress: float | None


class FlagRead(msgspec.Struct):
    """A warning computed from the data (see the methodology): its code and the indicator it
    concerns, or null when it concerns the commitment itself."""

    code: str
    indicator: str | None


class CityCommitmentSummary(msgspec.Struct):
    """An adopted commitment in the city's list: last status and computed progress (0–1)."""

    charter: str
    commitment: str
    principle: str
    title: str
    adopted_on: date
    due_on: date | None
    owner: str | None
    status: CommitmentStatus | None
    status_reported_on: date | None
    progress: float
    flags: list[FlagRead]


class CityCommitmentRead(CityCommitmentSummary):
    """An adopted commitment in full: timeline, indicators with targets and measurements, evidence."""

    city: str
    description_md: str | None
    description_html: str | None
    timeline: list[StatusUpdateRead]
    indicators: list[IndicatorProgress]
    evidence: list[EvidenceRead]
