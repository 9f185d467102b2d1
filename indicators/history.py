"""The story of one item: its audit rows (who, when, what changed), oldest first. The public sees
the history of published items only, and people by the names they publish under."""

from __future__ import annotations

from typing import Any

from indicators.claims import claim_for_read
from indicators.evidence import get_evidence
from indicators.schemas import HistoryEntry
from kernel.caller import Caller
from kernel.claim_ids import CLAIM_KINDS
from kernel.db import json_value
from kernel.errors import FieldError, MalformedInput, NotFound
from kernel.schemas import MAX_ROW_ID
from kernel.tables import AuditEntry

ENTITIES = (
    "charter",
    "charter_document",
    "city",
    "adoption",
    "target",
    "evidence",
    "challenge",
    *CLAIM_KINDS.values(),
)
"""The kinds of item whose history can be read; claims are keyed by their claim id."""


def _published(state: Any) -> Any:
    """An item's state as the public may read it: no account ids (`verified_by: 2`); people
    appear only under the names they publish under."""
    if not isinstance(state, dict):
        return state
    return {
        k: v
        for k, v in state.items()
        if not (k.endswith("_by") and isinstance(v, int) and not isinstance(v, bool))
    }


async def item_history(caller: Caller, entity: str, key: str) -> list[HistoryEntry]:
    """Every audit row of the item, oldest first; 404 for an item the caller may not see."""
    if entity not in ENTITIES:
        raise MalformedInput(
            f"No history is kept for {entity!r}.",
            [FieldError("entity", f"Expected one of: {', '.join(ENTITIES)}.")],
        )
    if entity in CLAIM_KINDS.values():
        await claim_for_read(caller, key)  # drafts: 404 for the public
    if entity == "evidence":  # evidence nothing published cites: 404 for the public
        number = key.removeprefix("evidence-")
        if not number.isdigit() or not 1 <= int(number) <= MAX_ROW_ID:
            raise NotFound(f"No history for {entity} {key!r}.")
        await get_evidence(caller, int(number))
    rows = (
        await AuditEntry.select()
        .where((AuditEntry.entity == entity) & (AuditEntry.key == key))
        .order_by(AuditEntry.id)
    )
    if not rows:
        raise NotFound(f"No history for {entity} {key!r}.")
    private = caller.is_secretariat
    shown = (lambda state: state) if private else _published
    return [
        HistoryEntry(
            at=r["at"],
            action=r["action"],
            by=(r["actor_label"] if private else r["actor_public"]) or r["actor_public"] or "—",
            before=shown(json_value(r["before"])),
            after=shown(json_value(r["after"])),
        )
        for r in rows
    ]
