"""HTTP routes of a city's commitments (read with progress), status updates, targets,
measurements and evidence, and of the charter tree."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.datastructures import UploadFile
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import File

from commitments.schemas import StatusUpdateCreate, StatusUpdateRead
from indicators import services
from indicators.schemas import (
    CharterRead,
    CityCommitmentRead,
    CityCommitmentSummary,
    EvidenceCreate,
    EvidenceRead,
    MeasurementCreate,
    MeasurementRead,
    TargetRead,
    TargetSet,
)
from kernel.errors import FieldError, InvalidInput, MalformedInput, UnsupportedMedia
from kernel.http import WRITE, CallerDep, Lang


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
        self, city: FromPath[str], charter: FromPath[str], code: FromPath[str], lang: Lang = None
    ) -> CityCommitmentRead:
        """One adopted commitment: status, progress, timeline, indicators with targets and
        measurements, and the evidence cited."""
        return await services.get_city_commitment(city, charter, code, lang)

    @post("/commitments/{charter:str}/{code:str}/updates", security=WRITE)
    async def add_update(
        self, caller: CallerDep, city: FromPath[str], charter: FromPath[str], code: FromPath[str],
        data: JSONBody[StatusUpdateCreate],
    ) -> StatusUpdateRead:
        """Report the commitment's status, with a Markdown note and evidence ids."""
        return await services.add_status_update(caller, city, charter, code, data)

    @put("/indicators/{charter:str}/{code:str}/target", security=WRITE)
    async def set_target(
        self, caller: CallerDep, city: FromPath[str], charter: FromPath[str], code: FromPath[str],
        data: JSONBody[TargetSet],
    ) -> TargetRead:
        """Set the city's baseline and target for an indicator (numbers, or text in its locale)."""
        return await services.set_target(caller, city, charter, code, data)

    @get("/indicators/{charter:str}/{code:str}/measurements")
    async def list_measurements(
        self, city: FromPath[str], charter: FromPath[str], code: FromPath[str]
    ) -> list[MeasurementRead]:
        """The city's values for an indicator, oldest period first."""
        return await services.list_measurements(city, charter, code)

    @post("/indicators/{charter:str}/{code:str}/measurements", security=WRITE)
    async def add_measurement(
        self, caller: CallerDep, city: FromPath[str], charter: FromPath[str], code: FromPath[str],
        data: JSONBody[MeasurementCreate],
    ) -> MeasurementRead:
        """Report a value for an ended period (`2024`, `2024-Q3`, `2024-07`); `value` is a number
        or text typed in the city's locale (`"12,5"`, `"1 250"`, `"٤٧"`), kept as `value_text`."""
        return await services.add_measurement(caller, city, charter, code, data)

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
    async def get_evidence(self, evidence_id: FromPath[int]) -> EvidenceRead:
        """One piece of evidence."""
        return await services.get_evidence(evidence_id)

    @get("/file")
    async def get_file(self, evidence_id: FromPath[int]) -> File:
        """The stored file, as an attachment (never rendered inline)."""
        path, name, media_type = await services.evidence_file(evidence_id)
        return File(path=path, filename=name, media_type=media_type,
                    content_disposition_type="attachment",
                    headers={"X-Content-Type-Options": "nosniff",
                             "Content-Security-Policy": "default-src 'none'; sandbox"})
