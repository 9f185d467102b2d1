"""The secretariat's review queue, its first page after signing in: what waits for it, by kind,
with counts, filtered by city, charter and network; the review of one piece of evidence (accept,
or reject with a note) and the verification of one claim against its evidence, each with the
action in place, which moves on to the next item in one submit. Only the secretariat opens them;
a visitor signs in first."""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import File, Redirect, Template

from charter.tables import City
from exports.evidence_preview import pdf_page, pdf_pages
from indicators.challenges import rule
from indicators.choices import EvidenceReview, RulingOutcome
from indicators.claims import get_claim, verify_claim
from indicators.evidence import get_evidence, review_evidence, stored_file_path
from indicators.recent import describe_claims
from indicators.review_queue import QueueFilters, next_claim, next_evidence, next_ruling, review_queue
from indicators.schemas import EvidenceRead, EvidenceReviewCreate, RulingCreate
from kernel.caller import Caller
from kernel.claim_ids import parse_claim_id
from kernel.db import read_snapshot
from kernel.errors import Conflict, NotFound, PreconditionFailed
from kernel.http import CallerDep
from kernel.versions import Precondition
from web.forms import MAX_NOTE, text
from web.language import page_language
from web.pages import refused, render, sign_in_first
from web.public.challenges import challenge_context
from web.public.commitments import page_history
from web.public.evidence import evidence_page
from web.public.names import charters_by_slug, cities_by_slug


def secretariat_gate(request: Request, caller: Caller) -> Template | Redirect | None:
    """None for the secretariat; else sign in first, or the page saying why not (403)."""
    if not caller.is_authenticated:
        return sign_in_first(request.url.path)
    if not caller.is_secretariat:
        return refused(request, "secretariat")
    return None


async def oversees_city(caller: Caller, slug: str) -> bool:
    """Whether the secretariat manages the city with that slug (every city, or those of its
    networks)."""
    if caller.overseen_city_ids is None:
        return caller.is_secretariat
    row = await City.select(City.id).where(City.slug == slug).first()
    return row is not None and caller.oversees(row["id"])


def _filters(request: Request) -> QueueFilters:
    """The queue's filters as the query gives them (`?city=…&charter=…&network=…`)."""
    given = {name: request.query_params.get(name, "").strip() for name in ("city", "charter", "network")}
    return QueueFilters(**{name: value or None for name, value in given.items()})


def _with(filters: QueueFilters, **more: object) -> str:
    """A query string: the filters, then `more`."""
    pairs = [
        (k, v)
        for k, v in (("city", filters.city), ("charter", filters.charter), ("network", filters.network))
        if v
    ]
    pairs += [(k, str(v)) for k, v in more.items() if v not in (None, "")]
    return f"?{urlencode(pairs)}" if pairs else ""


def _is_claim_id(text: str) -> bool:
    """Whether `text` is written as a claim id (`measurement-12`), to be named in a notice."""
    try:
        parse_claim_id(text)
    except NotFound:
        return False
    return True


class QueuePages(Controller):
    """The review queue and the review of a piece of evidence."""

    include_in_schema = False
    path = "/secretariat"

    @get("/")
    async def queue(self, request: Request, caller: CallerDep) -> Template | Redirect:
        gate = secretariat_gate(request, caller)
        if gate is not None:
            return gate
        lang = page_language(request)
        filters = _filters(request)
        content = await review_queue(caller, filters, lang)
        reviewed = request.query_params.get("reviewed", "")
        ruled = request.query_params.get("ruled", "")
        verified = request.query_params.get("verified", "")
        context = {
            "q": content,
            "query": _with(filters),
            "cities": await cities_by_slug(lang),
            "charters": await charters_by_slug(lang),
            "reviewed": int(reviewed) if reviewed.isdigit() else None,
            "ruled": int(ruled) if ruled.isdigit() else None,
            "verified": verified if _is_claim_id(verified) else None,
        }
        return render(request, "secretariat_queue.html", context)

    @get("/evidence/{evidence_id:int}")
    async def evidence(
        self, request: Request, caller: CallerDep, evidence_id: FromPath[int]
    ) -> Template | Redirect:
        gate = secretariat_gate(request, caller)
        if gate is not None:
            return gate
        done = request.query_params.get("done", "")
        return await _review_page(
            request,
            caller,
            evidence_id,
            done=int(done) if done.isdigit() else None,
            verdict=request.query_params.get("review"),
        )

    @get("/evidence/{evidence_id:int}/pages/{number:int}", media_type="image/png")
    async def page(
        self, request: Request, caller: CallerDep, evidence_id: FromPath[int], number: FromPath[int]
    ) -> File | Template | Redirect:
        """One drawn page of a PDF filed as evidence (drawn when its review page was shown)."""
        gate = secretariat_gate(request, caller)
        if gate is not None:
            return gate
        piece = await get_evidence(caller, evidence_id)
        drawn = pdf_page(piece.sha256, number) if piece.sha256 else None
        if drawn is None:
            raise NotFound(f"No page {number} drawn of evidence {evidence_id}.")
        return File(path=drawn, media_type="image/png", content_disposition_type="inline")

    @post("/evidence/{evidence_id:int}", status_code=200)
    async def review(
        self, request: Request, caller: CallerDep, evidence_id: FromPath[int]
    ) -> Template | Redirect:
        """Accept or reject the piece at the version the page showed, then go on to the next
        piece waiting (or back to the queue when none is left). A rejection says why."""
        gate = secretariat_gate(request, caller)
        if gate is not None:
            return gate
        form = await request.form()
        filters = _filters(request)
        verdict, note, version = text(form, "review"), text(form, "note").strip(), text(form, "version")
        errors: dict[str, str] = {}
        if verdict not in (EvidenceReview.accepted, EvidenceReview.rejected):
            errors["review"] = "missing"
        elif verdict == EvidenceReview.rejected and not note:
            errors["note"] = "missing"
        if len(note) > MAX_NOTE:
            errors["note"] = "long"
        if errors:
            return await _review_page(request, caller, evidence_id, note=note, errors=errors, status_code=422)
        shown = Precondition(versions=frozenset({int(version)})) if version.isdigit() else Precondition()
        try:
            await review_evidence(
                caller, evidence_id, EvidenceReviewCreate(EvidenceReview(verdict), note or None), shown
            )
        except PreconditionFailed:
            errors["form"] = "stale"
            return await _review_page(request, caller, evidence_id, note=note, errors=errors, status_code=409)
        following = await next_evidence(caller, filters, evidence_id)
        if following is None:
            return Redirect(f"/secretariat{_with(filters, reviewed=evidence_id)}", status_code=303)
        target = f"/secretariat/evidence/{following}{_with(filters, done=evidence_id, review=verdict)}"
        return Redirect(target, status_code=303)


class ClaimReviewPages(Controller):
    """The verification of one claim against its evidence."""

    include_in_schema = False
    path = "/secretariat/claims/{claim:str}"

    @get("/")
    async def claim(self, request: Request, caller: CallerDep, claim: FromPath[str]) -> Template | Redirect:
        gate = secretariat_gate(request, caller)
        if gate is not None:
            return gate
        return await _claim_page(request, caller, claim, done=request.query_params.get("done"))

    @post("/", status_code=200)
    async def verify(self, request: Request, caller: CallerDep, claim: FromPath[str]) -> Template | Redirect:
        """Verify the claim at the version the page showed, then go on to the next claim waiting
        (or back to the queue when none is left)."""
        gate = secretariat_gate(request, caller)
        if gate is not None:
            return gate
        form = await request.form()
        filters = _filters(request)
        note, version = text(form, "note").strip(), text(form, "version")
        if len(note) > MAX_NOTE:
            return await _claim_page(
                request, caller, claim, note=note, errors={"note": "long"}, status_code=422
            )
        shown = Precondition(versions=frozenset({int(version)})) if version.isdigit() else Precondition()
        try:
            await verify_claim(caller, claim, note or None, shown)
        except PreconditionFailed:
            return await _claim_page(
                request, caller, claim, note=note, errors={"form": "stale"}, status_code=409
            )
        except Conflict:
            return await _claim_page(
                request, caller, claim, note=note, errors={"form": "refused"}, status_code=409
            )
        following = await next_claim(caller, filters, claim, page_language(request))
        if following is None:
            return Redirect(f"/secretariat{_with(filters, verified=claim)}", status_code=303)
        return Redirect(f"/secretariat/claims/{following}{_with(filters, done=claim)}", status_code=303)


class RulingPages(Controller):
    """The secretariat's ruling on a challenge, sent from the challenge's own page."""

    include_in_schema = False
    path = "/secretariat/challenges/{challenge_id:int}/ruling"

    @post("/", status_code=200)
    async def rule(
        self, request: Request, caller: CallerDep, challenge_id: FromPath[int]
    ) -> Template | Redirect:
        """Rule at the version the page showed, with reasons, then go on to the next challenge
        waiting (or back to the queue when none is left)."""
        gate = secretariat_gate(request, caller)
        if gate is not None:
            return gate
        form = await request.form()
        filters = _filters(request)
        outcome, reasons, version = (
            text(form, "outcome"),
            text(form, "reasons").strip(),
            text(form, "version"),
        )
        errors: dict[str, str] = {}
        if outcome not in set(RulingOutcome):
            errors["outcome"] = "missing"
        if not reasons:
            errors["reasons"] = "missing"
        elif len(reasons) > MAX_NOTE:
            errors["reasons"] = "long"
        if not errors:
            shown = Precondition(versions=frozenset({int(version)})) if version.isdigit() else Precondition()
            try:
                await rule(caller, challenge_id, RulingCreate(RulingOutcome(outcome), reasons), shown)
            except (PreconditionFailed, Conflict):
                errors["ruling"] = "stale"
        if errors:
            async with read_snapshot():
                context = await challenge_context(request, caller, challenge_id)
            context |= {"errors": errors, "ruling": {"outcome": outcome, "note": reasons}}
            return render(request, "challenge.html", context, status_code=409 if "ruling" in errors else 422)
        following = await next_ruling(caller, filters, challenge_id, page_language(request))
        if following is None:
            return Redirect(f"/secretariat{_with(filters, ruled=challenge_id)}", status_code=303)
        return Redirect(
            f"/challenges/{following}{_with(filters, ruled=challenge_id)}#ruling-form", status_code=303
        )


async def _claim_page(
    request: Request,
    caller: Caller,
    claim: str,
    *,
    note: str = "",
    errors: dict[str, str] | None = None,
    done: str | None = None,
    status_code: int = 200,
) -> Template:
    """The claim as its city made it, the evidence it cites with the secretariat's review of
    each, the verification form, and where the queue goes next (skipping this claim)."""
    lang = page_language(request)
    filters = _filters(request)
    async with read_snapshot():
        read, _ = await get_claim(caller, claim)
        if not await oversees_city(caller, read.city):
            return refused(request, "network")
        line = (await describe_claims([claim], lang)).get(claim)
        cited = [await get_evidence(caller, e) for e in read.evidence]
        following = await next_claim(caller, filters, claim, lang)
    context = {
        "c": read,
        "line": line,
        "cited": cited,
        "history": page_history(read.history),
        "cities": await cities_by_slug(lang),
        "note": note,
        "errors": errors or {},
        "done": done if done and done != claim else None,
        "query": _with(filters),
        "skip": f"/secretariat/claims/{following}{_with(filters)}"
        if following and following != claim
        else None,
        "back": f"/secretariat{_with(filters)}",
        "max_text": MAX_NOTE,
    }
    return render(request, "review_claim.html", context, status_code=status_code)


async def _review_page(
    request: Request,
    caller: Caller,
    evidence_id: int,
    *,
    note: str = "",
    errors: dict[str, str] | None = None,
    done: int | None = None,
    verdict: str | None = None,
    status_code: int = 200,
) -> Template:
    """The piece with everything the public page shows of it, the review form, and where the
    queue goes next (skipping this piece)."""
    lang = page_language(request)
    filters = _filters(request)
    async with read_snapshot():
        try:
            context = await evidence_page(caller, str(evidence_id), lang)
        except NotFound:
            raise NotFound(f"No evidence {evidence_id}.") from None
        following = await next_evidence(caller, filters, evidence_id)
    shown = context["e"]
    assert isinstance(shown, EvidenceRead)
    if not await oversees_city(caller, shown.city):
        return refused(request, "network")
    sha256 = shown.sha256 if shown.media_type == "application/pdf" else None
    path = stored_file_path(sha256) if sha256 else None
    pages = await pdf_pages(sha256, path) if sha256 and path is not None else 0
    context |= {
        "pages": range(1, pages + 1),
        "note": note,
        "errors": errors or {},
        "done": done,
        "verdict": verdict,
        "query": _with(filters),
        "skip": f"/secretariat/evidence/{following}{_with(filters)}" if following else None,
        "back": f"/secretariat{_with(filters)}",
        "max_text": MAX_NOTE,
    }
    return render(request, "review_evidence.html", context, status_code=status_code)
