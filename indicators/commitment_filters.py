"""Which of a city's adopted commitments its list keeps, as a query asks for them."""

from __future__ import annotations

from dataclasses import dataclass

from commitments.choices import CommitmentStatus
from indicators.flags import FLAG_CODES
from indicators.schemas import CityCommitmentSummary
from kernel.claim_ids import Assurance
from kernel.errors import check_choice
from kernel.text import normalize_code


@dataclass(frozen=True, slots=True)
class CommitmentFilters:
    """Which of a city's adopted commitments a list keeps: by last status, by the assurance of
    that status, by principle code, by a flag raised. A filter left at None keeps every row."""

    status: str | None = None
    assurance: str | None = None
    principle: str | None = None
    flag: str | None = None

    @classmethod
    def parse(
        cls,
        *,
        status: str | None = None,
        assurance: str | None = None,
        principle: str | None = None,
        flag: str | None = None,
    ) -> CommitmentFilters:
        """Filters as a query gives them; a value outside its vocabulary is refused, naming it."""
        return cls(
            status=check_choice(status, CommitmentStatus, "status"),
            assurance=check_choice(assurance, Assurance, "assurance"),
            principle=normalize_code(principle or "") or None,
            flag=check_choice(flag, FLAG_CODES, "flag"),
        )

    def keeps(self, summary: CityCommitmentSummary) -> bool:
        """Whether the list keeps this adopted commitment: every filter given holds."""
        return (
            (self.status is None or summary.status == self.status)
            and (self.assurance is None or summary.status_assurance == self.assurance)
            and (self.principle is None or summary.principle == self.principle)
            and (self.flag is None or any(f.code == self.flag for f in summary.flags))
        )


ALL = CommitmentFilters()
