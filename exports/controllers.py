"""HTTP routes of charter documents: the whole charter as Markdown, in and out."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, put
from litestar.params import FromPath, QueryParameter

from exports.charter_documents import export_document, import_document
from exports.schemas import DocumentImported
from kernel.errors import FieldError, MalformedInput, UnsupportedMedia
from kernel.http import WRITE, CallerDep

MARKDOWN = "text/markdown; charset=utf-8"

class CharterDocumentController(Controller):
    """A charter as one Markdown document per language."""

    path = "/charters/{slug:str}/document"
    tags = ("Charters",)

    @get("/", media_type=MARKDOWN)
    async def get_document(
        self, slug: FromPath[str], lang: Annotated[str | None, QueryParameter(description="Language")] = None
    ) -> Response[str]:
        """The charter as Markdown: front matter, preamble, `## principles`, `### commitments`,
        indicator tables. Importing it gives back the same charter."""
        return Response(await export_document(slug, lang), media_type=MARKDOWN)

    @put("/", security=WRITE, status_code=200)
    async def put_document(
        self,
        caller: CallerDep,
        request: Request,
        slug: FromPath[str],
        lang: Annotated[str | None, QueryParameter(description="Add a translation in this language")] = None,
    ) -> DocumentImported:
        """Create or extend a charter from Markdown (`Content-Type: text/markdown`), or add a
        translation with `?lang=` (same codes, other texts). Errors name the line."""
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in {"text/markdown", "text/plain", "text/x-markdown"}:
            raise UnsupportedMedia("Send the charter as Markdown.", [
                FieldError("Content-Type", "Expected text/markdown.")])
        try:
            source = (await request.body()).decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedInput("The document is not UTF-8.",
                                 [FieldError("body", "Expected UTF-8 text.")]) from None
        result = await import_document(caller, source, slug=slug, lang=lang)
        return DocumentImported(**result)
