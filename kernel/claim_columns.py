"""The columns every claim table carries (signatures, status updates, measurements): who made
the claim, whether it is a draft, what it corrects, the secretariat's verification, its version."""

from __future__ import annotations

from piccolo.columns import Boolean, Integer, Text, Timestamptz, Varchar


class ClaimColumns:
    """Mixed into a claim's table before `Table`; Piccolo copies each column into the table."""

    created_by = Integer(null=True, default=None, help_text="User id of the author.")
    draft = Boolean(default=False, help_text="Visible only to the city's editors and the secretariat.")
    published_at = Timestamptz(null=True, default=None, help_text="When the claim was made public.")
    supersedes = Integer(
        null=True,
        default=None,
        index=True,
        help_text="Row id of the published claim of the same kind this one corrects.",
    )
    verified_at = Timestamptz(
        null=True, default=None, help_text="When a secretariat reviewer checked its evidence."
    )
    verified_by = Integer(null=True, default=None, help_text="User id of that reviewer.")
    verified_by_label = Varchar(length=255, null=True, default=None, help_text="The reviewer's name.")
    verification_note_md = Text(null=True, default=None)
    version = Integer(default=1, help_text="Incremented on each change: the ETag.")
