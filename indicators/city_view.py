"""A city's view of its adopted commitments: last status, progress, indicators with targets and
measurements, evidence and the flags computed from them, for the list, one commitment and the
report. Which claims are shown and which count depends on who reads (`Visibility`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from msgspec import structs

from charter.services import get_city_or_raise
from commitments.services import get_adoption_or_raise
from commitments.tables import Adoption, StatusUpdate
from indicators.assurance import assurance_of, current, is_contested, superseded_by
from indicators.charter_tree import described
from indicators.claims import challenges_of, evidence_of
from indicators.commitment_filters import ALL, CommitmentFilters
from indicators.evidence import evidence_read
from indicators.evidence_access import published_ids
from indicators.flags import ClaimFacts, CommitmentFacts, IndicatorFacts, commitment_flags, flag_message
from indicators.measurements import measurement_read
from indicators.progress import commitment_progress, indicator_progress
from indicators.schemas import CityCommitmentRead, CityCommitmentSummary, FlagRead, IndicatorProgress
from indicators.status_updates import status_read
from indicators.tables import AdoptionEvidence, Evidence, Indicator, Measurement, Target
from indicators.targets import target_read
from kernel import clock
from kernel.caller import Caller
from kernel.claim_ids import Assurance, claim_id, history_url
from kernel.db import json_value, one_connection
from kernel.read_cache import kept_read
from kernel.text import pick, picked_language


@dataclass(frozen=True, slots=True)
class Visibility:
    """Which claims a read shows and which count. The public sees published claims; a city's
    editors and the secretariat also see drafts (marked, not counted); a report preview with
    drafts counts them as if published."""

    show_drafts: bool = False
    count_drafts: bool = False

    @classmethod
    def for_caller(cls, caller: Caller, city_id: int, *, count_drafts: bool = False) -> Visibility:
        may = caller.may_see_drafts_of(city_id)
        return cls(show_drafts=may, count_drafts=may and count_drafts)


PUBLIC = Visibility()


async def view_rows(
    city: dict[str, Any], adoption_ids: list[int] | None, charter_slug: str | None, seen: Visibility
):
    """Everything needed to compute progress for the city's adoptions, in a fixed number of queries:
    the adoptions (in charter order), their status updates, indicators, the city's targets by
    indicator, and its measurements (those shown to `seen`, oldest first)."""
    query = Adoption.select(
        *Adoption.all_columns(),
        Adoption.commitment.code.as_alias("code"),
        Adoption.commitment.title.as_alias("title"),
        Adoption.commitment.description.as_alias("description"),
        Adoption.commitment._.principle._.code.as_alias("principle"),
        Adoption.commitment._.principle._.position.as_alias("p_pos"),
        Adoption.commitment.position.as_alias("c_pos"),
        Adoption.commitment._.charter._.slug.as_alias("charter"),
        Adoption.commitment._.charter._.lang.as_alias("charter_lang"),
    ).where(Adoption.city == city["id"])
    if adoption_ids is not None:
        query = query.where(Adoption.id.is_in(adoption_ids or [-1]))
    if charter_slug:
        query = query.where(Adoption.commitment._.charter._.slug == charter_slug)
    adoptions = await query
    adoptions.sort(key=lambda a: (a["charter"], a["p_pos"], a["c_pos"]))
    ids = [a["id"] for a in adoptions] or [-1]
    updates_query = StatusUpdate.select().where(StatusUpdate.adoption.is_in(ids))
    if not seen.show_drafts:
        updates_query = updates_query.where(StatusUpdate.draft.eq(False))
    updates = await updates_query.order_by(StatusUpdate.reported_on).order_by(StatusUpdate.id)
    commitment_ids = [a["commitment"] for a in adoptions] or [-1]
    indicators = (
        await Indicator.select()
        .where(Indicator.commitment.is_in(commitment_ids))
        .order_by(Indicator.position)
        .output(load_json=True)
    )
    indicator_ids = [i["id"] for i in indicators] or [-1]
    targets = {
        t["indicator"]: t
        for t in await Target.select().where(
            (Target.city == city["id"]) & Target.indicator.is_in(indicator_ids)
        )
    }
    measurements_query = Measurement.select().where(
        (Measurement.city == city["id"]) & Measurement.indicator.is_in(indicator_ids)
    )
    if not seen.show_drafts:
        measurements_query = measurements_query.where(Measurement.draft.eq(False))
    measurements = await measurements_query.order_by(Measurement.period_end).order_by(Measurement.id)
    return adoptions, updates, indicators, targets, measurements


def counted(rows: list[dict[str, Any]], seen: Visibility) -> list[dict[str, Any]]:
    """The claims that count: published (and drafts in a preview), not corrected by another."""
    return current([r for r in rows if seen.count_drafts or not r["draft"]])


def _progress_of(adoption, view: _CityView):
    """The adoption's counted timeline and last status, each indicator with its target, counted
    series, latest value and progress, and the commitment's progress."""
    timeline = view.counted_updates_by.get(adoption["id"], [])
    status = timeline[-1]["status"] if timeline else None
    per_indicator = []
    for ind in view.indicators_by.get(adoption["commitment"], []):
        series = view.counted_measurements_by.get(ind["id"], [])
        latest = series[-1]["value"] if series else None
        target = view.targets.get(ind["id"])
        progress = indicator_progress(
            target["baseline"] if target else None,
            target["target"] if target else None,
            latest,
            ind["direction"],
        )
        per_indicator.append((ind, target, series, latest, progress))
    total = commitment_progress([p for *_, p in per_indicator], status)
    return timeline, status, per_indicator, total


def group(rows, key):
    """The rows by the value of one of their columns, in their order."""
    out: dict[Any, list] = defaultdict(list)
    for r in rows:
        out[r[key]].append(r)
    return out


@dataclass
class _CityView:
    """A city's adoptions with everything needed to compute their status, progress and flags:
    the claims shown (`updates_by`, `measurements_by`) and those that count (`counted_*`)."""

    adoptions: list[dict[str, Any]]
    updates_by: dict[int, list]
    counted_updates_by: dict[int, list]
    indicators_by: dict[int, list]
    targets: dict[int, dict[str, Any]]
    measurements_by: dict[int, list]
    counted_measurements_by: dict[int, list]
    measurements: list[dict[str, Any]]
    update_links: dict[int, list[int]]
    measurement_links: dict[int, list[int]]
    adoption_links: dict[int, list[int]]
    replaced_updates: dict[int, int]
    replaced_measurements: dict[int, int]
    challenges: dict[str, list[dict[str, Any]]]
    evidence: dict[int, dict[str, Any]]
    published_evidence: set[int]
    editors_view: bool


async def _load_view(
    city: dict[str, Any], adoption_ids: list[int] | None, charter_slug: str | None, seen: Visibility
) -> _CityView:
    """The city's view: its rows, the evidence the claims cite and the challenges made to them."""
    async with one_connection():
        return await _read_view(city, adoption_ids, charter_slug, seen)


async def _read_view(
    city: dict[str, Any], adoption_ids: list[int] | None, charter_slug: str | None, seen: Visibility
) -> _CityView:
    adoptions, updates, indicators, targets, measurements = await view_rows(
        city, adoption_ids, charter_slug, seen
    )
    update_links = await evidence_of("status_update", [u["id"] for u in updates])
    measurement_links = await evidence_of("measurement", [m["id"] for m in measurements])
    challenges = await challenges_of(
        [claim_id("status_update", u["id"]) for u in updates]
        + [claim_id("measurement", m["id"]) for m in measurements]
    )
    adoption_links: dict[int, list[int]] = defaultdict(list)
    for link in await AdoptionEvidence.select().where(
        AdoptionEvidence.adoption.is_in([a["id"] for a in adoptions] or [-1])
    ):
        adoption_links[link["adoption"]].append(link["evidence"])
    cited = {e for ids in update_links.values() for e in ids}
    cited |= {e for ids in measurement_links.values() for e in ids}
    cited |= {e for ids in adoption_links.values() for e in ids}
    evidence = {e["id"]: e for e in await Evidence.select().where(Evidence.id.is_in(sorted(cited) or [-1]))}
    # Without drafts, whatever the shown claims cite is published.
    published = await published_ids(sorted(cited)) if seen.show_drafts else cited
    return _CityView(
        adoptions,
        group(updates, "adoption"),
        group(counted(updates, seen), "adoption"),
        group(indicators, "commitment"),
        targets,
        group(measurements, "indicator"),
        group(counted(measurements, seen), "indicator"),
        measurements,
        update_links,
        measurement_links,
        adoption_links,
        superseded_by(updates),
        superseded_by(measurements),
        challenges,
        evidence,
        published,
        seen.show_drafts,
    )


def _facts(view: _CityView, adoption, timeline, per_indicator) -> CommitmentFacts:
    """What the flags need to know of one adopted commitment, from the claims that count."""
    last = timeline[-1] if timeline else None
    last_evidence = [view.evidence[e] for e in view.update_links.get(last["id"], [])] if last else []
    claims = [
        ClaimFacts(
            claim_id("status_update", u["id"]),
            u["reported_on"],
            [view.evidence[e]["issued_on"] for e in view.update_links.get(u["id"], [])],
            None,
            _contested(view, claim_id("status_update", u["id"])),
        )
        for u in timeline
    ]
    indicators = []
    for ind, target, series, _latest, progress in per_indicator:
        latest = series[-1] if series else None
        indicators.append(
            IndicatorFacts(
                ind["code"],
                progress,
                target is not None,
                latest["period"] if latest else None,
                claim_id("measurement", latest["id"]) if latest else None,
            )
        )
        claims += [
            ClaimFacts(
                claim_id("measurement", m["id"]),
                None,
                [view.evidence[e]["issued_on"] for e in view.measurement_links.get(m["id"], [])],
                m["period_end"],
                _contested(view, claim_id("measurement", m["id"])),
                ind["code"],
            )
            for m in series
        ]
    return CommitmentFacts(
        status=last["status"] if last else None,
        status_claim=claim_id("status_update", last["id"]) if last else None,
        status_evidence=sum(1 for e in last_evidence if e["review"] != "rejected"),
        due_on=adoption["due_on"],
        indicators=indicators,
        claims=claims,
    )


def _contested(view: _CityView, cid: str) -> bool:
    """Only claims that count reach the flags: none of them is superseded."""
    return is_contested((c["status"], c["outcome"]) for c in view.challenges.get(cid, []))


def _flag_reads(facts: CommitmentFacts, today: date, lang: str | None) -> list[FlagRead]:
    return [
        FlagRead(f.code, flag_message(f.code, lang), f.claim_id, f.indicator)
        for f in commitment_flags(facts, today)
    ]


def _status_assurance(view: _CityView, last: dict[str, Any] | None) -> Assurance | None:
    """The assurance of the status that counts, as its entry of the timeline shows it."""
    if last is None:
        return None
    challenges = view.challenges.get(claim_id("status_update", last["id"]), [])
    return assurance_of(
        verified=last["verified_at"] is not None,
        superseded=last["id"] in view.replaced_updates,
        challenges=[(c["status"], c["outcome"]) for c in challenges],
    )


def _summary(
    view: _CityView, a: dict[str, Any], progress: tuple[Any, ...], today: date, lang: str | None
) -> CityCommitmentSummary:
    """One adoption as the city's list shows it, from the claims that count (`progress` is what
    `_progress_of` gives for it)."""
    timeline, status, per_indicator, total = progress
    last = timeline[-1] if timeline else None
    return CityCommitmentSummary(
        charter=a["charter"],
        commitment=a["code"],
        principle=a["principle"],
        title=pick(json_value(a["title"]), lang, a["charter_lang"]),
        title_lang=picked_language(json_value(a["title"]), lang, a["charter_lang"]),
        adopted_on=a["adopted_on"],
        due_on=a["due_on"],
        owner=a["owner"],
        status=status,
        status_reported_on=last["reported_on"] if last else None,
        status_assurance=_status_assurance(view, last),
        progress=total,
        flags=_flag_reads(_facts(view, a, timeline, per_indicator), today, lang),
    )


async def list_city_commitments(
    city_slug: str, lang: str | None, charter_slug: str | None = None, filters: CommitmentFilters = ALL
) -> list[CityCommitmentSummary]:
    """The city's adopted commitments with last status, progress and flags (published claims),
    those that `filters` keep. The public's most frequent read: kept until the next write."""

    async def read() -> list[CityCommitmentSummary]:
        view = await _load_view(await get_city_or_raise(city_slug), None, charter_slug, PUBLIC)
        today = clock.today()
        return [_summary(view, a, _progress_of(a, view), today, lang) for a in view.adoptions]

    summaries = await kept_read(("city commitments", city_slug, lang, charter_slug), read)
    return [s for s in summaries if filters.keeps(s)]


async def get_city_commitment(
    caller: Caller, city_slug: str, charter_slug: str, code: str, lang: str | None
) -> CityCommitmentRead:
    """One adopted commitment in full (the city's editors also see its drafts, marked)."""
    adoption = await get_adoption_or_raise(city_slug, charter_slug, code)
    seen = Visibility.for_caller(caller, adoption["city"])
    return (await city_commitments_full(city_slug, lang, adoption_ids=[adoption["id"]], seen=seen))[0]


async def city_commitments_full(
    city_slug: str,
    lang: str | None,
    *,
    charter_slug: str | None = None,
    adoption_ids: list[int] | None = None,
    seen: Visibility = PUBLIC,
) -> list[CityCommitmentRead]:
    """The city's adopted commitments in full (timeline, indicators, measurements, evidence, flags),
    in charter order, with a fixed number of queries whatever their count. Every claim shown is
    marked with its standing; progress and flags come from the claims that count."""
    view = await _load_view(await get_city_or_raise(city_slug), adoption_ids, charter_slug, seen)
    today = clock.today()
    return [_full(view, a, city_slug, today, lang) for a in view.adoptions]


def _full(
    view: _CityView, a: dict[str, Any], city_slug: str, today: date, lang: str | None
) -> CityCommitmentRead:
    """One adoption in full: what the list shows of it, with its description, every claim shown
    (timeline, indicators with their targets and measurements) and the evidence they cite."""
    progress = _progress_of(a, view)
    _counted, _status, per_indicator, _total = progress
    description_md, description_html, description_lang = described(
        json_value(a["description"]), lang, a["charter_lang"]
    )
    return CityCommitmentRead(
        **structs.asdict(_summary(view, a, progress, today, lang)),
        city=city_slug,
        description_md=description_md,
        description_html=description_html,
        description_lang=description_lang,
        timeline=[
            status_read(u, *_shown(view, "status_update", u["id"])) for u in view.updates_by.get(a["id"], [])
        ],
        indicators=[_indicator_read(view, entry, lang, a["charter_lang"]) for entry in per_indicator],
        evidence=[
            evidence_read(
                view.evidence[e],
                city_slug,
                published=e in view.published_evidence,
                downloadable=view.editors_view,
            )
            for e in _cited(view, a)
        ],
        decision=[
            evidence_read(view.evidence[e], city_slug, published=True, downloadable=view.editors_view)
            for e in sorted(view.adoption_links.get(a["id"], []))
        ],
        version=a["version"],
        history=history_url("adoption", a["key"]),
    )


def _indicator_read(
    view: _CityView, entry: tuple[Any, ...], lang: str | None, base: str
) -> IndicatorProgress:
    """An indicator of the adoption (`entry` as `_progress_of` gives it) with the city's target
    and every measurement shown; its latest value and progress come from the measurements that count."""
    ind, target, _series, latest, progress = entry
    return IndicatorProgress(
        code=ind["code"],
        title=pick(ind["title"], lang, base),
        title_lang=picked_language(ind["title"], lang, base),
        unit=ind["unit"],
        value_type=ind["value_kind"],
        direction=ind["direction"],
        target=target_read(target),
        measurements=[
            measurement_read(m, *_shown(view, "measurement", m["id"]))
            for m in view.measurements_by.get(ind["id"], [])
        ],
        latest=float(latest) if latest is not None else None,
        progress=progress,
    )


def _shown(view: _CityView, kind: str, row_id: int) -> tuple[list[int], int | None, list[dict[str, Any]]]:
    """What a claim shown carries besides its row: the evidence it cites, the claim that replaced
    it, the challenges made to it."""
    if kind == "status_update":
        links, replaced = view.update_links, view.replaced_updates
    else:
        links, replaced = view.measurement_links, view.replaced_measurements
    return links.get(row_id, []), replaced.get(row_id), view.challenges.get(claim_id(kind, row_id), [])


def _cited(view: _CityView, a: dict[str, Any]) -> list[int]:
    """The evidence that the adoption's claims shown cite, by id."""
    cited = {e for u in view.updates_by.get(a["id"], []) for e in view.update_links.get(u["id"], [])}
    cited |= {
        e
        for ind in view.indicators_by.get(a["commitment"], [])
        for m in view.measurements_by.get(ind["id"], [])
        for e in view.measurement_links.get(m["id"], [])
    }
    return sorted(cited)
