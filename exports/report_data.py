"""What a city report is made from, read from the domain services in one snapshot: the city, the
charter's tree, the city's adoptions with their claims and evidence, the challenges of its claims,
its signature, and the time of the latest change. Nothing here is formatted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from piccolo.query.functions.aggregate import Max

from charter.choices import SignatureStatus
from charter.services import current_signature, get_charter_or_raise, get_city_or_raise
from charter.tables import City, Signature
from commitments.tables import Adoption, StatusUpdate
from indicators.challenges import list_challenges
from indicators.charter_tree import charter_tree
from indicators.city_view import Visibility, city_commitments_full
from indicators.evidence import evidence_read
from indicators.evidence_access import published
from indicators.tables import Evidence, Measurement, ReportDownload, Target
from kernel.caller import Caller
from kernel.errors import Forbidden


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything one city's report on one charter shows, as the services give it."""

    city: dict[str, Any]
    tree: Any
    commitments: list[Any]
    challenges_by_claim: dict[str, list[Any]]
    evidence_by_id: dict[int, Any]
    signature: dict[str, Any] | None
    signature_status: SignatureStatus | None
    as_of: datetime | None
    since: datetime | None = None
    """The data date of the previous report: what changed after it is listed."""


async def load_report_data(
    city_slug: str, charter_slug: str, lang: str, caller: Caller | None, drafts: bool
) -> ReportData:
    """Read a city's report data; call it inside one read snapshot. With `drafts`, the city's
    editors and the secretariat see and count draft claims; anyone else is refused."""
    city = await get_city_or_raise(city_slug)
    charter = await get_charter_or_raise(charter_slug)
    if drafts and (caller is None or not caller.may_see_drafts_of(city["id"])):
        raise Forbidden("Only the city's editors and the secretariat may include drafts.")
    tree = await charter_tree(charter_slug, lang)
    # A preview with drafts shows and counts them; the public report has published claims only.
    seen = Visibility(show_drafts=drafts, count_drafts=drafts)
    commitments = await city_commitments_full(city_slug, lang, charter_slug=charter_slug, seen=seen)
    challenges_by_claim: dict[str, list[Any]] = {}
    for challenge in (
        await list_challenges(city=city_slug, status=None, overdue=None, claim=None, limit=100_000, offset=0)
    ).items:
        challenges_by_claim.setdefault(challenge.claim_id, []).append(challenge)
    signature_status = await current_signature(city["id"], charter["id"])
    signature = (
        await Signature.select()
        .where((Signature.city == city["id"]) & (Signature.charter == charter["id"]))
        .order_by(Signature.signed_on, ascending=False)
        .first()
    )
    as_of = await _as_of(city["id"])
    evidence_by_id = await _evidence_by_id(city_slug, commitments, challenges_by_claim)
    return ReportData(
        city,
        tree,
        commitments,
        challenges_by_claim,
        evidence_by_id,
        signature,
        signature_status,
        as_of,
        await previous_report_at(city["id"], charter["id"], as_of),
    )


async def previous_report_at(city_id: int, charter_id: int, as_of: datetime | None) -> datetime | None:
    """When the previous report of the city on the charter was taken (the latest download of it
    from the city's workspace, in any language) before the data last changed: a report lists
    what changed since then. A report of unchanged data keeps the same previous report, hence
    the same bytes."""
    if as_of is None:
        return None
    row = await (
        ReportDownload.select(Max(ReportDownload.at))
        .where(
            (ReportDownload.city == city_id)
            & (ReportDownload.charter == charter_id)
            & (ReportDownload.at < as_of)
        )
        .first()
    )
    return _latest(row)


async def _evidence_by_id(
    city_slug: str, commitments: list[Any], challenges_by_claim: dict[str, list[Any]]
) -> dict[int, Any]:
    """Every evidence item the report may cite: of the city's claims, then the counter-evidence
    and evidence of replies, which no claim of the city cites (one query)."""
    evidence = {e.id: e for c in commitments for e in c.evidence}
    ids = sorted(
        {
            e
            for items in challenges_by_claim.values()
            for ch in items
            for e in [*ch.evidence, *(x for r in ch.replies for x in r.evidence)]
        }
    )
    rows = await Evidence.select().where(Evidence.id.is_in(ids or [-1])).order_by(Evidence.id)
    for row in rows:
        item = evidence_read(row, city_slug)
        evidence.setdefault(item.id, item)
    return evidence


async def _as_of(city_id: int) -> datetime | None:
    """The time of the latest change the report includes (not the clock)."""
    return await data_as_of([city_id])


async def data_as_of(city_ids: list[int]) -> datetime | None:
    """The time of the latest change to these cities' data (not the clock): what a report's
    "data as of" says."""
    if not city_ids:
        return None
    stamps: list[datetime] = []
    for query in (
        City.select(Max(City.updated_at)).where(City.id.is_in(city_ids)),
        Signature.select(Max(Signature.created_at)).where(Signature.city.is_in(city_ids)),
        Adoption.select(Max(Adoption.created_at)).where(Adoption.city.is_in(city_ids)),
        StatusUpdate.select(Max(StatusUpdate.created_at)).where(StatusUpdate.adoption.city.is_in(city_ids)),
        Measurement.select(Max(Measurement.created_at)).where(Measurement.city.is_in(city_ids)),
        Target.select(Max(Target.updated_at)).where(Target.city.is_in(city_ids)),
        Evidence.select(Max(Evidence.created_at)).where(Evidence.city.is_in(city_ids) & published()),
    ):
        value = _latest(await query.first())
        if value is not None:
            stamps.append(value)
    return max(stamps) if stamps else None


def _latest(row: dict[str, Any] | None) -> datetime | None:
    """The one timestamp a `Max(...)` query gives, aware (UTC when stored without a zone)."""
    value = next(iter(row.values())) if row else None
    if isinstance(value, str):  # SQLite returns an aggregate of timestamps as text
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value
