"""Challenge this claim: a signed-in civil-society reviewer says why a published claim is not
proven (Markdown, with a preview) and files counter-evidence (a file, a link) in the same form.
The challenge and its evidence are written in one transaction by the service the API calls
(`indicators.challenges.open_challenge`), published under the reviewer's organisation."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from indicators.challenges import MAX_TEXT, REPLY_DAYS, claim_to_challenge, may_open_challenge, open_challenge
from indicators.claims import get_claim
from indicators.recent import describe_claims
from indicators.schemas import ChallengeCreate
from kernel.caller import Caller
from kernel.errors import Forbidden, InvalidInput, NotAuthenticated, NotFound, TooManyRequests
from kernel.http import CallerDep
from kernel.settings import get_settings
from web.forms import EvidenceInput, evidence_input, keep_file, text, text_errors
from web.language import page_language
from web.pages import refused, render, sign_in_first
from web.public.challenges import claim_page, evidence_titles


class ChallengeFormPages(Controller):
    """The form that opens a challenge on a published claim, and its preview."""

    include_in_schema = False

    @get("/claims/{claim_id:str}/challenge")
    async def form(self, request: Request, caller: CallerDep, claim_id: FromPath[str]) -> Template | Redirect:
        """The claim as published, and the form (anonymous visitors sign in first)."""
        gate = await self._gate(request, caller, claim_id)
        if gate is not None:
            return gate
        return await self._page(request, caller, claim_id, EvidenceInput(), "", {})

    @post("/claims/{claim_id:str}/challenge", status_code=200)
    async def submit(
        self, request: Request, caller: CallerDep, claim_id: FromPath[str]
    ) -> Template | Redirect:
        """Preview, or open the challenge; a refused field sends the form back with what was
        written and the file already chosen, and says what to change."""
        gate = await self._gate(request, caller, claim_id)
        if gate is not None:
            return gate
        form = await request.form()
        reason = text(form, "text")
        given = await evidence_input(request, caller, form)
        errors = {**text_errors(reason), **given.errors()}
        if errors or text(form, "action") == "preview":
            preview = None if errors else reason.strip()
            status = 422 if errors else 200
            return await self._page(request, caller, claim_id, given, reason, errors, preview, status)
        try:
            challenge = await open_challenge(
                caller, claim_id, ChallengeCreate(reason_md=reason), given.items()
            )
        except TooManyRequests as exc:
            return await self._page(
                request, caller, claim_id, given, reason, {"form": "wait"}, status=429, headers=exc.headers
            )
        except InvalidInput as exc:  # what a check could only see on writing (a race, a new rule)
            fields = {"reason_md": "text", "evidence": "file"}
            errors = {fields.get(e.field, e.field): "invalid" for e in exc.errors} or {"form": "invalid"}
            return await self._page(request, caller, claim_id, given, reason, errors, status=422)
        return Redirect(f"/challenges/{challenge.id}", status_code=303)

    @post("/preview", status_code=200)
    async def preview(self, request: Request) -> Template:
        """The Markdown of a form's `text` as it will be published (htmx swaps it in place)."""
        form = await request.form()
        return render(request, "_preview.html", {"preview": text(form, "text").strip()})

    async def _gate(self, request: Request, caller: Caller, claim_id: str) -> Template | Redirect | None:
        """Who may open the form: a visitor signs in first; only a reviewer challenges; a
        claim that is not published is not there (404)."""
        try:
            may_open_challenge(caller)
        except NotAuthenticated:
            return sign_in_first(request.url.path)
        except Forbidden:
            return refused(request, "challenge")
        await claim_to_challenge(caller, claim_id)
        return None

    async def _page(
        self,
        request: Request,
        caller: Caller,
        claim_id: str,
        given: EvidenceInput,
        reason: str,
        errors: dict[str, str],
        preview: str | None = None,
        status: int = 200,
        headers: Any = None,
    ) -> Template:
        lang = page_language(request)
        line = (await describe_claims([claim_id], lang)).get(claim_id)
        if line is None:
            raise NotFound(f"No claim {claim_id!r}.")
        claim = (await get_claim(caller, claim_id))[0]
        context = {
            "claim_id": claim_id,
            "line": line,
            "claim": claim,
            "claim_page": await claim_page(claim),
            "titles": await evidence_titles(caller, claim.evidence),
            "publisher": caller.organisation or caller.public_name,
            "text": reason,
            "given": given,
            "held": keep_file(caller, given, errors),
            "errors": errors,
            "preview": preview,
            "max_text": MAX_TEXT,
            "max_upload_mb": round(get_settings().max_upload_bytes / (1024 * 1024), 1),
            "reply_days": REPLY_DAYS,
        }
        return render(request, "challenge_form.html", context, status_code=status, headers=headers)
