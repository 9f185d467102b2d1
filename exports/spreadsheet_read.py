"""Reading an uploaded file defensively: an XLSX workbook (bounded size and decompression, the
template's sheets only) or a CSV file of one sheet (UTF-8, or Windows-1252 with a warning).
Formulas are refused, a value must be typed, not computed; each refusal names the cell. The `'`
the template puts before a text that looks like a formula is taken off again.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from exports.spreadsheet_plan import Plan, Sheet
from exports.spreadsheet_template import ABOUT, SHEETS, columns_read
from exports.tabular import unguarded_text
from kernel.errors import DomainError, FieldError, InvalidInput, TooLarge, UnsupportedMedia
from kernel.settings import get_settings

MAX_ROWS = 200_000
"""Rows read from one sheet or CSV file, empty ones included: twice the largest legitimate
import (100 000 values). Reading stops at the first row past it, with a 413 that names it."""
MAX_UNZIPPED = 200 * 1024 * 1024


def _kind_of(header: list[str]) -> tuple[str, list[str]] | None:
    """The sheet whose columns a CSV header starts with, and the columns it gives."""
    for name in SHEETS:
        columns = columns_read(name, header)
        if columns is not None:
            return name, columns
    return None


def read_file(content: bytes, file_name: str, plan: Plan) -> list[Sheet]:
    """The sheets of an XLSX workbook or a CSV file, or a clear refusal."""
    limit = get_settings().max_upload_bytes
    if len(content) > limit:
        raise TooLarge(f"The file has {len(content)} bytes; the limit is {limit}.")
    if content[:4] == b"PK\x03\x04":
        return _read_xlsx(content, plan)
    if b"\x00" in content[:4096] or not content.strip():
        raise UnsupportedMedia(
            f"{file_name!r} is neither an XLSX workbook nor a CSV file.",
            [
                FieldError(
                    "file", "Expected an XLSX workbook (as downloaded from template.xlsx) or a CSV file."
                )
            ],
        )
    return [_read_csv(content, plan)]


def _read_xlsx(content: bytes, plan: Plan) -> list[Sheet]:
    """The template's sheets of a workbook, after checking what it unpacks to."""
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        unzipped = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise UnsupportedMedia(
            "The file is not a valid workbook.", [FieldError("file", "Expected an XLSX workbook.")]
        ) from None
    if unzipped > MAX_UNZIPPED or len(archive.infolist()) > 10_000:
        raise TooLarge(f"The workbook unpacks to {unzipped} bytes; at most {MAX_UNZIPPED} are read.")
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise UnsupportedMedia(
            f"The workbook cannot be read: {exc}", [FieldError("file", "Expected an XLSX workbook.")]
        ) from None
    try:
        return _sheets_of(book, plan)
    except DomainError:
        raise
    except Exception as exc:  # a damaged or hostile sheet (entity expansion...) fails while read
        raise UnsupportedMedia(
            f"The workbook cannot be read: {type(exc).__name__}",
            [FieldError("file", "Expected an XLSX workbook as saved by a spreadsheet program.")],
        ) from None
    finally:
        book.close()


def _sheets_of(book: Any, plan: Plan) -> list[Sheet]:
    """Each known sheet with the template's header; other sheets are ignored with a warning."""
    sheets = []
    for ws in book.worksheets:
        if ws.title == ABOUT:
            continue
        if ws.title not in SHEETS:
            plan.warnings.append(f"Sheet {ws.title!r} is not one of {', '.join(SHEETS)}: ignored.")
            continue
        # Only the template's columns are read: a row of 16 000 cells costs no more than one of 8.
        rows = ws.iter_rows(max_col=len(SHEETS[ws.title]))
        header_cells = next(rows, ())
        header = [str(c.value).strip() if c.value is not None else "" for c in header_cells]
        expected = columns_read(ws.title, header)
        if expected is None:
            plan.error(
                ws.title,
                1,
                "header",
                f"Expected the columns {', '.join(SHEETS[ws.title])} (as in the template), "
                "without merged cells.",
                "header",
            )
            continue
        sheet = Sheet(ws.title, expected)
        for number, cells in enumerate(rows, start=2):
            _check_row_count(number, ws.title)
            values: dict[str, Any] = {}
            for column, cell in zip(expected, cells, strict=False):
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                    plan.error(
                        ws.title, number, column, "A formula is not read: type the value itself.", "formula"
                    )
                    values[column] = None
                elif isinstance(cell.value, str):
                    values[column] = unguarded_text(cell.value)
                else:
                    values[column] = cell.value
            if any(v not in (None, "") for v in values.values()):
                sheet.rows.append((number, values))
        sheets.append(sheet)
    return sheets


def _read_csv(content: bytes, plan: Plan) -> Sheet:
    """A CSV file holding one of the template's sheets, recognised by its header."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            raise UnsupportedMedia(
                "The CSV file is not UTF-8 text.",
                [FieldError("file", "Expected a CSV file in UTF-8 (or Windows-1252).")],
            ) from None
        plan.warnings.append("The CSV file is not UTF-8: it was read as Windows-1252.")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    found = _kind_of(header)
    if found is None:
        raise InvalidInput(
            "The CSV header is not one of the template's sheets.",
            [
                FieldError(
                    "header",
                    "Expected the columns of measurements, targets or status: "
                    + " | ".join(", ".join(c) for c in SHEETS.values()),
                )
            ],
        )
    kind, columns = found
    sheet = Sheet(kind, columns)
    for number, row in enumerate(reader, start=2):
        _check_row_count(number, kind)
        values: dict[str, str | None] = {}
        for i, column in enumerate(columns):
            text = row[i].strip() if i < len(row) else ""
            if text.startswith("="):
                plan.error(kind, number, column, "A formula is not read: type the value itself.", "formula")
            values[column] = None if text.startswith("=") else unguarded_text(text)
        if any(v not in (None, "") for v in values.values()):
            sheet.rows.append((number, values))
    return sheet


def _check_row_count(number: int, sheet: str) -> None:
    """Stop at the first row past `MAX_ROWS` (the header is row 1), empty rows included."""
    if number > MAX_ROWS + 1:
        raise TooLarge(
            f"Sheet {sheet!r} has more than {MAX_ROWS} rows (empty ones count); at most {MAX_ROWS} are read.",
            [FieldError(sheet, f"Expected at most {MAX_ROWS} rows.")],
        )
