"""HTTP routes of a city's commitments (read with progress), status updates, targets,
measurements and evidence, and of the charter tree."""

from __future__ import annotations

from datetime import date
from typing import Annotated, TypeAlias

import msgspec
from litestar import Controller, Request, Response, get, patch, post, put
from litestar.datastructures import UploadFile
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import File

from charter.schemas import SignatureRead
from commitments.choices import CommitmentStatus
from commitments.schemas import AdoptionRead, AdoptionUpdate, StatusUpdateCreate, StatusUpdateRead
from indicators import (
    acts,
    challenges,
    charter_tree,
    city_view,
    claims,
    commitment_filters,
    drafts,
    evidence,
    measurements,
    status_updates,
    targets,
)
from indicators.choices import ChallengeStatus, EvidenceOrigin, EvidenceReview
from indicators.flags import FLAG_CODES
from indicators.history import ENTITIES, item_history
from indicators.openapi import UPLOAD_FIELDS, EvidenceUpload
from indicators.schemas import (
    ChallengeCreate,
    ChallengePage,
    ChallengeRead,
    CharterRead,
    CityCommitmentRead,
    CityCommitmentSummary,
    ClaimEdit,
    ClaimRead,
    EvidenceCreate,
    EvidenceRead,
    EvidenceReviewCreate,
    HistoryEntry,
    MeasurementCreate,
    MeasurementRead,
    ReplyCreate,
    RulingCreate,
    TargetRead,
    TargetSet,
    VerificationCreate,
)
from kernel.claim_ids import Assurance
from kernel.errors import FieldError, InvalidInput, MalformedInput, UnsupportedMedia
from kernel.http import (
    WRITE,
    CallerDep,
    IfMatch,
    Lang,
    Limit,
    Offset,
    RowId,
    choice,
    media_type_of,
    precondition,
    refuses,
    with_etag,
)

StatusFilter: TypeAlias = Annotated[str | None, choice("Only those whose last status is", CommitmentStatus)]
AssuranceFilter: TypeAlias = Annotated[
    str | None, choice("Only those whose last status has this assurance", Assurance)
]
FlagFilter: TypeAlias = Annotated[str | None, choice("Only those that raise this flag", FLAG_CODES)]
ReviewFilter: TypeAlias = Annotated[str | None, choice("Only evidence with this review", EvidenceReview)]
OriginFilter: TypeAlias = Annotated[
    str | None, choice("Only evidence filed by the city or by reviewers (counter-evidence)", EvidenceOrigin)
]


class CharterTreeController(Controller):
    """A charter's whole tree."""

    path = "/charters/{charter:str}"
    tags = ("Charters",)

    @get("/")
    async def get_charter(self, charter: FromPath[str], lang: Lang = None) -> CharterRead:
        """The charter with its principles, commitments and indicators."""
        return await charter_tree.charter_tree(charter, lang)


class CityCommitmentController(Controller):
    """What a city has adopted, where it stands, and the proof behind it."""

    path = "/cities/{city:str}"
    tags = ("City commitments",)

    @get("/commitments")
    async def list_commitments(
        self,
        city: FromPath[str],
        lang: Lang = None,
        charter: Annotated[str | None, QueryParameter(description="Only this charter")] = None,
        status: StatusFilter = None,
        assurance: AssuranceFilter = None,
        principle: Annotated[
            str | None,
            QueryParameter(description="Only the commitments of this principle (its code, e.g. DIG)"),
        ] = None,
        flag: FlagFilter = None,
    ) -> list[CityCommitmentSummary]:
        """The city's adopted commitments with their last status, its assurance, progress (0–1)
        and flags; every filter given must hold."""
        filters = commitment_filters.CommitmentFilters.parse(
            status=status, assurance=assurance, principle=principle, flag=flag
        )
        return await city_view.list_city_commitments(city, lang, charter, filters)

    @get("/commitments/{charter:str}/{code:str}")
    async def get_commitment(
        self,
        caller: CallerDep,
        city: FromPath[str],
        charter: FromPath[str],
        code: FromPath[str],
        lang: Lang = None,
    ) -> Response[CityCommitmentRead]:
        """One adopted commitment: status, progress, timeline, indicators with targets and
        measurements, and the evidence cited; every claim with its `claim_id`, assurance and
        history. The city's editors also see its drafts (marked `draft`, not counted). The ETag
        is the adoption's version, for `PATCH /cities/{city}/commitments/{charter}/{code}`."""
        read = await city_view.get_city_commitment(caller, city, charter, code, lang)
        return with_etag(read, read.version)

    @post("/commitments/{charter:str}/{code:str}/updates", security=WRITE)
    async def add_update(
        self,
        caller: CallerDep,
        city: FromPath[str],
        charter: FromPath[str],
        code: FromPath[str],
        data: JSONBody[StatusUpdateCreate],
    ) -> StatusUpdateRead:
        """Report the commitment's status, with a Markdown note and evidence ids. `"draft": true`
        keeps it to the city's editors and the secretariat until published; a correction of a
        published status names it in `supersedes`."""
        return await status_updates.add_status_update(caller, city, charter, code, data)

    @put("/indicators/{charter:str}/{code:str}/target", security=WRITE, status_code=200)
    async def set_target(
        self,
        caller: CallerDep,
        city: FromPath[str],
        charter: FromPath[str],
        code: FromPath[str],
        data: JSONBody[TargetSet],
        if_match: IfMatch = None,
    ) -> Response[TargetRead]:
        """Set the city's baseline and target for an indicator (numbers, or text in its locale).
        Replacing a target takes its ETag (from the previous answer) in `If-Match`."""
        read = await targets.set_target(caller, city, charter, code, data, precondition(if_match))
        return with_etag(read, read.version)

    @get("/indicators/{charter:str}/{code:str}/measurements", opt=refuses(409))
    async def list_measurements(
        self, caller: CallerDep, city: FromPath[str], charter: FromPath[str], code: FromPath[str]
    ) -> list[MeasurementRead]:
        """The city's values for an indicator, oldest period first, corrections marked
        (`supersedes`, `superseded_by`); the city's editors also see drafts."""
        return await measurements.list_measurements(caller, city, charter, code)

    @post("/indicators/{charter:str}/{code:str}/measurements", security=WRITE)
    async def add_measurement(
        self,
        caller: CallerDep,
        city: FromPath[str],
        charter: FromPath[str],
        code: FromPath[str],
        data: JSONBody[MeasurementCreate],
    ) -> MeasurementRead:
        """Report a value for an ended period (`2024`, `2024-Q3`, `2024-07`); `value` is a number
        or text typed in the city's locale (`"12,5"`, `"1 250"`, `"٤٧"`), kept as `value_text`.
        `"draft": true` keeps it private until published; a second value for a period is a
        correction and names the first in `supersedes`."""
        return await measurements.add_measurement(caller, city, charter, code, data)

    @post("/commitments", security=WRITE)
    async def adopt(
        self, caller: CallerDep, city: FromPath[str], data: JSONBody[acts.AdoptingCreate]
    ) -> AdoptionRead:
        """Adopt a commitment of a charter the city has signed (the city's editors, the
        secretariat), citing the evidence of the decision on file (`evidence`, ids)."""
        return await acts.adopt_with_evidence(caller, city, data)

    @patch("/commitments/{charter:str}/{code:str}", security=WRITE)
    async def update_adoption(
        self,
        caller: CallerDep,
        city: FromPath[str],
        charter: FromPath[str],
        code: FromPath[str],
        data: JSONBody[AdoptionUpdate],
        if_match: IfMatch = None,
    ) -> Response[AdoptionRead]:
        """Change the local due date or owning unit, with the adoption's ETag (as read from
        `GET /cities/{city}/commitments/{charter}/{code}`) in `If-Match`."""
        read = await acts.change_adoption(caller, city, charter, code, data, precondition(if_match))
        return with_etag(read, read.version)

    @post("/signatures", security=WRITE)
    async def create_signature(
        self, caller: CallerDep, city: FromPath[str], data: JSONBody[acts.SigningCreate]
    ) -> SignatureRead:
        """Record that the city signed (or withdrew from) a charter, by a named act, citing the
        evidence of the decision on file (`evidence`, ids)."""
        return await acts.sign(caller, city, data)

    @get("/signatures")
    async def list_signatures(self, city: FromPath[str]) -> list[SignatureRead]:
        """The city's signature acts, oldest first, each a claim with its standing."""
        return await claims.list_signatures(city)

    @get("/evidence")
    async def list_evidence(
        self, caller: CallerDep, city: FromPath[str], review: ReviewFilter = None, origin: OriginFilter = None
    ) -> list[EvidenceRead]:
        """The city's evidence, oldest first; every filter given must hold. The public sees the
        evidence something published cites (a claim, a challenge, a reply); the city's editors and
        the secretariat see all of it, a reviewer also the counter-evidence they filed."""
        return await evidence.list_evidence(caller, city, review=review, origin=origin)

    @post("/evidence", security=WRITE, operation_class=EvidenceUpload)
    async def add_evidence(self, caller: CallerDep, city: FromPath[str], request: Request) -> EvidenceRead:
        """Add evidence: JSON `{title, kind, url, issued_on, description_md}` for a link, or
        multipart/form-data with `file` (PDF, PNG, JPEG or WebP) and the same fields."""
        content_type = media_type_of(request)
        if content_type == "application/json":
            try:
                data = msgspec.json.decode(await request.body(), type=EvidenceCreate)
            except msgspec.ValidationError as exc:
                raise MalformedInput(str(exc), [FieldError(_field_of(exc), str(exc))]) from None
            except msgspec.DecodeError as exc:
                raise MalformedInput("The body is not JSON.", [FieldError("body", str(exc))]) from None
            return await evidence.create_link_evidence(caller, city, data)
        if content_type == "multipart/form-data":
            form = await request.form()
            unknown = sorted(set(form.keys()) - UPLOAD_FIELDS)
            if unknown:
                raise MalformedInput(
                    "The form has parts this upload does not read.",
                    [
                        FieldError(name, f"Leave it out; the parts are {', '.join(sorted(UPLOAD_FIELDS))}.")
                        for name in unknown
                    ],
                )
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise InvalidInput("No file part.", [FieldError("file", "Expected a file part.")])
            issued = form.get("issued_on") or None
            try:
                issued_on = date.fromisoformat(issued) if issued else None
            except ValueError:
                raise InvalidInput("Bad date.", [FieldError("issued_on", "Expected YYYY-MM-DD.")]) from None
            return await evidence.create_file_evidence(
                caller,
                city,
                content=await upload.read(),
                file_name=upload.filename or "",
                title=str(form.get("title") or upload.filename or ""),
                kind=str(form.get("kind") or "other"),
                issued_on=issued_on,
                description_md=form.get("description_md") or None,
            )
        raise UnsupportedMedia(
            "Send JSON (a link) or multipart/form-data (a file).",
            [FieldError("Content-Type", "Expected application/json or multipart/form-data.")],
        )


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
    async def get_evidence(self, caller: CallerDep, evidence_id: RowId) -> Response[EvidenceRead]:
        """One piece of evidence, with its review; the ETag is for `POST .../review`. Evidence
        nothing published cites is 404 except for the city's editors, the secretariat and the filer."""
        read = await evidence.get_evidence(caller, evidence_id)
        return with_etag(read, read.version)

    @post("/review", security=WRITE, status_code=200)
    async def review(
        self,
        caller: CallerDep,
        evidence_id: RowId,
        data: JSONBody[EvidenceReviewCreate],
        if_match: IfMatch = None,
    ) -> Response[EvidenceRead]:
        """The secretariat accepts or rejects the evidence, with a note (`If-Match`: its ETag).
        Claims verified on the strength of rejected evidence fall back to self-reported."""
        read, version = await evidence.review_evidence(caller, evidence_id, data, precondition(if_match))
        return with_etag(read, version)

    @post("/withdrawal", security=WRITE, status_code=200)
    async def withdraw(
        self, caller: CallerDep, evidence_id: RowId, if_match: IfMatch = None
    ) -> Response[EvidenceRead]:
        """The city withdraws evidence filed by mistake (`If-Match`: its ETag): hidden from the
        public, no longer citable, kept in history. Refused (409) while anything cites it, a
        draft included; the refusal names what does."""
        read, version = await evidence.withdraw_evidence(caller, evidence_id, precondition(if_match))
        return with_etag(read, version)

    @get("/file")
    async def get_file(self, caller: CallerDep, evidence_id: RowId) -> File:
        """The stored file, as an attachment (never rendered inline). The file of evidence the
        secretariat rejected is 403 for the public unless the secretariat released it."""
        path, name, media_type = await evidence.evidence_file(caller, evidence_id)
        return File(
            path=path,
            filename=name,
            media_type=media_type,
            content_disposition_type="attachment",
            headers={
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "default-src 'none'; sandbox",
            },
        )


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
        self, caller: CallerDep, claim_id: FromPath[str], data: JSONBody[ClaimEdit], if_match: IfMatch = None
    ) -> Response[ClaimRead]:
        """Change a draft (`If-Match`: its ETag). A published claim is never edited in place:
        409, and the way to correct it, a new claim with `supersedes`."""
        read, version = await drafts.edit_draft(caller, claim_id, data, precondition(if_match))
        return with_etag(read, version)

    @post("/publish", security=WRITE, status_code=200)
    async def publish(
        self, caller: CallerDep, claim_id: FromPath[str], if_match: IfMatch = None
    ) -> Response[ClaimRead]:
        """Make a draft public (`If-Match`: its ETag); a correction then replaces what it supersedes."""
        read, version = await claims.publish_claim(caller, claim_id, precondition(if_match))
        return with_etag(read, version)

    @post("/challenges", security=WRITE)
    async def challenge(
        self, caller: CallerDep, claim_id: FromPath[str], data: JSONBody[ChallengeCreate]
    ) -> Response[ChallengeRead]:
        """A civil-society reviewer questions the claim: `reason_md` and counter-evidence ids
        (filed first with `POST /cities/{city}/evidence`). It is published under the organisation
        set on the reviewer's account. The claim is `contested` until the ruling."""
        read = await challenges.open_challenge(caller, claim_id, data)
        return with_etag(read, read.version, 201)

    @post("/verification", security=WRITE, status_code=200)
    async def verify(
        self,
        caller: CallerDep,
        claim_id: FromPath[str],
        data: JSONBody[VerificationCreate],
        if_match: IfMatch = None,
    ) -> Response[ClaimRead]:
        """The secretariat has checked the claim against its evidence (`If-Match`: its ETag):
        the claim becomes `verified`, with the reviewer's name, the date and the note."""
        read, version = await claims.verify_claim(caller, claim_id, data.note_md, precondition(if_match))
        return with_etag(read, version)


class ChallengeController(Controller):
    """Challenges to claims: the reason, the city's replies, the secretariat's ruling. Public."""

    path = "/challenges"
    tags = ("Challenges",)

    @get("/")
    async def list_challenges(
        self,
        city: Annotated[str | None, QueryParameter(description="Only this city's")] = None,
        status: Annotated[str | None, choice("Only those in this state", ChallengeStatus)] = None,
        overdue: Annotated[
            bool | None,
            QueryParameter(
                description="Only those the city left unanswered for 30 days (or only the others)"
            ),
        ] = None,
        claim: Annotated[str | None, QueryParameter(description="Only those on this claim id")] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> ChallengePage:
        """Challenges, newest first."""
        return await challenges.list_challenges(
            city=city, status=status, overdue=overdue, claim=claim, limit=limit, offset=offset
        )

    @get("/{challenge_id:int}")
    async def get_challenge(self, challenge_id: RowId) -> Response[ChallengeRead]:
        """One challenge with its replies and ruling; the ETag is for the ruling's `If-Match`."""
        read = await challenges.get_challenge(challenge_id)
        return with_etag(read, read.version)

    @post("/{challenge_id:int}/replies", security=WRITE)
    async def reply(
        self, caller: CallerDep, challenge_id: RowId, data: JSONBody[ReplyCreate]
    ) -> Response[ChallengeRead]:
        """The city's editors answer (`body_md`, evidence ids); once the city has answered, the
        challenger answers back (409 before). Several rounds until the ruling; each round says
        its `side`."""
        read = await challenges.reply(caller, challenge_id, data)
        return with_etag(read, read.version, 201)

    @post("/{challenge_id:int}/ruling", security=WRITE, status_code=200)
    async def rule(
        self, caller: CallerDep, challenge_id: RowId, data: JSONBody[RulingCreate], if_match: IfMatch = None
    ) -> Response[ChallengeRead]:
        """The secretariat rules (`upheld`, `partly_upheld`, `dismissed`, with `note_md`;
        `If-Match`: the challenge's ETag). An upheld claim stays contested until the city
        corrects it (a new claim that supersedes it)."""
        read = await challenges.rule(caller, challenge_id, data, precondition(if_match))
        return with_etag(read, read.version)


class HistoryController(Controller):
    """What happened to an item, oldest first."""

    path = "/history"
    tags = ("History",)

    @get("/")
    async def history(
        self,
        caller: CallerDep,
        entity: Annotated[str, choice("Kind of item", ENTITIES, empty_is_all=False)],
        key: Annotated[
            str,
            QueryParameter(
                description="The item's key: a claim id, `challenge-3`, `evidence-12`, a city slug..."
            ),
        ],
    ) -> list[HistoryEntry]:
        """The audit rows of one item (who, when, what changed). Every item links here from its
        `history` field. The public sees published items only, under published names."""
        return await item_history(caller, entity, key)
