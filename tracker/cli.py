"""The `charter-tracker` command line: migrate, serve, load the demo, charters and users."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import click

from kernel.errors import DomainError


def _run(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run a service call; a domain refusal prints its problem and exits 2."""
    try:
        return asyncio.run(coro)
    except DomainError as exc:
        click.echo(f"error: {exc.detail}", err=True)
        for item in exc.errors:
            click.echo(f"  {item.field}: {item.message}", err=True)
        sys.exit(2)


async def _migrate(quiet: bool = True) -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    out = io.StringIO()
    with contextlib.redirect_stdout(out) if quiet else contextlib.nullcontext():
        result = await run_forwards("all")
    if not result.success:
        raise click.ClickException(f"Migration failed: {result.message}\n{out.getvalue()}")


@click.group()
def main() -> None:
    """The charter tracker: cities turn human-rights charters into commitments they can prove.

    DATABASE_URL picks the database: sqlite:///path (default: charter-tracker.db here) or
    postgresql://user@host/db.
    """


@main.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    _run(_migrate(quiet=False))


@main.command()
def demo() -> None:
    """Load the demo data (three charters, eight Mediterranean cities); safe to run twice."""
    from tracker.demo import load_demo

    _run(_migrate())
    summary = _run(load_demo())
    click.echo(", ".join(f"{v} {k}" for k, v in summary.items()))


@main.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--zip", "as_zip", is_flag=True,
              help="Write DIRECTORY/charter-tracker-datapackage.zip instead.")
def export(directory: Path, as_zip: bool) -> None:
    """Write the open data package (CSV files and datapackage.json) of everything published."""
    from exports.datapackage import package_files, write_directory, zip_bytes

    _run(_migrate())
    files = _run(package_files())
    directory.mkdir(parents=True, exist_ok=True)
    if as_zip:
        (directory / "charter-tracker-datapackage.zip").write_bytes(zip_bytes(files))
    else:
        write_directory(files, directory)
    click.echo(f"{len(files) - 1} tables written to {directory}")


@main.command("import")
@click.argument("city")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--charter", "charter_slug", default=None,
              help="Charter slug (default: the charter the file's rows name).")
@click.option("--commit", "commit", is_flag=True, help="Apply the changes (else only show them).")
def import_file(city: str, file: Path, charter_slug: str | None, commit: bool) -> None:
    """Check a city's workbook (XLSX, or a CSV of one sheet) and show what it would change;
    with --commit, apply it in one transaction (nothing is applied if it has errors)."""
    from exports.spreadsheet_imports import commit_import, preview_import
    from kernel.caller import SYSTEM

    _run(_migrate())
    preview = _run(preview_import(SYSTEM, city, charter_slug, file.read_bytes(), file.name))
    summary = preview.summary
    click.echo(f"import {preview.id}: {summary.create} to create, {summary.change} to change, "
               f"{summary.unchanged} unchanged, {summary.skipped} blank, {summary.errors} errors")
    for warning in preview.warnings:
        click.echo(f"warning: {warning}")
    for error in preview.errors:
        click.echo(f"{error.sheet}, row {error.row}, {error.column}: {error.message}", err=True)
    if preview.errors_total:
        sys.exit(2)
    if commit:
        applied = _run(commit_import(SYSTEM, preview.id)).applied
        click.echo("applied: " + ", ".join(f"{v} {k}" for k, v in applied.items()))


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup(file: Path) -> None:
    """Write a backup of the whole database and the evidence files to FILE (a zip), from one
    consistent snapshot; the service may keep running."""
    from tracker.backup import backup_bytes

    _run(_migrate())
    content, counts = _run(backup_bytes())
    tmp = file.with_name(f".{file.name}.tmp")
    tmp.write_bytes(content)
    tmp.replace(file)
    click.echo(f"{sum(counts.values())} rows from {len(counts)} tables written to {file}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the data of a database that is not empty.")
def restore(file: Path, force: bool) -> None:
    """Load a backup into this database: an empty one, unless --force (all or nothing)."""
    from tracker.backup import restore as run_restore

    _run(_migrate())
    counts = _run(run_restore(file, force=force))
    click.echo(f"{sum(counts.values())} rows restored into {len(counts)} tables")


@main.group()
def standings() -> None:
    """Where each adoption stands (status, progress, claims), as the comparison adds it up."""


@standings.command("refresh")
def standings_refresh() -> None:
    """Recompute every adoption's standing from the claims (after a restore or a bulk load)."""
    from charter.tables import Charter
    from indicators.standing import refresh_charter
    from kernel.db import write_transaction

    async def run() -> int:
        async with write_transaction():
            charters = await Charter.select(Charter.id)
            for charter in charters:
                await refresh_charter(charter["id"])
        return len(charters)

    _run(_migrate())
    click.echo(f"standings recomputed for {_run(run())} charters")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--demo", "with_demo", is_flag=True, help="Load the demo data first.")
def serve(host: str, port: int, with_demo: bool) -> None:
    """Migrate, then serve the API (docs at /schema)."""
    import uvicorn

    _run(_migrate())
    if with_demo:
        from tracker.demo import load_demo

        _run(load_demo())
    click.echo(f"Serving on http://{host}:{port}  (API docs: http://{host}:{port}/schema)")
    os.environ.setdefault("REPORT_WARM_WORKERS", "1")
    uvicorn.run("tracker.asgi:app", host=host, port=port, log_level="info")


@main.group()
def charter() -> None:
    """Charters as Markdown documents."""


@charter.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", default=None, help="Language of a translation document.")
def charter_import(file: Path, lang: str | None) -> None:
    """Create, extend or translate a charter from FILE.md."""
    from exports.charter_documents import import_document
    from kernel.caller import SYSTEM

    _run(_migrate())
    result = _run(import_document(SYSTEM, file.read_text(encoding="utf-8"), lang=lang))
    click.echo(f"{result['slug']} ({result['lang']}): {result['created']} created, "
               f"{result['updated']} updated")


@charter.command("export")
@click.argument("slug")
@click.option("--lang", default=None, help="Language (default: the charter's own).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def charter_export(slug: str, lang: str | None, output: Path | None) -> None:
    """Write the charter SLUG as Markdown (to stdout, or to --output)."""
    from exports.charter_documents import export_document

    text = _run(export_document(slug, lang))
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("city", required=False)
@click.option("--charter", "charter_slug", default=None,
              help="Charter slug (default: the charter the file's rows name).")
@click.option("--lang", default="fr", show_default=True, help="fr, en, es or ar.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The PDF file (one city), or a folder (--all).")
@click.option("--all", "all_cities", is_flag=True, help="Every signatory city of the charter.")
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes for --all.")
@click.option("--variant", default=None, type=click.Choice(["pdf/a-3u", "pdf/ua-1"]))
def report(city: str | None, charter_slug: str, lang: str, output: Path, all_cities: bool, jobs: int,
           variant: str | None) -> None:
    """Render the progress report of CITY (or of every signatory city with --all)."""
    from exports.batch import run_batch, signatory_cities
    from exports.report_context import build_report_context
    from exports.report_render import shutdown_pool
    from exports.reports import render_cached

    if all_cities == bool(city):
        raise click.UsageError("Name one CITY, or use --all.")
    if city:
        context = _run(build_report_context(city, charter_slug, lang))
        try:
            report = _run(render_cached(context, variant))
        finally:
            shutdown_pool()
        output.write_bytes(report.pdf)
        click.echo(f"{output} ({report.report_id})")
        return
    cities = _run(signatory_cities(charter_slug))
    with click.progressbar(length=len(cities), label=f"{len(cities)} signatory cities",
                           file=sys.stderr, show_pos=True) as bar:
        result = _run(run_batch(charter_slug, lang, output, workers=jobs, cities=cities,
                                on_done=lambda _: bar.update(1)))
    click.echo(f"rendered {len(result.rendered)}, skipped {len(result.skipped)} (unchanged), "
               f"failed {len(result.failed)}")
    for failed_city, reason in sorted(result.failed.items()):
        click.echo(f"  failed {failed_city}: {reason}")
    if result.failed:
        sys.exit(1)


@main.group()
def user() -> None:
    """Accounts and API tokens."""


@user.command("add")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["secretariat", "city_editor", "reviewer"]))
@click.option("--city", default=None, help="City slug, for city editors.")
@click.option("--name", default="", help="Display name (an organisation, for reviewers).")
def user_add(email: str, role: str, city: str | None, name: str) -> None:
    """Add a user, or give an existing user another membership."""
    from accounts.services import add_user
    from kernel.caller import SYSTEM

    _run(_migrate())
    account = _run(add_user(SYSTEM, email, role, city, name))
    roles = ", ".join(f"{m.role}{'@' + m.city if m.city else ''}" for m in account.memberships)
    click.echo(f"{account.email}: {roles}")


@user.command("token")
@click.argument("email")
def user_token(email: str) -> None:
    """Issue a new API token and print it (only this once)."""
    from accounts.services import issue_token
    from kernel.caller import SYSTEM

    click.echo(_run(issue_token(SYSTEM, email)))


@user.command("revoke")
@click.argument("email")
def user_revoke(email: str) -> None:
    """Revoke every token of the user."""
    from accounts.services import revoke_tokens
    from kernel.caller import SYSTEM

    count = _run(revoke_tokens(SYSTEM, email))
    click.echo(f"{count} token(s) revoked")
