"""Refusals and failures on a page, answered as a page: the same status as the API would give
(404 for an unknown city, 400 for a bad filter...), in the visitor's language, with a way home.
The API keeps its problem details; only the routes of the pages use these handlers."""

from __future__ import annotations

import logging

from litestar import Request
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from kernel.errors import DomainError
from web.pages import render

log = logging.getLogger("web")


def page_error(request: Request, exc: Exception) -> Template:
    """The error page for `exc`: a domain refusal or an HTTP error keeps its status and headers
    (`Retry-After`...); anything else is logged and answered 500."""
    headers: dict[str, str] = {}
    detail = None
    if isinstance(exc, DomainError):
        status, detail, headers = exc.status, exc.detail, dict(exc.headers)
    elif isinstance(exc, HTTPException):
        status, detail, headers = exc.status_code, str(exc.detail), dict(exc.headers or {})
    else:
        log.exception("Unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        status = HTTP_500_INTERNAL_SERVER_ERROR
    return render(
        request, "error.html", {"status": status, "detail": detail}, status_code=status, headers=headers
    )


PAGE_EXCEPTION_HANDLERS = {
    DomainError: page_error,
    ValidationException: page_error,
    HTTPException: page_error,
    Exception: page_error,
}
"""The exception handlers of the pages' routes (each class named, so that none of the API's
handlers, looked up by class, answers a page)."""
