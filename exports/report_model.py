"""What a report shows, as typed values: the city report and the network report, each fully
computed (numbers formatted, labels chosen, evidence numbered) before a template sees it.

A report's `hash` identifies its data: the same data on the same report date gives the same hash,
hence the same PDF bytes and the same cached file. Templates read the fields by name.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, ClassVar, TypeVar

from markupsafe import Markup

UNHASHED = ("hash", "report_id")
"""Fields that name the data rather than describe it."""


# The city report ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CityHeading:
    """The city as the cover names it: in the report's language, and in its own when different."""

    slug: str
    name: str
    native_name: str
    native_lang: str
    country: str


@dataclass(frozen=True, slots=True)
class CharterHeading:
    """The charter the report is about."""

    slug: str
    title: str
    issuer: str


@dataclass(frozen=True, slots=True)
class SignatureLine:
    """The city's latest signature act on the charter, and whether it stands."""

    signed_on: str
    act: str
    status: str | None


@dataclass(frozen=True, slots=True)
class ClaimBadge:
    """A claim that counts, as the report marks it: its id and assurance."""

    claim_id: str
    assurance: str
    assurance_label: str
    draft: bool


@dataclass(frozen=True, slots=True)
class IndicatorLine:
    """An indicator of an adopted commitment: baseline → latest value vs target, with evidence."""

    code: str
    title: str
    unit: str
    baseline: str
    baseline_period: str
    latest: str
    latest_period: str
    latest_claim: ClaimBadge | None
    target: str
    target_period: str
    progress: str
    progress_value: float
    evidence: list[int]
    title_lang: str = ""
    """The language of the title and unit when it is not the report's (not yet translated)."""


@dataclass(frozen=True, slots=True)
class ReplyItem:
    """The city's answer to a challenge."""

    by: str
    date: str
    body: Markup | None
    evidence: list[int]


@dataclass(frozen=True, slots=True)
class RulingItem:
    """The secretariat's ruling on a challenge."""

    outcome: str
    outcome_code: str
    by: str
    date: str
    note: Markup | None


@dataclass(frozen=True, slots=True)
class ChallengeItem:
    """A challenge of one of the commitment's claims, by a civil-society organisation."""

    id: int
    by: str
    date: str
    subject: str
    claim_id: str
    status: str
    status_label: str
    overdue: bool
    reason: Markup | None
    evidence: list[int]
    replies: list[ReplyItem]
    ruling: RulingItem | None


@dataclass(frozen=True, slots=True)
class FlagLine:
    """A flag computed from the data (achieved without evidence, overdue...)."""

    code: str
    label: str
    indicator: str | None
    claim_id: str | None


@dataclass(frozen=True, slots=True)
class ChangeLine:
    """Something that changed since the previous report: a value, a status, a challenge or a
    ruling, on a date, about a commitment or an indicator."""

    kind: str
    date: str
    code: str
    text: str


@dataclass(frozen=True, slots=True)
class CommitmentSection:
    """An adopted commitment: status, owner, due date, progress, indicators, chart, challenges,
    latest narrative and flags."""

    code: str
    title: str
    status: str | None
    status_label: str
    status_date: str
    owner: str
    due: str
    progress: str
    progress_value: float
    indicators: list[IndicatorLine]
    chart: str | None
    chart_size: tuple[float, float]
    narrative: Markup | None
    status_claim: ClaimBadge | None
    challenges: list[ChallengeItem]
    status_evidence: list[int]
    flags: list[FlagLine]
    title_lang: str = ""
    """The language of the title when it is not the report's (not yet translated)."""
    chart_alt: str = ""
    """The chart in words (its alternative text)."""


@dataclass(frozen=True, slots=True)
class Counts:
    """Adopted commitments by where they stand, for a principle or the whole charter: achieved,
    on track, in progress (behind schedule), delayed, not started (or no status reported) and
    withdrawn add up to adopted, as in the comparison; overdue counts those past due among them."""

    adopted: int = 0
    achieved: int = 0
    on_track: int = 0
    in_progress: int = 0
    delayed: int = 0
    not_started: int = 0
    withdrawn: int = 0
    overdue: int = 0


@dataclass(frozen=True, slots=True)
class PrincipleSection:
    """A principle of the charter with the city's adopted commitments under it."""

    code: str
    title: str
    commitments: list[CommitmentSection]
    counts: Counts
    progress: str
    progress_value: float


@dataclass(frozen=True, slots=True)
class Totals:
    """The scorecard's last line, and the claims by assurance (shares and counts)."""

    adopted: int
    achieved: int
    on_track: int
    in_progress: int
    delayed: int
    not_started: int
    withdrawn: int
    overdue: int
    progress: str
    progress_value: float
    claims: int
    verified: str
    self_reported: str
    contested: str
    verified_count: int
    self_reported_count: int
    contested_count: int


@dataclass(frozen=True, slots=True)
class EvidenceEntry:
    """An item of the evidence annex, numbered in order of first citation."""

    n: int
    title: str
    kind: str
    date: str
    url: str | None
    file_name: str | None
    sha256: str | None


@dataclass(frozen=True, slots=True)
class CityReport:
    """One city's progress report on one charter, in one language."""

    template: ClassVar[str] = "report.html.j2"

    lang: str
    dir: str
    labels: dict[str, str]
    city: CityHeading
    charter: CharterHeading
    signature: SignatureLine | None
    period: str
    as_of: str | None
    as_of_text: str
    report_date: str
    report_date_text: str
    principles: list[PrincipleSection]
    evidence: list[EvidenceEntry]
    charts: dict[str, str]
    totals: Totals
    flag_codes: list[str]
    statuses: list[str]
    drafts: bool
    flag_counts: list[tuple[str, int]] = field(default_factory=list)
    since_text: str = ""
    """The data date of the previous report ("" when there is none on record)."""
    changes: list[ChangeLine] = field(default_factory=list)
    """What changed since then, oldest first (the first few)."""
    more_changes: int = 0
    """Each flag raised on the city's commitments (its code) and how many times, in flag order."""
    hash: str = ""
    report_id: str = ""


# The network report ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ColumnHeading:
    """A principle of the charter, as a column of the heat map."""

    code: str
    title: str


@dataclass(frozen=True, slots=True)
class HeatCell:
    """A city's progress on one principle, and its heat-map class."""

    progress: str
    heat: str
    adopted: int
    """How many of the principle's commitments the city adopted: what the cell's share is of."""


@dataclass(frozen=True, slots=True)
class CityTotal:
    """A city's standing over the whole charter."""

    adopted: int
    achieved: int
    on_track: int
    in_progress: int
    delayed: int
    not_started: int
    withdrawn: int
    overdue: int
    progress: str
    heat: str
    verified: str
    contested: str
    claims: int


@dataclass(frozen=True, slots=True)
class NetworkRow:
    """A signatory city's line of the network report."""

    city: str
    name: str
    country: str
    region: str
    signed_on: str
    cells: list[HeatCell]
    total: CityTotal


@dataclass(frozen=True, slots=True)
class NetworkReport:
    """Every signatory city of a charter side by side, in one language."""

    lang: str
    dir: str
    labels: dict[str, str]
    charter: CharterHeading
    columns: list[ColumnHeading]
    rows: list[NetworkRow]
    filters: dict[str, str]
    curve: str
    years: list[int]
    report_date: str
    report_date_text: str
    charts: dict[str, str] = field(default_factory=dict)
    as_of_text: str = "—"
    """When the latest change to the compared cities' data was made."""
    filter_lines: list[tuple[str, str]] = field(default_factory=list)
    """The comparison's filters as the reader reads them: (what, value)."""
    flag_codes: list[str] = field(default_factory=list)
    scale_marks: list[str] = field(default_factory=list)
    """The heat map's legend: a mark for each tenth of progress (0 %, 50 %, 100 % written)."""
    # The template's name has always been part of the network report's data hash; keeping it
    # there keeps the hashes, hence the cached PDFs, of unchanged data.
    template: str = "network.html.j2"
    hash: str = ""
    report_id: str = ""


ReportContext = CityReport | NetworkReport
Report = TypeVar("Report", CityReport, NetworkReport)


def data_hash(report: ReportContext) -> str:
    """SHA-256 of everything the report shows, but its own names."""
    body = asdict(report)
    for name in UNHASHED:
        body.pop(name)
    return hashlib.sha256(
        json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def sealed(report: Report, id_prefix: str) -> Report:
    """The report with its data hash, and its id: `id_prefix` and the hash's first 12 digits."""
    digest = data_hash(report)
    return replace(report, hash=digest, report_id=f"{id_prefix}-{digest[:12]}")


def template_vars(report: ReportContext) -> dict[str, Any]:
    """The report's fields by name, as the template reads them."""
    return {f.name: getattr(report, f.name) for f in fields(report)}
