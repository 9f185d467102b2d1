"""The open data package: frictionless accepts it, foreign keys hold, drafts stay out, formula-
looking cells are neutralised, the same data gives the same bytes (API zip and CLI folder)."""

import csv
import io
import zipfile
from pathlib import Path

from frictionless import Package, validate

from exports.datapackage import package_files, write_directory
from indicators.measurements import add_measurement
from indicators.schemas import MeasurementCreate
from kernel.caller import SYSTEM
from tests import builders
from tests.tracker.test_cli import cli
from tracker.demo import load_demo


def _rows(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[f"data/{name}.csv"].decode("utf-8"))))


async def test_demo_package_validates(tmp_path: Path) -> None:
    """`frictionless validate` finds no error in the demo data's package (keys included)."""
    await load_demo()
    files = await package_files()
    write_directory(files, tmp_path)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(tmp_path / "datapackage.json"))
    assert len(package.resources) == 17
    assert any(r.schema.foreign_keys for r in package.resources)
    assert len(_rows(files, "cities")) == 11 and len(_rows(files, "challenges")) == 6
    assurance = {r["assurance"] for r in _rows(files, "measurements")}
    assert assurance == {"self_reported", "verified", "contested"}


async def test_drafts_are_left_out_and_formulas_neutralised() -> None:
    """A draft value is not published; a title starting with = is written with a leading '."""
    await builders.editor_with_adoption()
    await add_measurement(
        SYSTEM, "grenoble", "lampedusa", "LAM-DIG-01-I1", MeasurementCreate(period="2023", value=410)
    )
    await add_measurement(
        SYSTEM,
        "grenoble",
        "lampedusa",
        "LAM-DIG-01-I1",
        MeasurementCreate(period="2024", value=499, draft=True, note_md="=HYPERLINK(1)"),
    )
    await add_measurement(
        SYSTEM,
        "grenoble",
        "lampedusa",
        "LAM-DIG-01-I2",
        MeasurementCreate(period="2023", value=20, note_md="@SUM(A1:A9) +1 -1"),
    )
    files = await package_files()
    values = _rows(files, "measurements")
    assert [(v["period"], v["value"]) for v in values] == [("2023", "410"), ("2023", "20")]
    assert values[1]["note_md"] == "'@SUM(A1:A9) +1 -1"
    assert b"HYPERLINK" not in b"".join(files.values())


async def test_same_data_same_bytes_through_the_api_and_the_cli(client, tmp_path: Path) -> None:
    """The zip from the API twice is the same; the CLI folder holds the same files."""
    await load_demo()
    first = await client.get("/api/v1/export/datapackage.zip")
    assert first.status_code == 200 and first.headers["content-type"] == "application/zip"
    assert (await client.get("/api/v1/export/datapackage.zip")).content == first.content
    archive = zipfile.ZipFile(io.BytesIO(first.content))
    assert "charter-tracker/datapackage.json" in archive.namelist()
    result = cli("export", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    for name in archive.namelist():
        assert (tmp_path / "out" / name.removeprefix("charter-tracker/")).read_bytes() == archive.read(name)
