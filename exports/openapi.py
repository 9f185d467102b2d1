"""What the OpenAPI document says of routes that answer in several formats."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class ComparisonFormats(Operation):
    """The comparison answers in JSON, CSV or XLSX (`?format=`): this says so in the OpenAPI
    document, beside the JSON schema Litestar derives from the handler."""

    def __post_init__(self) -> None:
        ok = (self.responses or {}).get("200")
        if isinstance(ok, OpenAPIResponse):
            ok.content = {
                **(ok.content or {}),
                CSV: OpenAPIMediaType(
                    schema=Schema(
                        type=OpenAPIType.STRING, description="One row per city (UTF-8, with a BOM)."
                    )
                ),
                XLSX: OpenAPIMediaType(
                    schema=Schema(
                        type=OpenAPIType.STRING,
                        format=OpenAPIFormat.BINARY,
                        description="Sheets `comparison` and `columns`.",
                    )
                ),
            }


@dataclass
class MarkdownDocument(Operation):
    """The charter document route reads its body itself: one Markdown document."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            required=True,
            description="The charter: YAML front matter, preamble, `## principles`, `### commitments`, "
            "indicator tables (at most 2 MB and 5,000 items).",
            content={"text/markdown": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))},
        )


@dataclass
class SpreadsheetUpload(Operation):
    """The import route reads its body itself: the workbook or a CSV, as the body or as a form's
    `file` part."""

    def __post_init__(self) -> None:
        binary = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
        self.request_body = RequestBody(
            required=True,
            description="The workbook downloaded from `template.xlsx`, filled in (or one sheet as CSV).",
            content={
                XLSX: OpenAPIMediaType(schema=binary),
                CSV: OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING)),
                "multipart/form-data": OpenAPIMediaType(
                    schema=Schema(
                        type=OpenAPIType.OBJECT,
                        properties={"file": binary},
                        required=["file"],
                        additional_properties=False,
                    )
                ),
            },
        )
