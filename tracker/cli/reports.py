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
    "--jobs",
    default=1,
    show_default=True,
    type=click.IntRange(0, 64),
    help="Worker processes for --all, started here. On PostgreSQL the cities go through the report "
    "queue, which workers on other machines (`report-worker`) take from as well; 0 leaves it to them.",
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
    """Write the report of every signatory city into the folder `output`, skipping unchanged ones:
    through the report queue on PostgreSQL, else in `jobs` processes here."""
    from exports.batch import run_batch, signatory_cities
    from kernel.settings import get_settings

    queued = get_settings().is_postgres
    if not queued and jobs == 0:
        raise click.UsageError("On SQLite the reports are rendered here: --jobs 1 or more.")
    cities = run(signatory_cities(charter_slug))
    if queued:
        from exports.report_queue import run_queued_batch

        if jobs == 0:
            click.echo("Waiting for report workers: run `charter-tracker report-worker`.", err=True)

        def queued_as(batch: str) -> None:
            click.echo(f"batch {batch}: GET /api/v1/report-batches/{batch} tells how far it is", err=True)

    with click.progressbar(
        length=len(cities), label=f"{len(cities)} signatory cities", file=sys.stderr, show_pos=True
    ) as bar:
        if queued:
            _, result = run(
                run_queued_batch(
                    charter_slug,
                    lang,
                    output,
                    local_workers=jobs,
                    cities=cities,
                    on_progress=lambda seen: bar.update(seen.finished - bar.pos),
                    on_queued=queued_as,
                )
            )
        else:
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


@main.command("report-worker")
@click.option("--concurrency", default=1, show_default=True, type=click.IntRange(1, 16), help="Jobs at once.")
@click.option(
    "--heartbeat",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0.1, 300),
    help="Seconds between heartbeats.",
)
@click.option(
    "--stalled-after",
    default=30.0,
    show_default=True,
    type=click.FloatRange(0.5, 3600),
    help="A job whose worker sent no heartbeat for this many seconds is put back in the queue.",
)
@click.option("--until-idle", is_flag=True, help="Stop when the queue has no job left.")
def report_worker(concurrency: int, heartbeat: float, stalled_after: float, until_idle: bool) -> None:
    """Render reports from the queue (PostgreSQL), on this machine, until stopped (Ctrl-C)."""
    from exports.report_queue import run_worker

    run(
        run_worker(
            concurrency=concurrency,
            heartbeat_s=heartbeat,
            stalled_after_s=stalled_after,
            until_idle=until_idle,
        )
    )
