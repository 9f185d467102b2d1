"""Many claims at once, for a city's spreadsheet: what the city currently says (to compare a file
against), and the writes of a checked plan in one transaction, each claim audited as if typed
one by one. The rules are those of the single writes (`measurements.py`, `targets.py`,
`status_updates.py`): ended periods, values fit for the indicator, corrections that supersede,
evidence cited by its number or filed from its link, published at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from piccolo.columns import ForeignKey
from piccolo.columns.combination import Combinable

from commitments.tables import Adoption, StatusUpdate
from indicators import standing
from indicators.assurance import current
from indicators.choices import EvidenceKind, EvidenceOrigin
from indicators.claims import now
from indicators.tables import Evidence, Indicator, Measurement, MeasurementEvidence, Target, UpdateEvidence
from kernel.caller import Caller
from kernel.claim_ids import claim_id
from kernel.db import AUDIT_COLUMNS, AuditRow, audit_entry, bulk_insert, json_value, update_versioned
from kernel.periods import parse_period
from kernel.schemas import MAX_TITLE
from kernel.tables import AuditEntry
from kernel.text import pick


@dataclass
class CityState:
    """What a city says today on one charter: its adopted commitments and their indicators, its
    targets, the values that count and the last status of each adoption (each with the ids of the
    evidence it cites, `evidence`), and the evidence on file that its claims may cite: the city's
    own, not withdrawn, by id, and by link for those published elsewhere."""

    adoptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    indicators: dict[str, dict[str, Any]] = field(default_factory=dict)
    targets: dict[str, dict[str, Any]] = field(default_factory=dict)
    values: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    evidence: set[int] = field(default_factory=set)
    links: dict[str, int] = field(default_factory=dict)


async def city_state(city_id: int, charter_id: int, lang: str | None = None) -> CityState:
    """The city's current state on the charter, in a fixed number of queries."""
    state = CityState()
    adoptions = await Adoption.select(
        Adoption.id,
        Adoption.adopted_on,
        Adoption.commitment,
        Adoption.commitment.code.as_alias("code"),
        Adoption.commitment.title.as_alias("title"),
        Adoption.commitment._.charter._.lang.as_alias("lang"),
    ).where((Adoption.city == city_id) & (Adoption.commitment.charter == charter_id))
    by_commitment = {a["commitment"]: a for a in adoptions}
    for a in adoptions:
        state.adoptions[a["code"]] = {**a, "title": pick(json_value(a["title"]), lang, a["lang"])}
    rows = (
        await Indicator.select()
        .where(Indicator.commitment.is_in(list(by_commitment) or [-1]))
        .order_by(Indicator.commitment)
        .order_by(Indicator.position)
        .output(load_json=True)
    )
    base = adoptions[0]["lang"] if adoptions else "en"
    for i in rows:
        adoption = by_commitment[i["commitment"]]
        state.indicators[i["code"]] = {
            **i,
            "title": pick(i["title"], lang, base),
            "adoption": adoption["id"],
            "commitment_code": adoption["code"],
        }
    ids = {i["id"]: code for code, i in state.indicators.items()} or {-1: ""}
    for t in await Target.select().where((Target.city == city_id) & Target.indicator.is_in(list(ids))):
        state.targets[ids[t["indicator"]]] = t
    values = (
        await Measurement.select()
        .where(
            (Measurement.city == city_id)
            & Measurement.indicator.is_in(list(ids))
            & (Measurement.draft.eq(False))
        )
        .order_by(Measurement.period_end)
        .order_by(Measurement.id)
    )
    cited = await _cited(MeasurementEvidence.measurement, MeasurementEvidence.measurement._.city == city_id)
    for m in current(values):
        state.values[(ids[m["indicator"]], m["period"])] = {**m, "evidence": cited.get(m["id"], [])}
    adoption_codes = {a["id"]: a["code"] for a in adoptions} or {-1: ""}
    updates = (
        await StatusUpdate.select()
        .where(StatusUpdate.adoption.is_in(list(adoption_codes)) & (StatusUpdate.draft.eq(False)))
        .order_by(StatusUpdate.reported_on)
        .order_by(StatusUpdate.id)
    )
    cited = await _cited(UpdateEvidence.update, UpdateEvidence.update._.adoption._.city == city_id)
    for u in current(updates):
        state.statuses[adoption_codes[u["adoption"]]] = {**u, "evidence": cited.get(u["id"], [])}
    for e in await Evidence.select(Evidence.id, Evidence.url).where(
        (Evidence.city == city_id)
        & (Evidence.origin == EvidenceOrigin.city)
        & Evidence.withdrawn_at.is_null()
    ):
        state.evidence.add(e["id"])
        if e["url"]:
            state.links.setdefault(e["url"], e["id"])
    return state


async def _cited(claim: ForeignKey, of_city: Combinable) -> dict[int, list[int]]:
    """Claim row id → the ids of the evidence it cites, for the claims of one kind that `of_city`
    keeps (one query, whatever their number); `claim` is the link table's claim column."""
    table = claim._meta.table
    out: dict[int, list[int]] = defaultdict(list)
    evidence = table._meta.get_column_by_name("evidence")
    for link in await table.select(claim, evidence).where(of_city).order_by(evidence):
        out[link[claim._meta.name]].append(link["evidence"])
    return out


@dataclass
class _Batch:
    """One spreadsheet's writes: who, for which city and charter, at which instant (every claim
    of the batch is published at once), and what they leave to do at the end (the audit rows and
    the adoptions whose standing changed)."""

    caller: Caller
    city: dict[str, Any]
    charter_slug: str
    state: CityState
    stamp: datetime
    audits: list[AuditRow] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)
    filed: dict[str, int] = field(default_factory=dict)
    """The links the batch filed as new evidence, by link: their evidence ids."""

    def key(self, code: str) -> str:
        """The public key of an indicator or adoption of this city: `city/charter/code`."""
        return f"{self.city['slug']}/{self.charter_slug}/{code}"

    def cited(self, change: dict[str, Any]) -> list[int]:
        """The evidence a change's claim cites: the numbers its row gave and its links, filed."""
        return sorted({*change.get("evidence", []), *(self.filed[u] for u in change.get("links", []))})


async def _file_links(batch: _Batch, changes: list[dict[str, Any]]) -> None:
    """File each link the rows give that the city does not have on file yet, once, as a piece of
    evidence titled by its link (the city can retitle it in its evidence library)."""
    for url in dict.fromkeys(u for c in changes for u in c.get("links", [])):
        fields = {"title": url[:MAX_TITLE], "kind": EvidenceKind.other, "url": url}
        row = (
            await Evidence.insert(
                Evidence(
                    city=batch.city["id"],
                    **fields,
                    created_by=batch.caller.user_id,
                    origin=EvidenceOrigin.city,
                    created_at=batch.stamp,
                )
            ).returning(Evidence.id)
        )[0]
        batch.filed[url] = row["id"]
        batch.audits.append(
            audit_entry(
                batch.caller,
                "create",
                "evidence",
                f"evidence-{row['id']}",
                None,
                {**fields, "source": "spreadsheet import"},
            )
        )


async def apply_changes(
    caller: Caller, city: dict[str, Any], charter_slug: str, state: CityState, changes: list[dict[str, Any]]
) -> dict[str, int]:
    """Write checked changes (see `exports/spreadsheet_plan.py`) in the caller's transaction: the
    links the rows give as new evidence, values, corrections (superseding the value they change),
    targets, statuses, each claim with the evidence it cites; one audit row each."""
    batch = _Batch(caller, city, charter_slug, state, now())
    await _file_links(batch, changes)
    counts = {
        "measurement": await _write_values(batch, [c for c in changes if c["kind"] == "measurement"]),
        "target": await _write_targets(batch, [c for c in changes if c["kind"] == "target"]),
        "status": await _write_statuses(batch, [c for c in changes if c["kind"] == "status"]),
    }
    await bulk_insert(AuditEntry, AUDIT_COLUMNS, batch.audits)
    await standing.refresh(sorted(batch.touched))
    return counts


_VALUE_COLUMNS = [
    "city",
    "indicator",
    "period",
    "period_end",
    "value",
    "value_text",
    "note_md",
    "created_at",
    "created_by",
    "draft",
    "published_at",
    "supersedes",
    "version",
]


async def _write_values(batch: _Batch, values: list[dict[str, Any]]) -> int:
    """Insert the values in one statement, each correcting the value of its period if there was
    one, then audit each under its new claim id."""
    state, city, stamp = batch.state, batch.city, batch.stamp
    rows = []
    for c in values:
        indicator = state.indicators[c["code"]]
        period = parse_period(c["period"])
        old = state.values.get((c["code"], c["period"]))
        rows.append(
            (
                city["id"],
                indicator["id"],
                period.label,
                period.end,
                Decimal(c["value"]),
                c["value_text"],
                c.get("note_md"),
                stamp,
                batch.caller.user_id,
                False,
                stamp,
                old["id"] if old else None,
                1,
            )
        )
        batch.touched.add(indicator["adoption"])
    await bulk_insert(Measurement, _VALUE_COLUMNS, rows)
    if values:
        await _audit_values(batch, values)
    return len(values)


async def _audit_values(batch: _Batch, values: list[dict[str, Any]]) -> None:
    """One audit row per value just inserted, as if it had been typed alone."""
    state = batch.state
    # The new rows are those of this city published at this instant.
    created = await Measurement.select(Measurement.id, Measurement.indicator, Measurement.period).where(
        (Measurement.city == batch.city["id"]) & (Measurement.published_at == batch.stamp)
    )
    ids = {(r["indicator"], r["period"]): r["id"] for r in created}
    citations = []
    for c in values:
        old = state.values.get((c["code"], c["period"]))
        row_id = ids[(state.indicators[c["code"]]["id"], c["period"])]
        key = claim_id("measurement", row_id)
        cited = batch.cited(c)
        citations += [(row_id, e) for e in cited]
        batch.audits.append(
            audit_entry(
                batch.caller,
                "create",
                "measurement",
                key,
                None,
                {
                    "indicator": batch.key(c["code"]),
                    "period": c["period"],
                    "value": c["value"],
                    "value_text": c["value_text"],
                    "note_md": c.get("note_md"),
                    "evidence": cited,
                    "draft": False,
                    "supersedes": claim_id("measurement", old["id"]) if old else None,
                    "source": "spreadsheet import",
                },
            )
        )
    await bulk_insert(MeasurementEvidence, ["measurement", "evidence"], citations)


async def _write_targets(batch: _Batch, targets: list[dict[str, Any]]) -> int:
    """Set or replace each indicator's baseline and target."""
    for c in targets:
        indicator = batch.state.indicators[c["code"]]
        key = batch.key(c["code"])
        values_in = {
            "baseline": Decimal(c["baseline"]) if c["baseline"] is not None else None,
            "baseline_period": c["baseline_period"],
            "target": Decimal(c["target"]),
            "target_period": c["target_period"],
        }
        before = batch.state.targets.get(c["code"])
        if before is None:
            await Target.insert(
                Target(city=batch.city["id"], indicator=indicator["id"], key=key, **values_in)
            )
        else:
            await update_versioned(
                Target,
                before["id"],
                before["version"],
                {getattr(Target, k): v for k, v in values_in.items()} | {Target.updated_at: batch.stamp},
                f"Target {key}",
            )
        batch.audits.append(
            audit_entry(
                batch.caller,
                "create" if before is None else "update",
                "target",
                key,
                {k: before[k] for k in values_in} if before else None,
                values_in,
            )
        )
        batch.touched.add(indicator["adoption"])
    return len(targets)


async def _write_statuses(batch: _Batch, statuses: list[dict[str, Any]]) -> int:
    """Append each status to its adoption's timeline, published at once."""
    citations = []
    for c in statuses:
        adoption = batch.state.adoptions[c["code"]]
        row = (
            await StatusUpdate.insert(
                StatusUpdate(
                    adoption=adoption["id"],
                    status=c["status"],
                    reported_on=date.fromisoformat(c["reported_on"]),
                    note_md=c.get("note_md"),
                    created_by=batch.caller.user_id,
                    draft=False,
                    published_at=batch.stamp,
                )
            ).returning(StatusUpdate.id)
        )[0]
        key = claim_id("status_update", row["id"])
        cited = batch.cited(c)
        citations += [(row["id"], e) for e in cited]
        batch.audits.append(
            audit_entry(
                batch.caller,
                "create",
                "status_update",
                key,
                None,
                {
                    "commitment": batch.key(c["code"]),
                    "status": c["status"],
                    "reported_on": c["reported_on"],
                    "note_md": c.get("note_md"),
                    "evidence": cited,
                    "draft": False,
                    "supersedes": None,
                    "source": "spreadsheet import",
                },
            )
        )
        batch.touched.add(adoption["id"])
    await bulk_insert(UpdateEvidence, ["update", "evidence"], citations)
    return len(statuses)
