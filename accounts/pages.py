"""The pages of signing in and out: the sign-in form, signing out, and the account page. They
call the same services as the API (accounts.sessions, accounts.services) and extend the web's
`base.html` by name, without importing the web package."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.enums import MediaType, RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from accounts.invitations import accept_invitation, invited_person
from accounts.passwords import MAX_LENGTH, MIN_LENGTH
from accounts.services import create_own_token, list_own_tokens, revoke_own_token
from accounts.sessions import caller_for_session, sign_in, sign_out, sign_out_own_sessions
from kernel.errors import Gone, InvalidInput, NotAuthenticated, NotFound, TooManyRequests
from kernel.http import CallerDep
from kernel.settings import get_settings

SESSION_COOKIE = "session"
"""The cookie holding a signed-in person's session secret (pages only; the API reads tokens)."""
PAGE_HEADERS = {"Vary": "Accept-Language, Cookie", "Cache-Control": "no-store"}


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (`/x`), never another site
    (`//host`, `/\\host`, `https://...`, `javascript:`); anything else is the home page."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if any(c in target for c in "\\\r\n\t") or any(ord(c) < 32 for c in target):
        return "/"
    return target


def _is_https(request: Request) -> bool:
    """Over HTTPS: the request came so, or the service is published at an https:// address
    (behind a proxy that speaks plain HTTP to it)."""
    return request.url.scheme == "https" or get_settings().public_url.startswith("https://")


def session_cookie(request: Request, secret: str) -> Cookie:
    """The session's cookie: never readable by scripts, sent by the browser on this site's
    own navigations only, secure over HTTPS."""
    return Cookie(
        key=SESSION_COOKIE, value=secret, path="/", httponly=True, samesite="lax", secure=_is_https(request)
    )


def cleared_cookie(request: Request) -> Cookie:
    """The session's cookie, emptied and expired."""
    return Cookie(
        key=SESSION_COOKIE,
        value="",
        path="/",
        httponly=True,
        samesite="lax",
        secure=_is_https(request),
        max_age=0,
        expires=0,
    )


def _page(
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Template:
    return Template(
        template_name=template,
        context=dict(context or {}),
        status_code=status_code,
        media_type=MediaType.HTML,
        headers={**PAGE_HEADERS, **(headers or {})},
    )


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


class SignInPages(Controller):
    """Signing in and out, and the signed-in person's own account."""

    include_in_schema = False

    @get("/sign-in")
    async def sign_in_form(self, request: Request) -> Template:
        return _page("sign_in.html", {"next": safe_next(request.query_params.get("next")), "email": ""})

    @post("/sign-in", status_code=303)
    async def sign_in(self, request: Request, data: Form) -> Template | Redirect:
        email, password = data.get("email", ""), data.get("password", "")
        target = safe_next(data.get("next") or request.query_params.get("next"))
        try:
            secret = await sign_in(email, password, _address(request))
        except TooManyRequests as exc:
            wait = int(exc.headers.get("Retry-After", "60"))
            return _page(
                "sign_in_wait.html",
                {"minutes": max(1, math.ceil(wait / 60))},
                status_code=429,
                headers={"Retry-After": str(wait)},
            )
        except NotAuthenticated:
            return _page("sign_in.html", {"next": target, "email": email, "wrong": True}, status_code=400)
        if not (data.get("next") or request.query_params.get("next")):
            target = await _landing(secret)
        return Redirect(target, status_code=303, cookies=[session_cookie(request, secret)])

    @post("/sign-out", status_code=303)
    async def sign_out(self, request: Request) -> Redirect:
        secret = request.cookies.get(SESSION_COOKIE)
        if secret:
            await sign_out(secret)
        return Redirect("/", status_code=303, cookies=[cleared_cookie(request)])

    @post("/account/sign-out-everywhere", status_code=303)
    async def sign_out_everywhere(self, request: Request, caller: CallerDep) -> Redirect:
        if caller.is_authenticated:
            await sign_out_own_sessions(caller)
        return Redirect("/", status_code=303, cookies=[cleared_cookie(request)])

    @get("/account")
    async def account(self, caller: CallerDep) -> Template | Redirect:
        if not caller.is_authenticated or caller.user_id is None:
            return Redirect("/sign-in?next=/account", status_code=303)
        return _page("account.html", {"me": caller, "tokens": await list_own_tokens(caller)})

    @post("/account/tokens", status_code=200)
    async def create_token(self, caller: CallerDep, data: Form) -> Template | Redirect:
        if not caller.is_authenticated:
            return Redirect("/sign-in?next=/account", status_code=303)
        token = await create_own_token(caller, data.get("name", ""))
        return _page(
            "account.html", {"me": caller, "tokens": await list_own_tokens(caller), "new_token": token}
        )

    @post("/account/tokens/{token_id:int}/revoke", status_code=303)
    async def revoke_token(self, caller: CallerDep, token_id: FromPath[int]) -> Redirect:
        if not caller.is_authenticated:
            return Redirect("/sign-in?next=/account", status_code=303)
        await revoke_own_token(caller, token_id)
        return Redirect("/account", status_code=303)


async def _landing(secret: str) -> str:
    """Where a person lands after signing in when no page asked for it: a city's officer on
    their city's to-do (`/workspace/{city}`), the secretariat on its review queue (`/secretariat`),
    everyone else on the home page."""
    person = await caller_for_session(secret)
    if person is not None and person.is_secretariat:
        return "/secretariat"
    if person is not None and len(person.city_slugs) == 1:
        return f"/workspace/{person.city_slugs[0]}"
    return "/"


def _invitation_gone(exc: NotFound | Gone) -> Template:
    """An invitation that cannot be used: expired (410), used, replaced or unknown (404), with
    what to do next."""
    expired = isinstance(exc, Gone) and "expired" in exc.detail
    return _page("invitation_gone.html", {"expired": expired}, status_code=410 if expired else 404)


class InvitationPages(Controller):
    """The link of an invitation: who it is for, and the choice of a password."""

    include_in_schema = False

    @get("/invitations/{secret:str}")
    async def invitation(self, secret: FromPath[str]) -> Template:
        try:
            person = await invited_person(secret)
        except (NotFound, Gone) as exc:
            return _invitation_gone(exc)
        return _page("invitation.html", {"person": person, "secret": secret, **_RULES})

    @post("/invitations/{secret:str}", status_code=303)
    async def accept(self, request: Request, secret: FromPath[str], data: Form) -> Template | Redirect:
        try:
            person = await invited_person(secret)
        except (NotFound, Gone) as exc:
            return _invitation_gone(exc)
        password, again = data.get("password", ""), data.get("password_again", "")
        error = None
        if password != again:
            error = "mismatch"
        else:
            try:
                session = await accept_invitation(secret, password, _address(request))
            except InvalidInput as exc:
                error = "email" if "e-mail" in exc.detail else "length"
            except (NotFound, Gone) as exc:
                return _invitation_gone(exc)
        if error:
            context = {"person": person, "secret": secret, "error": error, **_RULES}
            return _page("invitation.html", context, status_code=422)
        return Redirect("/account", status_code=303, cookies=[session_cookie(request, session)])


_RULES = {"min_length": MIN_LENGTH, "max_length": MAX_LENGTH}

ACCOUNT_PAGES = [SignInPages, InvitationPages]
"""The accounts package's page controllers, for the composition root to mount."""
ACCOUNT_TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
"""The accounts' page templates, joined to the application's loader."""
