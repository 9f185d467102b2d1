"""How a page is answered: its template rendered in the visitor's language, which the answer
states (`Content-Language`) and, when the visitor chose it with `?lang=`, remembers in a cookie."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from litestar import Request
from litestar.enums import MediaType
from litestar.response import Redirect, Template

from web.language import language_cookie, page_language

PAGE_HEADERS = {"Vary": "Accept-Language, Cookie", "Cache-Control": "no-cache"}
"""A page's words depend on the visitor's language, which its address alone does not say."""


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Template:
    """The page `template` (found by name by the application's loader) with `context`."""
    cookie = language_cookie(request)
    return Template(
        template_name=template,
        context=dict(context or {}),
        status_code=status_code,
        media_type=MediaType.HTML,
        headers={**PAGE_HEADERS, "Content-Language": page_language(request), **(headers or {})},
        cookies=[cookie] if cookie else [],
    )


def sign_in_first(path: str) -> Redirect:
    """To the sign-in page, and back here once signed in."""
    return Redirect(f"/sign-in?next={quote(path)}", status_code=303)


def refused(request: Request, reason: str, status_code: int = 403) -> Template:
    """A page saying why this person may not do this, and what to do instead."""
    return render(request, "refused.html", {"reason": reason}, status_code=status_code)
