"""Evidence: the proof a city files for its claims (a link, or a file kept under its SHA-256),
the counter-evidence a civil-society reviewer files, and the secretariat's review of both.
Claims cite evidence by id; `check_cited` says which evidence a claim may cite."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from charter.services import city_for_write, get_city_or_raise
from indicators.choices import EvidenceKind, EvidenceOrigin, EvidenceReview
from indicators.citations import citations_of
from indicators.claims import now as claim_now
from indicators.claims import unverify_citing
from indicators.evidence_access import file_withheld, may_download, published_ids, visible_to
from indicators.schemas import EvidenceCreate, EvidenceRead, EvidenceReviewCreate
from indicators.tables import Evidence
from kernel import clock
from kernel.caller import Caller
from kernel.claim_ids import history_url
from kernel.db import audit, update_versioned, write_transaction
from kernel.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    TooLarge,
    UnsupportedMedia,
    check_choice,
)
from kernel.files import is_kept, keep, kept_path
from kernel.markdown import render_markdown
from kernel.schemas import MAX_MARKDOWN, MAX_TITLE, MAX_URL
from kernel.settings import get_settings
from kernel.versions import Precondition, check_version

_MAGIC = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
# The extensions a file of each media type may keep; the first is the one given otherwise.
_EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/webp": (".webp",),
}


def sniff_media_type(head: bytes) -> str | None:
    """The media type the bytes really are (PDF, PNG, JPEG, WebP), whatever the file is called."""
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def evidence_file_name(raw: str, media_type: str) -> str:
    """The name an evidence file is kept, shown and served under: the last part of the name it
    was uploaded with, without control, format or bidi characters (U+202E makes `gpj.exe` read
    `exe.jpg`), and ending in the extension of what its bytes are (a PDF uploaded as
    `polyglot.html` is `polyglot.pdf`)."""
    name = unicodedata.normalize("NFKC", raw.replace("\\", "/")).rpartition("/")[2]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in "\u2028\u2029")
    name = name.strip()
    extensions = _EXTENSIONS.get(media_type, ("",))
    stem, dot, extension = name.rpartition(".")
    if dot and f".{extension}".lower() in extensions:
        suffix = f".{extension}"
    else:
        stem, suffix = (stem if dot else name), extensions[0]
    stem = stem.rstrip(" .") or "evidence"
    return stem[: 255 - len(suffix)] + suffix


def evidence_read(
    row: dict[str, Any], city_slug: str, *, published: bool = True, downloadable: bool = False
) -> EvidenceRead:
    """A piece of evidence as the API shows it, with its review and where to download its file.
    `published`: something published cites it; `downloadable`: the reader may download its file
    even when it is withheld from the public (see `indicators.evidence_access`)."""
    withheld = file_withheld(row)
    file_shown = bool(row["sha256"]) and (downloadable or not withheld)
    return EvidenceRead(
        id=row["id"],
        city=city_slug,
        title=row["title"],
        kind=row["kind"],
        url=row["url"],
        issued_on=row["issued_on"],
        description_md=row["description_md"],
        description_html=render_markdown(row["description_md"]),
        sha256=row["sha256"],
        file_name=evidence_file_name(row["file_name"], row["media_type"]) if row["file_name"] else None,
        media_type=row["media_type"],
        size=row["size"],
        file_url=f"/api/v1/evidence/{row['id']}/file" if file_shown else None,
        origin=EvidenceOrigin(row.get("origin") or "city"),
        review=EvidenceReview(row.get("review") or "unreviewed"),
        review_note_md=row.get("review_note_md"),
        review_note_html=render_markdown(row.get("review_note_md")),
        reviewed_by=row.get("reviewed_by_label"),
        reviewed_at=row.get("reviewed_at"),
        published=published,
        file_withheld=bool(row["sha256"]) and withheld,
        withdrawn_at=row.get("withdrawn_at"),
        version=row.get("version") or 1,
        history=history_url("evidence", f"evidence-{row['id']}"),
    )


def _check_evidence_fields(
    title: str, issued_on: date | None, url: str | None, description_md: str | None
) -> None:
    """The fields of a piece of evidence, as the upload form and the JSON link give them."""
    errors = []
    if not title.strip() or len(title) > MAX_TITLE:
        errors.append(FieldError("title", f"Expected a title of 1 to {MAX_TITLE} characters."))
    if description_md is not None and len(description_md) > MAX_MARKDOWN:
        errors.append(FieldError("description_md", f"Expected at most {MAX_MARKDOWN} characters."))
    if issued_on and issued_on > clock.today():
        errors.append(FieldError("issued_on", "Expected a date not after today."))
    if url is not None:
        parts = urlsplit(url.strip())
        if parts.scheme.lower() not in {"http", "https"} or not parts.netloc or len(url) > MAX_URL:
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


@dataclass(frozen=True)
class NewEvidence:
    """Evidence filed in the same form as something that cites it (a challenge, a reply): an
    uploaded file's bytes and name, or a link published elsewhere."""

    title: str
    kind: EvidenceKind = EvidenceKind.other
    content: bytes | None = None
    file_name: str = ""
    url: str | None = None
    issued_on: date | None = None


def check_new_evidence(item: NewEvidence) -> list[FieldError]:
    """What is wrong with evidence to be filed, field by field (`file`, `url`, `title`), so that a
    form can name every problem at once before anything is written."""
    errors: list[FieldError] = []
    if item.content is not None:
        try:
            _check_file(item.content, item.file_name)
        except (InvalidInput, TooLarge, UnsupportedMedia) as exc:
            errors.extend(exc.errors or [FieldError("file", exc.detail)])
    try:
        _check_evidence_fields(item.title, item.issued_on, item.url, None)
    except InvalidInput as exc:
        errors.extend(exc.errors)
    return errors


async def file_new_evidence(caller: Caller, city_slug: str, item: NewEvidence) -> EvidenceRead:
    """File `item` for the city: its file kept by its bytes, or its link. A file the city already
    has on file (the same bytes) is not filed twice: the piece on file is returned, to be cited.
    Inside a caller's `write_transaction` it is part of that transaction."""
    if item.content is not None:
        return await create_file_evidence(
            caller,
            city_slug,
            content=item.content,
            file_name=item.file_name,
            title=item.title,
            kind=item.kind,
            issued_on=item.issued_on,
            description_md=None,
            reuse=True,
        )
    if item.url is None:
        raise InvalidInput(
            "Evidence needs a file or a link.", [FieldError("file", "Expected a file or a link.")]
        )
    return await create_link_evidence(
        caller, city_slug, EvidenceCreate(title=item.title, kind=item.kind, url=item.url)
    )


async def create_link_evidence(caller: Caller, city_slug: str, data: EvidenceCreate) -> EvidenceRead:
    """Record evidence published elsewhere, by its http(s) link."""
    _check_evidence_fields(data.title, data.issued_on, data.url, data.description_md)
    fields = {
        "title": data.title.strip(),
        "kind": data.kind,
        "issued_on": data.issued_on,
        "description_md": data.description_md,
        "url": data.url.strip(),
    }
    return await _record(caller, city_slug, fields, audited=("url",))


async def _record(
    caller: Caller, city_slug: str, fields: dict[str, Any], *, audited: tuple[str, ...]
) -> EvidenceRead:
    """File a piece of evidence for the city, as the city's own proof or as counter-evidence
    (see `_filer`); its audit row keeps its title, kind and the `audited` fields."""
    async with write_transaction():
        city, origin = await _filer(caller, city_slug)
        row = (
            await Evidence.insert(
                Evidence(city=city["id"], **fields, created_by=caller.user_id, origin=origin)
            ).returning(*Evidence.all_columns())
        )[0]
        await audit(
            caller,
            "create",
            "evidence",
            f"evidence-{row['id']}",
            None,
            {key: row[key] for key in ("title", "kind", *audited)},
        )
    return evidence_read(row, city_slug, published=False, downloadable=True)


async def same_file(city_id: int, sha256: str) -> dict[str, Any] | None:
    """The city's own piece of evidence (not withdrawn) whose file has these bytes, if any."""
    return (
        await Evidence.select()
        .where(
            (Evidence.city == city_id)
            & (Evidence.sha256 == sha256)
            & (Evidence.origin == EvidenceOrigin.city)
            & Evidence.withdrawn_at.is_null()
        )
        .order_by(Evidence.id)
        .first()
    )


async def withdraw_evidence(
    caller: Caller, evidence_id: int, precondition: Precondition
) -> tuple[EvidenceRead, int]:
    """The city withdraws a piece of its evidence filed by mistake: hidden from the public and
    no longer offered to cite, kept with its history. Only what nothing cites may go: a
    published claim, an act, a challenge or a draft citing it is named in the refusal (409)."""
    key = f"evidence-{evidence_id}"
    async with write_transaction():
        row = await _visible_row(caller, evidence_id)
        if not (caller.system or caller.may_edit_city(row["city"])):
            raise Forbidden("Only the city's editors and the secretariat may withdraw the city's evidence.")
        check_version(f"Evidence {evidence_id}", row["version"], precondition)
        if row["withdrawn_at"] is not None:
            raise Conflict(f"Evidence {evidence_id} was withdrawn on {row['withdrawn_at']:%Y-%m-%d}.")
        citing = (await citations_of([evidence_id])).get(evidence_id, [])
        if citing:
            names = ", ".join(c.name for c in citing)
            raise Conflict(
                f"Evidence {evidence_id} is cited by {names}: it stays on file. A draft can be edited to "
                "cite something else first; a published claim is corrected by a new claim.",
                [FieldError("evidence", f"Expected evidence nothing cites; cited by {names}.")],
            )
        at = claim_now()
        await update_versioned(
            Evidence,
            evidence_id,
            row["version"],
            {Evidence.withdrawn_at: at, Evidence.withdrawn_by: caller.user_id},
            f"Evidence {evidence_id}",
        )
        await audit(
            caller, "withdraw", "evidence", key, {"withdrawn_at": None}, {"withdrawn_at": at.isoformat()}
        )
    read = await get_evidence(caller, evidence_id)
    return read, read.version


def store_file(content: bytes) -> str:
    """Keep the file under its SHA-256 (the same bytes are stored once); returns the digest."""
    digest = hashlib.sha256(content).hexdigest()
    if not is_kept("uploads", _file_name(digest)):
        keep("uploads", _file_name(digest), content)
    return digest


def _file_name(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256}"


def stored_file_path(sha256: str) -> Path | None:
    """This machine's copy of the file with that SHA-256 (fetched from the shared store the first
    time), or None when it is kept nowhere."""
    return kept_path("uploads", _file_name(sha256))


async def create_file_evidence(
    caller: Caller,
    city_slug: str,
    *,
    content: bytes,
    file_name: str,
    title: str,
    kind: str,
    issued_on: date | None,
    description_md: str | None,
    reuse: bool = False,
) -> EvidenceRead:
    """Record an uploaded file: PDF, PNG, JPEG or WebP by its bytes, within the size cap. The
    city's own proof is kept once: the same file already on file (not withdrawn) is refused by
    naming it (409), or returned as it is when `reuse`."""
    city, origin = await _filer(caller, city_slug)
    media_type = _check_file(content, file_name)
    if origin == EvidenceOrigin.city:
        twin = await same_file(city["id"], hashlib.sha256(content).hexdigest())
        if twin is not None and reuse:
            return evidence_read(
                twin, city_slug, published=bool(await published_ids([twin["id"]])), downloadable=True
            )
        if twin is not None:
            raise Conflict(
                f"This file is already on file as evidence {twin['id']} ({twin['title']!r}): cite "
                f"evidence {twin['id']} instead of filing it twice.",
                [
                    FieldError(
                        "file",
                        f"Expected a file not already on file; evidence {twin['id']} has the same bytes.",
                    )
                ],
            )
    kind_value = _evidence_kind(kind)
    _check_evidence_fields(title, issued_on, None, description_md)
    safe_name = evidence_file_name(file_name, media_type)
    fields = {
        "title": title.strip(),
        "kind": kind_value,
        "issued_on": issued_on,
        "description_md": description_md,
        "sha256": store_file(content),
        "file_name": safe_name,
        "media_type": media_type,
        "size": len(content),
    }
    return await _record(caller, city_slug, fields, audited=("sha256", "file_name", "size"))


def _check_file(content: bytes, file_name: str) -> str:
    """An uploaded file is kept when it is not empty, within the size cap, and a PDF, PNG, JPEG or
    WebP by its bytes; returns its media type."""
    limit = get_settings().max_upload_bytes
    if len(content) > limit:
        raise TooLarge(
            f"The file has {len(content)} bytes; the limit is {limit}.",
            [FieldError("file", f"Expected a file of at most {limit} bytes.")],
        )
    if not content:
        raise InvalidInput("The file is empty.", [FieldError("file", "Expected a non-empty file.")])
    media_type = sniff_media_type(content[:16])
    if media_type is None:
        raise UnsupportedMedia(
            f"{file_name!r} is not a PDF, PNG, JPEG or WebP file.",
            [
                FieldError(
                    "file", "Expected a PDF, PNG, JPEG or WebP file (checked by its content, not its name)."
                )
            ],
        )
    return media_type


def _evidence_kind(kind: str) -> EvidenceKind:
    """The kind of an uploaded file's evidence, one of the vocabulary."""
    try:
        return EvidenceKind(kind)
    except ValueError:
        raise InvalidInput(
            f"Unknown kind {kind!r}.", [FieldError("kind", f"Expected one of {', '.join(EvidenceKind)}.")]
        ) from None


async def list_evidence(
    caller: Caller, city_slug: str, *, review: str | None = None, origin: str | None = None
) -> list[EvidenceRead]:
    """The city's evidence the caller may see, oldest first: the public sees what something
    published cites; the city's editors and the secretariat see all, the filer its own. `review`
    keeps what the secretariat has not reviewed, accepted or rejected, `origin` the city's own proof
    or reviewers' counter-evidence."""
    review = check_choice(review, EvidenceReview, "review")
    origin = check_choice(origin, EvidenceOrigin, "origin")
    city = await get_city_or_raise(city_slug)
    where = Evidence.city == city["id"]
    if review is not None:
        where &= Evidence.review == review
    if origin is not None:
        where &= Evidence.origin == origin
    visible = visible_to(caller, city["id"])
    if visible is not None:
        where &= visible
    rows = await Evidence.select().where(where).order_by(Evidence.id)
    public = await published_ids([r["id"] for r in rows])
    return [
        evidence_read(r, city_slug, published=r["id"] in public, downloadable=may_download(caller, r))
        for r in rows
    ]


async def _visible_row(caller: Caller, evidence_id: int) -> dict[str, Any]:
    """The evidence row with its city's slug; 404 when there is none or the caller may not see it,
    so that the id of unpublished evidence tells nothing."""
    row = (
        await Evidence.select(*Evidence.all_columns(), Evidence.city.slug.as_alias("city_slug"))
        .where(Evidence.id == evidence_id)
        .first()
    )
    if row is not None:
        visible = visible_to(caller, row["city"])
        if visible is None or await Evidence.exists().where((Evidence.id == evidence_id) & visible):
            return row
    raise NotFound(f"No evidence {evidence_id}.")


async def get_evidence(caller: Caller, evidence_id: int) -> EvidenceRead:
    """One piece of evidence, whichever city it was filed for, if the caller may see it."""
    row = await _visible_row(caller, evidence_id)
    return evidence_read(
        row,
        row["city_slug"],
        published=bool(await published_ids([evidence_id])),
        downloadable=may_download(caller, row),
    )


async def review_evidence(
    caller: Caller, evidence_id: int, data: EvidenceReviewCreate, precondition: Precondition
) -> tuple[EvidenceRead, int]:
    """The secretariat accepts or rejects a piece of evidence, with a note. Claims verified on the
    strength of evidence now rejected fall back to self-reported, and their history says why."""
    caller.require_secretariat("review evidence")
    key = f"evidence-{evidence_id}"
    async with write_transaction():
        row = await Evidence.select().where(Evidence.id == evidence_id).first()
        if row is None:
            raise NotFound(f"No evidence {evidence_id}.")
        caller.require_oversight(row["city"], "review this city's evidence")
        check_version(f"Evidence {evidence_id}", row["version"], precondition)
        values = {
            "review": str(data.review),
            "review_note_md": data.note_md,
            "reviewed_at": claim_now(),
            "reviewed_by": caller.user_id,
            "reviewed_by_label": caller.public_name,
            "file_released": data.release_file,
        }
        await update_versioned(
            Evidence,
            evidence_id,
            row["version"],
            {getattr(Evidence, k): v for k, v in values.items()},
            f"Evidence {evidence_id}",
        )
        await audit(
            caller,
            "review",
            "evidence",
            key,
            {key: row[key] for key in ("review", "review_note_md", "file_released")},
            {"review": values["review"], "review_note_md": data.note_md, "file_released": data.release_file},
        )
        if data.review == EvidenceReview.rejected:
            await unverify_citing(
                caller,
                evidence_id,
                f"{key} was rejected by the secretariat" + (f": {data.note_md}" if data.note_md else "."),
            )
    read = await get_evidence(caller, evidence_id)
    return read, read.version


async def evidence_file(caller: Caller, evidence_id: int) -> tuple[Path, str, str]:
    """Path, download name and media type of an evidence file the caller may download."""
    row = await _visible_row(caller, evidence_id)
    if not row["sha256"]:
        raise NotFound(f"Evidence {evidence_id} is a link, not a file: {row['url']}")
    if not may_download(caller, row):
        raise Forbidden(
            f"The secretariat rejected evidence {evidence_id} and withholds its file; its description "
            "and the secretariat's note stay on each claim that cites it."
        )
    path = stored_file_path(row["sha256"])
    if path is None:
        raise NotFound(f"The file of evidence {evidence_id} is not on this server.")
    return path, evidence_file_name(row["file_name"] or "", row["media_type"]), row["media_type"]


async def check_cited(
    city_id: int, ids: list[int], *, own: bool = True, caller: Caller | None = None
) -> list[int]:
    """Evidence cited must be on file for the city; a claim cites only the city's own evidence
    (filed by its editors), a challenge or a reply any evidence of that city (`own=False`) that
    the `caller` may see: a reviewer cites what is public and the counter-evidence they filed."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    where = Evidence.id.is_in(wanted) & (Evidence.city == city_id) & Evidence.withdrawn_at.is_null()
    if own:
        where &= Evidence.origin == EvidenceOrigin.city
    visible = visible_to(caller, city_id) if caller is not None else None
    if visible is not None:
        where &= visible
    found = {r["id"] for r in await Evidence.select(Evidence.id).where(where)}
    missing = [i for i in wanted if i not in found]
    if missing:
        if own:
            kind = "this city's own evidence (not counter-evidence)"
        elif visible is not None:
            kind = "evidence of this city that is public or that you filed"
        else:
            kind = "evidence filed for this city"
        raise InvalidInput(
            "Some cited evidence is not on file for this city.",
            [FieldError("evidence", f"Expected ids of {kind}; unknown: {missing}.")],
        )
    return wanted
