"""Shapes of document imports and exports: charter documents and spreadsheet imports."""

from __future__ import annotations

from datetime import datetime

import msgspec


class DocumentImported(msgspec.Struct):
    """What a charter document changed."""

    slug: str
    lang: str
    created: int
    updated: int
    version: int = 1


# Spreadsheet imports -----------------------------------------------------------------------------


class ImportCounts(msgspec.Struct):
    """How the file's rows would land: values, targets and statuses to create or change, rows
    the same as the stored data, blank rows, and errors."""

    create: int
    change: int
    unchanged: int
    skipped: int
    errors: int


class RowError(msgspec.Struct):
    """A problem with one cell of the file (`column` is `header` or `row` for a whole line):
    `message` in English; `code` names the kind of problem (`number`, `period`, `not_ended`,
    `kind`, `status`, `date`, `date_range`, `unknown`, `repeated`, `too_long`, `formula`,
    `header`, `other_city`, `other_charter`, `not_evidence`, `not_on_file`, `not_a_link`, else
    `invalid`) and `params` its values, to say it in another language."""

    sheet: str
    row: int
    column: str
    message: str
    code: str = "invalid"
    params: dict[str, str] = {}


class ValueBefore(msgspec.Struct):
    """The stored value a row would correct."""

    claim_id: str
    value: str
    note_md: str | None
    evidence: list[int] = []
    """The ids of the evidence the stored value cites."""


class TargetBefore(msgspec.Struct):
    """The stored target a row would change."""

    target: str
    baseline: str | None


class StatusBefore(msgspec.Struct):
    """The latest status reported before the one a row would add."""

    status: str
    reported_on: str
    evidence: list[int] = []
    """The ids of the evidence the stored status cites."""


class ValueChange(msgspec.Struct, tag_field="kind", tag="measurement"):
    """A value for an indicator and an ended period; `value_text` is the text as typed."""

    action: str
    sheet: str
    row: int
    code: str
    period: str
    value: str
    value_text: str
    note_md: str | None
    old: ValueBefore | None
    evidence: list[int] = []
    """The ids of the evidence on file the value cites (its row's evidence column)."""
    links: list[str] = []
    """Links in the row's evidence column that the city does not have on file: each is filed as
    new evidence and cited."""


class TargetChange(msgspec.Struct, tag_field="kind", tag="target"):
    """A target, with its baseline, for an indicator."""

    action: str
    sheet: str
    row: int
    code: str
    baseline: str | None
    target: str
    baseline_period: str | None
    target_period: str | None
    old: TargetBefore | None


class StatusChange(msgspec.Struct, tag_field="kind", tag="status"):
    """A new status of an adopted commitment (a status is never changed, only added)."""

    action: str
    sheet: str
    row: int
    code: str
    status: str
    reported_on: str
    note_md: str | None
    old: StatusBefore | None
    evidence: list[int] = []
    """The ids of the evidence on file the status cites (its row's evidence column)."""
    links: list[str] = []
    """Links in the row's evidence column that the city does not have on file: each is filed as
    new evidence and cited."""


class ImportPreviewRead(msgspec.Struct):
    """A checked upload: counts, the first changes and errors (`*_total` says how many in all),
    and the link that commits it when it has no error and is not committed yet."""

    id: int
    city: str
    charter: str
    file_name: str
    status: str
    created_at: datetime
    summary: ImportCounts
    changes: list[ValueChange | TargetChange | StatusChange]
    changes_total: int
    errors: list[RowError]
    errors_total: int
    warnings: list[str]
    commit: str | None


class ImportCommitted(ImportPreviewRead):
    """A committed preview, with how many values, targets and statuses were written."""

    applied: dict[str, int]
