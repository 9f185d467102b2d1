"""The city report's context: the data read by `report_data.py`, computed (progress, flags,
scorecard, evidence numbering, charts) and formatted in the report's language, then hashed. No
query runs in a template, and nothing here queries: the formatting is pure.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup

from commitments.choices import CommitmentStatus
from exports.charts import Series, strip_size, trend_strip
from exports.report_data import ReportData, load_report_data
from exports.report_labels import evidence_kind, report_labels
from exports.report_model import (
    ChallengeItem,
    ChangeLine,
    CharterHeading,
    CityHeading,
    CityReport,
    ClaimBadge,
    CommitmentSection,
    Counts,
    EvidenceEntry,
    FlagLine,
    IndicatorLine,
    PrincipleSection,
    ReplyItem,
    RulingItem,
    SignatureLine,
    Totals,
    sealed,
)
from indicators.flags import FLAG_CODES, on_track
from indicators.progress import principle_progress
from kernel import clock
from kernel.caller import Caller, Role
from kernel.db import json_value, read_snapshot
from kernel.errors import FieldError, MalformedInput
from kernel.i18n import LANGUAGES, direction
from kernel.markdown import render_markdown
from kernel.text import language_of, pick, strip_bidi_controls


def check_report_lang(lang: str) -> str:
    """The language, if reports speak it."""
    if lang not in LANGUAGES:
        raise MalformedInput(
            f"The report is not available in {lang!r}.",
            [FieldError("lang", f"Expected one of the supported languages: {', '.join(LANGUAGES)}.")],
        )
    return lang


async def build_report_context(
    city_slug: str,
    charter_slug: str,
    lang: str,
    *,
    caller: Caller | None = None,
    drafts: bool = False,
    today: date | None = None,
) -> CityReport:
    """Plain data for one city, one charter, one language; `hash` identifies it. Read in one
    snapshot, so that a write landing meanwhile cannot give a report half old and half new."""
    check_report_lang(lang)
    async with read_snapshot():
        data = await load_report_data(city_slug, charter_slug, lang, caller, drafts)
    return format_report(data, city_slug, charter_slug, lang, today or clock.today(), drafts)


def _babel_locale(lang: str, city_locale: str) -> Locale:
    """The report's language with the city's territory (fr_TN), for numbers and dates."""
    territory = city_locale.replace("_", "-").split("-")[1] if "-" in city_locale else None
    try:
        return Locale.parse(f"{lang}_{territory}") if territory else Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(lang)


def percent(value: float | None, locale: Locale | str) -> str:
    """A share in the locale's own way ("93 %" in French, "93%" in Arabic), whole percents."""
    if value is None:
        return "—"
    return format_percent(value, format=_percent_pattern(str(locale)), locale=locale)


@functools.cache
def _percent_pattern(locale: str) -> str:
    pattern = Locale.parse(locale).percent_formats[None].pattern
    return re.sub(r"#,##0(\.0+)?|0(\.0+)?", "#,##0", pattern, count=1)


CHANGES_SHOWN = 12
"""The "what changed" section lists this many changes, then says how many more."""


def flag_counts(principles: list[PrincipleSection]) -> list[tuple[str, int]]:
    """How many times each flag is raised on the report's commitments, in flag order."""
    raised = Counter(f.code for p in principles for c in p.commitments for f in c.flags)
    return [(code, raised[code]) for code in FLAG_CODES if raised[code]]


def moment(at: datetime, locale: Locale) -> str:
    """A date and time of day in UTC as the locale writes it: "4 décembre 2026 à 08 h 23 UTC",
    "4 December 2026 at 08:23 UTC", 24-hour clock, no seconds."""
    day = format_date(at, format="long", locale=locale)
    clock = "HH 'h' mm" if locale.language == "fr" else "HH:mm"
    time = format_time(at, format=clock, locale=locale, tzinfo=UTC) + " UTC"
    joined = str(locale.datetime_formats.get("long", "{1} {0}"))
    return joined.replace("'", "").format(time, day)


def _clean(text: str | None) -> str:
    return strip_bidi_controls(text or "")


@functools.lru_cache(maxsize=4096)
def _decimal(value: float, locale: Locale | str) -> str:
    """A value in the locale's form (a report repeats the same few values hundreds of times)."""
    return format_decimal(value, format="#,##0.##", locale=locale)


class _Writer:
    """Writes one report's sections in its language. As it goes, it numbers evidence in order of
    first citation, names the charts, and counts the claims that count by assurance."""

    def __init__(self, lang: str, city_locale: str, data: ReportData) -> None:
        self.lang = lang
        self.labels = report_labels(lang)
        self.locale = _babel_locale(lang, city_locale)
        self.data = data
        self.evidence_numbers: dict[int, int] = {}
        self.evidence: list[EvidenceEntry] = []
        self.charts: dict[str, str] = {}
        self.assurance = {"verified": 0, "self_reported": 0, "contested": 0}
        self.claims = 0
        self.periods: list[str] = []
        self.since = data.since
        self.changes: list[tuple[datetime, ChangeLine]] = []

    def changed(self, at: datetime | None, kind: str, code: str, text: str) -> None:
        """Note a change made after the previous report."""
        if self.since is None or at is None:
            return
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        if at > self.since:
            self.changes.append((at, ChangeLine(kind, self.day(at.date()), code, text)))

    def num(self, value: float | None) -> str:
        return "—" if value is None else _decimal(value, self.locale)

    def pct(self, value: float | None) -> str:
        return percent(value, self.locale)

    def day(self, value: date | None) -> str:
        return format_date(value, format="long", locale=self.locale) if value else "—"

    @staticmethod
    def md(text: str | None) -> Markup | None:
        # Sanitised by nh3 in render_markdown: no raw HTML, no images, http(s) links only.
        return Markup(render_markdown(_clean(text))) if text else None  # noqa: S704

    def cite(self, items: Any) -> list[int]:
        """The annex numbers of these evidence items, numbering those cited for the first time."""
        out = []
        for ev in items:
            if ev.id not in self.evidence_numbers:
                self.evidence_numbers[ev.id] = len(self.evidence_numbers) + 1
                self.evidence.append(
                    EvidenceEntry(
                        n=self.evidence_numbers[ev.id],
                        title=_clean(ev.title),
                        kind=evidence_kind(ev.kind, self.lang),
                        date=self.day(ev.issued_on),
                        url=ev.url,
                        file_name=ev.file_name,
                        sha256=ev.sha256,
                    )
                )
            out.append(self.evidence_numbers[ev.id])
        return sorted(set(out))

    def badge(self, claim: Any) -> ClaimBadge:
        """A claim that counts, as the report marks it: its id and assurance."""
        self.assurance[str(claim.assurance)] += 1
        return ClaimBadge(
            claim.claim_id, str(claim.assurance), self.labels.get(f"badge.{claim.assurance}", ""), claim.draft
        )

    def chart(self, svg: str) -> str | None:
        """Charts are kept apart and referred to by name: the PDF loads them as images."""
        if not svg:
            return None
        name = f"c{len(self.charts) + 1}"
        self.charts[name] = svg
        return name

    def cited(self, ids: list[int]) -> list[int]:
        """Annex numbers of evidence named by id, from anywhere in the city's data."""
        known = self.data.evidence_by_id
        return self.cite(known[e] for e in ids if e in known)

    def person(self, name: str) -> str:
        """Who wrote, as the public sees them: their published name, or their role (a person
        without a display name) in the report's language."""
        return self.labels[f"role.{name}"] if name in Role.__members__ else _clean(name)

    def challenge(self, ch: Any, subject: str, code: str = "") -> ChallengeItem:
        """A challenge of a claim, with the city's replies and the ruling."""
        labels = self.labels
        self.changed(ch.opened_at, "challenge", code, f"{labels['challenge']} — {self.person(ch.by)}")
        if ch.ruling:
            self.changed(
                ch.ruling.at,
                "ruling",
                code,
                f"{labels['ruling']}{labels['colon']}{labels[f'outcome.{ch.ruling.outcome}']}",
            )
        return ChallengeItem(
            id=ch.id,
            by=self.person(ch.by),
            date=self.day(ch.opened_at.date()),
            subject=subject,
            claim_id=ch.claim_id,
            status=str(ch.status),
            status_label=labels[f"challenge.{ch.status}"],
            overdue=ch.overdue,
            reason=self.md(ch.reason_md),
            evidence=self.cited(ch.evidence),
            replies=[
                ReplyItem(
                    self.person(r.by), self.day(r.at.date()), self.md(r.body_md), self.cited(r.evidence)
                )
                for r in ch.replies
            ],
            ruling=RulingItem(
                labels[f"outcome.{ch.ruling.outcome}"],
                str(ch.ruling.outcome),
                self.person(ch.ruling.by),
                self.day(ch.ruling.at.date()),
                self.md(ch.ruling.note_md),
            )
            if ch.ruling
            else None,
        )

    def indicator(self, i: Any, series: list[Any], evidence_by_id: dict[int, Any]) -> IndicatorLine:
        """An indicator's line: baseline, latest value (its claim marked) and target."""
        labels = self.labels
        self.periods += [m.period for m in series]
        for m in series[:-1]:
            self.badge(m)
        target = i.target
        return IndicatorLine(
            code=i.code,
            title=_clean(i.title),
            unit=i.unit,
            baseline=self.num(target.baseline if target else None),
            baseline_period=(target.baseline_period or "") if target else "",
            latest=self.num(i.latest) if i.latest is not None else labels["no_measurement"],
            latest_period=series[-1].period if series else "",
            latest_claim=self.badge(series[-1]) if series else None,
            target=self.num(target.target) if target else labels["no_target"],
            target_period=(target.target_period or "") if target else "",
            progress=self.pct(i.progress),
            progress_value=i.progress or 0.0,
            evidence=self.cite(evidence_by_id[e] for m in series for e in m.evidence if e in evidence_by_id),
            title_lang=self.other_language(i.title_lang),
        )

    def other_language(self, lang: str | None) -> str:
        """`lang` when a text is in another language than the report's, else ""."""
        return lang if lang and lang != self.lang else ""

    def series(self, commitment: str, i: Any, values: list[Any]) -> Series:
        """An indicator's panel of the commitment's chart: its values with what a reader needs
        to read them (periods, end values, unit, better direction)."""
        periods = [m.period for m in values]
        binary = str(i.value_type) == "boolean"
        return Series(
            i.code.removeprefix(commitment).lstrip("-") or i.code,
            [m.value for m in values],
            i.target.baseline if i.target else None,
            i.target.target if i.target else None,
            first_period=periods[0] if periods else "",
            last_period=periods[-1] if periods else "",
            first_text=self.num(values[0].value) if len(values) > 1 and not binary else "",
            last_text=self.num(values[-1].value) if values and not binary else "",
            unit=_clean(i.unit),
            better="down" if str(i.direction) == "decrease" else "up",
            steps=str(i.value_type) == "count" and all(len(p) == 4 for p in periods),
            binary=binary,
        )

    def chart_alt(self, indicators: list[IndicatorLine]) -> str:
        """The chart in words, for a reader who cannot see it: each indicator from its baseline
        to its latest value, against its target."""
        labels, sep = self.labels, self.labels["sep"]
        return "; ".join(
            f"{i.code}{labels['colon']}{labels['baseline']} {i.baseline}{sep}{labels['latest']} {i.latest}"
            f"{f' ({i.latest_period})' if i.latest_period else ''}{sep}{labels['target']} {i.target}"
            for i in indicators
        )

    def commitment(self, c: Any) -> CommitmentSection:
        """An adopted commitment, its indicators, chart, challenges, narrative and flags."""
        labels = self.labels
        evidence_by_id = {e.id: e for e in c.evidence}
        status = str(c.status) if c.status else None
        timeline = [u for u in c.timeline if u.superseded_by is None]
        series_of = {i.code: [m for m in i.measurements if m.superseded_by is None] for i in c.indicators}
        self.claims += len(timeline) + sum(len(v) for v in series_of.values())
        indicators = [self.indicator(i, series_of[i.code], evidence_by_id) for i in c.indicators]
        strip = [self.series(c.commitment, i, series_of[i.code]) for i in c.indicators]
        last = timeline[-1] if timeline else None
        for u in timeline[:-1]:
            self.badge(u)
        for u in c.timeline:
            if not u.draft:
                self.changed(u.published_at, "status", c.commitment, labels[f"status.{u.status}"])
        for i in c.indicators:
            for m in i.measurements:
                if not m.draft:
                    corrected = f" ({labels['superseded']})" if m.supersedes else ""
                    self.changed(
                        m.published_at,
                        "value",
                        i.code,
                        f"{m.period}{labels['colon']}{self.num(m.value)}{corrected}",
                    )
        subjects = {
            u.claim_id: f"{labels['status.' + str(u.status)]}, {self.day(u.reported_on)}" for u in c.timeline
        }
        subjects |= {
            m.claim_id: f"{i.code}, {m.period}: {self.num(m.value)}"
            for i in c.indicators
            for m in i.measurements
        }
        challenges = self.data.challenges_by_claim
        return CommitmentSection(
            code=c.commitment,
            title=_clean(c.title),
            status=status,
            status_label=labels[f"status.{status}"] if status else labels["not_reported"],
            status_date=self.day(c.status_reported_on),
            owner=_clean(c.owner) or "—",
            due=self.day(c.due_on) if c.due_on else labels["no_due"],
            progress=self.pct(c.progress),
            progress_value=c.progress,
            indicators=indicators,
            chart=self.chart(trend_strip(strip)),
            chart_size=strip_size(len(strip)),
            chart_alt=self.chart_alt(indicators),
            narrative=self.md(last.note_md) if last else None,
            status_claim=self.badge(last) if last else None,
            challenges=[
                self.challenge(ch, subjects[cid], c.commitment)
                for cid in subjects
                for ch in challenges.get(cid, [])
            ],
            status_evidence=self.cite(
                evidence_by_id[e] for e in (last.evidence if last else []) if e in evidence_by_id
            ),
            flags=[FlagLine(f.code, labels[f"flag.{f.code}"], f.indicator, f.claim_id) for f in c.flags],
            title_lang=self.other_language(c.title_lang),
        )

    def principle(self, p: Any, adopted: list[Any], today: date) -> PrincipleSection:
        """A principle with the city's adoptions under it, counted for the scorecard."""
        statuses = [str(c.status) if c.status else None for c in adopted]
        tracks = [
            on_track(status=s, progress=c.progress, adopted_on=c.adopted_on, due_on=c.due_on, today=today)
            for s, c in zip(statuses, adopted, strict=True)
        ]
        off_track = [s for s, t in zip(statuses, tracks, strict=True) if not t]
        counts = Counts(
            adopted=len(adopted),
            achieved=statuses.count(CommitmentStatus.achieved),
            on_track=sum(tracks),
            in_progress=off_track.count(CommitmentStatus.in_progress),
            delayed=statuses.count(CommitmentStatus.delayed),
            not_started=off_track.count(CommitmentStatus.not_started) + off_track.count(None),
            withdrawn=statuses.count(CommitmentStatus.withdrawn),
            overdue=sum("overdue" in [f.code for f in c.flags] for c in adopted),
        )
        items = [self.commitment(c) for c in adopted]
        progress = principle_progress((i.progress_value, i.status) for i in items)
        return PrincipleSection(
            code=p.code,
            title=_clean(p.title),
            commitments=items,
            counts=counts,
            progress=self.pct(progress),
            progress_value=progress or 0.0,
        )

    def totals(self, principles: list[PrincipleSection]) -> Totals:
        """The scorecard's total line over every adopted commitment, and the claims' assurance."""
        overall = principle_progress((c.progress_value, c.status) for p in principles for c in p.commitments)
        claims, shares = self.claims, self.assurance

        def total(key: str) -> int:
            return sum(getattr(p.counts, key) for p in principles)

        def share(kind: str) -> str:
            return self.pct(shares[kind] / claims if claims else None)

        return Totals(
            adopted=total("adopted"),
            achieved=total("achieved"),
            on_track=total("on_track"),
            in_progress=total("in_progress"),
            delayed=total("delayed"),
            not_started=total("not_started"),
            withdrawn=total("withdrawn"),
            overdue=total("overdue"),
            progress=self.pct(overall),
            progress_value=overall or 0.0,
            claims=claims,
            verified=share("verified"),
            self_reported=share("self_reported"),
            contested=share("contested"),
            verified_count=shares["verified"],
            self_reported_count=shares["self_reported"],
            contested_count=shares["contested"],
        )


def format_report(
    data: ReportData, city_slug: str, charter_slug: str, lang: str, today: date, drafts: bool
) -> CityReport:
    """The report of one city in one language, from its data, as of `today`; sealed with its hash."""
    city, tree = data.city, data.tree
    writer = _Writer(lang, city["locale"], data)
    by_principle: dict[str, list[Any]] = {}
    for c in data.commitments:
        by_principle.setdefault(c.principle, []).append(c)
    principles = [writer.principle(p, by_principle.get(p.code, []), today) for p in tree.principles]
    ordered = sorted(set(writer.periods), key=lambda s: (s[:4], s))
    names = json_value(city["name"])
    city_lang = language_of(city["locale"])
    name = pick(names, lang, city_lang)
    signature, as_of = data.signature, data.as_of
    report = CityReport(
        lang=lang,
        dir=direction(lang),
        labels=writer.labels,
        city=CityHeading(
            city_slug,
            _clean(name),
            _clean(names.get(city_lang, "")) if names.get(city_lang) != name else "",
            city_lang,
            city["country"],
        ),
        charter=CharterHeading(charter_slug, _clean(tree.title), _clean(tree.issuer)),
        signature=SignatureLine(
            writer.day(signature["signed_on"]),
            _clean(signature["act"]),
            str(data.signature_status) if data.signature_status else None,
        )
        if signature
        else None,
        period=f"{ordered[0]} – {ordered[-1]}" if ordered else "—",
        as_of=as_of.astimezone(UTC).replace(microsecond=0).isoformat() if as_of else None,
        as_of_text=moment(as_of, writer.locale) if as_of else "—",
        report_date=today.isoformat(),
        report_date_text=writer.day(today),
        principles=principles,
        evidence=writer.evidence,
        charts=writer.charts,
        totals=writer.totals(principles),
        flag_codes=list(FLAG_CODES),
        statuses=[str(s) for s in CommitmentStatus],
        drafts=drafts,
        flag_counts=flag_counts(principles),
        since_text=writer.day(data.since.date()) if data.since else "",
        changes=[line for _, line in sorted(writer.changes, key=lambda x: x[0])[:CHANGES_SHOWN]],
        more_changes=max(0, len(writer.changes) - CHANGES_SHOWN),
    )
    return sealed(report, f"{city_slug}-{charter_slug}-{lang}")
