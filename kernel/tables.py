"""The audit log: one row for every write, appended in the write's own transaction."""

from __future__ import annotations

from piccolo.columns import JSON, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class AuditEntry(Table, tablename="audit_entry"):
    """Who changed what, when, with the item's state before and after.

    `entity` and `key` name the item publicly (`measurement`, `grenoble/lampedusa/LAM-DIG-01-I1/2024`);
    the actor is kept by id and by label so that the row stays readable if the account goes.
    """

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    at = Timestamptz(default=TimestamptzNow(), index=True, help_text="When the write happened.")
    actor_id = Integer(null=True, help_text="The user who wrote; null for the system (demo loader).")
    actor_label = Varchar(length=255, help_text="The actor as shown to the secretariat.")
    actor_public = Varchar(
        length=255,
        null=True,
        default=None,
        help_text="The actor as the public sees them (a reviewer's organisation).",
    )
    action = Varchar(length=32, help_text="create, update, withdraw...")
    entity = Varchar(length=64, index=True, help_text="Kind of item: city, charter, measurement...")
    key = Varchar(length=512, index=True, help_text="The item's public key.")
    before = JSON(null=True, help_text="The item before the write (null on create).")
    after = JSON(null=True, help_text="The item after the write.")
