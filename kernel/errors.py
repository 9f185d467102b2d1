"""Domain errors. Services raise these; the application factory turns them into RFC 9457 problems."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class FieldError:
    """One thing wrong with one field of the input: where, and what was expected."""

    field: str
    message: str


def N_(message: str) -> str:
    """Mark an English message with `%(name)s` placeholders for translation, where it is written;
    pages translate it when they show it (`WordedError`)."""
    return message


@dataclass(frozen=True, slots=True)
class WordedError(FieldError):
    """A field error a page can say in its reader's language: `template` is the English message
    with its `%(name)s` placeholders (marked with `N_`), `params` their values; `message` is the
    template filled in, as the API gives it."""

    template: str = ""
    params: tuple[tuple[str, str], ...] = ()


def worded(where: str, template: str, **params: object) -> WordedError:
    """The error at `where` (a field, or `line 12`) saying `template` filled with `params`."""
    values = {name: str(value) for name, value in params.items()}
    return WordedError(where, template % values, template, tuple(values.items()))


@dataclass
class DomainError(Exception):
    """A refusal the caller can act on. `status` is the HTTP status it maps to."""

    detail: str
    errors: list[FieldError] = field(default_factory=list)
    status: int = 400
    title: str = "Bad request"
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        Exception.__init__(self, self.detail)


class InvalidInput(DomainError):
    """The input is well-formed but breaks a domain rule (422)."""

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail, errors or [], 422, "Invalid input")


class MalformedInput(DomainError):
    """The input cannot be read as the expected shape (400)."""

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail, errors or [], 400, "Malformed input")


class NotAuthenticated(DomainError):
    """A write without a valid token (401)."""

    def __init__(self, detail: str = "A valid bearer token is required for this action.") -> None:
        super().__init__(detail, [], 401, "Authentication required", {"WWW-Authenticate": "Bearer"})


class Forbidden(DomainError):
    """The caller is known but may not do this (403)."""

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail, errors or [], 403, "Forbidden")


class NotFound(DomainError):
    """Nothing the caller may see answers to that key (404)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, [], 404, "Not found")


class Conflict(DomainError):
    """The write collides with what is stored (409)."""

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail, errors or [], 409, "Conflict")


class TooLarge(DomainError):
    """The body is larger than allowed (413)."""

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail, errors or [], 413, "Payload too large")


class UnsupportedMedia(DomainError):
    """The body's media type is not one this endpoint reads (415)."""

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail, errors or [], 415, "Unsupported media type")


class PreconditionFailed(DomainError):
    """The item changed since the caller read it: `If-Match` names an older version (412)."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            detail,
            [FieldError("If-Match", "Expected the item's current ETag; read it again and retry.")],
            412,
            "Precondition failed",
        )


class PreconditionRequired(DomainError):
    """A write on an item that has a version must say which version it changes (428)."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            detail,
            [FieldError("If-Match", "Expected the ETag of the item, as read.")],
            428,
            "Precondition required",
        )


class Gone(DomainError):
    """What the request names existed but can no longer be used: a one-time link already used,
    expired or replaced (410)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, [], 410, "Gone")


class TooManyRequests(DomainError):
    """The caller did this too often in a short time (429); `Retry-After` says when to retry."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, [], 429, "Too many requests", {"Retry-After": str(retry_after)})


def check_choice(value: str | None, choices: Iterable[str], field: str) -> str | None:
    """A filter's value when it is one of `choices`; None when it is absent or empty (no filter).
    Any other value is malformed (400): the problem names the field and lists what it accepts."""
    if not value:
        return None
    accepted = [str(c) for c in choices]
    if value not in accepted:
        raise MalformedInput(
            f"Unknown {field} {value!r}.", [FieldError(field, f"Expected one of {', '.join(accepted)}.")]
        )
    return value
