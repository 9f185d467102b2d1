"""Tables of the indicators app: how commitments are measured, and the evidence behind claims."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Numeric,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from charter.tables import Charter, CharterPart, City, Signature
from commitments.tables import Adoption, Commitment, StatusUpdate
from indicators.choices import (
    ChallengeStatus,
    Direction,
    EvidenceKind,
    EvidenceOrigin,
    EvidenceReview,
    ReplySide,
    RulingOutcome,
    ValueType,
)
from kernel.claim_columns import ClaimColumns

DIGITS = (24, 6)


class Indicator(CharterPart, Table, tablename="indicator"):
    """A measure of a commitment (e.g. residents receiving free legal consultations, per year)."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    charter = ForeignKey(references=Charter, null=False, index=True)
    commitment = ForeignKey(references=Commitment, null=False, index=True)
    unit = Varchar(length=64, default="", help_text="Unit as printed (persons/year, %, days).")
    # `value_type` in the API; the column cannot be called so, because Piccolo's ForeignKey has a
    # `value_type` attribute of its own that a column of that name would shadow in joins.
    value_kind = Varchar(length=16, choices=ValueType, help_text="count, percent, ratio...")
    direction = Varchar(length=16, choices=Direction, default=Direction.increase)


class Target(Table, tablename="target"):
    """A city's baseline and target for one indicator."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    city = ForeignKey(references=City, null=False, index=True)
    indicator = ForeignKey(references=Indicator, null=False, index=True)
    key = Varchar(length=256, unique=True, help_text="`city/charter/CODE`.")
    baseline = Numeric(digits=DIGITS, null=True, default=None)
    baseline_period = Varchar(length=16, null=True, default=None)
    target = Numeric(digits=DIGITS)
    target_period = Varchar(length=16, null=True, default=None)
    version = Integer(default=1, help_text="Incremented on each change: the ETag.")
    updated_at = Timestamptz(default=TimestamptzNow())


class Evidence(Table, tablename="evidence"):
    """A document, dataset, photo or link a city offers as proof; a file is stored by SHA-256."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    city = ForeignKey(references=City, null=False, index=True)
    title = Varchar(length=500)
    kind = Varchar(length=32, choices=EvidenceKind)
    issued_on = Date(null=True, default=None, help_text="Date of the document, if known.")
    description_md = Text(null=True, default=None)
    url = Varchar(length=2048, null=True, default=None, help_text="http(s) link, or null for a file.")
    sha256 = Varchar(length=64, null=True, default=None, index=True, help_text="Of the file.")
    file_name = Varchar(length=255, null=True, default=None, help_text="Name given at upload.")
    media_type = Varchar(length=64, null=True, default=None)
    size = Integer(null=True, default=None, help_text="Bytes of the file.")
    created_at = Timestamptz(default=TimestamptzNow())
    created_by = Integer(null=True, default=None)
    origin = Varchar(
        length=16,
        choices=EvidenceOrigin,
        default=EvidenceOrigin.city,
        help_text="The city's own proof, or counter-evidence filed with a challenge.",
    )
    review = Varchar(length=16, choices=EvidenceReview, default=EvidenceReview.unreviewed)
    review_note_md = Text(null=True, default=None)
    reviewed_at = Timestamptz(null=True, default=None)
    reviewed_by = Integer(null=True, default=None)
    reviewed_by_label = Varchar(length=255, null=True, default=None)
    file_released = Boolean(
        default=False,
        help_text="The secretariat lets anyone download the file of this evidence although it rejected it.",
    )
    withdrawn_at = Timestamptz(
        null=True,
        default=None,
        help_text="When the city withdrew this evidence, filed by mistake: hidden, kept in history.",
    )
    withdrawn_by = Integer(null=True, default=None)
    version = Integer(default=1, help_text="Incremented on each change: the ETag.")


class Measurement(ClaimColumns, Table, tablename="measurement"):
    """A value a city reports for an indicator over an ended period, with the text as typed."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    city = ForeignKey(references=City, null=False, index=True)
    indicator = ForeignKey(references=Indicator, null=False, index=True)
    period = Varchar(length=16, help_text="YYYY, YYYY-Qn or YYYY-MM.")
    period_end = Date(index=True, help_text="Last day of the period, for ordering.")
    value = Numeric(digits=DIGITS)
    value_text = Varchar(length=64, help_text="The value exactly as the city typed it.")
    note_md = Text(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class MeasurementEvidence(Table, tablename="measurement_evidence"):
    """Evidence cited by a measurement."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    measurement = ForeignKey(references=Measurement, null=False, index=True)
    evidence = ForeignKey(references=Evidence, null=False, index=True)


class UpdateEvidence(Table, tablename="update_evidence"):
    """Evidence cited by a status update."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    update = ForeignKey(references=StatusUpdate, null=False, index=True)
    evidence = ForeignKey(references=Evidence, null=False, index=True)


class SignatureEvidence(Table, tablename="signature_evidence"):
    """Evidence cited by a signature act: the council decision, the signed charter."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    signature = ForeignKey(references=Signature, null=False, index=True)
    evidence = ForeignKey(references=Evidence, null=False, index=True)


class AdoptionEvidence(Table, tablename="adoption_evidence"):
    """Evidence of an adoption: the council decision by which the city took on the commitment."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    adoption = ForeignKey(references=Adoption, null=False, index=True)
    evidence = ForeignKey(references=Evidence, null=False, index=True)


class Challenge(Table, tablename="challenge"):
    """Civil society questions one claim: the reason, the city's replies, the secretariat's ruling.

    `claim_id` is the public id of the claim (`measurement-12`, `status-3`, `signature-1`);
    `organisation` is the name the reviewer publishes under.
    """

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    city = ForeignKey(references=City, null=False, index=True)
    claim_id = Varchar(length=64, index=True)
    reason_md = Text()
    organisation = Varchar(length=255, null=True, default=None, help_text="Name published, if any.")
    opened_by = Integer(null=True, default=None, help_text="User id of the reviewer.")
    opened_by_label = Varchar(length=255, default="", help_text="The reviewer's own name.")
    opened_at = Timestamptz(default=TimestamptzNow(), index=True)
    status = Varchar(length=16, choices=ChallengeStatus, default=ChallengeStatus.open)
    outcome = Varchar(length=16, choices=RulingOutcome, null=True, default=None)
    ruling_note_md = Text(null=True, default=None)
    ruled_at = Timestamptz(null=True, default=None)
    ruled_by = Integer(null=True, default=None)
    ruled_by_label = Varchar(length=255, null=True, default=None)
    version = Integer(default=1, help_text="Incremented on each change: the ETag.")


class ChallengeReply(Table, tablename="challenge_reply"):
    """One round of a challenge after it is opened: the city's answer, or the challenger's
    answer back."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    challenge = ForeignKey(references=Challenge, null=False, index=True)
    side = Varchar(length=16, default="city", choices=ReplySide)
    body_md = Text()
    created_at = Timestamptz(default=TimestamptzNow())
    created_by = Integer(null=True, default=None)
    created_by_label = Varchar(length=255, default="")


class ChallengeEvidence(Table, tablename="challenge_evidence"):
    """Evidence attached to a challenge (counter-evidence) or to one of its replies."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    challenge = ForeignKey(references=Challenge, null=False, index=True)
    reply = ForeignKey(references=ChallengeReply, null=True, default=None, index=True)
    evidence = ForeignKey(references=Evidence, null=False, index=True)


class AdoptionStanding(Table, tablename="adoption_standing"):
    """Where one adoption stands according to the claims that count (published, not corrected):
    its last status, its progress (0–1), and how many of its claims are verified or contested.
    Kept up to date in the same transaction by every write that can change it (see
    `indicators/standing.py`); the comparison across cities adds these rows up."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    adoption = ForeignKey(references=Adoption, null=False, unique=True, index=True)
    city = ForeignKey(references=City, null=False, index=True)
    status = Varchar(length=16, null=True, default=None)
    progress = DoublePrecision(default=0.0)
    claims = Integer(default=0)
    verified = Integer(default=0)
    contested = Integer(default=0)


class ImportPreview(Table, tablename="import_preview"):
    """A spreadsheet a city uploaded: what applying it would change, and its errors. Nothing is
    written until it is committed; a commit applies exactly what the preview showed, or nothing."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    city = ForeignKey(references=City, null=False, index=True)
    charter = ForeignKey(references=Charter, null=False)
    file_name = Varchar(length=255, default="")
    sha256 = Varchar(length=64, help_text="Of the uploaded file.")
    plan = JSON(help_text="The rows read from the file, normalised, with their changes.")
    errors = Integer(default=0)
    status = Varchar(length=16, default="preview", help_text="preview, committed or stale.")
    created_at = Timestamptz(default=TimestamptzNow())
    created_by = Integer(null=True, default=None)
    committed_at = Timestamptz(null=True, default=None)


class ReportDownload(Table, tablename="report_download"):
    """An officer downloaded the city's progress report on a charter: when, in which language,
    and where each adopted commitment stood then, so that the next visit says what changed."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    user_id = Integer(index=True)
    city = ForeignKey(references=City, null=False, index=True)
    charter = ForeignKey(references=Charter, null=False)
    lang = Varchar(length=8)
    report_id = Varchar(length=64, help_text="The report's id (its data hash).")
    at = Timestamptz(default=TimestamptzNow())
    standing = JSON(help_text="Commitment code → status, progress, claims, verified, contested.")
