"""Vocabularies of the indicators app. `ValueType` lives in the kernel, beside the reading of
numbers that depends on it, and is named here too because indicators are typed by it."""

from enum import StrEnum

from kernel.numbers import ValueType

__all__ = [
    "ChallengeStatus",
    "Direction",
    "EvidenceKind",
    "EvidenceOrigin",
    "EvidenceReview",
    "RulingOutcome",
    "ValueType",
]


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


class EvidenceOrigin(StrEnum):
    """Who filed a piece of evidence."""

    city = "city"
    reviewer = "reviewer"


class EvidenceReview(StrEnum):
    """The secretariat's review of a piece of evidence."""

    unreviewed = "unreviewed"
    accepted = "accepted"
    rejected = "rejected"


class ChallengeStatus(StrEnum):
    """Where a challenge stands: waiting for the city, answered, or ruled by the secretariat."""

    open = "open"
    answered = "answered"
    ruled = "ruled"


class ReplySide(StrEnum):
    """Who speaks in a round of a challenge: the city whose claim is questioned, or the
    challenger answering back after the city's answer."""

    city = "city"
    challenger = "challenger"


class RulingOutcome(StrEnum):
    """The secretariat's ruling on a challenge."""

    upheld = "upheld"
    dismissed = "dismissed"
    partly_upheld = "partly_upheld"
