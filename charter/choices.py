"""Vocabularies of the charter app."""

from enum import StrEnum


class SignatureStatus(StrEnum):
    """Whether a city's signature of a charter stands."""

    signed = "signed"
    withdrawn = "withdrawn"
