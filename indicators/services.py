"""Services of indicators, targets, measurements, evidence, status updates, and a city's view of
its commitments with computed progress. Reads are public; writes are for the city's editors."""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec

from charter.schemas import SignatureRead
from charter.services import city_for_write, get_charter_or_raise, get_city_or_raise, loads
from charter.tables import Charter, Principle, Signature
from commitments.choices import CommitmentStatus
from commitments.schemas import StatusUpdateCreate, StatusUpdateRead
from commitments.services import adoption_for_write, get_adoption_or_raise
from commitments.tables import CityCommitment, Commitment, StatusUpdate
from indicators import standing
from indicators.assurance import current, is_contested, superseded_by
from indicators.choices import EvidenceKind, EvidenceOrigin, EvidenceReview
from indicators.claims import (
    CLAIM_TABLES,
    LINK_TABLES,
    challenges_of,
    check_supersedes,
    claim_for_read,
    claim_for_write,
    claim_read,
    claim_standing,
    evidence_of,
    unverify_citing,
)
from indicators.claims import now as claim_now
from indicators.flags import ClaimFacts, CommitmentFacts, IndicatorFacts, commitment_flags, flag_message
from indicators.progress import commitment_progress, indicator_progress
from indicators.schemas import (
    CharterRead,
    CityCommitmentRead,
    CityCommitmentSummary,
    ClaimEdit,
    ClaimRead,
    CommitmentDef,
    EvidenceCreate,
    EvidenceRead,
    EvidenceReviewCreate,
    FlagRead,
    IndicatorDef,
    IndicatorProgress,
    MeasurementCreate,
    MeasurementRead,
    PrincipleDef,
    TargetRead,
    TargetSet,
)
from indicators.tables import (
    Evidence,
    Indicator,
    Measurement,
    MeasurementEvidence,
    Target,
    UpdateEvidence,
)
from kernel import clock
from kernel.caller import Caller
from kernel.claim_ids import claim_id, history_url
from kernel.db import audit, update_versioned, write_transaction
from kernel.errors import Conflict, FieldError, InvalidInput, NotFound, TooLarge, UnsupportedMedia
from kernel.markdown import render_markdown
from kernel.numbers import check_value, read_number
from kernel.periods import ended_period, parse_period
from kernel.settings import get_settings
from kernel.text import normalize_code, pick
from kernel.versions import Precondition, check_version

# Charters as a tree -----------------------------------------------------------------------------


async def charter_tree(slug: str, lang: str | None) -> CharterRead:
    """The charter with its principles, commitments and indicators, in `lang` where translated."""
    charter = await Charter.select().where(Charter.slug == slug).output(load_json=True).first()
    if charter is None:
        raise NotFound(f"No charter {slug!r}.")
    base = charter["lang"]
    principles = await Principle.select().where(Principle.charter == charter["id"]).order_by(
        Principle.position).output(load_json=True)
    commitments = await Commitment.select().where(Commitment.charter == charter["id"]).order_by(
        Commitment.position).output(load_json=True)
    indicators = await Indicator.select().where(Indicator.charter == charter["id"]).order_by(
        Indicator.position).output(load_json=True)
    by_commitment: dict[int, list[IndicatorDef]] = defaultdict(list)
    for i in indicators:
        by_commitment[i["commitment"]].append(IndicatorDef(
            i["code"], pick(i["title"], lang, base), i["unit"], i["value_kind"], i["direction"]))
    by_principle: dict[int, list[CommitmentDef]] = defaultdict(list)
    for c in commitments:
        text = pick(c["description"], lang, base) or None
        by_principle[c["principle"]].append(CommitmentDef(
            c["code"], pick(c["title"], lang, base), text, render_markdown(text),
            by_commitment[c["id"]]))
    preamble = pick(charter["preamble"], lang, base) or None
    return CharterRead(
        slug=charter["slug"], lang=base, title=pick(charter["title"], lang, base),
        title_i18n=charter["title"], preamble_md=preamble, preamble_html=render_markdown(preamble),
        issuer=charter["issuer"], adopted_on=charter["adopted_on"], source_url=charter["source_url"],
        version=charter["version"], languages=sorted(charter["title"]),
        principles=[
            PrincipleDef(p["code"], pick(p["title"], lang, base),
                         pick(p["description"], lang, base) or None,
                         render_markdown(pick(p["description"], lang, base) or None),
                         by_principle[p["id"]])
            for p in principles
        ],
    )


# Indicators of a city ---------------------------------------------------------------------------


async def indicator_for_city(city: dict[str, Any], charter_slug: str, code: str) -> dict[str, Any]:
    """The indicator, which must measure a commitment the city has adopted."""
    charter = await get_charter_or_raise(charter_slug)
    row = await Indicator.select().where(
        (Indicator.charter == charter["id"]) & (Indicator.code == normalize_code(code))
    ).output(load_json=True).first()
    if row is None:
        raise NotFound(f"Charter {charter_slug!r} has no indicator {code!r}.")
    adopted = await CityCommitment.exists().where(
        (CityCommitment.city == city["id"]) & (CityCommitment.commitment == row["commitment"]))
    if not adopted:
        raise Conflict(f"{city['slug']!r} has not adopted the commitment that {code!r} measures; "
                       "adopt it first.", [FieldError("indicator", "Expected an indicator of an "
                                                                   "adopted commitment.")])
    return {**row, "charter_slug": charter["slug"]}


def _target_read(row: dict[str, Any] | None) -> TargetRead | None:
    if row is None:
        return None
    baseline = row["baseline"]
    return TargetRead(float(baseline) if baseline is not None else None, row["baseline_period"],
                      float(row["target"]), row["target_period"], row.get("revision", 1))


async def set_target(caller: Caller, city_slug: str, charter_slug: str, code: str,
                     data: TargetSet, precondition: Precondition) -> TargetRead:
    """Set the city's baseline and target for an indicator; replacing them takes the version
    the caller read (`If-Match`)."""
    async with write_transaction():
        city = await city_for_write(caller, city_slug)
        indicator = await indicator_for_city(city, charter_slug, code)
        target, _ = read_number(data.target, city["locale"], "target")
        check_value(target, indicator["value_kind"], "target")
        baseline = None
        if data.baseline is not None:
            baseline, _ = read_number(data.baseline, city["locale"], "baseline")
            check_value(baseline, indicator["value_kind"], "baseline")
        for field in ("baseline_period", "target_period"):
            if getattr(data, field) is not None:
                parse_period(getattr(data, field), field)
        key = f"{city_slug}/{charter_slug}/{indicator['code']}"
        before = await Target.select().where(Target.key == key).first()
        values = {"baseline": baseline, "baseline_period": data.baseline_period, "target": target,
                  "target_period": data.target_period}
        if before is None:
            await Target.insert(Target(city=city["id"], indicator=indicator["id"], key=key, **values))
        else:
            check_version(f"Target {key}", before["revision"], precondition)
            await update_versioned(Target, before["id"], before["revision"], {
                Target.baseline: baseline, Target.baseline_period: data.baseline_period,
                Target.target: target, Target.target_period: data.target_period,
                Target.updated_at: claim_now()}, f"Target {key}")
        await standing.refresh(await standing.adoption_of_value(city["id"], indicator["id"]))
        await audit(caller, "create" if before is None else "update", "target", key,
                    {k: before[k] for k in values} if before else None, values)
    return _target_read({**values, "revision": before["revision"] + 1 if before else 1})  # type: ignore[return-value]


# Evidence ---------------------------------------------------------------------------------------

_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def sniff_media_type(head: bytes) -> str | None:
    """The media type the bytes really are (PDF, PNG, JPEG, WebP), whatever the file is called."""
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def evidence_read(row: dict[str, Any], city_slug: str) -> EvidenceRead:
    return EvidenceRead(
        id=row["id"], city=city_slug, title=row["title"], kind=row["kind"], url=row["url"],
        issued_on=row["issued_on"], description_md=row["description_md"],
        description_html=render_markdown(row["description_md"]), sha256=row["sha256"],
        file_name=row["file_name"], media_type=row["media_type"], size=row["size"],
        file_url=f"/api/v1/evidence/{row['id']}/file" if row["sha256"] else None,
        origin=row.get("origin") or "city", review=row.get("review") or "unreviewed",
        review_note_md=row.get("review_note_md"), review_note_html=render_markdown(row.get("review_note_md")),
        reviewed_by=row.get("reviewed_by_label"), reviewed_at=row.get("reviewed_at"),
        version=row.get("version") or 1, history=history_url("evidence", f"evidence-{row['id']}"),
    )


def _check_evidence_fields(title: str, issued_on: date | None, url: str | None) -> None:
    errors = []
    if not title.strip() or len(title) > 500:
        errors.append(FieldError("title", "Expected a title of 1 to 500 characters."))
    if issued_on and issued_on > clock.today():
        errors.append(FieldError("issued_on", "Expected a date not after today."))
    if url is not None:
        parts = urlsplit(url.strip())
        if parts.scheme.lower() not in {"http", "https"} or not parts.netloc or len(url) > 2048:
            errors.append(FieldError("url", "Expected an http:// or https:// URL with a host."))
    if errors:
        raise InvalidInput("The evidence is not valid.", errors)


async def _filer(caller: Caller, city_slug: str) -> tuple[dict[str, Any], EvidenceOrigin]:
    """Who files evidence for a city: its editors (and the secretariat) file the city's own
    proof; a civil-society reviewer files counter-evidence, to attach to a challenge."""
    caller.require_authenticated()
    if caller.is_reviewer and not caller.may_edit_city((await get_city_or_raise(city_slug))["id"]):
        return await get_city_or_raise(city_slug), EvidenceOrigin.reviewer
    return await city_for_write(caller, city_slug), EvidenceOrigin.city


async def create_link_evidence(caller: Caller, city_slug: str, data: EvidenceCreate) -> EvidenceRead:
    """Record evidence published elsewhere, by its http(s) link."""
    _check_evidence_fields(data.title, data.issued_on, data.url)
    async with write_transaction():
        city, origin = await _filer(caller, city_slug)
        row = (await Evidence.insert(Evidence(
            city=city["id"], title=data.title.strip(), kind=data.kind, issued_on=data.issued_on,
            description_md=data.description_md, url=data.url.strip(), created_by=caller.user_id,
            origin=origin,
        )).returning(*Evidence.all_columns()))[0]
        await audit(caller, "create", "evidence", f"evidence-{row['id']}", None,
                    {"title": row["title"], "kind": row["kind"], "url": row["url"]})
    return evidence_read(row, city_slug)


def store_file(content: bytes) -> str:
    """Keep the file under its SHA-256 (the same bytes are stored once); returns the digest."""
    digest = hashlib.sha256(content).hexdigest()
    folder = get_settings().upload_dir / digest[:2]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / digest
    if not path.exists():
        tmp = folder / f".{digest}.{os.getpid()}.tmp"
        tmp.write_bytes(content)
        tmp.replace(path)
    return digest


def stored_file_path(sha256: str) -> Path:
    return get_settings().upload_dir / sha256[:2] / sha256


async def create_file_evidence(
    caller: Caller, city_slug: str, *, content: bytes, file_name: str, title: str, kind: str,
    issued_on: date | None, description_md: str | None,
) -> EvidenceRead:
    """Record an uploaded file: PDF, PNG, JPEG or WebP by its bytes, within the size cap."""
    await _filer(caller, city_slug)
    limit = get_settings().max_upload_bytes
    if len(content) > limit:
        raise TooLarge(f"The file has {len(content)} bytes; the limit is {limit}.")
    if not content:
        raise InvalidInput("The file is empty.", [FieldError("file", "Expected a non-empty file.")])
    media_type = sniff_media_type(content[:16])
    if media_type is None:
        raise UnsupportedMedia(f"{file_name!r} is not a PDF, PNG, JPEG or WebP file.",
                               [FieldError("file", "Expected a PDF, PNG, JPEG or WebP file "
                                                   "(checked by its content, not its name).")])
    try:
        kind_value = EvidenceKind(kind)
    except ValueError:
        raise InvalidInput(f"Unknown kind {kind!r}.", [FieldError(
            "kind", f"Expected one of {', '.join(EvidenceKind)}.")]) from None
    _check_evidence_fields(title, issued_on, None)
    safe_name = Path(file_name.replace("\\", "/")).name[:255] or "evidence"
    digest = store_file(content)
    async with write_transaction():
        city, origin = await _filer(caller, city_slug)
        row = (await Evidence.insert(Evidence(
            city=city["id"], title=title.strip(), kind=kind_value, issued_on=issued_on,
            description_md=description_md, sha256=digest, file_name=safe_name,
            media_type=media_type, size=len(content), created_by=caller.user_id, origin=origin,
        )).returning(*Evidence.all_columns()))[0]
        await audit(caller, "create", "evidence", f"evidence-{row['id']}", None,
                    {"title": row["title"], "kind": row["kind"], "sha256": digest,
                     "file_name": safe_name, "size": len(content)})
    return evidence_read(row, city_slug)


async def list_evidence(city_slug: str) -> list[EvidenceRead]:
    city = await get_city_or_raise(city_slug)
    rows = await Evidence.select().where(Evidence.city == city["id"]).order_by(Evidence.id)
    return [evidence_read(r, city_slug) for r in rows]


async def get_evidence(evidence_id: int) -> EvidenceRead:
    row = await Evidence.select(*Evidence.all_columns(), Evidence.city.slug.as_alias("city_slug")).where(
        Evidence.id == evidence_id).first()
    if row is None:
        raise NotFound(f"No evidence {evidence_id}.")
    return evidence_read(row, row["city_slug"])


async def review_evidence(caller: Caller, evidence_id: int, data: EvidenceReviewCreate,
                          precondition: Precondition) -> tuple[EvidenceRead, int]:
    """The secretariat accepts or rejects a piece of evidence, with a note. Claims verified on the
    strength of evidence now rejected fall back to self-reported, and their history says why."""
    caller.require_secretariat("review evidence")
    key = f"evidence-{evidence_id}"
    async with write_transaction():
        row = await Evidence.select().where(Evidence.id == evidence_id).first()
        if row is None:
            raise NotFound(f"No evidence {evidence_id}.")
        check_version(f"Evidence {evidence_id}", row["version"], precondition)
        values = {"review": str(data.review), "review_note_md": data.note_md, "reviewed_at": claim_now(),
                  "reviewed_by": caller.user_id, "reviewed_by_label": caller.public_name}
        await update_versioned(Evidence, evidence_id, row["version"],
                               {getattr(Evidence, k): v for k, v in values.items()},
                               f"Evidence {evidence_id}")
        await audit(caller, "review", "evidence", key,
                    {"review": row["review"], "review_note_md": row["review_note_md"]},
                    {"review": values["review"], "review_note_md": data.note_md})
        if data.review == EvidenceReview.rejected:
            await unverify_citing(caller, evidence_id, f"{key} was rejected by the secretariat"
                                                       + (f": {data.note_md}" if data.note_md else "."))
    read = await get_evidence(evidence_id)
    return read, read.version


async def evidence_file(evidence_id: int) -> tuple[Path, str, str]:
    """Path, download name and media type of an evidence file."""
    row = await Evidence.select().where(Evidence.id == evidence_id).first()
    if row is None:
        raise NotFound(f"No evidence {evidence_id}.")
    if not row["sha256"]:
        raise NotFound(f"Evidence {evidence_id} is a link, not a file: {row['url']}")
    path = stored_file_path(row["sha256"])
    if not path.exists():
        raise NotFound(f"The file of evidence {evidence_id} is not on this server.")
    return path, row["file_name"] or row["sha256"], row["media_type"]


async def check_cited(city_id: int, ids: list[int], *, own: bool = True) -> list[int]:
    """Evidence cited must be on file for the city; a claim cites only the city's own evidence
    (filed by its editors), a challenge or a reply any evidence of that city (`own=False`)."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    where = Evidence.id.is_in(wanted) & (Evidence.city == city_id)
    if own:
        where &= Evidence.origin == EvidenceOrigin.city
    found = {r["id"] for r in await Evidence.select(Evidence.id).where(where)}
    missing = [i for i in wanted if i not in found]
    if missing:
        kind = "this city's own evidence (not counter-evidence)" if own else "evidence filed for this city"
        raise InvalidInput("Some cited evidence is not on file for this city.", [FieldError(
            "evidence", f"Expected ids of {kind}; unknown: {missing}.")])
    return wanted


# Status updates ---------------------------------------------------------------------------------


def _check_status_date(reported_on: date, adopted_on: date) -> None:
    errors = []
    if reported_on > clock.today():
        errors.append(FieldError("reported_on", "Expected a date not after today."))
    if reported_on < adopted_on:
        errors.append(FieldError("reported_on", f"Expected a date on or after the adoption "
                                                f"({adopted_on.isoformat()})."))
    if errors:
        raise InvalidInput("The status update is not valid.", errors)


async def add_status_update(caller: Caller, city_slug: str, charter_slug: str, code: str,
                            data: StatusUpdateCreate) -> StatusUpdateRead:
    """Append a dated status to the adoption's timeline: published at once, or a draft; a
    correction names the published status it `supersedes`."""
    async with write_transaction():
        adoption = await adoption_for_write(caller, city_slug, charter_slug, code)
        _check_status_date(data.reported_on, adoption["adopted_on"])
        corrected = None
        if data.supersedes is not None:
            corrected = await check_supersedes("status_update", data.supersedes,
                                               parent=("city_commitment", adoption["id"]))
        cited = await check_cited(adoption["city"], data.evidence)
        row = (await StatusUpdate.insert(StatusUpdate(
            city_commitment=adoption["id"], status=data.status, reported_on=data.reported_on,
            note_md=data.note_md, created_by=caller.user_id, draft=data.draft,
            published_at=None if data.draft else claim_now(),
            supersedes=corrected["id"] if corrected else None,
        )).returning(*StatusUpdate.all_columns()))[0]
        for evidence_id in cited:
            await UpdateEvidence.insert(UpdateEvidence(update=row["id"], evidence=evidence_id))
        await standing.refresh([adoption["id"]])
        await audit(caller, "create", "status_update", claim_id("status_update", row["id"]), None,
                    {"commitment": adoption["key"], "status": str(data.status),
                     "reported_on": data.reported_on, "note_md": data.note_md, "evidence": cited,
                     "draft": data.draft, "supersedes": data.supersedes})
    return _status_read(row, cited, None, [])


def _status_read(row: dict[str, Any], cited: list[int], replaced_by: int | None,
                 challenges: list[dict[str, Any]]) -> StatusUpdateRead:
    return StatusUpdateRead(row["id"], CommitmentStatus(row["status"]), row["reported_on"],
                            row["note_md"], render_markdown(row["note_md"]), cited,
                            **claim_standing("status_update", row, replaced_by=replaced_by,
                                       challenges=challenges))


# Measurements -----------------------------------------------------------------------------------


def _measurement_read(row: dict[str, Any], cited: list[int], replaced_by: int | None = None,
                      challenges: list[dict[str, Any]] | None = None) -> MeasurementRead:
    return MeasurementRead(row["id"], row["period"], float(row["value"]), row["value_text"],
                           row["note_md"], render_markdown(row["note_md"]), cited, row["created_at"],
                           **claim_standing("measurement", row, replaced_by=replaced_by,
                                      challenges=challenges or []))


async def _check_period_free(city_id: int, indicator: dict[str, Any], period: str,
                             corrected_id: int | None) -> None:
    """One standing value per period: a second one is a correction of the first."""
    rows = await Measurement.select(Measurement.id, Measurement.supersedes).where(
        (Measurement.city == city_id) & (Measurement.indicator == indicator["id"]))
    replaced = {r["supersedes"] for r in rows if r["supersedes"]}
    standing_rows = await Measurement.select(Measurement.id).where(
        (Measurement.city == city_id) & (Measurement.indicator == indicator["id"])
        & (Measurement.period == period))
    clash = [r["id"] for r in standing_rows if r["id"] not in replaced and r["id"] != corrected_id]
    if clash:
        other = claim_id("measurement", clash[0])
        raise Conflict(
            f"{indicator['code']} already has a value for {period} ({other}). To correct it, post the "
            f'new value with "supersedes": "{other}".',
            [FieldError("period", f'Expected a period not yet reported, or "supersedes": "{other}".')])


async def add_measurement(caller: Caller, city_slug: str, charter_slug: str, code: str,
                          data: MeasurementCreate) -> MeasurementRead:
    """Report a value for an ended period, read in the city's locale and checked against its type;
    published at once or a draft; a correction names the published value it `supersedes`."""
    async with write_transaction():
        city = await city_for_write(caller, city_slug)
        indicator = await indicator_for_city(city, charter_slug, code)
        period = ended_period(data.period, clock.today())
        value, text = read_number(data.value, city["locale"], "value")
        check_value(value, indicator["value_kind"], "value")
        corrected = None
        if data.supersedes is not None:
            corrected = await check_supersedes("measurement", data.supersedes,
                                               parent=("indicator", indicator["id"]))
            if corrected["city"] != city["id"]:
                raise InvalidInput(f"{data.supersedes} is not a value of {city_slug!r}.",
                                   [FieldError("supersedes", "Expected a value of this city.")])
        await _check_period_free(city["id"], indicator, period.label, corrected["id"] if corrected else None)
        cited = await check_cited(city["id"], data.evidence)
        row = (await Measurement.insert(Measurement(
            city=city["id"], indicator=indicator["id"], period=period.label, period_end=period.end,
            value=value, value_text=text, note_md=data.note_md, created_by=caller.user_id,
            draft=data.draft, published_at=None if data.draft else claim_now(),
            supersedes=corrected["id"] if corrected else None,
        )).returning(*Measurement.all_columns()))[0]
        for evidence_id in cited:
            await MeasurementEvidence.insert(MeasurementEvidence(measurement=row["id"],
                                                                 evidence=evidence_id))
        await standing.refresh(await standing.adoption_of_value(city["id"], indicator["id"]))
        await audit(caller, "create", "measurement", claim_id("measurement", row["id"]), None,
                    {"indicator": f"{city_slug}/{charter_slug}/{indicator['code']}",
                     "period": period.label, "value": value, "value_text": text,
                     "note_md": data.note_md, "evidence": cited, "draft": data.draft,
                     "supersedes": data.supersedes})
    return _measurement_read(row, cited)


async def list_measurements(caller: Caller, city_slug: str, charter_slug: str, code: str
                            ) -> list[MeasurementRead]:
    """Every value of the indicator the caller may see (drafts for the city's editors), with
    corrections marked."""
    city = await get_city_or_raise(city_slug)
    indicator = await indicator_for_city(city, charter_slug, code)
    query = Measurement.select().where(
        (Measurement.city == city["id"]) & (Measurement.indicator == indicator["id"]))
    if not caller.may_see_drafts_of(city["id"]):
        query = query.where(Measurement.draft == False)  # noqa: E712
    rows = await query.order_by(Measurement.period_end).order_by(Measurement.id)
    cited = await evidence_of("measurement", [r["id"] for r in rows])
    replaced = superseded_by(rows)
    challenges = await challenges_of([claim_id("measurement", r["id"]) for r in rows])
    return [_measurement_read(r, cited[r["id"]], replaced.get(r["id"]),
                              challenges.get(claim_id("measurement", r["id"]), [])) for r in rows]


# Edits of drafts --------------------------------------------------------------------------------


async def edit_draft(caller: Caller, text: str, data: ClaimEdit, precondition: Precondition
                     ) -> tuple[ClaimRead, int]:
    """Change a draft claim, with the same rules as a new one. A published claim is never edited
    in place: 409, with the way to correct it (a new claim that supersedes it)."""
    async with write_transaction():
        kind, row = await claim_for_write(caller, text)
        if not row["draft"]:
            raise Conflict(
                f"{text} is published, and published claims are never edited in place. Post a "
                f'correction with "supersedes": "{text}"; both stay visible and only the newest counts.',
                [FieldError("supersedes", f'Expected a new claim with "supersedes": "{text}".')])
        check_version(f"Claim {text}", row["version"], precondition)
        allowed = {"status_update": {"status", "reported_on", "note_md", "evidence"},
                   "measurement": {"value", "note_md", "evidence"}}[kind]
        given = {f for f in ClaimEdit.__struct_fields__ if getattr(data, f) is not msgspec.UNSET}
        wrong = sorted(given - allowed)
        if wrong:
            raise InvalidInput(f"A {kind.replace('_', ' ')} draft cannot change {', '.join(wrong)}.",
                               [FieldError(f, f"Expected only {', '.join(sorted(allowed))}.") for f in wrong])
        values: dict[str, Any] = {}
        if "note_md" in given:
            values["note_md"] = data.note_md
        if kind == "status_update":
            adoption = await CityCommitment.select().where(
                CityCommitment.id == row["city_commitment"]).first()
            if "status" in given:
                values["status"] = str(data.status)
            if "reported_on" in given:
                _check_status_date(data.reported_on, adoption["adopted_on"])  # type: ignore[arg-type]
                values["reported_on"] = data.reported_on
        elif "value" in given:
            city = await get_city_or_raise(row["city_slug"])
            indicator = await Indicator.select().where(Indicator.id == row["indicator"]).first()
            value, value_text = read_number(data.value, city["locale"], "value")  # type: ignore[arg-type]
            check_value(value, indicator["value_kind"], "value")
            values |= {"value": value, "value_text": value_text}
        table = CLAIM_TABLES[kind]
        await update_versioned(table, row["id"], row["version"],
                               {getattr(table, k): v for k, v in values.items()}, f"Claim {text}")
        before = {k: row[k] for k in values}
        if "evidence" in given:
            cited = await check_cited(row["city_id"], data.evidence)  # type: ignore[arg-type]
            link_table, column = LINK_TABLES[kind]
            before["evidence"] = (await evidence_of(kind, [row["id"]])).get(row["id"], [])
            await link_table.delete().where(column == row["id"])
            for evidence_id in cited:
                await link_table.insert(link_table(**{column._meta.name: row["id"], "evidence": evidence_id}))
            values["evidence"] = cited
        await audit(caller, "update", kind, text, before, values)
        kind, row = await claim_for_read(caller, text)
        return await claim_read(caller, kind, row), row["version"]


# A city's commitments, with progress ------------------------------------------------------------


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


async def _city_view(city: dict[str, Any], adoption_ids: list[int] | None, charter_slug: str | None,
                     seen: Visibility):
    """Everything needed to compute progress for the city's adoptions, in a fixed number of queries."""
    query = CityCommitment.select(
        *CityCommitment.all_columns(),
        CityCommitment.commitment.code.as_alias("code"),
        CityCommitment.commitment.title.as_alias("title"),
        CityCommitment.commitment.description.as_alias("description"),
        CityCommitment.commitment.principle.code.as_alias("principle"),
        CityCommitment.commitment.principle.position.as_alias("p_pos"),
        CityCommitment.commitment.position.as_alias("c_pos"),
        CityCommitment.commitment.charter.slug.as_alias("charter"),
        CityCommitment.commitment.charter.lang.as_alias("charter_lang"),
    ).where(CityCommitment.city == city["id"])
    if adoption_ids is not None:
        query = query.where(CityCommitment.id.is_in(adoption_ids or [-1]))
    if charter_slug:
        query = query.where(CityCommitment.commitment.charter.slug == charter_slug)
    adoptions = await query
    adoptions.sort(key=lambda a: (a["charter"], a["p_pos"], a["c_pos"]))
    ids = [a["id"] for a in adoptions] or [-1]
    updates_query = StatusUpdate.select().where(StatusUpdate.city_commitment.is_in(ids))
    if not seen.show_drafts:
        updates_query = updates_query.where(StatusUpdate.draft == False)  # noqa: E712
    updates = await updates_query.order_by(StatusUpdate.reported_on).order_by(StatusUpdate.id)
    commitment_ids = [a["commitment"] for a in adoptions] or [-1]
    indicators = await Indicator.select().where(Indicator.commitment.is_in(commitment_ids)).order_by(
        Indicator.position).output(load_json=True)
    indicator_ids = [i["id"] for i in indicators] or [-1]
    targets = {t["indicator"]: t for t in await Target.select().where(
        (Target.city == city["id"]) & Target.indicator.is_in(indicator_ids))}
    measurements_query = Measurement.select().where(
        (Measurement.city == city["id"]) & Measurement.indicator.is_in(indicator_ids))
    if not seen.show_drafts:
        measurements_query = measurements_query.where(Measurement.draft == False)  # noqa: E712
    measurements = await measurements_query.order_by(Measurement.period_end).order_by(Measurement.id)
    return adoptions, updates, indicators, targets, measurements


def _counted(rows: list[dict[str, Any]], seen: Visibility) -> list[dict[str, Any]]:
    """The claims that count: published (and drafts in a preview), not corrected by another."""
    return current([r for r in rows if seen.count_drafts or not r["draft"]])  # type: ignore[return-value]


def _progress_of(adoption, view: _CityView):
    timeline = view.counted_updates_by.get(adoption["id"], [])
    status = timeline[-1]["status"] if timeline else None
    per_indicator = []
    for ind in view.indicators_by.get(adoption["commitment"], []):
        series = view.counted_measurements_by.get(ind["id"], [])
        latest = series[-1]["value"] if series else None
        target = view.targets.get(ind["id"])
        progress = indicator_progress(target["baseline"] if target else None,
                                      target["target"] if target else None, latest, ind["direction"])
        per_indicator.append((ind, target, series, latest, progress))
    total = commitment_progress([p for *_, p in per_indicator], status)
    return timeline, status, per_indicator, total


def _group(rows, key):
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
    replaced_updates: dict[int, int]
    replaced_measurements: dict[int, int]
    challenges: dict[str, list[dict[str, Any]]]
    evidence: dict[int, dict[str, Any]]


async def _load_view(city: dict[str, Any], adoption_ids: list[int] | None,
                     charter_slug: str | None, seen: Visibility) -> _CityView:
    adoptions, updates, indicators, targets, measurements = await _city_view(
        city, adoption_ids, charter_slug, seen)
    update_links = await evidence_of("status_update", [u["id"] for u in updates])
    measurement_links = await evidence_of("measurement", [m["id"] for m in measurements])
    challenges = await challenges_of([claim_id("status_update", u["id"]) for u in updates]
                                     + [claim_id("measurement", m["id"]) for m in measurements])
    cited = {e for ids in update_links.values() for e in ids}
    cited |= {e for ids in measurement_links.values() for e in ids}
    evidence = {e["id"]: e for e in await Evidence.select().where(
        Evidence.id.is_in(sorted(cited) or [-1]))}
    return _CityView(
        adoptions, _group(updates, "city_commitment"), _group(_counted(updates, seen), "city_commitment"),
        _group(indicators, "commitment"), targets, _group(measurements, "indicator"),
        _group(_counted(measurements, seen), "indicator"), measurements, update_links,
        measurement_links, superseded_by(updates), superseded_by(measurements), challenges, evidence)


def _facts(view: _CityView, adoption, timeline, per_indicator) -> CommitmentFacts:
    """What the flags need to know of one adopted commitment, from the claims that count."""
    last = timeline[-1] if timeline else None
    last_evidence = [view.evidence[e] for e in view.update_links.get(last["id"], [])] if last else []
    claims = [ClaimFacts(claim_id("status_update", u["id"]),
                         u["reported_on"], [view.evidence[e]["issued_on"] for e in
                                            view.update_links.get(u["id"], [])], None,
                         _contested(view, claim_id("status_update", u["id"])))
              for u in timeline]
    indicators = []
    for ind, target, series, _latest, progress in per_indicator:
        latest = series[-1] if series else None
        indicators.append(IndicatorFacts(
            ind["code"], progress, target is not None, latest["period"] if latest else None,
            claim_id("measurement", latest["id"]) if latest else None))
        claims += [ClaimFacts(claim_id("measurement", m["id"]), None,
                              [view.evidence[e]["issued_on"]
                               for e in view.measurement_links.get(m["id"], [])],
                              m["period_end"], _contested(view, claim_id("measurement", m["id"])),
                              ind["code"])
                   for m in series]
    return CommitmentFacts(
        status=last["status"] if last else None,
        status_claim=claim_id("status_update", last["id"]) if last else None,
        status_evidence=sum(1 for e in last_evidence if e["review"] != "rejected"),
        due_on=adoption["due_on"], indicators=indicators, claims=claims)


def _contested(view: _CityView, cid: str) -> bool:
    """Only claims that count reach the flags: none of them is superseded."""
    return is_contested((c["status"], c["outcome"]) for c in view.challenges.get(cid, []))


def _flag_reads(facts: CommitmentFacts, today: date, lang: str | None) -> list[FlagRead]:
    return [FlagRead(f.code, flag_message(f.code, lang), f.claim_id, f.indicator)
            for f in commitment_flags(facts, today)]


async def list_city_commitments(city_slug: str, lang: str | None, charter_slug: str | None = None
                                ) -> list[CityCommitmentSummary]:
    """The city's adopted commitments with last status, progress and flags (published claims)."""
    view = await _load_view(await get_city_or_raise(city_slug), None, charter_slug, PUBLIC)
    today = clock.today()
    out = []
    for a in view.adoptions:
        timeline, status, per_indicator, total = _progress_of(a, view)
        out.append(CityCommitmentSummary(
            charter=a["charter"], commitment=a["code"], principle=a["principle"],
            title=pick(loads(a["title"]), lang, a["charter_lang"]), adopted_on=a["adopted_on"],
            due_on=a["due_on"], owner=a["owner"], status=status,
            status_reported_on=timeline[-1]["reported_on"] if timeline else None, progress=total,
            flags=_flag_reads(_facts(view, a, timeline, per_indicator), today, lang)))
    return out


async def get_city_commitment(caller: Caller, city_slug: str, charter_slug: str, code: str,
                              lang: str | None) -> CityCommitmentRead:
    """One adopted commitment in full (the city's editors also see its drafts, marked)."""
    adoption = await get_adoption_or_raise(city_slug, charter_slug, code)
    seen = Visibility.for_caller(caller, adoption["city"])
    return (await city_commitments_full(city_slug, lang, adoption_ids=[adoption["id"]], seen=seen))[0]


async def city_commitments_full(city_slug: str, lang: str | None, *, charter_slug: str | None = None,
                                adoption_ids: list[int] | None = None,
                                seen: Visibility = PUBLIC) -> list[CityCommitmentRead]:
    """The city's adopted commitments in full (timeline, indicators, measurements, evidence, flags),
    in charter order, with a fixed number of queries whatever their count. Every claim shown is
    marked with its standing; progress and flags come from the claims that count."""
    view = await _load_view(await get_city_or_raise(city_slug), adoption_ids, charter_slug, seen)
    today = clock.today()
    out = []
    for a in view.adoptions:
        counted, status, per_indicator, total = _progress_of(a, view)
        timeline = view.updates_by.get(a["id"], [])
        series_by = {ind["id"]: view.measurements_by.get(ind["id"], [])
                     for ind in view.indicators_by.get(a["commitment"], [])}
        own = {e for u in timeline for e in view.update_links.get(u["id"], [])}
        own |= {e for series in series_by.values() for m in series
                for e in view.measurement_links.get(m["id"], [])}
        base = a["charter_lang"]
        description = pick(loads(a["description"]), lang, base) or None
        out.append(CityCommitmentRead(
            city=city_slug, charter=a["charter"], commitment=a["code"], principle=a["principle"],
            title=pick(loads(a["title"]), lang, base), description_md=description,
            description_html=render_markdown(description), adopted_on=a["adopted_on"],
            due_on=a["due_on"], owner=a["owner"], status=status,
            status_reported_on=counted[-1]["reported_on"] if counted else None, progress=total,
            flags=_flag_reads(_facts(view, a, counted, per_indicator), today, lang),
            timeline=[_status_read(u, view.update_links.get(u["id"], []),
                                   view.replaced_updates.get(u["id"]),
                                   view.challenges.get(claim_id("status_update", u["id"]), []))
                      for u in timeline],
            indicators=[
                IndicatorProgress(
                    code=ind["code"], title=pick(ind["title"], lang, base), unit=ind["unit"],
                    value_type=ind["value_kind"], direction=ind["direction"],
                    target=_target_read(target),
                    measurements=[_measurement_read(m, view.measurement_links.get(m["id"], []),
                                                    view.replaced_measurements.get(m["id"]),
                                                    view.challenges.get(claim_id("measurement", m["id"]), []))
                                  for m in series_by[ind["id"]]],
                    latest=float(latest) if latest is not None else None, progress=progress)
                for ind, target, _series, latest, progress in per_indicator
            ],
            evidence=[evidence_read(view.evidence[e], city_slug) for e in sorted(own)],
            version=a["revision"], history=history_url("adoption", a["key"]),
        ))
    return out


# Signatures, as claims --------------------------------------------------------------------------


async def list_signatures(city_slug: str) -> list[SignatureRead]:
    """The city's signature acts, oldest first, each with its standing as a claim."""
    city = await get_city_or_raise(city_slug)
    rows = await Signature.select(
        *Signature.all_columns(), Signature.charter.slug.as_alias("charter_slug"),
    ).where(Signature.city == city["id"]).order_by(Signature.signed_on).order_by(Signature.id)
    challenges = await challenges_of([claim_id("signature", r["id"]) for r in rows])
    return [SignatureRead(id=r["id"], charter=r["charter_slug"], signed_on=r["signed_on"], act=r["act"],
                          status=r["status"],
                          **claim_standing("signature", r, replaced_by=None,
                                     challenges=challenges.get(claim_id("signature", r["id"]), [])))
            for r in rows]
