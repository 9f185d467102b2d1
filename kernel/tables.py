"""The audit log: one row for every write, appended in the write's own transaction; and the
columns every claim shares."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class AuditEntry(Table, tablename="audit_entry"):
    """Who changed what, when, with the item's state before and after.

    `entity` and `key` name the item publicly (`measurement`, `grenoble/lampedusa/LAM-DIG-01-I1/2024`);
    the actor is kept by id and by label so that the row stays readable if the account goes.
    """

    at = Timestamptz(default=TimestamptzNow(), index=True, help_text="When the write happened.")
    actor_id = Integer(null=True, help_text="The user who wrote; null for the system (demo loader).")
    actor_label = Varchar(length=255, help_text="The actor as shown to the secretariat.")
    actor_public = Varchar(length=255, null=True, default=None,
                           help_text="The actor as the public sees them (a reviewer's organisation).")
    action = Varchar(length=32, help_text="create, update, withdraw...")
    entity = Varchar(length=64, index=True, help_text="Kind of item: city, charter, measurement...")
    key = Varchar(length=512, index=True, help_text="The item's public key.")
    before = JSON(null=True, help_text="The item before the write (null on create).")
    after = JSON(null=True, help_text="The item after the write.")


class ClaimColumns(Table):
    """What every claim (a signature, a status update, a measurement) records besides what it says:
    whether it is a draft, when it was published, which claim it corrects, who in the secretariat
    verified it, and its version. A mixin: claim tables inherit these columns."""

    draft = Boolean(default=False, help_text="Visible only to the city's editors and the secretariat.")
    published_at = Timestamptz(null=True, default=None, help_text="When the claim was made public.")
    supersedes = Integer(null=True, default=None, index=True,
                         help_text="Row id of the published claim of the same kind this one corrects.")
    verified_at = Timestamptz(null=True, default=None,
                              help_text="When a secretariat reviewer checked its evidence.")
    verified_by = Integer(null=True, default=None, help_text="User id of that reviewer.")
    verified_by_label = Varchar(length=255, null=True, default=None, help_text="The reviewer's name.")
    verification_note_md = Text(null=True, default=None)
    version = Integer(default=1, help_text="Incremented on each change: the ETag.")
