"""Tables out of the service, as CSV and XLSX, safe to open in a spreadsheet: a text cell that a
spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, carriage return first) is
neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """A text cell that cannot run as a formula: `'` before a formula-looking start (the usual
    mark of "this is text" in spreadsheets)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def unguarded_text(value: str) -> str:
    """A text cell read back as it was written: the `'` that `safe_text` put before a
    formula-looking start is taken off, so that a downloaded file uploaded unchanged changes
    nothing."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = True) -> bytes:
    """UTF-8 CSV, with a byte-order mark unless `bom` is False (spreadsheets need it to read
    accents and Arabic right; data tools do not)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else safe_text(v) if isinstance(v, str) else v for v in row])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """A workbook with one sheet per (title, header, rows). Text is stored as text, never as a
    formula, whatever it starts with; numbers stay numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])

        def cells(values: Sequence[Any], sheet=sheet) -> list[WriteOnlyCell]:
            out = []
            for value in values:
                cell = WriteOnlyCell(sheet, value=None)
                if isinstance(value, str):
                    # Assigned after creation: openpyxl would otherwise read "=..." as a formula.
                    cell._value, cell.data_type = value, "s"
                else:
                    cell.value = value
                out.append(cell)
            return out

        sheet.append(cells(header))
        for row in rows:
            sheet.append(cells(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
