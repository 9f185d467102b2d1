"""The two workbook readers say the same: a workbook of every kind of cell a city types (numbers
whole and not, dates, text in Arabic, guarded formula-looking text, booleans, blank rows, a row
that starts in a later column, sheets not in the template, a header out of place) is read by the
fast reader and by the streaming reader, and the sheets, rows, warnings and errors are equal. The
workbooks the fast reader must leave to the streaming one (a formula, a cell far right, a row past
the limit, a cell without its place) are recognised."""

import io
import re
import zipfile
from datetime import datetime, time

import openpyxl
import pytest

from exports import spreadsheet_read
from exports.spreadsheet_plan import Plan
from exports.spreadsheet_read import MAX_ROWS, read_file
from exports.spreadsheet_template import SHEETS


def _book() -> bytes:
    book = openpyxl.Workbook()
    about = book.active
    about.title = "about"
    about.append(["Ce classeur est un modèle."])
    sheet = book.create_sheet("measurements")
    sheet.append(SHEETS["measurements"])
    rows = [
        ["grenoble", "lampedusa", "LAM-DIG-01-I1", "", "", "2023", 410, None],
        ["grenoble", "lampedusa", "LAM-DIG-01-I2", "", "", 2024, 12.5, "12; 15"],
        ["grenoble", "lampedusa", "LAM-DIG-01-I3", "", "", "2024-S1", "1 234,5", None],
        [],
        ["sousse", "sousse", "SOU-01-I1", "مؤشر", "%", "2025", 0.1, "https://sousse.example/تقرير"],
        ["grenoble", "lampedusa", "LAM-DIG-01-I1", "'=cmd|' /C calc'!A0", "", "2022", 1e20, None],
        ["grenoble", "lampedusa", "LAM-DIG-01-I1", True, None, datetime(2024, 3, 1), -3, "  espaces  "],
        ["grenoble", "lampedusa", "LAM-DIG-01-I1", "", "", "2021", 123456789012345678, time(10, 30)],
    ]
    for row in rows:
        sheet.append(row)
    sheet["B12"] = "only from the second column"
    sheet["C12"] = 7
    status = book.create_sheet("status")
    status.append(SHEETS["status"])
    status.append(["grenoble", "lampedusa", "LAM-DIG-01", "", "in_progress", datetime(2026, 6, 30), "Note"])
    notes = book.create_sheet("notes")
    notes.append(["free text"])
    targets = book.create_sheet("targets")
    targets["B1"] = SHEETS["targets"][0]  # the header one column out of place
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _read(content: bytes, fast: bool, monkeypatch) -> tuple[list, Plan]:
    monkeypatch.setattr(spreadsheet_read, "_fast_path_fits", lambda archive: fast)
    plan = Plan()
    sheets = read_file(content, "grenoble.xlsx", plan)
    monkeypatch.undo()
    return [(s.name, s.header, s.rows) for s in sheets], plan


def test_the_fast_reader_reads_what_the_streaming_reader_reads(monkeypatch) -> None:
    content = _book()
    assert spreadsheet_read._fast_path_fits(zipfile.ZipFile(io.BytesIO(content)))
    fast, fast_plan = _read(content, True, monkeypatch)
    slow, slow_plan = _read(content, False, monkeypatch)
    assert fast == slow
    assert (fast_plan.warnings, fast_plan.errors) == (slow_plan.warnings, slow_plan.errors)
    rows = dict(fast[0][2])
    assert rows[2]["value"] == 410 and isinstance(rows[2]["value"], int)
    assert rows[3]["value"] == 12.5 and rows[3]["period"] == 2024
    assert rows[6]["indicator_title"] == "مؤشر"
    assert rows[7]["indicator_title"] == "=cmd|' /C calc'!A0"  # the guard taken off, as typed
    assert rows[8]["period"] == datetime(2024, 3, 1)
    assert rows[12]["city"] is None and rows[12]["charter"] == "only from the second column"
    assert 5 not in rows  # the blank row
    assert [s[0] for s in fast] == ["measurements", "status"]
    assert fast_plan.warnings == ["Sheet 'notes' is not one of measurements, targets, status: ignored."]
    assert [(e["sheet"], e["row"], e["column"]) for e in fast_plan.errors] == [("targets", 1, "header")]


def _with_sheet_xml(content: bytes, change) -> zipfile.ZipFile:
    """The workbook with its measurements sheet's XML changed by `change`."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = change(data.decode()).encode()
            target.writestr(info, data)
    return zipfile.ZipFile(io.BytesIO(out.getvalue()))


@pytest.mark.parametrize(
    ("what", "change"),
    [
        ("a formula", lambda xml: xml.replace('t="n"><v>410</v>', "><f>400+10</f>")),
        ("a shared formula", lambda xml: xml.replace("<v>410</v>", '<f t="shared" si="0"/><v>410</v>')),
        ("a cell far right", lambda xml: xml.replace('r="G2"', 'r="XFD2"')),
        ("a cell past the row limit", lambda xml: xml.replace('r="G2"', f'r="G{MAX_ROWS + 2}"')),
        (
            "a row past the row limit",
            lambda xml: xml.replace("</sheetData>", f'<row r="{MAX_ROWS + 2}"/></sheetData>'),
        ),
        ("a cell without its place", lambda xml: re.sub(r'<c r="G2"', "<c", xml, count=1)),
    ],
)
def test_workbooks_out_of_the_fast_readers_shape_are_left_to_the_streaming_one(what, change) -> None:
    archive = _with_sheet_xml(_book(), change)
    xml = archive.read("xl/worksheets/sheet2.xml").decode()
    assert xml != zipfile.ZipFile(io.BytesIO(_book())).read("xl/worksheets/sheet2.xml").decode(), what
    assert not spreadsheet_read._fast_path_fits(archive), what
