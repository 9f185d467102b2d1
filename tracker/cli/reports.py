"""City progress reports as PDF files: one city, or every signatory city of a charter."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tracker.cli import main, run


@main.command()
@click.argument("city", required=False)
@click.option(
    "--charter",
    "charter_slug",
    default=None,
    help="Slug of the charter the report is about (default: the one charter CITY has "
    "signed; required with --all).",
)
@click.option("--lang", default="fr", show_default=True, help="fr, en, es or ar.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="The PDF file (one city), or a folder (--all).",
)
@click.option("--all", "all_cities", is_flag=True, help="Every signatory city of the charter.")
@click.option(
    "--jobs", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes for --all."
)
@click.option("--variant", default=None, type=click.Choice(["pdf/a-3u", "pdf/ua-1"]))
def report(
    city: str | None,
    charter_slug: str | None,
    lang: str,
    output: Path,
    all_cities: bool,
    jobs: int,
    variant: str | None,
) -> None:
    """Render the progress report of CITY (or of every signatory city with --all)."""
    if all_cities == bool(city):
        raise click.UsageError("Name one CITY, or use --all.")
    if city:
        _report_one(city, charter_slug or _only_charter_of(city), lang, output, variant)
    elif charter_slug is None:
        raise click.UsageError("--all reports the signatory cities of one charter: pass --charter SLUG.")
    else:
        _report_all(charter_slug, lang, output, jobs)


def _only_charter_of(city: str) -> str:
    """The charter the city holds a standing signature of, when it is the only one; else the
    command stops with the list of the city's charters."""
    slugs = run(_charters_signed_by(city))
    if len(slugs) == 1:
        return slugs[0]
    if not slugs:
        click.echo(f"error: {city!r} has signed no charter; pass --charter SLUG.", err=True)
    else:
        click.echo(
            f"error: {city!r} has signed {len(slugs)} charters; pass --charter SLUG, one of:", err=True
        )
        for slug in slugs:
            click.echo(f"  {slug}", err=True)
    sys.exit(2)


async def _charters_signed_by(city: str) -> list[str]:
    """Slugs of the charters the city holds a standing signature of, in slug order."""
    from charter.services import get_city_or_raise, signatories
    from charter.tables import Charter

    await get_city_or_raise(city)
    charters = await Charter.select(Charter.id, Charter.slug).order_by(Charter.slug)
    return [c["slug"] for c in charters if city in await signatories(c["id"])]


def _report_one(city: str, charter_slug: str, lang: str, output: Path, variant: str | None) -> None:
    """Write one city's report (from the report cache when its data did not change)."""
    from exports.render_process import renderer_alongside

    with renderer_alongside() as render:
        from exports.reports import report_pdf

        finished = run(report_pdf(city, charter_slug, lang, variant=variant, render=render))
    output.write_bytes(finished.pdf)
    click.echo(f"{output} ({finished.report_id})")


def _report_all(charter_slug: str, lang: str, output: Path, jobs: int) -> None:
    """Write the report of every signatory city into the folder `output`, skipping unchanged ones."""
    from exports.batch import run_batch, signatory_cities

    cities = run(signatory_cities(charter_slug))
    with click.progressbar(
        length=len(cities), label=f"{len(cities)} signatory cities", file=sys.stderr, show_pos=True
    ) as bar:
        result = run(
            run_batch(
                charter_slug, lang, output, workers=jobs, cities=cities, on_done=lambda _: bar.update(1)
            )
        )
    click.echo(
        f"rendered {len(result.rendered)}, skipped {len(result.skipped)} (unchanged), "
        f"failed {len(result.failed)}"
    )
    for failed_city, reason in sorted(result.failed.items()):
        click.echo(f"  failed {failed_city}: {reason}")
    if result.failed:
        sys.exit(1)
