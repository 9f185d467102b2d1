"""Text reaches the database only if both databases can keep it: PostgreSQL refuses the NUL
character (U+0000) in text, so a request carrying one in its path, its query or its body is
refused before anything is read or written (422 naming where: the request is well formed, the
text breaks a rule), alike on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request

from kernel.errors import FieldError, InvalidInput
from kernel.http import media_type_of

NUL = "\x00"
_MESSAGE = "Expected text without the NUL character (U+0000)."


def _where_nul(value: Any, at: str) -> str | None:
    """The field path (`title`, `evidence[0]`, `name.fr`) of the first text holding a NUL."""
    if isinstance(value, str):
        return at if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{at}.{key}" if at else str(key)
            if NUL in str(key):
                return inner
            if (found := _where_nul(item, inner)) is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            if (found := _where_nul(item, f"{at}[{index}]")) is not None:
                return found
    return None


def _refuse(field: str) -> InvalidInput:
    return InvalidInput(f"`{field}` holds a NUL character (U+0000).", [FieldError(field, _MESSAGE)])


async def refuse_nul_characters(request: Request) -> None:
    """Before a handler runs (and after authentication): 422 for a NUL anywhere in the text."""
    for name, value in request.path_params.items():
        if isinstance(value, str) and NUL in value:
            raise _refuse(name)
    for name, value in request.query_params.multi_items():
        if NUL in name or NUL in value:
            raise _refuse(name)
    await refuse_nul_in_body(request)


async def refuse_nul_in_body(request: Request) -> None:
    """422 for a NUL in the body (JSON, a form, text). The pages use this alone: a NUL in a
    page's address is answered by the page itself (a 404, or a 400 naming the parameter)."""
    content_type = media_type_of(request)
    if content_type == "application/json":
        body = await request.body()
        if b"\\u0000" in body:  # the only way JSON writes a NUL; decoded only then
            try:
                found = _where_nul(msgspec.json.decode(body), "")
            except msgspec.DecodeError:
                return  # the handler says what is wrong with the JSON itself
            if found is not None:
                raise _refuse(found or "body")
    elif content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for name, value in (await request.form()).multi_items():
            if isinstance(value, str) and (NUL in value or NUL in name):
                raise _refuse(name)
    elif content_type.startswith("text/") and b"\x00" in await request.body():
        raise _refuse("body")
