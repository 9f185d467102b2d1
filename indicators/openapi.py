"""What the OpenAPI document says of routes that read their bodies themselves."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    Reference,
    RequestBody,
    Schema,
)

from indicators.choices import EvidenceKind
from kernel.schemas import MAX_MARKDOWN


def _evidence_fields(*, file: bool) -> dict[str, Schema | Reference]:
    """The fields of a piece of evidence as the upload takes them (a link, or a file)."""
    fields: dict[str, Schema | Reference] = {
        "title": Schema(
            type=OpenAPIType.STRING,
            max_length=500,
            description="What the document is, as a reader will see it.",
        ),
        "kind": Schema(
            type=OpenAPIType.STRING,
            enum=[k.value for k in EvidenceKind],
            description="What kind of evidence it is (default `other` for a file).",
        ),
        "issued_on": Schema(
            type=OpenAPIType.STRING,
            format=OpenAPIFormat.DATE,
            description="When the document was issued (not after today).",
        ),
        "description_md": Schema(
            type=OpenAPIType.STRING, max_length=MAX_MARKDOWN, description="A description in Markdown."
        ),
    }
    if file:
        # Every part of a form is text: a part's type cannot be told from its content, so the
        # form's fields say what they hold without a JSON type.
        for schema in fields.values():
            if isinstance(schema, Schema):
                schema.type = None
        # A form sends a field left blank as an empty part: no date, as HTML forms mean it.
        fields["issued_on"] = Schema(
            any_of=[Schema(format=OpenAPIFormat.DATE), Schema(max_length=0)],
            description="When the document was issued (not after today); empty for none.",
        )
        return {
            "file": Schema(
                type=OpenAPIType.STRING,
                format=OpenAPIFormat.BINARY,
                description="The document: PDF, PNG, JPEG or WebP, within the size cap.",
            ),
            **fields,
        }
    # In JSON, a date or a description may be given as null (none).
    for name in ("issued_on", "description_md"):
        schema = fields[name]
        if isinstance(schema, Schema):
            schema.type = [OpenAPIType.STRING, OpenAPIType.NULL]
    return {
        **fields,
        "url": Schema(
            type=OpenAPIType.STRING,
            format=OpenAPIFormat.URI,
            max_length=2048,
            description="Where the document is published (http or https).",
        ),
    }


@dataclass
class EvidenceUpload(Operation):
    """The evidence route reads its body itself (a JSON link or a multipart file): this says so
    in the OpenAPI document."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            required=True,
            content={
                "multipart/form-data": OpenAPIMediaType(
                    schema=Schema(
                        type=OpenAPIType.OBJECT,
                        properties=_evidence_fields(file=True),
                        required=["file"],
                        additional_properties=False,
                    )
                ),
                "application/json": OpenAPIMediaType(
                    schema=Schema(
                        type=OpenAPIType.OBJECT,
                        properties=_evidence_fields(file=False),
                        required=["title", "kind", "url"],
                        additional_properties=False,
                    )
                ),
            },
        )


UPLOAD_FIELDS = frozenset(_evidence_fields(file=True))
"""The parts an evidence upload form may have."""
