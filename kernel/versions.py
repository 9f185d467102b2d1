"""Optimistic concurrency: every mutable item has a version, sent as its ETag; a write names the
version it read in `If-Match`, and loses (412) if somebody else wrote first."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kernel.errors import FieldError, MalformedInput, PreconditionFailed, PreconditionRequired

_TAG = re.compile(r'^(?:W/)?"v([0-9]{1,9})"\Z')


@dataclass(frozen=True, slots=True)
class Precondition:
    """What a write expects of the item: any version (`*`, or a trusted internal caller), one of
    the listed versions, or nothing said (`versions` None, `any` False)."""

    versions: frozenset[int] | None = None
    any: bool = False


ANY_VERSION = Precondition(any=True)
"""For the command line and the demo loader, which act on the current state by design."""
UNSAID = Precondition()


def etag(version: int) -> str:
    """The ETag of an item at `version`."""
    return f'"v{version}"'


def parse_if_match(header: str | None) -> Precondition:
    """Read an `If-Match` header: `*`, or one or more ETags as this service writes them; anything
    else is malformed (400), so that a forgotten pair of quotes is told, not taken for a change."""
    if header is None or not header.strip():
        return UNSAID
    if header.strip() == "*":
        return ANY_VERSION
    versions = set()
    for part in header.split(","):
        match = _TAG.match(part.strip())
        if match is None:
            raise MalformedInput(
                f"Cannot read If-Match {header!r}.",
                [FieldError("If-Match", 'Expected an ETag as returned by this service, like "v3".')],
            )
        versions.add(int(match[1]))
    return Precondition(frozenset(versions))


def check_version(what: str, current: int, precondition: Precondition) -> None:
    """Refuse a write whose `If-Match` is missing (428) or names another version (412)."""
    if precondition.any:
        return
    if precondition.versions is None:
        raise PreconditionRequired(
            f"{what} has a version ({etag(current)}); send it in If-Match "
            "to say which version you are changing."
        )
    if current not in precondition.versions:
        raise PreconditionFailed(
            f"{what} has changed since you read it: it is now at {etag(current)}. Nothing was changed."
        )
