"""What changed since an officer last downloaded the city's progress report on a charter: each
download keeps where every adopted commitment stood (status, progress, claims verified and
contested), and the next visit compares that with where they stand now."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from charter.services import city_for_write, get_charter_or_raise
from commitments.tables import Adoption
from indicators.tables import AdoptionStanding, ReportDownload
from kernel.caller import Caller
from kernel.db import audit, write_transaction

FIELDS = ("status", "progress", "claims", "verified", "contested")
"""What is compared of each commitment's standing."""


async def standing_now(city_id: int, charter_slug: str) -> dict[str, dict[str, Any]]:
    """Commitment code → where the city's adoption of it stands now, for one charter."""
    rows = await AdoptionStanding.select(
        AdoptionStanding.adoption._.key.as_alias("key"), *(getattr(AdoptionStanding, f) for f in FIELDS)
    ).where(AdoptionStanding.city == city_id)
    out = {}
    for r in rows:
        _, charter, code = r["key"].split("/", 2)
        if charter == charter_slug:
            out[code] = {f: (round(r[f], 4) if f == "progress" else r[f]) for f in FIELDS}
    # An adoption with no standing row yet (nothing reported) still counts as adopted.
    adopted = await Adoption.select(Adoption.key).where(Adoption.city == city_id)
    for r in adopted:
        _, charter, code = r["key"].split("/", 2)
        if charter == charter_slug:
            out.setdefault(code, {f: (None if f == "status" else 0) for f in FIELDS})
    return out


async def record_download(
    caller: Caller, city_slug: str, charter_slug: str, lang: str, report_id: str
) -> None:
    """Keep that the officer downloaded this report now, with where each commitment stood."""
    city = await city_for_write(caller, city_slug)
    charter = await get_charter_or_raise(charter_slug)
    if caller.user_id is None:  # the command line keeps no reading position
        return
    async with write_transaction():
        standing = await standing_now(city["id"], charter_slug)
        await ReportDownload.insert(
            ReportDownload(
                user_id=caller.user_id,
                city=city["id"],
                charter=charter["id"],
                lang=lang,
                report_id=report_id,
                standing=standing,
            )
        )
        await audit(
            caller, "download", "report", f"{city_slug}/{charter_slug}/{lang}", None, {"report_id": report_id}
        )


@dataclass(frozen=True, slots=True)
class Change:
    """One commitment whose standing differs from the last download: `before` None when it was
    adopted since, `now` None when its adoption is gone."""

    code: str
    before: dict[str, Any] | None
    now: dict[str, Any] | None

    @property
    def fields(self) -> list[str]:
        """Which of `FIELDS` changed."""
        if self.before is None or self.now is None:
            return []
        return [f for f in FIELDS if self.before.get(f) != self.now.get(f)]


@dataclass(frozen=True, slots=True)
class SinceLastDownload:
    """The officer's last download of the report on a charter, and what changed since."""

    at: datetime
    lang: str
    report_id: str
    changes: list[Change]


async def since_last_download(
    caller: Caller, city_id: int, charter: dict[str, Any]
) -> SinceLastDownload | None:
    """None when the officer never downloaded this report."""
    if caller.user_id is None:
        return None
    last = (
        await ReportDownload.select()
        .where(
            (ReportDownload.user_id == caller.user_id)
            & (ReportDownload.city == city_id)
            & (ReportDownload.charter == charter["id"])
        )
        .order_by(ReportDownload.id, ascending=False)
        .first()
    )
    if last is None:
        return None
    kept = last["standing"]
    before: dict[str, Any] = json.loads(kept) if isinstance(kept, str) else kept or {}
    now = await standing_now(city_id, charter["slug"])
    changes = [
        Change(code, before.get(code), now.get(code))
        for code in sorted(set(before) | set(now))
        if before.get(code) != now.get(code)
    ]
    return SinceLastDownload(last["at"], last["lang"], last["report_id"], changes)
