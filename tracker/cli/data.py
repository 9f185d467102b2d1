"""Commands on the database as a whole: the schema, the demo data, open data, spreadsheets,
backups and the adoptions' standings."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tracker.cli import main, migrate_schema, run, schema_first


@main.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    run(migrate_schema(quiet=False))


@main.command()
@schema_first
def demo() -> None:
    """Load the demo data (three charters, eleven cities); safe to run twice."""
    from tracker.demo import load_demo

    summary = run(load_demo())
    click.echo(", ".join(f"{v} {k}" for k, v in summary.items()))


@main.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--zip", "as_zip", is_flag=True, help="Write DIRECTORY/charter-tracker-datapackage.zip instead."
)
@schema_first
def export(directory: Path, as_zip: bool) -> None:
    """Write the open data package (CSV files and datapackage.json) of everything published."""
    from exports.datapackage import package_files, write_directory, zip_bytes

    files = run(package_files())
    directory.mkdir(parents=True, exist_ok=True)
    if as_zip:
        (directory / "charter-tracker-datapackage.zip").write_bytes(zip_bytes(files))
    else:
        write_directory(files, directory)
    click.echo(f"{len(files) - 1} tables written to {directory}")


@main.command("import")
@click.argument("city")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--charter",
    "charter_slug",
    default=None,
    help="Charter slug (default: the charter the file's rows name).",
)
@click.option("--commit", "commit", is_flag=True, help="Apply the changes (else only show them).")
@schema_first
def import_file(city: str, file: Path, charter_slug: str | None, commit: bool) -> None:
    """Check a city's workbook (XLSX, or a CSV of one sheet) and show what it would change;
    with --commit, apply it in one transaction (nothing is applied if it has errors)."""
    from exports.spreadsheet_imports import commit_import, preview_import
    from kernel.caller import SYSTEM

    preview = run(preview_import(SYSTEM, city, charter_slug, file.read_bytes(), file.name))
    summary = preview.summary
    click.echo(
        f"import {preview.id}: {summary.create} to create, {summary.change} to change, "
        f"{summary.unchanged} unchanged, {summary.skipped} blank, {summary.errors} errors"
    )
    for warning in preview.warnings:
        click.echo(f"warning: {warning}")
    for error in preview.errors:
        click.echo(f"{error.sheet}, row {error.row}, {error.column}: {error.message}", err=True)
    if preview.errors_total:
        sys.exit(2)
    if commit:
        applied = run(commit_import(SYSTEM, preview.id)).applied
        click.echo("applied: " + ", ".join(f"{v} {k}" for k, v in applied.items()))


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@schema_first
def backup(file: Path) -> None:
    """Write a backup of the whole database and the evidence files to FILE (a zip), from one
    consistent snapshot; the service may keep running."""
    from tracker.backup import backup_bytes

    content, counts = run(backup_bytes())
    tmp = file.with_name(f".{file.name}.tmp")
    tmp.write_bytes(content)
    tmp.replace(file)
    click.echo(f"{sum(counts.values())} rows from {len(counts)} tables written to {file}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the data of a database that is not empty.")
@schema_first
def restore(file: Path, force: bool) -> None:
    """Load a backup into this database: an empty one, unless --force (all or nothing)."""
    from tracker.backup import restore as run_restore

    counts = run(run_restore(file, force=force))
    click.echo(f"{sum(counts.values())} rows restored into {len(counts)} tables")


@main.group()
def standings() -> None:
    """Where each adoption stands (status, progress, claims), as the comparison adds it up."""


@standings.command("refresh")
@schema_first
def standings_refresh() -> None:
    """Recompute every adoption's standing from the claims (after a restore or a bulk load)."""
    from charter.tables import Charter
    from indicators.standing import refresh_charter
    from kernel.db import write_transaction

    async def refresh_all() -> int:
        async with write_transaction():
            charters = await Charter.select(Charter.id)
            for charter in charters:
                await refresh_charter(charter["id"])
        return len(charters)

    click.echo(f"standings recomputed for {run(refresh_all())} charters")
