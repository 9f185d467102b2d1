"""Open data: every published charter, city, adoption, claim, evidence reference and challenge as
CSV files described by a `datapackage.json` (Frictionless Data Package, Table Schema with primary
and foreign keys). Drafts are left out. The same data gives the same bytes: rows in key order,
no clock anywhere.

Text cells that a spreadsheet would take for a formula (starting with `=`, `+`, `-`, `@`) carry a
leading `'`; the package's description says so.

The tables, their fields and keys are described in `exports.datapackage_schema`; the queries that
give their rows are in `exports.datapackage_rows`. This module writes the files.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from exports.datapackage_schema import TABLES, descriptor_of
from exports.tabular import csv_bytes
from kernel.db import read_snapshot


def _cell(value: Any) -> Any:
    """A value as the CSV writes it: dates ISO, times in UTC to the second, numbers without
    trailing zeros (the same on SQLite and PostgreSQL)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        number = Decimal(str(value)).normalize()
        return format(number, "f")
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return value


async def package_files() -> dict[str, bytes]:
    """The package as {path: bytes}: `datapackage.json` and `data/*.csv`, from one snapshot."""
    files: dict[str, bytes] = {}
    async with read_snapshot():
        for table in TABLES:
            rows = [[_cell(v) for v in row] for row in await table.rows()]
            files[f"data/{table.name}.csv"] = csv_bytes([n for n, _, _ in table.fields], rows, bom=False)
    descriptor = json.dumps(descriptor_of(TABLES), indent=2, ensure_ascii=False)
    files["datapackage.json"] = (descriptor + "\n").encode()
    return files


def write_directory(files: dict[str, bytes], out_dir: Path) -> None:
    for path, content in files.items():
        target = out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """The files as a zip whose bytes depend on the data only (fixed timestamps, sorted names)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(f"charter-tracker/{path}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[path])
    return buffer.getvalue()
