"""Charters as Markdown documents, in and out."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli import main, run, schema_first


@main.group()
def charter() -> None:
    """Charters as Markdown documents."""


@charter.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", default=None, help="Language of a translation document.")
@schema_first
def charter_import(file: Path, lang: str | None) -> None:
    """Create, extend or translate a charter from FILE.md."""
    from exports.charter_documents import import_document
    from kernel.caller import SYSTEM

    result = run(import_document(SYSTEM, file.read_text(encoding="utf-8"), lang=lang))
    click.echo(
        f"{result['slug']} ({result['lang']}): {result['created']} created, {result['updated']} updated"
    )


@charter.command("export")
@click.argument("slug")
@click.option("--lang", default=None, help="Language (default: the charter's own).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def charter_export(slug: str, lang: str | None, output: Path | None) -> None:
    """Write the charter SLUG as Markdown (to stdout, or to --output)."""
    from exports.charter_documents import export_document

    text = run(export_document(slug, lang))
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
