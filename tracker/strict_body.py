"""A JSON body is taken as it is written: `0` is not `false`, `"12"` is not `12`, `1.0` is not an
id. Litestar converts handler arguments leniently (right for query strings, where everything is
text), which would silently change such values in a body; each body is therefore first read
strictly against the shape its handler declares, and refused (400 naming the field) if it does
not fit as written."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException

_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)


def _shape_of(request: Request) -> Any | None:
    """The type the handler declares for its body, if it reads one as `data`."""
    field = request.route_handler.parsed_fn_signature.parameters.get("data")
    return None if field is None else field.annotation


async def read_bodies_strictly(request: Request) -> None:
    """Before a handler runs: 400 for a JSON body that fits its shape only once coerced."""
    shape = _shape_of(request)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if shape is None or content_type not in {"application/json", ""}:
        return
    body = await request.body()
    if not body:
        return
    try:
        msgspec.json.decode(body, type=shape, strict=True)
    except msgspec.ValidationError as exc:
        match = _AT.match(str(exc))
        message = match["message"] if match else str(exc)
        path = (match["path"] or "").lstrip(".") if match else ""
        raise ValidationException(
            detail=str(exc), extra=[{"key": path or "data", "message": message, "source": "body"}]
        ) from None
    except msgspec.DecodeError:
        return  # not JSON at all: the handler's own reading says so
