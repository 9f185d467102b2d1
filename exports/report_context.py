"""The city report's context: everything the template shows, gathered through the domain services,
computed (progress, flags, scorecard, evidence numbering) and hashed. No query runs in a template.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup
from piccolo.query.functions.aggregate import Max

from charter.services import current_signature, get_charter_or_raise, get_city_or_raise, loads
from charter.tables import City, Signature
from commitments.tables import CityCommitment, StatusUpdate
from exports.charts import Series, strip_size, trend_strip
from exports.report_labels import EVIDENCE_KINDS, LABELS, RTL, SUPPORTED
from indicators.challenges import list_challenges
from indicators.charter_tree import charter_tree
from indicators.city_view import Visibility, city_commitments_full
from indicators.evidence import evidence_read
from indicators.flags import FLAG_CODES, on_track
from indicators.progress import principle_progress
from indicators.tables import Evidence, Measurement, Target
from kernel import clock
from kernel.caller import Caller
from kernel.db import read_snapshot
from kernel.errors import FieldError, Forbidden, MalformedInput
from kernel.markdown import render_markdown
from kernel.text import language_of, pick, strip_bidi_controls


def check_report_lang(lang: str) -> str:
    if lang not in SUPPORTED:
        raise MalformedInput(f"The report is not available in {lang!r}.", [FieldError(
            "lang", f"Expected one of the supported languages: {', '.join(SUPPORTED)}.")])
    return lang


def _babel_locale(lang: str, city_locale: str) -> Locale:
    territory = city_locale.replace("_", "-").split("-")[1] if "-" in city_locale else None
    try:
        return Locale.parse(f"{lang}_{territory}") if territory else Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(lang)


def _clean(text: str | None) -> str:
    return strip_bidi_controls(text or "")


async def _as_of(city_id: int, charter_id: int) -> datetime | None:
    """The time of the latest change the report includes (not the clock)."""
    stamps: list[datetime] = []
    for query in (
        City.select(Max(City.updated_at)).where(City.id == city_id),
        Signature.select(Max(Signature.created_at)).where(Signature.city == city_id),
        CityCommitment.select(Max(CityCommitment.created_at)).where(CityCommitment.city == city_id),
        StatusUpdate.select(Max(StatusUpdate.created_at)).where(
            StatusUpdate.city_commitment.city == city_id),
        Measurement.select(Max(Measurement.created_at)).where(Measurement.city == city_id),
        Target.select(Max(Target.updated_at)).where(Target.city == city_id),
        Evidence.select(Max(Evidence.created_at)).where(Evidence.city == city_id),
    ):
        row = await query.first()
        value = next(iter(row.values())) if row else None
        if isinstance(value, str):  # SQLite returns an aggregate of timestamps as text
            value = datetime.fromisoformat(value)
        if value is not None:
            stamps.append(value if value.tzinfo else value.replace(tzinfo=UTC))
    return max(stamps) if stamps else None


async def _evidence_reads(city_slug: str, ids: list[int]) -> list:
    """Counter-evidence and evidence of replies, which no claim of the city cites (one query)."""
    rows = await Evidence.select().where(Evidence.id.is_in(ids or [-1])).order_by(Evidence.id)
    return [evidence_read(row, city_slug) for row in rows]


async def build_report_context(
    city_slug: str, charter_slug: str, lang: str, *, caller: Caller | None = None,
    drafts: bool = False, today: date | None = None,
) -> dict[str, Any]:
    """Plain data for one city, one charter, one language; `hash` identifies it. Read in one
    snapshot, so that a write landing meanwhile cannot give a report half old and half new."""
    check_report_lang(lang)
    async with read_snapshot():
        return await _build(city_slug, charter_slug, lang, caller, drafts, today)


async def _build(city_slug: str, charter_slug: str, lang: str, caller: Caller | None, drafts: bool,
                 today: date | None) -> dict[str, Any]:
    city = await get_city_or_raise(city_slug)
    charter_row = await get_charter_or_raise(charter_slug)
    if drafts and (caller is None or not caller.may_see_drafts_of(city["id"])):
        raise Forbidden("Only the city's editors and the secretariat may include drafts.")
    today = today or clock.today()
    labels = LABELS[lang]
    locale = _babel_locale(lang, city["locale"])
    tree = await charter_tree(charter_slug, lang)
    # A preview with drafts shows and counts them; the public report has published claims only.
    seen = Visibility(show_drafts=drafts, count_drafts=drafts)
    commitments = await city_commitments_full(city_slug, lang, charter_slug=charter_slug, seen=seen)
    challenges_by_claim: dict[str, list] = {}
    for challenge in (await list_challenges(city=city_slug, status=None, overdue=None, claim=None,
                                            limit=100_000, offset=0)).items:
        challenges_by_claim.setdefault(challenge.claim_id, []).append(challenge)
    signature_status = await current_signature(city["id"], charter_row["id"])
    signature = await Signature.select().where(
        (Signature.city == city["id"]) & (Signature.charter == charter_row["id"])
    ).order_by(Signature.signed_on, ascending=False).first()
    as_of = await _as_of(city["id"], charter_row["id"])

    def num(value: float | None) -> str:
        return "—" if value is None else format_decimal(value, format="#,##0.##", locale=locale)

    def pct(value: float | None) -> str:
        return "—" if value is None else format_percent(value, format="#,##0 %", locale=locale)

    def day(value: date | None) -> str:
        return format_date(value, format="long", locale=locale) if value else "—"

    names = loads(city["name"])
    city_lang = language_of(city["locale"])
    evidence_numbers: dict[int, int] = {}
    evidence_items: list[dict[str, Any]] = []

    def cite(items) -> list[int]:
        out = []
        for ev in items:
            if ev.id not in evidence_numbers:
                evidence_numbers[ev.id] = len(evidence_numbers) + 1
                evidence_items.append({
                    "n": evidence_numbers[ev.id], "title": _clean(ev.title),
                    "kind": EVIDENCE_KINDS[lang].get(ev.kind, ev.kind), "date": day(ev.issued_on),
                    "url": ev.url, "file_name": ev.file_name, "sha256": ev.sha256,
                })
            out.append(evidence_numbers[ev.id])
        return sorted(set(out))

    charts: dict[str, str] = {}
    assurance = {"verified": 0, "self_reported": 0, "contested": 0}

    def standing_of(claim) -> dict[str, Any]:
        """A claim that counts, as the report shows it: its id and assurance."""
        assurance[str(claim.assurance)] += 1
        return {"claim_id": claim.claim_id, "assurance": str(claim.assurance),
                "assurance_label": labels.get(f"badge.{claim.assurance}", ""), "draft": claim.draft}

    def md(text: str | None) -> Markup | None:
        # Sanitised by nh3 in render_markdown: no raw HTML, no images, http(s) links only.
        return Markup(render_markdown(_clean(text))) if text else None  # noqa: S704

    def challenge_item(ch, subject: str) -> dict[str, Any]:
        return {
            "id": ch.id, "by": _clean(ch.by), "date": day(ch.opened_at.date()), "subject": subject,
            "claim_id": ch.claim_id, "status": str(ch.status),
            "status_label": labels[f"challenge.{ch.status}"], "overdue": ch.overdue,
            "reason": md(ch.reason_md), "evidence": cite(evidence_by_any[e] for e in ch.evidence
                                                         if e in evidence_by_any),
            "replies": [{"by": _clean(r.by), "date": day(r.at.date()), "body": md(r.body_md),
                         "evidence": cite(evidence_by_any[e] for e in r.evidence if e in evidence_by_any)}
                        for r in ch.replies],
            "ruling": {"outcome": labels[f"outcome.{ch.ruling.outcome}"],
                       "outcome_code": str(ch.ruling.outcome), "by": _clean(ch.ruling.by),
                       "date": day(ch.ruling.at.date()), "note": md(ch.ruling.note_md)}
            if ch.ruling else None,
        }

    def chart(svg: str) -> str | None:
        """Charts are kept apart and referred to by name: the PDF loads them as images."""
        if not svg:
            return None
        name = f"c{len(charts) + 1}"
        charts[name] = svg
        return name

    challenge_evidence = sorted({e for items in challenges_by_claim.values() for ch in items
                                 for e in [*ch.evidence, *(x for r in ch.replies for x in r.evidence)]})
    evidence_by_any = {e.id: e for c in commitments for e in c.evidence}
    for ev in await _evidence_reads(city_slug, challenge_evidence):
        evidence_by_any.setdefault(ev.id, ev)

    by_principle: dict[str, list] = {}
    for c in commitments:
        by_principle.setdefault(c.principle, []).append(c)
    principles = []
    periods: list[str] = []
    claims = 0
    totals = {"adopted": 0, "achieved": 0, "on_track": 0, "delayed": 0, "overdue": 0}
    all_progress: list[tuple[float, str | None]] = []
    for p in tree.principles:
        items = []
        counts = {"adopted": 0, "achieved": 0, "on_track": 0, "delayed": 0, "overdue": 0}
        for c in by_principle.get(p.code, []):
            evidence_by_id = {e.id: e for e in c.evidence}
            status = str(c.status) if c.status else None
            flags = [f.code for f in c.flags]
            counts["adopted"] += 1
            counts["achieved"] += status == "achieved"
            counts["delayed"] += status == "delayed"
            counts["overdue"] += "overdue" in flags
            counts["on_track"] += on_track(status=status, progress=c.progress, adopted_on=c.adopted_on,
                                           due_on=c.due_on, today=today)
            timeline = [u for u in c.timeline if u.superseded_by is None]
            series_of = {i.code: [m for m in i.measurements if m.superseded_by is None] for i in c.indicators}
            claims += len(timeline) + sum(len(v) for v in series_of.values())
            indicators = []
            for i in c.indicators:
                series = series_of[i.code]
                periods += [m.period for m in series]
                for m in series[:-1]:
                    standing_of(m)
                target = i.target
                indicators.append({
                    "code": i.code, "title": _clean(i.title), "unit": i.unit,
                    "baseline": num(target.baseline if target else None),
                    "baseline_period": (target.baseline_period or "") if target else "",
                    "latest": num(i.latest) if i.latest is not None else labels["no_measurement"],
                    "latest_period": series[-1].period if series else "",
                    "latest_claim": standing_of(series[-1]) if series else None,
                    "target": num(target.target) if target else labels["no_target"],
                    "target_period": (target.target_period or "") if target else "",
                    "progress": pct(i.progress), "progress_value": i.progress or 0.0,
                    "evidence": cite(evidence_by_id[e] for m in series for e in m.evidence
                                     if e in evidence_by_id),
                })
            strip = [Series(i.code.removeprefix(c.commitment).lstrip("-") or i.code,
                            [m.value for m in series_of[i.code]],
                            i.target.baseline if i.target else None,
                            i.target.target if i.target else None) for i in c.indicators]
            last = timeline[-1] if timeline else None
            for u in timeline[:-1]:
                standing_of(u)
            subjects = {u.claim_id: f"{labels['status.' + str(u.status)]}, {day(u.reported_on)}"
                        for u in c.timeline}
            subjects |= {m.claim_id: f"{i.code}, {m.period}: {num(m.value)}"
                         for i in c.indicators for m in i.measurements}
            items.append({
                "code": c.commitment, "title": _clean(c.title), "status": status,
                "status_label": labels[f"status.{status}"] if status else labels["not_reported"],
                "status_date": day(c.status_reported_on), "owner": _clean(c.owner) or "—",
                "due": day(c.due_on) if c.due_on else labels["no_due"], "progress": pct(c.progress),
                "progress_value": c.progress, "indicators": indicators,
                "chart": chart(trend_strip(strip)), "chart_size": strip_size(len(strip)),
                # Sanitised by nh3 in render_markdown: no raw HTML, no images, http(s) links only.
                "narrative": md(last.note_md) if last else None,
                "status_claim": standing_of(last) if last else None,
                "challenges": [challenge_item(ch, subjects[cid]) for cid in subjects
                               for ch in challenges_by_claim.get(cid, [])],
                "status_evidence": cite(evidence_by_id[e] for e in (last.evidence if last else [])
                                        if e in evidence_by_id),
                "flags": [{"code": f.code, "label": labels[f"flag.{f.code}"], "indicator": f.indicator,
                           "claim_id": f.claim_id} for f in c.flags],
            })
            all_progress.append((c.progress, status))
        for key in totals:
            totals[key] += counts[key]
        principles.append({
            "code": p.code, "title": _clean(p.title), "commitments": items, "counts": counts,
            "progress": pct(principle_progress((i["progress_value"], i["status"]) for i in items)),
            "progress_value": principle_progress((i["progress_value"], i["status"]) for i in items) or 0.0,
        })
    overall = principle_progress(all_progress)
    ordered = sorted(set(periods), key=lambda s: (s[:4], s))
    context: dict[str, Any] = {
        "lang": lang, "dir": "rtl" if lang in RTL else "ltr", "labels": labels,
        "city": {"slug": city_slug, "name": _clean(pick(names, lang, city_lang)),
                 "native_name": _clean(names.get(city_lang, "")) if names.get(city_lang) != pick(
                     names, lang, city_lang) else "", "native_lang": city_lang, "country": city["country"]},
        "charter": {"slug": charter_slug, "title": _clean(tree.title), "issuer": _clean(tree.issuer)},
        "signature": {"signed_on": day(signature["signed_on"]), "act": _clean(signature["act"]),
                      "status": str(signature_status) if signature_status else None}
        if signature else None,
        "period": f"{ordered[0]} – {ordered[-1]}" if ordered else "—",
        "as_of": as_of.astimezone(UTC).replace(microsecond=0).isoformat() if as_of else None,
        "as_of_text": format_datetime(as_of, format="long", locale=locale, tzinfo=UTC) if as_of else "—",
        "report_date": today.isoformat(), "report_date_text": day(today),
        "principles": principles, "evidence": evidence_items, "charts": charts,
        "totals": {**totals, "progress": pct(overall), "progress_value": overall or 0.0,
                   "claims": claims,
                   **{k: pct(n / claims if claims else None) for k, n in assurance.items()},
                   **{f"{k}_count": n for k, n in assurance.items()}},
        "flag_codes": list(FLAG_CODES),
        "statuses": ["not_started", "in_progress", "achieved", "delayed", "withdrawn"],
        "drafts": drafts,
    }
    digest = hashlib.sha256(json.dumps(context, sort_keys=True, ensure_ascii=False,
                                       default=str).encode()).hexdigest()
    context["hash"] = digest
    context["report_id"] = f"{city_slug}-{charter_slug}-{lang}-{digest[:12]}"
    return context
