"""Vocabularies of the commitments app."""

from enum import StrEnum


class CommitmentStatus(StrEnum):
    """Where a city stands on a commitment it adopted, as last reported."""

    not_started = "not_started"
    in_progress = "in_progress"
    achieved = "achieved"
    delayed = "delayed"
    withdrawn = "withdrawn"
