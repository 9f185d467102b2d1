"""The spreadsheet round trip from the workspace, in three pages: download the city's workbook
for a charter (its commitments, indicators, targets and values, a blank row per value due), upload
it filled in and see the preview (what would be created or changed, every error by sheet, row and
column), then apply it or leave it. The preview and the commit are the services the API calls
(`exports.spreadsheet_imports`): nothing is written before the commit, which applies exactly what
the preview showed or nothing."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Template

from charter.services import get_city_or_raise
from exports.schemas import ImportPreviewRead
from exports.spreadsheet_imports import commit_import, get_import, preview_import
from indicators.reporting import acts_form
from kernel.caller import Caller
from kernel.dates import date_example
from kernel.errors import Conflict, InvalidInput, NotFound, TooLarge, UnsupportedMedia
from kernel.http import CallerDep
from kernel.schemas import MAX_MARKDOWN
from kernel.settings import get_settings
from web.city.access import workspace_gate
from web.city.values import number_example
from web.forms import text
from web.language import page_language
from web.pages import render

SHOWN = 200
"""The changes a preview page lists (the totals count them all; the errors are all listed)."""


class SpreadsheetPages(Controller):
    """Download, upload and preview, apply."""

    include_in_schema = False
    path = "/workspace/{city:str}/spreadsheet"

    @get("/")
    async def start(self, request: Request, caller: CallerDep, city: FromPath[str]) -> Template | Redirect:
        gate = await workspace_gate(request, caller, city)
        if gate is not None:
            return gate
        return await self._start_page(request, caller, city, {}, "")

    @post("/", status_code=200)
    async def upload(self, request: Request, caller: CallerDep, city: FromPath[str]) -> Template | Redirect:
        """Read the workbook sent and store its preview; a file that cannot be read comes back
        named, with nothing stored."""
        gate = await workspace_gate(request, caller, city)
        if gate is not None:
            return gate
        form = await request.form()
        charter = text(form, "charter")
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await self._start_page(request, caller, city, {"file": "missing"}, charter, 422)
        content = await upload.read()
        if len(content) > get_settings().max_upload_bytes:
            return await self._start_page(request, caller, city, {"file": "large"}, charter, 413)
        try:
            preview = await preview_import(caller, city, charter or None, content, upload.filename)
        except (InvalidInput, UnsupportedMedia, TooLarge, NotFound) as exc:
            reason = "type" if isinstance(exc, UnsupportedMedia) else "unreadable"
            return await self._start_page(request, caller, city, {"file": reason}, charter, 422)
        return Redirect(f"/workspace/{city}/spreadsheet/{preview.id}", status_code=303)

    @get("/{import_id:int}")
    async def preview(
        self, request: Request, caller: CallerDep, city: FromPath[str], import_id: FromPath[int]
    ) -> Template | Redirect:
        gate = await workspace_gate(request, caller, city)
        if gate is not None:
            return gate
        return await self._preview_page(request, city, await _preview_of(caller, city, import_id), None)

    @post("/{import_id:int}/commit", status_code=200)
    async def commit(
        self, request: Request, caller: CallerDep, city: FromPath[str], import_id: FromPath[int]
    ) -> Template | Redirect:
        """Apply the preview as it was shown; when the city's data changed since, nothing is
        applied and the page says to upload the file again."""
        gate = await workspace_gate(request, caller, city)
        if gate is not None:
            return gate
        preview = await _preview_of(caller, city, import_id)
        try:
            await commit_import(caller, import_id)
        except (Conflict, InvalidInput):
            preview = await _preview_of(caller, city, import_id)
            return await self._preview_page(request, city, preview, "stale", 409)
        return Redirect(f"/workspace/{city}/spreadsheet/{import_id}", status_code=303)

    async def _start_page(
        self,
        request: Request,
        caller: Caller,
        city: str,
        errors: dict[str, str],
        charter: str,
        status_code: int = 200,
    ) -> Template:
        content = await acts_form(caller, city, page_language(request))
        charters = [c for c in content.charters if c.adopted]
        context = {
            "city": city,
            "charters": charters,
            "chosen": charter,
            "errors": errors,
            "max_upload_mb": round(get_settings().max_upload_bytes / (1024 * 1024), 1),
        }
        return render(request, "spreadsheet.html", context, status_code=status_code)

    async def _preview_page(
        self,
        request: Request,
        city: str,
        preview: ImportPreviewRead,
        problem: str | None,
        status_code: int = 200,
    ) -> Template:
        locale = (await get_city_or_raise(city))["locale"]
        context = {
            "city": city,
            "p": preview,
            "changes": preview.changes[:SHOWN],
            "problem": problem,
            # What the errors' messages give as examples: numbers and dates as the city writes them.
            "number_example": number_example(locale),
            "date_example": date_example(locale),
            "max_text": MAX_MARKDOWN,
        }
        return render(request, "spreadsheet_preview.html", context, status_code=status_code)


async def _preview_of(caller: Caller, city: str, import_id: int) -> ImportPreviewRead:
    """A preview of this city's (404 for another city's, as for an unknown one)."""
    preview = await get_import(caller, import_id)
    if preview.city != city:
        raise NotFound(f"No import {import_id} for {city}.")
    return preview
