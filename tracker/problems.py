"""One mapper from every refusal to an RFC 9457 problem-details answer."""

from __future__ import annotations

import logging
import re

import msgspec
from asyncpg.exceptions import CharacterNotInRepertoireError, UntranslatableCharacterError
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from kernel.errors import DomainError
from kernel.schemas import FieldErrorOut, Problem

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("tracker")
_MISSING = re.compile(r"missing required field `(?P<field>[^`]+)`")
_UNKNOWN = re.compile(r"unknown field `(?P<field>[^`]+)`")
_MISSING_PARAMETER = re.compile(
    r"Missing required (?P<source>query|header|path|cookie) parameter '(?P<field>[^']+)'"
)

_TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    412: "Precondition failed",
    428: "Precondition required",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
}


def _problem(
    status: int, title: str, detail: str, errors: list[FieldErrorOut], headers: dict[str, str] | None = None
) -> Response:
    body = Problem(type="about:blank", title=title, status=status, detail=detail, errors=errors)
    return Response(
        msgspec.json.encode(body), status_code=status, media_type=PROBLEM_JSON, headers=headers or {}
    )


def domain_error(_: Request, exc: DomainError) -> Response:
    return _problem(
        exc.status,
        exc.title,
        exc.detail,
        [FieldErrorOut(e.field, e.message) for e in exc.errors],
        exc.headers,
    )


def validation_error(_: Request, exc: ValidationException) -> Response:
    """Litestar's 400 for a body, path or query that does not fit its declared type."""
    errors = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            field = str(item.get("key") or item.get("source") or "body")
            message = str(item.get("message", "invalid"))
            missing = _MISSING.search(message)
            unknown = _UNKNOWN.search(message)
            if missing:
                field = missing["field"] if field in {"data", "body"} else f"{field}.{missing['field']}"
                message = "Required field is missing."
            elif unknown:
                field = "body" if field == "data" else field
                message = f"The body has no field `{unknown['field']}`; leave it out."
            elif field == "data":
                field = "body"
            errors.append(FieldErrorOut(str(field), message))
    if not errors:
        missing = _MISSING_PARAMETER.search(str(exc.detail))
        if missing:
            errors.append(
                FieldErrorOut(missing["field"], f"Required {missing['source']} parameter is missing.")
            )
        else:
            errors.append(FieldErrorOut("body", str(exc.detail)))
    detail = "The request does not have the expected shape: " + "; ".join(
        f"{e.field}: {e.message}" for e in errors
    )
    return _problem(400, "Malformed input", detail, errors)


def http_error(_: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    errors = []
    if status == 413:
        errors.append(FieldErrorOut("body", "Expected a smaller body."))
    return _problem(status, _TITLES.get(status, "Error"), str(exc.detail), errors, dict(exc.headers or {}))


def text_the_database_refuses(_: Request, exc: Exception) -> Response:
    """PostgreSQL refused a text (a NUL character inside a file's cells): nothing was written,
    since the transaction was rolled back."""
    return _problem(
        422,
        _TITLES.get(422, "Invalid input"),
        "A text holds a character the database cannot keep (such as NUL, U+0000); nothing was changed.",
        [FieldErrorOut("body", "Expected text without the NUL character (U+0000).")],
    )


def unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("Unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return _problem(
        HTTP_500_INTERNAL_SERVER_ERROR,
        "Internal error",
        "Something failed on our side; nothing was changed.",
        [],
    )


EXCEPTION_HANDLERS = {
    DomainError: domain_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    CharacterNotInRepertoireError: text_the_database_refuses,
    UntranslatableCharacterError: text_the_database_refuses,
    Exception: unexpected_error,
}
