"""Vocabularies of the accounts app."""

from enum import StrEnum


class Role(StrEnum):
    """What a membership lets its holder do."""

    secretariat = "secretariat"
    city_editor = "city_editor"
    reviewer = "reviewer"
