"""The next round of a challenge, from its page: the city's editors answer for the city; once
the city has answered, the challenger answers back, until the secretariat rules. Markdown with a
preview, and evidence (a file, a link) filed in the same transaction by the service the API
calls (`indicators.challenges.reply`)."""

from __future__ import annotations

from litestar import Controller, Request, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from indicators.challenges import reply, side_to_reply
from indicators.schemas import ReplyCreate
from kernel.errors import Conflict, Forbidden, InvalidInput
from kernel.http import CallerDep
from web.forms import evidence_input, keep_file, picked_evidence, text, text_errors
from web.pages import refused, render, sign_in_first
from web.public.challenges import challenge_context


class ReplyPages(Controller):
    """The form of a challenge's next round, sent from the challenge's page."""

    include_in_schema = False

    @post("/challenges/{challenge_id:int}/replies", status_code=200)
    async def send(
        self, request: Request, caller: CallerDep, challenge_id: FromPath[int]
    ) -> Template | Redirect:
        """Preview, or write the round; a refused field sends the page back with what was
        written and the file already chosen, and says what to change."""
        if not caller.is_authenticated:
            return sign_in_first(f"/challenges/{challenge_id}")
        if await side_to_reply(caller, challenge_id) is None:
            return refused(request, "reply")
        form = await request.form()
        body = text(form, "text")
        context = await challenge_context(request, caller, challenge_id)
        picked, stray = picked_evidence(form, {e.id for e in context["offered"]})
        given = await evidence_input(request, caller, form)
        errors = {**text_errors(body), **({"evidence": "invalid"} if stray else {}), **given.errors()}
        if not errors and text(form, "action") != "preview":
            try:
                answered = await reply(
                    caller, challenge_id, ReplyCreate(body_md=body, evidence=picked), given.items()
                )
            except (Conflict, Forbidden):  # ruled, or the city had not answered, since the page was read
                return refused(request, "reply", 409)
            except InvalidInput as exc:
                fields = {"body_md": "text", "evidence": "evidence" if picked else "file"}
                errors = {fields.get(e.field, e.field): "invalid" for e in exc.errors} or {"form": "invalid"}
            else:
                return Redirect(
                    f"/challenges/{challenge_id}#reply-{answered.replies[-1].id}", status_code=303
                )
        context |= {
            "text": body,
            "picked": picked,
            "given": given,
            "held": keep_file(caller, given, errors),
            "errors": errors,
            "preview": None if errors else body.strip(),
        }
        return render(request, "challenge.html", context, status_code=422 if errors else 200)
