"""Accounts and API tokens."""

from __future__ import annotations

import click

from kernel.caller import Role
from tracker.cli import main, run, schema_first


@main.group()
def user() -> None:
    """Accounts and API tokens."""


@user.command("add")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.option("--city", default=None, help="City slug, for city editors.")
@click.option("--name", default="", help="Display name, as the public sees it.")
@click.option(
    "--organisation",
    default=None,
    help="For reviewers: the organisation they speak for; their challenges are published under it.",
)
@schema_first
def user_add(email: str, role: str, city: str | None, name: str, organisation: str | None) -> None:
    """Add a user, or give an existing user another membership."""
    from accounts.services import add_user
    from kernel.caller import SYSTEM

    account = run(add_user(SYSTEM, email, role, city, name, organisation))
    roles = ", ".join(f"{m.role}{'@' + m.city if m.city else ''}" for m in account.memberships)
    speaks_for = f" ({account.organisation})" if account.organisation else ""
    click.echo(f"{account.email}{speaks_for}: {roles}")


@user.command("token")
@click.argument("email")
@click.option(
    "--expires", "days", type=int, default=None, help="Days the token works (default: until revoked)."
)
def user_token(email: str, days: int | None) -> None:
    """Issue a new API token and print it (only this once)."""
    from accounts.services import issue_token
    from kernel.caller import SYSTEM

    click.echo(run(issue_token(SYSTEM, email, days)))


@user.command("revoke")
@click.argument("email")
def user_revoke(email: str) -> None:
    """Revoke every token of the user."""
    from accounts.services import revoke_tokens
    from kernel.caller import SYSTEM

    count = run(revoke_tokens(SYSTEM, email))
    click.echo(f"{count} token(s) revoked")
