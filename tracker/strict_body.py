"""A JSON body is taken as it is written: `0` is not `false`, `"12"` is not `12` (a number with no
fraction, `3.0`, is the integer 3, as JSON Schema has it). Litestar converts handler arguments
leniently, right for query strings, where everything is text, but a silent change of a value in a
body: each body is therefore first read strictly against the shape its handler declares, and
refused (400 naming the field) if it does not fit as written."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException

from kernel.http import media_type_of

_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)


def _shape_of(request: Request) -> Any | None:
    """The type the handler declares for its body, if it reads one as `data`."""
    field = request.route_handler.parsed_fn_signature.parameters.get("data")
    return None if field is None else field.annotation


async def read_bodies_strictly(request: Request) -> None:
    """Before a handler runs: 400 for a JSON body that fits its shape only once coerced."""
    shape = _shape_of(request)
    content_type = media_type_of(request)
    if shape is None or content_type not in {"application/json", ""}:
        return
    body = await request.body()
    if not body:
        return
    try:
        written = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return  # not JSON at all: the handler's own reading says so
    try:
        msgspec.convert(_whole_numbers(written), type=shape, strict=True)
    except msgspec.ValidationError as exc:
        match = _AT.match(str(exc))
        message = match["message"] if match else str(exc)
        path = (match["path"] or "").lstrip(".") if match else ""
        raise ValidationException(
            detail=str(exc), extra=[{"key": path or "data", "message": message, "source": "body"}]
        ) from None


def _whole_numbers(value: Any) -> Any:
    """The body with every number without a fraction (`3.0`) as an integer."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, list):
        return [_whole_numbers(item) for item in value]
    if isinstance(value, dict):
        return {key: _whole_numbers(item) for key, item in value.items()}
    return value
