"""HTTP routes of a city's commitments (read with progress), status updates, targets,
measurements and evidence, and of the charter tree."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec
from litestar import Controller, Request, Response, get, patch, post, put
from litestar.datastructures import UploadFile
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import File

from charter.schemas import SignatureRead
from commitments.schemas import StatusUpdateCreate, StatusUpdateRead
from indicators import claims, services
from indicators.schemas import (
    CharterRead,
    CityCommitmentRead,
    CityCommitmentSummary,
    ClaimEdit,
    ClaimRead,
    EvidenceCreate,
    EvidenceRead,
    EvidenceReviewCreate,
    MeasurementCreate,
    MeasurementRead,
    TargetRead,
    TargetSet,
    VerificationCreate,
)
from kernel.errors import FieldError, InvalidInput, MalformedInput, UnsupportedMedia
from kernel.http import WRITE, CallerDep, IfMatch, Lang, precondition, with_etag


class CharterTreeController(Controller):
    """A charter's whole tree."""

    path = "/charters/{slug:str}"
    tags = ("Charters",)

    @get("/")
    async def get_charter(self, slug: FromPath[str], lang: Lang = None) -> CharterRead:
        """The charter with its principles, commitments and indicators."""
        return await services.charter_tree(slug, lang)


class CityCommitmentController(Controller):
    """What a city has adopted, where it stands, and the proof behind it."""

    path = "/cities/{city:str}"
    tags = ("City commitments",)

    @get("/commitments")
    async def list_commitments(
        self, city: FromPath[str], lang: Lang = None,
        charter: Annotated[str | None, QueryParameter(description="Only this charter")] = None,
    ) -> list[CityCommitmentSummary]:
        """The city's adopted commitments with their last status and progress (0–1)."""
        return await services.list_city_commitments(city, lang, charter)

    @get("/commitments/{charter:str}/{code:str}")
    async def get_commitment(
        self, caller: CallerDep, city: FromPath[str], charter: FromPath[str], code: FromPath[str],
        lang: Lang = None,
    ) -> Response[CityCommitmentRead]:
        """One adopted commitment: status, progress, timeline, indicators with targets and
        measurements, and the evidence cited; every claim with its `claim_id`, assurance and
        history. The city's editors also see its drafts (marked `draft`, not counted). The ETag
        is the adoption's version, for `PATCH /cities/{city}/commitments/{charter}/{code}`."""
        read = await services.get_city_commitment(caller, city, charter, code, lang)
        return with_etag(read, read.version)

    @post("/commitments/{charter:str}/{code:str}/updates", security=WRITE)
    async def add_update(
        self, caller: CallerDep, city: FromPath[str], charter: FromPath[str], code: FromPath[str],
        data: JSONBody[StatusUpdateCreate],
    ) -> StatusUpdateRead:
        """Report the commitment's status, with a Markdown note and evidence ids. `"draft": true`
        keeps it to the city's editors and the secretariat until published; a correction of a
        published status names it in `supersedes`."""
        return await services.add_status_update(caller, city, charter, code, data)

    @put("/indicators/{charter:str}/{code:str}/target", security=WRITE, status_code=200)
    async def set_target(
        self, caller: CallerDep, city: FromPath[str], charter: FromPath[str], code: FromPath[str],
        data: JSONBody[TargetSet], if_match: IfMatch = None,
    ) -> Response[TargetRead]:
        """Set the city's baseline and target for an indicator (numbers, or text in its locale).
        Replacing a target takes its ETag (from the previous answer) in `If-Match`."""
        read = await services.set_target(caller, city, charter, code, data, precondition(if_match))
        return with_etag(read, read.version)

    @get("/indicators/{charter:str}/{code:str}/measurements")
    async def list_measurements(
        self, caller: CallerDep, city: FromPath[str], charter: FromPath[str], code: FromPath[str]
    ) -> list[MeasurementRead]:
        """The city's values for an indicator, oldest period first, corrections marked
        (`supersedes`, `superseded_by`); the city's editors also see drafts."""
        return await services.list_measurements(caller, city, charter, code)

    @post("/indicators/{charter:str}/{code:str}/measurements", security=WRITE)
    async def add_measurement(
        self, caller: CallerDep, city: FromPath[str], charter: FromPath[str], code: FromPath[str],
        data: JSONBody[MeasurementCreate],
    ) -> MeasurementRead:
        """Report a value for an ended period (`2024`, `2024-Q3`, `2024-07`); `value` is a number
        or text typed in the city's locale (`"12,5"`, `"1 250"`, `"٤٧"`), kept as `value_text`.
        `"draft": true` keeps it private until published; a second value for a period is a
        correction and names the first in `supersedes`."""
        return await services.add_measurement(caller, city, charter, code, data)

    @get("/signatures")
    async def list_signatures(self, city: FromPath[str]) -> list[SignatureRead]:
        """The city's signature acts, oldest first, each a claim with its standing."""
        return await services.list_signatures(city)

    @get("/evidence")
    async def list_evidence(self, city: FromPath[str]) -> list[EvidenceRead]:
        """The city's evidence."""
        return await services.list_evidence(city)

    @post("/evidence", security=WRITE)
    async def add_evidence(self, caller: CallerDep, city: FromPath[str], request: Request) -> EvidenceRead:
        """Add evidence: JSON `{title, kind, url, issued_on, description_md}` for a link, or
        multipart/form-data with `file` (PDF, PNG, JPEG or WebP) and the same fields."""
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/json":
            try:
                data = msgspec.json.decode(await request.body(), type=EvidenceCreate)
            except msgspec.ValidationError as exc:
                raise MalformedInput(str(exc), [FieldError(_field_of(exc), str(exc))]) from None
            except msgspec.DecodeError as exc:
                raise MalformedInput("The body is not JSON.", [FieldError("body", str(exc))]) from None
            return await services.create_link_evidence(caller, city, data)
        if content_type == "multipart/form-data":
            form = await request.form()
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise InvalidInput("No file part.", [FieldError("file", "Expected a file part.")])
            issued = form.get("issued_on") or None
            try:
                issued_on = date.fromisoformat(issued) if issued else None
            except ValueError:
                raise InvalidInput("Bad date.", [FieldError("issued_on", "Expected YYYY-MM-DD.")]) from None
            return await services.create_file_evidence(
                caller, city, content=await upload.read(), file_name=upload.filename or "",
                title=str(form.get("title") or upload.filename or ""), kind=str(form.get("kind") or "other"),
                issued_on=issued_on, description_md=form.get("description_md") or None)
        raise UnsupportedMedia("Send JSON (a link) or multipart/form-data (a file).",
                               [FieldError("Content-Type", "Expected application/json or "
                                                           "multipart/form-data.")])


def _field_of(exc: msgspec.ValidationError) -> str:
    """`Expected ... - at `$.url`` → `url`."""
    message = str(exc)
    if "at `$." in message:
        return message.rsplit("at `$.", 1)[1].rstrip("`").split("[")[0]
    if "missing required field `" in message:
        return message.split("missing required field `", 1)[1].split("`")[0]
    return "body"


class EvidenceController(Controller):
    """Evidence by id."""

    path = "/evidence/{evidence_id:int}"
    tags = ("Evidence",)

    @get("/")
    async def get_evidence(self, evidence_id: FromPath[int]) -> Response[EvidenceRead]:
        """One piece of evidence, with its review; the ETag is for `POST .../review`."""
        read = await services.get_evidence(evidence_id)
        return with_etag(read, read.version)

    @post("/review", security=WRITE, status_code=200)
    async def review(
        self, caller: CallerDep, evidence_id: FromPath[int], data: JSONBody[EvidenceReviewCreate],
        if_match: IfMatch = None,
    ) -> Response[EvidenceRead]:
        """The secretariat accepts or rejects the evidence, with a note (`If-Match`: its ETag).
        Claims verified on the strength of rejected evidence fall back to self-reported."""
        read, version = await services.review_evidence(caller, evidence_id, data, precondition(if_match))
        return with_etag(read, version)

    @get("/file")
    async def get_file(self, evidence_id: FromPath[int]) -> File:
        """The stored file, as an attachment (never rendered inline)."""
        path, name, media_type = await services.evidence_file(evidence_id)
        return File(path=path, filename=name, media_type=media_type,
                    content_disposition_type="attachment",
                    headers={"X-Content-Type-Options": "nosniff",
                             "Content-Security-Policy": "default-src 'none'; sandbox"})


class ClaimController(Controller):
    """Claims (signatures, status updates, measurements) by their stable `claim_id`: drafts,
    publication, the secretariat's verification."""

    path = "/claims/{claim_id:str}"
    tags = ("Claims",)

    @get("/")
    async def get_claim(self, caller: CallerDep, claim_id: FromPath[str]) -> Response[ClaimRead]:
        """One claim with its standing: assurance (`self_reported`, `verified`, `contested`),
        verification, corrections, challenges, and a link to its history. Drafts exist only
        for their city's editors and the secretariat."""
        read, version = await claims.get_claim(caller, claim_id)
        return with_etag(read, version)

    @patch("/", security=WRITE)
    async def edit_claim(
        self, caller: CallerDep, claim_id: FromPath[str], data: JSONBody[ClaimEdit], if_match: IfMatch = None,
    ) -> Response[ClaimRead]:
        """Change a draft (`If-Match`: its ETag). A published claim is never edited in place:
        409, and the way to correct it, a new claim with `supersedes`."""
        read, version = await services.edit_draft(caller, claim_id, data, precondition(if_match))
        return with_etag(read, version)

    @post("/publish", security=WRITE, status_code=200)
    async def publish(
        self, caller: CallerDep, claim_id: FromPath[str], if_match: IfMatch = None,
    ) -> Response[ClaimRead]:
        """Make a draft public (`If-Match`: its ETag); a correction then replaces what it supersedes."""
        read, version = await claims.publish_claim(caller, claim_id, precondition(if_match))
        return with_etag(read, version)

    @post("/verification", security=WRITE, status_code=200)
    async def verify(
        self, caller: CallerDep, claim_id: FromPath[str], data: JSONBody[VerificationCreate],
        if_match: IfMatch = None,
    ) -> Response[ClaimRead]:
        """The secretariat has checked the claim against its evidence (`If-Match`: its ETag):
        the claim becomes `verified`, with the reviewer's name, the date and the note."""
        read, version = await claims.verify_claim(caller, claim_id, data.note_md, precondition(if_match))
        return with_etag(read, version)
