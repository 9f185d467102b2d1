"""Former name of `kernel.claim_ids`, which `indicators.history` still imports `CLAIM_KINDS` from.
Import from `kernel.claim_ids`."""

from kernel.claim_ids import CLAIM_KINDS

__all__ = ["CLAIM_KINDS"]
