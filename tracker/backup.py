"""Backup and restore of everything the service holds: every table of every app (accounts and the
audit log included) and the evidence files, in one zip that SQLite and PostgreSQL both read.

A backup is one consistent snapshot, taken while the service runs. A restore goes into an empty
database (or, with `force`, empties it first), in one transaction: all of it, or nothing.
A backup holds e-mail addresses and token hashes: keep it as private as the database.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from piccolo.columns import JSON, Boolean, Date, DoublePrecision, Numeric, Real, Timestamptz
from piccolo.conf.apps import Finder
from piccolo.table import Table, sort_table_classes

from indicators.evidence import store_file, stored_file_path
from indicators.tables import Evidence
from kernel.db import read_snapshot, write_transaction
from kernel.errors import Conflict, FieldError, InvalidInput
from kernel.settings import get_settings

FORMAT = "charter-tracker-backup/1"
MAX_TOTAL_BYTES = 4 * 1024**3
"""A restore reads at most this much once unzipped, whatever the archive claims."""


def tables() -> list[type[Table]]:
    """Every table of the apps, the referenced ones first."""
    return sort_table_classes(Finder().get_table_classes())


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


async def _migrations() -> list[str]:
    rows = await Evidence.raw("SELECT app_name, name FROM migration ORDER BY app_name, name")
    return [f"{r['app_name']}/{r['name']}" for r in rows]


async def backup_bytes() -> tuple[bytes, dict[str, int]]:
    """The backup zip, and how many rows each table had."""
    counts: dict[str, int] = {}
    members: dict[str, bytes] = {}
    digests: list[str] = []
    async with read_snapshot():
        migrations = await _migrations()
        for table in tables():
            name = table._meta.tablename
            rows = await table.select().order_by(table._meta.primary_key)
            counts[name] = len(rows)
            members[f"tables/{name}.jsonl"] = "".join(
                json.dumps({k: _plain(v) for k, v in row.items()}, ensure_ascii=False) + "\n" for row in rows
            ).encode()
            if table is Evidence:
                digests = sorted({r["sha256"] for r in rows if r["sha256"]})
    for digest in digests:
        path = stored_file_path(digest)
        if path is not None:
            members[f"uploads/{digest}"] = path.read_bytes()
    manifest = {
        "format": FORMAT,
        "migrations": migrations,
        "tables": counts,
        "sha256": {k: hashlib.sha256(v).hexdigest() for k, v in members.items()},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True))
        for name in sorted(members):
            archive.writestr(name, members[name])
    return buffer.getvalue(), counts


def _reader(table: type[Table]):
    """Turns a backed-up row back into column values for this table."""
    kinds = {c._meta.name: c for c in table._meta.columns}

    def read(row: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for name, value in row.items():
            column = kinds.get(name)
            if column is None:
                raise InvalidInput(
                    f"The backup has a column {table._meta.tablename}.{name} that this "
                    "version does not know.",
                    [FieldError("file", "Expected a backup of this schema.")],
                )
            if value is not None:
                if isinstance(column, Timestamptz):
                    value = datetime.fromisoformat(value)
                elif isinstance(column, Date):
                    value = date.fromisoformat(value)
                elif isinstance(column, Numeric):
                    value = Decimal(value)
                elif isinstance(column, DoublePrecision | Real):
                    value = float(value)
                elif isinstance(column, Boolean):
                    value = bool(value)
                elif isinstance(column, JSON) and not isinstance(value, str):
                    value = json.dumps(value, ensure_ascii=False)
            out[name] = value
        return out

    return read


def _open(path: Path) -> tuple[zipfile.ZipFile, dict[str, Any]]:
    try:
        archive = zipfile.ZipFile(path)
        manifest = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InvalidInput(
            f"{path} is not a backup of this service: {exc}",
            [FieldError("file", "Expected a zip made by `charter-tracker backup`.")],
        ) from None
    if manifest.get("format") != FORMAT:
        raise InvalidInput(
            f"Unknown backup format {manifest.get('format')!r}.", [FieldError("file", f"Expected {FORMAT}.")]
        )
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_TOTAL_BYTES:
        raise InvalidInput(
            "The backup unpacks to more than this service reads.",
            [FieldError("file", f"Expected at most {MAX_TOTAL_BYTES} bytes unpacked.")],
        )
    return archive, manifest


def _member(archive: zipfile.ZipFile, manifest: dict[str, Any], name: str) -> bytes:
    """A member of the archive, checked against the manifest's SHA-256."""
    data = archive.read(name)
    if hashlib.sha256(data).hexdigest() != manifest["sha256"].get(name):
        raise InvalidInput(
            f"{name} does not match its checksum: the backup is damaged.",
            [FieldError("file", "Expected an intact backup.")],
        )
    return data


async def restore(path: Path, *, force: bool = False) -> dict[str, int]:
    """Load a backup into this database (migrated to the same schema or a newer one)."""
    archive, manifest = _open(path)
    known = set(await _migrations())
    missing = [m for m in manifest.get("migrations", []) if m not in known]
    if missing:
        raise Conflict(
            f"The backup comes from a newer version ({missing[0]} is unknown here).",
            [FieldError("file", "Expected a backup of this version or an older one.")],
        )
    for name in archive.namelist():
        # Files first: they are stored by content, so a failed restore leaves nothing wrong behind.
        if name.startswith("uploads/"):
            data = _member(archive, manifest, name)
            if store_file(data) != name.removeprefix("uploads/"):
                raise InvalidInput(
                    f"{name} is not the file it names.", [FieldError("file", "Expected an intact backup.")]
                )
    order = tables()
    counts: dict[str, int] = {}
    async with write_transaction():
        present = {t._meta.tablename: await t.count() for t in order}
        if any(present.values()) and not force:
            busy = ", ".join(f"{k} ({v})" for k, v in present.items() if v)
            raise Conflict(
                f"The database is not empty: {busy}. Restore into an empty database, or "
                "use --force to replace everything.",
                [FieldError("force", "Expected an empty database, or --force.")],
            )
        for table in reversed(order):
            await table.delete(force=True)
        for table in order:
            name = table._meta.tablename
            member = f"tables/{name}.jsonl"
            data = _member(archive, manifest, member) if member in manifest["sha256"] else b""
            lines = data.decode().splitlines()
            read = _reader(table)
            rows = [table(**read(json.loads(line))) for line in lines if line.strip()]
            for start in range(0, len(rows), 500):
                await table.insert(*rows[start : start + 500])
            counts[name] = len(rows)
            if rows and get_settings().is_postgres:
                await table.raw(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                    f"(SELECT MAX(id) FROM {name}))"
                )
    return counts
