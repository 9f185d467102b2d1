"""The `charter-tracker` command line: migrate, serve, load the demo, charters, users, reports.

This module holds the group and what every command shares: running a service call, and bringing
the schema up to date first (`schema_first`). The commands live by topic in the modules below.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import io
import sys
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

import click

from kernel.errors import DomainError

P = ParamSpec("P")
R = TypeVar("R")


def run(coro: Coroutine[Any, Any, R]) -> R:
    """Run a service call; a domain refusal prints its problem and exits 2."""
    try:
        return asyncio.run(coro)
    except DomainError as exc:
        click.echo(f"error: {exc.detail}", err=True)
        for item in exc.errors:
            click.echo(f"  {item.field}: {item.message}", err=True)
        sys.exit(2)


async def migrate_schema(quiet: bool = True) -> None:
    """Apply the migrations not applied yet; `quiet` keeps Piccolo's report unless one fails."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    out = io.StringIO()
    with contextlib.redirect_stdout(out) if quiet else contextlib.nullcontext():
        result = await run_forwards("all")
    if not result.success:
        raise click.ClickException(f"Migration failed: {result.message}\n{out.getvalue()}")


def schema_first(command: Callable[P, R]) -> Callable[P, R]:
    """A command that reads or writes the database brings its schema up to date first."""

    @functools.wraps(command)
    def migrated(*args: P.args, **kwargs: P.kwargs) -> R:
        run(migrate_schema())
        return command(*args, **kwargs)

    return migrated


@click.group()
def main() -> None:
    """The charter tracker: cities turn human-rights charters into commitments they can prove.

    DATABASE_URL picks the database: sqlite:///path (default: charter-tracker.db here) or
    postgresql://user@host/db.
    """


# The commands register themselves on `main` when their modules are imported.
from tracker.cli import charters, data, reports, serve, users  # noqa: E402, F401
