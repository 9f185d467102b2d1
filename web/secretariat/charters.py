"""The charters, managed by the secretariat from its workspace: each charter with its languages
and its document in each to download; a document (a new charter, a new edition, a translation)
pasted or uploaded as Markdown, checked first, its errors shown next to their lines, or what it
would add and change listed; then applied, at the version of the charter that was checked. The
checks and the writing are the API's (`exports.charter_documents`): a page never writes what the
API would refuse."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Template

from charter.services import list_charters
from exports.charter_documents import DocumentPreview, import_document, preview_document
from exports.charter_markdown import MAX_DOCUMENT_BYTES
from kernel.caller import Caller
from kernel.errors import Conflict, DomainError, FieldError, InvalidInput, PreconditionFailed, TooLarge
from kernel.http import CallerDep
from kernel.text import SLUG_PATTERN
from kernel.versions import Precondition
from web.forms import text
from web.language import page_language
from web.pages import refused, render
from web.secretariat.queue import secretariat_gate

CONTEXT_LINES = 2
"""Lines of the document shown before and after each line with an error."""


@dataclass
class SourceLine:
    """A line of a refused document as the page shows it, with what is wrong on it."""

    number: int
    text: str
    errors: list[FieldError] = field(default_factory=list)
    gap_before: bool = False
    """Whether lines were left out just before this one (they have no error)."""


def _document_lines(source: str, errors: list[FieldError]) -> tuple[list[SourceLine], list[FieldError]]:
    """The lines around each error of the document (the errors named by line are put on their
    line), and the errors that name no line (a code missing from a translation, say)."""
    lines = source.split("\n")
    on_line: dict[int, list[FieldError]] = {}
    general: list[FieldError] = []
    for error in errors:
        number = _line_of(error)
        if number is not None and 1 <= number <= max(len(lines), 1):
            on_line.setdefault(number, []).append(error)
        else:
            general.append(error)
    shown = sorted(
        {n for line in on_line for n in range(line - CONTEXT_LINES, line + CONTEXT_LINES + 1)}
        & set(range(1, len(lines) + 1))
    )
    out: list[SourceLine] = []
    for n in shown:
        out.append(
            SourceLine(n, lines[n - 1], on_line.get(n, []), gap_before=bool(out) and out[-1].number != n - 1)
        )
    return out, general


def _line_of(error: FieldError) -> int | None:
    """The line an error names (`line 12`), if it names one."""
    head, _, number = error.field.partition(" ")
    return int(number) if head == "line" and number.isdigit() else None


def _global_gate(request: Request, caller: Caller) -> Template | None:
    """A secretariat limited to some networks reads charters but does not write them."""
    return None if caller.is_global_secretariat else refused(request, "global")


async def _read_document(request: Request) -> tuple[str, str | None, str]:
    """The document the form sends (the uploaded file, else the pasted text), with CRLF line
    ends read as LF, and what is wrong with it before it is read (`large`, `encoding`, `missing`),
    and the charter the page was opened for."""
    form = await request.form()
    charter = text(form, "charter")
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        raw = await upload.read(MAX_DOCUMENT_BYTES + 1)
        if len(raw) > MAX_DOCUMENT_BYTES:
            return "", "large", charter
        try:
            source = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return "", "encoding", charter
    else:
        source = text(form, "document")
        if len(source.encode("utf-8")) > MAX_DOCUMENT_BYTES:
            return source, "large", charter
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    if not source.strip():
        return source, "missing", charter
    return source, None, charter


class CharterAdminPages(Controller):
    """The charters' page, the check of a document, and its application."""

    include_in_schema = False
    path = "/secretariat/charters"

    @get("/")
    async def charters(self, request: Request, caller: CallerDep) -> Template | Redirect:
        gate = secretariat_gate(request, caller) or _global_gate(request, caller)
        if gate is not None:
            return gate
        applied = request.query_params.get("applied", "")
        return await _start_page(
            request,
            applied=applied if SLUG_PATTERN.match(applied) else None,
            counts={k: request.query_params.get(k, "") for k in ("lang", "created", "updated")},
        )

    @post("/", status_code=200)
    async def check(self, request: Request, caller: CallerDep) -> Template | Redirect:
        """Check the document sent: its errors next to their lines, or what it would change."""
        gate = secretariat_gate(request, caller) or _global_gate(request, caller)
        if gate is not None:
            return gate
        source, problem, charter = await _read_document(request)
        if problem is not None:
            return await _start_page(request, source=source, problem=problem, status_code=422)
        return await _checked_page(request, caller, source, charter)

    @post("/apply", status_code=200)
    async def apply(self, request: Request, caller: CallerDep) -> Template | Redirect:
        """Apply the document checked, at the charter's version the check read: when the charter
        changed since, nothing is written and the check is shown again, as it is now."""
        gate = secretariat_gate(request, caller) or _global_gate(request, caller)
        if gate is not None:
            return gate
        source, problem, _charter = await _read_document(request)
        if problem is not None:
            return await _start_page(request, source=source, problem=problem, status_code=422)
        form = await request.form()
        version = text(form, "version")
        # A new charter is applied only while it does not exist: a charter made in between is a
        # change the person has not seen.
        read = frozenset({int(version)}) if version.isdigit() else frozenset()
        try:
            done = await import_document(caller, source, precondition=Precondition(read))
        except PreconditionFailed:
            return await _checked_page(request, caller, source, "", stale=True)
        except (InvalidInput, Conflict, TooLarge):
            return await _checked_page(request, caller, source, "")
        query = urlencode(
            {
                "applied": done["slug"],
                "lang": done["lang"],
                "created": done["created"],
                "updated": done["updated"],
            }
        )
        return Redirect(f"/secretariat/charters?{query}", status_code=303)


async def _start_page(
    request: Request,
    *,
    source: str = "",
    problem: str | None = None,
    applied: str | None = None,
    counts: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    """The charters with their documents, and the form to send one."""
    context = {
        "charters": await list_charters(page_language(request)),
        "source": source,
        "problem": problem,
        "applied": applied,
        "counts": counts or {},
        "max_document_mb": round(MAX_DOCUMENT_BYTES / (1024 * 1024), 1),
    }
    return render(request, "charters_admin.html", context, status_code=status_code)


async def _checked_page(
    request: Request, caller: Caller, source: str, charter: str, *, stale: bool = False
) -> Template:
    """The check of a document: its errors on their lines (422, or 409 for what the charter
    forbids, like a code removed), or what applying it would add and change (200)."""
    try:
        preview: DocumentPreview = await preview_document(caller, source, slug=charter or None)
    except (InvalidInput, Conflict, TooLarge) as exc:
        return _refused_page(request, source, exc)
    context = {"p": preview, "source": source, "stale": stale}
    return render(request, "charter_check.html", context, status_code=409 if stale else 200)


def _refused_page(request: Request, source: str, exc: DomainError) -> Template:
    lines, general = _document_lines(source, exc.errors or [FieldError("document", exc.detail)])
    context = {
        "source": source,
        "lines": lines,
        "general": general,
        "count": len(exc.errors) or 1,
        "max_document_mb": round(MAX_DOCUMENT_BYTES / (1024 * 1024), 1),
    }
    return render(request, "charter_refused.html", context, status_code=exc.status)
