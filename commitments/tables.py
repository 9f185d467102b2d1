"""Tables of the commitments app: what a charter commits to, and what each city adopted."""

from __future__ import annotations

from piccolo.columns import JSON, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from charter.tables import Charter, CharterPart, City, Principle
from commitments.choices import CommitmentStatus
from kernel.claim_columns import ClaimColumns


class Commitment(CharterPart, Table, tablename="commitment"):
    """A municipal commitment under a principle (e.g. free legal advice for every resident)."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    charter = ForeignKey(references=Charter, null=False, index=True)
    principle = ForeignKey(references=Principle, null=False, index=True)
    description = JSON(help_text="Description (Markdown) by language.")


class Adoption(Table, tablename="adoption"):
    """A city's adoption of a commitment: when, by which local due date, owned by which unit."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    city = ForeignKey(references=City, null=False, index=True)
    commitment = ForeignKey(references=Commitment, null=False, index=True)
    key = Varchar(length=256, unique=True, help_text="`city/charter/CODE`.")
    adopted_on = Date(help_text="When the city adopted the commitment.")
    due_on = Date(null=True, default=None, help_text="Local deadline, if any.")
    owner = Varchar(length=255, null=True, default=None, help_text="Municipal unit in charge.")
    version = Integer(default=1, help_text="Incremented on each change: the ETag.")
    created_at = Timestamptz(default=TimestamptzNow())


class StatusUpdate(ClaimColumns, Table, tablename="status_update"):
    """A dated entry in an adoption's timeline: the status the city reports, and why."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    adoption = ForeignKey(references=Adoption, null=False, index=True)
    status = Varchar(length=16, choices=CommitmentStatus)
    reported_on = Date(help_text="The date the city gives to this status.")
    note_md = Text(null=True, default=None, help_text="Narrative, in Markdown.")
    created_at = Timestamptz(default=TimestamptzNow())
