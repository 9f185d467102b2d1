"""Serving the web pages and the API, and the list of the API's routes."""

from __future__ import annotations

import os

import click

from tracker.cli import main, run, schema_first


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--demo", "with_demo", is_flag=True, help="Load the demo data first.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes serving requests, all on the same port (on PostgreSQL, one per core).",
)
@schema_first
def serve(host: str, port: int, with_demo: bool, workers: int) -> None:
    """Migrate, then serve the web pages (at /) and the API (at /api/v1, docs at /schema)."""
    import uvicorn

    address = f"http://{host}:{port}"
    if with_demo:
        from tracker.demo import invite_demo_people, load_demo

        run(load_demo())
        click.echo("Demo people: open a link to choose a password and sign in (each works once, for 7 days).")
        for email, role, secret in run(invite_demo_people()):
            click.echo(f"  {role:<12} {email:<26} {address}/invitations/{secret}")
    click.echo(f"Serving the pages on {address}/  (API: {address}/api/v1, its docs: {address}/schema)")
    os.environ.setdefault("REPORT_WARM_WORKERS", "1")
    # Each process serving requests renders reports in workers of its own: together about one
    # per core. Sessions, sign-in limits, the CSRF key and the report cache are shared through
    # the database and the files, whichever process answers.
    os.environ.setdefault("REPORT_WORKERS", str(max(1, (os.cpu_count() or 2) // workers)))
    uvicorn.run("tracker.asgi:app", host=host, port=port, log_level="info", workers=workers)


@main.command()
def routes() -> None:
    """List every route of the API: method, path, and what it does."""
    from tracker.app import create_app
    from tracker.routes import route_table

    rows = route_table(create_app())
    width = max(len(path) for _, path, _ in rows)
    for method, path, summary in rows:
        click.echo(f"{method:<6} {path:<{width}}  {summary}")
