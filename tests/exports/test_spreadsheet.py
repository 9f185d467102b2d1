"""The spreadsheet round trip: template → change two values → upload → a preview of exactly two
changes, nothing written → commit; and every hostile file: formulas, merged headers, extra
sheets, rows of another city, periods not ended, localized numbers, 100 000 rows, files that are
not workbooks, zip bombs, Windows-1252 CSV, stale previews."""

import asyncio
import io
import re
import time
import zipfile

import httpx
import openpyxl
import pytest

from indicators.tables import Evidence, Measurement, Target
from kernel.tables import AuditEntry
from tests import builders
from tests.builders import bearer

CITY = "/api/v1/cities/grenoble"
TEMPLATE = f"{CITY}/template.xlsx?charter=lampedusa"
UPLOAD = f"{CITY}/imports?charter=lampedusa"
VALUES = f"{CITY}/indicators/lampedusa/LAM-DIG-01-I1/measurements"


async def _city(client, locale: str = "fr-FR") -> str:
    """Grenoble with a target and two values for LAM-DIG-01-I1; returns its editor's token."""
    token = await builders.editor_with_adoption(locale=locale)
    await client.put(
        f"{CITY}/indicators/lampedusa/LAM-DIG-01-I1/target",
        headers=bearer(token),
        json={"baseline": 300, "target": 600},
    )
    for period, value in (("2022", 350), ("2023", 410)):
        r = await client.post(VALUES, headers=bearer(token), json={"period": period, "value": value})
        assert r.status_code == 201, r.text
    return token


async def _workbook(client) -> openpyxl.Workbook:
    r = await client.get(TEMPLATE)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(r.content))


def _bytes(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _upload(client, token: str, content: bytes, name: str = "grenoble.xlsx"):
    return await client.post(
        UPLOAD, headers=bearer(token), files={"file": (name, content, "application/octet-stream")}
    )


def _row(sheet, **match):
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        values = dict(zip(header, row, strict=False))
        if all(values[k].value == v for k, v in match.items()):
            return values
    raise AssertionError(match)


async def test_round_trip_two_changes(client) -> None:
    """Download, change a value and a target, upload: the preview shows exactly those two changes
    and writes nothing; commit applies them (the value as a correction); a second commit is 409."""
    token = await _city(client)
    book = await _workbook(client)
    assert book.sheetnames == ["about", "measurements", "targets", "status"]
    validations = book["status"].data_validations.dataValidation
    # In the city's language (Grenoble: French), shown when the cell is chosen, stopping a wrong entry.
    status_list = next(dv for dv in validations)
    assert status_list.formula1 == '"Non commencé,En cours,Réalisé,Retardé,Retiré"'
    assert (status_list.showErrorMessage, status_list.showInputMessage, status_list.errorStyle) == (
        True,
        True,
        "stop",
    )
    assert status_list.prompt == "Choisissez le statut dans la liste."
    assert book["about"]["A2"].value.startswith("Remplissez")
    _row(book["measurements"], indicator="LAM-DIG-01-I1", period="2023")["value"].value = 420
    _row(book["targets"], indicator="LAM-DIG-01-I1")["target"].value = "650"
    before = await Measurement.count()
    r = await _upload(client, token, _bytes(book))
    assert r.status_code == 201, r.text
    preview = r.json()
    assert preview["summary"]["errors"] == 0 and preview["changes_total"] == 2, preview
    assert {(c["kind"], c["action"], c["code"]) for c in preview["changes"]} == {
        ("measurement", "change", "LAM-DIG-01-I1"),
        ("target", "change", "LAM-DIG-01-I1"),
    }
    change = next(c for c in preview["changes"] if c["kind"] == "measurement")
    assert change["old"]["value"] == "410" and change["value"] == "420" and change["row"] > 1
    assert await Measurement.count() == before  # a preview writes nothing
    r = await client.post(preview["commit"], headers=bearer(token))
    assert r.status_code == 200, r.text
    assert r.json()["applied"] == {"measurement": 1, "target": 1, "status": 0}
    listed = (await client.get(VALUES)).json()
    assert [(m["period"], m["value"], m["superseded_by"] is None) for m in listed] == [
        ("2022", 350.0, True),
        ("2023", 410.0, False),
        ("2023", 420.0, True),
    ]
    assert (await Target.select(Target.target).first())["target"] == 650
    assert await AuditEntry.count().where(AuditEntry.entity == "import") == 1
    assert (await client.post(preview["commit"], headers=bearer(token))).status_code == 409


async def test_formula_looking_notes_round_trip_unchanged(client) -> None:
    """Notes that look like formulas (`@SUM(1,1)`, `=1+1`) go out guarded by a `'` and come back
    without it: the template uploaded unchanged previews no change."""
    token = await _city(client)
    r = await client.post(
        VALUES, headers=bearer(token), json={"period": "2024", "value": 430, "note_md": "@SUM(1,1)"}
    )
    assert r.status_code == 201, r.text
    r = await client.post(
        f"{CITY}/commitments/lampedusa/LAM-DIG-01/updates",
        headers=bearer(token),
        json={"status": "in_progress", "reported_on": "2024-01-31", "note_md": "=1+1"},
    )
    assert r.status_code == 201, r.text
    book = await _workbook(client)
    assert _row(book["measurements"], period="2024")["note"].value == "'@SUM(1,1)"
    assert _row(book["status"], commitment="LAM-DIG-01")["note"].value == "'=1+1"
    r = await _upload(client, token, _bytes(book))
    assert r.status_code == 201, r.text
    preview = r.json()
    assert preview["errors"] == [] and preview["changes_total"] == 0, preview
    _row(book["measurements"], period="2024")["value"].value = 440
    preview = (await _upload(client, token, _bytes(book))).json()
    assert [c["note_md"] for c in preview["changes"]] == ["@SUM(1,1)"]


async def test_stale_preview_is_refused_and_nothing_applied(client) -> None:
    """The data changed between preview and commit: 409, nothing applied."""
    token = await _city(client)
    book = await _workbook(client)
    _row(book["measurements"], indicator="LAM-DIG-01-I1", period="2023")["value"].value = 420
    preview = (await _upload(client, token, _bytes(book))).json()
    r = await client.post(
        VALUES,
        headers=bearer(token),
        json={"period": "2023", "value": 430, "supersedes": preview["changes"][0]["old"]["claim_id"]},
    )
    assert r.status_code == 201
    count = await Measurement.count()
    r = await client.post(preview["commit"], headers=bearer(token))
    assert r.status_code == 409 and "changed since this preview" in r.json()["detail"]
    assert await Measurement.count() == count


async def test_a_preview_stands_after_a_write_its_rows_do_not_touch(client) -> None:
    """The city's data changed between preview and commit, but not what the rows change (a value
    of another period): the rows are checked again, would do the same, and are applied."""
    token = await _city(client)
    book = await _workbook(client)
    _row(book["measurements"], indicator="LAM-DIG-01-I1", period="2023")["value"].value = 420
    preview = (await _upload(client, token, _bytes(book))).json()
    r = await client.post(VALUES, headers=bearer(token), json={"period": "2021", "value": 300})
    assert r.status_code == 201, r.text
    r = await client.post(preview["commit"], headers=bearer(token))
    assert r.status_code == 200, r.text
    assert r.json()["applied"]["measurement"] == 1 and r.json()["status"] == "committed"
    assert r.json()["commit"] is None
    listed = (await client.get(VALUES)).json()
    assert sorted((m["period"], m["value"]) for m in listed if m["superseded_by"] is None) == [
        ("2021", 300.0),
        ("2022", 350.0),
        ("2023", 420.0),
    ]


@pytest.mark.parametrize(
    ("case", "sheet", "column", "code"),
    [
        ("formula", "measurements", "value", "formula"),
        ("merged header", "measurements", "header", "header"),
        ("another city", "measurements", "city", "other_city"),
        ("period not ended", "measurements", "period", "not_ended"),
        ("not a period", "measurements", "period", "period"),
        ("unknown indicator", "measurements", "indicator", "unknown"),
        ("bad status", "status", "status", "status"),
        ("not a number", "targets", "target", "number"),
        ("negative count", "measurements", "value", "kind"),
        ("note too long", "measurements", "note", "too_long"),
    ],
)
async def test_each_bad_row_is_named_and_nothing_written(
    client, case: str, sheet: str, column: str, code: str
) -> None:
    """Every error names its sheet, row and column, and its kind (`code`) by which a page says it
    in its reader's language; the preview cannot be committed."""
    token = await _city(client)
    book = await _workbook(client)
    rows = book[sheet]
    if case == "formula":
        _row(rows, period="2023")["value"].value = "=400+20"
    elif case == "merged header":
        rows.merge_cells("A1:C1")
    elif case == "another city":
        _row(rows, period="2023")["city"].value = "sousse"
    elif case == "period not ended":
        rows.append(["grenoble", "lampedusa", "LAM-DIG-01-I1", "", "", "2099", 5, ""])
    elif case == "not a period":
        _row(rows, period="2023")["period"].value = "l'an dernier"
    elif case == "negative count":
        _row(rows, period="2023")["value"].value = -3
    elif case == "unknown indicator":
        rows.append(["grenoble", "lampedusa", "LAM-XXX-99", "", "", "2024", 5, ""])
    elif case == "note too long":
        _row(rows, period="2023")["note"].value = "x" * 20_001
    elif case == "bad status":
        _row(rows, commitment="LAM-DIG-01")["status"].value = "finished"
        _row(rows, commitment="LAM-DIG-01")["reported_on"].value = "2024-01-31"
    else:
        _row(rows, indicator="LAM-DIG-01-I1")["target"].value = "beaucoup"
    r = await _upload(client, token, _bytes(book))
    assert r.status_code == 201, r.text
    errors = r.json()["errors"]
    assert [(e["sheet"], e["column"], e["code"]) for e in errors] == [(sheet, column, code)], errors
    assert errors[0]["row"] >= 1 and errors[0]["message"]
    assert r.json()["commit"] is None
    r = await client.post(f"/api/v1/imports/{r.json()['id']}/commit", headers=bearer(token))
    assert r.status_code == 422


async def test_extra_sheet_is_a_warning(client) -> None:
    """A sheet the template does not have is ignored, and the preview says so."""
    token = await _city(client)
    book = await _workbook(client)
    book.create_sheet("my notes").append(["anything", "=SUM(1,2)"])
    r = await _upload(client, token, _bytes(book))
    assert r.json()["errors"] == [] and "my notes" in r.json()["warnings"][0]


@pytest.mark.parametrize(("locale", "typed", "stored"), [("fr-FR", "12,5", 12.5), ("ar-TN", "٤٧", 47.0)])
async def test_numbers_in_the_city_locale(client, locale: str, typed: str, stored: float) -> None:
    """`12,5` in a French city, `٤٧` in an Arabic-speaking one: read as typed, kept as typed."""
    token = await _city(client, locale=locale)
    await builders.adopted("grenoble", "LAM-EQU-01")
    book = await _workbook(client)
    book["measurements"].append(["grenoble", "lampedusa", "LAM-EQU-01-I1", "", "", "2024", typed, ""])
    preview = (await _upload(client, token, _bytes(book))).json()
    assert preview["errors"] == [] and preview["changes"][0]["value_text"] == typed
    assert (await client.post(preview["commit"], headers=bearer(token))).status_code == 200
    listed = (await client.get(f"{CITY}/indicators/lampedusa/LAM-EQU-01-I1/measurements")).json()
    assert [(m["value"], m["value_text"]) for m in listed] == [(stored, typed)]


@pytest.mark.parametrize(
    ("locale", "status", "day", "expected"),
    [
        ("fr-FR", "Réalisé", "31/01/2024", ("achieved", "2024-01-31")),
        ("fr-FR", "en cours", "2024-01-31", ("in_progress", "2024-01-31")),
        ("ar-TN", "متأخر", "٣١/١/٢٠٢٤", ("delayed", "2024-01-31")),
        ("en-US", "achieved", "1/31/24", ("achieved", "2024-01-31")),
    ],
)
async def test_status_names_and_dates_as_the_city_writes_them(client, locale, status, day, expected) -> None:
    """A status by its name in any of the service's languages, and its day as the city writes
    dates, are read as the code and the date they mean."""
    token = await _city(client, locale=locale)
    book = await _workbook(client)
    row = _row(book["status"], commitment="LAM-DIG-01")
    row["status"].value, row["reported_on"].value = status, day
    preview = (await _upload(client, token, _bytes(book))).json()
    assert preview["errors"] == [], preview["errors"]
    assert [(c["status"], c["reported_on"]) for c in preview["changes"]] == [expected]


@pytest.mark.parametrize(
    ("locale", "day"), [("fr-FR", "01/13/2024"), ("en-US", "31/01/2024"), ("fr-FR", "hier")]
)
async def test_a_day_in_the_wrong_order_is_refused_not_turned_around(client, locale, day) -> None:
    token = await _city(client, locale=locale)
    book = await _workbook(client)
    row = _row(book["status"], commitment="LAM-DIG-01")
    row["status"].value, row["reported_on"].value = "achieved", day
    errors = (await _upload(client, token, _bytes(book))).json()["errors"]
    assert [(e["sheet"], e["column"]) for e in errors] == [("status", "reported_on")], errors


async def test_csv_in_windows_1252(client) -> None:
    """A CSV saved by an older spreadsheet in Windows-1252: read, with a warning, accents intact."""
    token = await _city(client)
    text = (
        "city,charter,indicator,indicator_title,unit,period,value,note\n"
        "grenoble,lampedusa,LAM-DIG-01-I1,,,2024,455,Comptage révisé (données de l'année)\n"
    )
    r = await _upload(client, token, text.encode("cp1252"), "values.csv")
    preview = r.json()
    assert preview["errors"] == [] and "Windows-1252" in preview["warnings"][0]
    assert preview["changes"][0]["note_md"] == "Comptage révisé (données de l'année)"


async def test_hundred_thousand_rows_get_a_bounded_answer(client) -> None:
    """100 000 rows (most of them repeats): every error counted, the first thousand listed."""
    token = await _city(client)
    lines = ["city,charter,indicator,indicator_title,unit,period,value,note"]
    lines += [f"grenoble,lampedusa,LAM-DIG-01-I1,,,{1900 + n % 120},{n}," for n in range(100_000)]
    started = time.perf_counter()
    r = await _upload(client, token, "\n".join(lines).encode(), "many.csv")
    assert r.status_code == 201, r.text
    preview = r.json()
    assert preview["errors_total"] == 100_000 - 120 and len(preview["errors"]) == 1000
    assert preview["changes_total"] == 120 and preview["commit"] is None
    assert time.perf_counter() - started > 0  # measured in benchmarks/compare_speed.py, not here


async def test_files_that_are_not_workbooks(client) -> None:
    """A PNG, a broken zip, and a zip bomb named .xlsx are refused with 4xx; nothing is stored."""
    token = await _city(client)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    r = await _upload(client, token, png, "photo.xlsx")
    assert r.status_code == 415 and r.json()["errors"][0]["field"] == "file"
    r = await _upload(client, token, b"PK\x03\x04broken", "broken.xlsx")
    assert r.status_code == 415
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (300 * 1024 * 1024))
    assert len(bomb.getvalue()) < 1024 * 1024
    r = await _upload(client, token, bomb.getvalue(), "bomb.xlsx")
    assert r.status_code == 413
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    book = io.BytesIO(_bytes(await _workbook(client)))
    hostile = io.BytesIO()
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(hostile, "w") as dst:
        for item in src.infolist():
            hostile_sheet = item.filename == "xl/worksheets/sheet2.xml"
            dst.writestr(item, laughs if hostile_sheet else src.read(item.filename))
    r = await _upload(client, token, hostile.getvalue(), "laughs.xlsx")
    assert r.status_code == 415, r.text


async def test_only_the_city_s_editors_upload_and_commit(client) -> None:
    """Another city's editor and a reviewer are refused; a preview is not theirs to read or commit."""
    token = await _city(client)
    await builders.city("sousse", locale="fr-TN", country="TN")
    other = await builders.token("city_editor", "sousse", email="ed@sousse.tn")
    reviewer = await builders.token("reviewer", email="watch@ngo.example")
    book = _bytes(await _workbook(client))
    for who in (other, reviewer):
        assert (await _upload(client, who, book)).status_code == 403
    preview = (await _upload(client, token, book)).json()
    for who in (other, reviewer):
        assert (await client.get(f"/api/v1/imports/{preview['id']}", headers=bearer(who))).status_code == 404
        assert (await client.post(preview["commit"], headers=bearer(who))).status_code == 404


async def test_the_command_line_previews_then_commits(client, tmp_path) -> None:
    """`charter-tracker import CITY FILE` shows the changes (the charter comes from the rows);
    `--commit` applies them; a file with errors exits 2 and applies nothing."""
    from tests.tracker.test_cli import cli

    await _city(client)
    book = await _workbook(client)
    _row(book["measurements"], indicator="LAM-DIG-01-I1", period="2023")["value"].value = 425
    path = tmp_path / "grenoble.xlsx"
    path.write_bytes(_bytes(book))
    result = cli("import", "grenoble", str(path))
    assert result.returncode == 0, result.stderr
    assert "1 to change" in result.stdout and "0 errors" in result.stdout
    assert [m["value"] for m in (await client.get(VALUES)).json()] == [350.0, 410.0]
    result = cli("import", "grenoble", str(path), "--commit")
    assert result.returncode == 0 and "applied: 1 measurement" in result.stdout, result.stderr
    assert [m["value"] for m in (await client.get(VALUES)).json()] == [350.0, 410.0, 425.0]
    _row(book["measurements"], indicator="LAM-DIG-01-I1", period="2023")["value"].value = "=1/0"
    path.write_bytes(_bytes(book))
    result = cli("import", "grenoble", str(path), "--commit")
    assert result.returncode == 2 and "measurements, row" in result.stderr and "formula" in result.stderr
    assert len((await client.get(VALUES)).json()) == 3


def _endless(template: bytes, rows: int) -> bytes:
    """The template with `rows` empty rows added to its measurements sheet and no `<dimension>`:
    a small file that unpacks to a sheet far longer than any import."""
    source = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":  # the measurements sheet
                text = re.sub(r"<dimension[^>]*/>", "", data.decode())
                empty = "".join(f'<row r="{n}"/>' for n in range(100, 100 + rows))
                data = text.replace("</sheetData>", empty + "</sheetData>").encode()
            target.writestr(info, data)
    return out.getvalue()


async def test_an_endless_sheet_stops_at_the_row_limit_while_reads_go_on(client) -> None:
    """A workbook of a million empty rows is refused with a 413 naming the sheet and the limit,
    and a read sent while it is being read is answered before it."""
    token = await _city(client)
    book = await _workbook(client)
    assert book.worksheets[1].title == "measurements"
    hostile = _endless(_bytes(book), 1_000_000)
    assert len(hostile) < 5 * 1024 * 1024
    finished: list[str] = []

    async def upload() -> httpx.Response:
        r = await _upload(client, token, hostile)
        finished.append("upload")
        return r

    async def read() -> httpx.Response:
        await asyncio.sleep(0.2)
        r = await client.get(f"{CITY}")
        finished.append("read")
        return r

    uploaded, read_back = await asyncio.gather(upload(), read())
    assert uploaded.status_code == 413, uploaded.text
    assert uploaded.json()["errors"][0]["field"] == "measurements"
    assert "200000" in uploaded.json()["detail"]
    assert read_back.status_code == 200
    assert finished == ["read", "upload"]


async def _link(client, token: str, url: str, city: str = "grenoble") -> int:
    r = await client.post(
        f"/api/v1/cities/{city}/evidence",
        headers=bearer(token),
        json={"title": "Rapport", "kind": "report", "url": url},
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def test_evidence_by_number_and_by_link_round_trip(client) -> None:
    """The template names what each claim cites (`12; 15`); a row cites evidence on file by its
    number and files a new link once; a link already on file is cited, not filed again; the
    workbook downloaded after the commit shows both and uploads unchanged."""
    token = await _city(client)
    on_file = await _link(client, token, "https://grenoble.example/rapport-2023.pdf")
    r = await client.post(VALUES, headers=bearer(token), json={"period": "2024", "value": 430})
    assert r.status_code == 201, r.text
    book = await _workbook(client)
    assert book["about"]["A7"].value.startswith("Preuves")
    evidence_cell = _row(book["measurements"], period="2024")["evidence"]
    assert evidence_cell.value is None and evidence_cell.number_format == "@"
    new_link = "https://grenoble.example/donnees-2024.csv"
    _row(book["measurements"], period="2024")["evidence"].value = f"#{on_file}; {new_link}"
    _row(book["measurements"], period="2023")["evidence"].value = "https://grenoble.example/rapport-2023.pdf"
    status = _row(book["status"], commitment="LAM-DIG-01")
    status["status"].value, status["reported_on"].value = "En cours", "2024-01-31"
    arabic = str(on_file).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    status["evidence"].value = f"{new_link} ،{arabic}"  # Arabic-Indic digits, an Arabic comma
    before = await Evidence.count()
    preview = (await _upload(client, token, _bytes(book))).json()
    assert preview["errors"] == [], preview["errors"]
    cited = {(c["kind"], c.get("period")): (c["evidence"], c["links"]) for c in preview["changes"]}
    assert cited == {
        ("measurement", "2024"): ([on_file], [new_link]),
        ("measurement", "2023"): ([on_file], []),
        ("status", None): ([on_file], [new_link]),
    }
    assert await Evidence.count() == before  # a preview files nothing
    r = await client.post(preview["commit"], headers=bearer(token))
    assert r.status_code == 200, r.text
    assert await Evidence.count() == before + 1  # the new link, once for both rows
    filed = await Evidence.select().where(Evidence.url == new_link).first()
    assert (filed["title"], filed["kind"], filed["origin"]) == (new_link, "other", "city")
    listed = {m["period"]: m for m in (await client.get(VALUES)).json() if m["superseded_by"] is None}
    assert listed["2024"]["evidence"] == sorted([on_file, filed["id"]])
    assert listed["2023"]["evidence"] == [on_file] and listed["2023"]["value"] == 410
    audits = await AuditEntry.select(AuditEntry.after).where(AuditEntry.key == f"evidence-{filed['id']}")
    assert len(audits) == 1 and "spreadsheet import" in audits[0]["after"]
    book = await _workbook(client)
    assert _row(book["measurements"], period="2024")["evidence"].value == f"{on_file}; {filed['id']}"
    assert _row(book["status"], commitment="LAM-DIG-01")["evidence"].value == f"{on_file}; {filed['id']}"
    again = (await _upload(client, token, _bytes(book))).json()
    assert again["errors"] == [] and again["changes_total"] == 0, again


@pytest.mark.parametrize(
    "cell",
    ["999", "sousse's", "withdrawn", "javascript:alert(1)", "ftp://grenoble.example/a", "https://", "12.5"],
)
async def test_evidence_cells_that_name_nothing_on_file(client, cell: str) -> None:
    """A number the city has not on file (unknown, another city's, withdrawn), or text that is
    not a link: an error on the evidence cell, and nothing filed or written."""
    token = await _city(client)
    if cell == "sousse's":
        await builders.city("sousse", locale="fr-TN", country="TN")
        sousse = await builders.token("city_editor", "sousse", email="ed@sousse.tn")
        cell = str(await _link(client, sousse, "https://sousse.example/pv.pdf", city="sousse"))
    elif cell == "withdrawn":
        piece = await _link(client, token, "https://grenoble.example/erreur.pdf")
        r = await client.post(f"/api/v1/evidence/{piece}/withdrawal", headers=bearer(token, '"v1"'))
        assert r.status_code == 200, r.text
        cell = str(piece)
    book = await _workbook(client)
    _row(book["measurements"], period="2023")["evidence"].value = cell
    before = (await Evidence.count(), await Measurement.count())
    preview = (await _upload(client, token, _bytes(book))).json()
    assert [(e["sheet"], e["column"]) for e in preview["errors"]] == [("measurements", "evidence")]
    assert preview["commit"] is None
    assert (await Evidence.count(), await Measurement.count()) == before


async def test_a_workbook_without_the_evidence_column_still_reads(client) -> None:
    """A workbook made before the evidence column (or a CSV without it) reads as before: the
    claims' evidence is left as it is."""
    token = await _city(client)
    on_file = await _link(client, token, "https://grenoble.example/rapport-2023.pdf")
    r = await client.post(
        VALUES, headers=bearer(token), json={"period": "2024", "value": 430, "evidence": [on_file]}
    )
    assert r.status_code == 201, r.text
    book = await _workbook(client)
    for name in ("measurements", "status"):
        book[name].delete_cols(book[name].max_column)
    preview = (await _upload(client, token, _bytes(book))).json()
    assert preview["errors"] == [] and preview["changes_total"] == 0, preview
    csv = (
        "city,charter,indicator,indicator_title,unit,period,value,note\n"
        "grenoble,lampedusa,LAM-DIG-01-I1,,,2024,430,\n"
    )
    preview = (await _upload(client, token, csv.encode(), "values.csv")).json()
    assert preview["errors"] == [] and preview["changes_total"] == 0, preview


async def test_a_row_names_all_its_problems_at_once(client) -> None:
    """A row with three wrong cells gets three errors, one per cell, in one preview."""
    token = await _city(client)
    book = await _workbook(client)
    row = _row(book["measurements"], period="2023")
    row["period"].value, row["value"].value, row["evidence"].value = "2099", "beaucoup", "voir PJ"
    status = _row(book["status"], commitment="LAM-DIG-01")
    status["status"].value, status["reported_on"].value = "fini", "31/02/2024"
    errors = (await _upload(client, token, _bytes(book))).json()["errors"]
    assert [(e["sheet"], e["row"] == row["period"].row, e["column"], e["code"]) for e in errors] == [
        ("measurements", True, "period", "not_ended"),
        ("measurements", True, "value", "number"),
        ("measurements", True, "evidence", "not_evidence"),
        ("status", False, "status", "status"),
        ("status", False, "reported_on", "date"),
    ]
