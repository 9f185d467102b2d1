"""What the pages' forms share: reading a form's fields, a file chosen in a form that comes back
(for a preview, or to correct another field) kept so that the person does not choose it again,
and counter-evidence given as a file and/or a link."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile

from indicators.choices import EvidenceKind
from indicators.evidence import (
    NewEvidence,
    check_new_evidence,
    sniff_media_type,
    store_file,
    stored_file_path,
)
from kernel.caller import Caller
from kernel.dates import date_example as date_example
from kernel.dates import typed_date as typed_date
from kernel.dates import written_date as written_date
from kernel.errors import FieldError, InvalidInput
from kernel.schemas import MAX_TITLE
from kernel.settings import get_settings

HELD_FOR_SECONDS = 24 * 3600
"""How long a file sent with a form that came back stays named by its token: a day of work."""


@dataclass(frozen=True)
class HeldFile:
    """A file already sent with a form that came back: kept by its SHA-256, named by a token the
    server signed for this person only (so nobody can name a file they did not send)."""

    sha256: str
    name: str
    size: int
    token: str

    def read(self) -> bytes | None:
        path = stored_file_path(self.sha256)
        return path.read_bytes() if path is not None else None


def _signature(payload: str) -> str:
    key = hashlib.sha256(f"held-file:{get_settings().csrf_secret}".encode()).digest()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def hold_file(caller: Caller, content: bytes, name: str) -> HeldFile:
    """Keep an uploaded file for the next sending of the same form by the same person."""
    sha256 = store_file(content)
    stamp = int(time.time())
    payload = base64.urlsafe_b64encode(
        json.dumps({"s": sha256, "n": name, "z": len(content), "u": caller.user_id, "t": stamp}).encode()
    ).decode()
    return HeldFile(sha256, name, len(content), f"{payload}.{_signature(payload)}")


def held_file(caller: Caller, token: str | None) -> HeldFile | None:
    """The file a form's hidden `held_file` names, if the server signed it for this person."""
    if not token or "." not in token:
        return None
    payload, signature = token.rsplit(".", 1)
    if not hmac.compare_digest(signature, _signature(payload)):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload.encode()))
        held = HeldFile(str(data["s"]), str(data["n"]), int(data["z"]), token)
    except (ValueError, KeyError, TypeError):
        return None
    fresh = isinstance(data.get("t"), int) and time.time() - data["t"] < HELD_FOR_SECONDS
    return held if data.get("u") == caller.user_id and fresh else None


def text(form: Any, name: str) -> str:
    """A text field of a sent form ('' when absent, or when a file was sent in its place)."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


@dataclass
class EvidenceInput:
    """Counter-evidence as a form gives it: a title, a file (new or held) and/or a link; each
    given file or link becomes one piece of evidence, titled by the title (else its own name)."""

    title: str = ""
    url: str = ""
    content: bytes | None = None
    file_name: str = ""
    held: HeldFile | None = None
    drop_held: bool = False
    kind: str = EvidenceKind.other
    issued_on: str = ""
    """The date as typed: in the city's way (`30/11/2026` in French) or as ISO (`2026-11-30`)."""
    locale: str = "en"
    """The city's locale, which says how it writes dates."""

    def _date(self) -> date | None:
        return typed_date(self.issued_on, self.locale) if self.issued_on else None

    def items(self) -> list[NewEvidence]:
        kind = EvidenceKind(self.kind) if self.kind in EvidenceKind.__members__ else EvidenceKind.other
        out = []
        if self.content is not None:
            out.append(
                NewEvidence(
                    title=self.title or self.file_name,
                    kind=kind,
                    content=self.content,
                    file_name=self.file_name,
                    issued_on=self._date(),
                )
            )
        if self.url:
            out.append(
                NewEvidence(
                    title=self.title or self.url[:MAX_TITLE], kind=kind, url=self.url, issued_on=self._date()
                )
            )
        return out

    def errors(self) -> dict[str, str]:
        """Each field's problem, as a code the page words in the visitor's language."""
        found: dict[str, str] = {}
        for item in self.items():
            for error in check_new_evidence(item):
                found.setdefault(error.field, _code(error, item))
        if self.title and not self.items():
            found["file"] = "missing"
        if self.issued_on and self._date() is None:
            found["issued_on"] = "invalid"
        if self.kind not in EvidenceKind.__members__:
            found["kind"] = "invalid"
        return found


def _code(error: FieldError, item: NewEvidence) -> str:
    if error.field != "file" or item.content is None:
        return "invalid"
    if not item.content:
        return "empty"
    if len(item.content) > get_settings().max_upload_bytes:
        return "large"
    return "type"


async def evidence_input(request: Request, caller: Caller, form: Any, locale: str = "en") -> EvidenceInput:
    """The counter-evidence fields of a sent form (`evidence_title`, `evidence_file`,
    `evidence_url`, `held_file`, `drop_held`, and for a city `evidence_kind`, `evidence_date`
    typed in its `locale`)."""
    given = EvidenceInput(
        title=text(form, "evidence_title").strip(),
        url=text(form, "evidence_url").strip(),
        drop_held=bool(text(form, "drop_held")),
        kind=text(form, "evidence_kind") or EvidenceKind.other,
        issued_on=text(form, "evidence_date").strip(),
        locale=locale,
    )
    upload = form.get("evidence_file")
    if isinstance(upload, UploadFile) and upload.filename:
        given.content, given.file_name = await upload.read(), upload.filename
    elif not given.drop_held and (held := held_file(caller, text(form, "held_file"))) is not None:
        content = held.read()
        if content is not None:
            given.content, given.file_name, given.held = content, held.name, held
    return given


def keep_file(caller: Caller, given: EvidenceInput, errors: dict[str, str]) -> HeldFile | None:
    """The file to hold for the form's next sending: a valid file the form sent back."""
    if given.content is None or "file" in errors or sniff_media_type(given.content[:16]) is None:
        return None
    return given.held or hold_file(caller, given.content, given.file_name)


MAX_NOTE = 20_000
"""The longest narrative or note a claim takes, in characters (as the API's Markdown fields)."""


def picked_evidence(form: Any, offered: set[int]) -> tuple[list[int], bool]:
    """The ids of the evidence on file ticked in a form (`evidence`), and whether any of them
    was not among those `offered`."""
    ids, stray = [], False
    for value in form.getall("evidence", []):
        if isinstance(value, str) and value.isdigit() and int(value) in offered:
            ids.append(int(value))
        else:
            stray = True
    return ids, stray


def writing_context(
    caller: Caller, given: EvidenceInput, errors: dict[str, str], locale: str, note: str, preview: bool
) -> dict[str, Any]:
    """What a form that writes a claim shows besides its own fields: the evidence typed and the
    file held, the errors, the note and its preview, and the city's way of writing dates."""
    return {
        "given": given,
        "held": keep_file(caller, given, errors),
        "errors": errors,
        "text": note,
        "preview": note.strip() if preview and not errors else None,
        "date_example": date_example(locale),
        "max_text": MAX_NOTE,
        "max_upload_mb": round(get_settings().max_upload_bytes / (1024 * 1024), 1),
    }


def text_errors(value: str) -> dict[str, str]:
    """A form's Markdown text (`text`) and its problem: empty, or longer than `MAX_NOTE`, the
    most the services take."""
    if not value.strip():
        return {"text": "missing"}
    if len(value.strip()) > MAX_NOTE:
        return {"text": "long"}
    return {}


def refused_fields(exc: InvalidInput, fields: set[str]) -> dict[str, str]:
    """A service's refusal as the form's field codes: the `fields` the form names, the rest said
    for the whole form."""
    return {e.field if e.field in fields else "form": "invalid" for e in exc.errors} or {"form": "invalid"}
