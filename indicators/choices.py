"""Vocabularies of the indicators app."""

from enum import StrEnum


class ValueType(StrEnum):
    """What an indicator's numbers are."""

    count = "count"
    percent = "percent"
    ratio = "ratio"
    amount = "amount"
    boolean = "boolean"
    days = "days"


class Direction(StrEnum):
    """Which way is progress."""

    increase = "increase"
    decrease = "decrease"


class EvidenceKind(StrEnum):
    """What a piece of evidence is."""

    council_decision = "council_decision"
    budget = "budget"
    report = "report"
    statistics = "statistics"
    media = "media"
    photo = "photo"
    other = "other"
