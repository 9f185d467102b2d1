"""Reading an uploaded file defensively: an XLSX workbook (bounded size and decompression, the
template's sheets only) or a CSV file of one sheet (UTF-8, or Windows-1252 with a warning).
Formulas are refused, a value must be typed, not computed; each refusal names the cell. The `'`
the template puts before a text that looks like a formula is taken off again.

A workbook is read by calamine (compiled; 100 000 rows in well under a second) when its sheets
hold no formula and every cell names its place within the template's columns and the row limit;
any other workbook (a formula to name, a sheet drawn out of shape) is read cell by cell, streamed,
by openpyxl, which says the same things of the same cells, only slower (10 s for 100 000 rows).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime, time, timedelta
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
FAST_MAX_COLUMNS = 16
"""A sheet whose cells reach further right than this (column P) is read by the streaming reader,
which only reads the template's columns: the fast reader holds a sheet's whole rectangle in
memory, so a cell far right or far down would make it vast."""

_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
"""A formula element in a sheet's XML, whatever its namespace prefix (`<f>`, `<x:f t="shared"/>`);
text in cells is escaped (`&lt;f`), so it never matches."""
_UNPLACED = re.compile(rb"<(?:[\w.-]+:)?(?:c|row)(?=[\s>/])(?![^>]*\br=\")")
"""A cell or row that does not give its place (`r="B7"`, `r="7"`): the reader would place it after
the one before, which no bound read from the references covers."""
_FAR_RIGHT = re.compile(rb'\br="(?:[Q-Z]|[A-Z]{2,})[0-9]')
_LONG_ROW_NUMBER = re.compile(rb'\br="[A-Z]*([0-9]{6,})"')


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
    if _fast_path_fits(archive):
        fast = _read_xlsx_fast(content, plan)
        if fast is not None:
            return fast
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


def _fast_path_fits(archive: zipfile.ZipFile) -> bool:
    """Whether every worksheet is plain values in a bounded rectangle: no formula (the streaming
    reader names each formula's cell), every cell and row placed by its reference, none right of
    `FAST_MAX_COLUMNS` nor below the row limit, empty rows included (the streaming reader stops
    at the limit with a 413 naming the sheet). Each is one search through the sheet's XML."""
    for info in archive.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        xml = archive.read(info)
        if _FORMULA.search(xml) or _UNPLACED.search(xml) or _FAR_RIGHT.search(xml):
            return False
        if any(int(row) > MAX_ROWS + 1 for row in _LONG_ROW_NUMBER.findall(xml)):
            return False
    return True


Cell = int | float | str | bool | date | datetime | time | timedelta | None


def _fast_value(value: Cell) -> Cell:
    """A cell as the streaming reader gives it: empty is None, a whole number an int (a
    spreadsheet stores 2023 as a number; typed text keeps what was typed)."""
    if value == "" or value is None:
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        return unguarded_text(value)
    return value


def _read_xlsx_fast(content: bytes, plan: Plan) -> list[Sheet] | None:
    """The template's sheets read by calamine, or None to let the streaming reader read the
    workbook (calamine could not)."""
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

    sheets = []
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        for name in names:
            if not _read_sheet(name, plan):
                continue
            ws = book.get_sheet_by_name(name)
            sheet = _fast_sheet(name, ws.start or (0, 0), ws.to_python(), plan)
            if sheet is not None:
                sheets.append(sheet)
    except CalamineError:
        return None
    return sheets


def _read_sheet(name: str, plan: Plan) -> bool:
    """Whether a workbook sheet of this name is read: the template's sheets are; its `about`
    sheet is skipped; any other is ignored with a warning."""
    if name not in SHEETS and name != ABOUT:
        plan.warnings.append(f"Sheet {name!r} is not one of {', '.join(SHEETS)}: ignored.")
    return name in SHEETS


def _columns(name: str, header: list[str], plan: Plan) -> list[str] | None:
    """The columns a sheet's header row gives (see `columns_read`), or None with the error."""
    expected = columns_read(name, header)
    if expected is None:
        plan.error(
            name,
            1,
            "header",
            f"Expected the columns {', '.join(SHEETS[name])} (as in the template), without merged cells.",
            "header",
        )
    return expected


def _fast_sheet(name: str, start: tuple[int, int], grid: list[list[Any]], plan: Plan) -> Sheet | None:
    """One sheet from calamine's rectangle, which begins at `start` (row, column; from 0)."""
    width = len(SHEETS[name])
    top, left = start

    def row_values(index: int) -> list[Cell]:
        """Sheet row `index` (from 0), the template's columns, padded with None."""
        if not top <= index < top + len(grid):
            return [None] * width
        cells = grid[index - top]
        return [_fast_value(cells[c - left]) if 0 <= c - left < len(cells) else None for c in range(width)]

    expected = _columns(name, ["" if v is None else str(v).strip() for v in row_values(0)], plan)
    if expected is None:
        return None
    sheet = Sheet(name, expected)
    for index in range(max(top, 1), top + len(grid)):
        values = dict(zip(expected, row_values(index), strict=False))
        if any(v not in (None, "") for v in values.values()):
            sheet.rows.append((index + 1, values))
    return sheet


def _sheets_of(book: Any, plan: Plan) -> list[Sheet]:
    """Each known sheet with the template's header; other sheets are ignored with a warning."""
    sheets = []
    for ws in book.worksheets:
        if not _read_sheet(ws.title, plan):
            continue
        # Only the template's columns are read: a row of 16 000 cells costs no more than one of 8.
        rows = ws.iter_rows(max_col=len(SHEETS[ws.title]))
        header_cells = next(rows, ())
        header = [str(c.value).strip() if c.value is not None else "" for c in header_cells]
        expected = _columns(ws.title, header, plan)
        if expected is None:
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
