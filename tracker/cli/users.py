"""Accounts, invitations and API tokens."""

from __future__ import annotations

import click

from kernel.caller import Role
from tracker.cli import main, run, schema_first


@main.group()
def user() -> None:
    """Accounts, invitations and API tokens."""


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
@click.option(
    "--network",
    default=None,
    help="For the secretariat: the one network it manages (MC2CM); without it, every network.",
)
@schema_first
def user_add(
    email: str, role: str, city: str | None, name: str, organisation: str | None, network: str | None
) -> None:
    """Add a user, or give an existing user another membership."""
    from accounts.services import add_user
    from kernel.caller import SYSTEM

    account = run(add_user(SYSTEM, email, role, city, name, organisation, network))
    roles = ", ".join(
        f"{m.role}{'@' + m.city if m.city else ''}{'@' + m.network if m.network else ''}"
        for m in account.memberships
    )
    speaks_for = f" ({account.organisation})" if account.organisation else ""
    click.echo(f"{account.email}{speaks_for}: {roles}")


@user.command("invite")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.option("--city", default=None, help="City slug, for city editors.")
@click.option(
    "--organisation",
    default=None,
    help="For reviewers: the organisation they speak for; their challenges are published under it.",
)
@click.option("--name", default="", help="Display name, as the public sees it.")
@click.option(
    "--network",
    default=None,
    help="For the secretariat: the one network it manages (MC2CM); without it, every network.",
)
@schema_first
def user_invite(
    email: str, role: str, city: str | None, organisation: str | None, name: str, network: str | None
) -> None:
    """Give a person a membership, as `user add` does, and print a one-time link with which
    they choose their password and sign in. Send it to them: it works once, for 7 days, and a
    new invitation for the same person replaces it."""
    from accounts.invitations import INVITATION_DAYS, invite
    from kernel.caller import SYSTEM
    from kernel.settings import get_settings

    secret = run(invite(SYSTEM, email, role, city, organisation, name, network))
    click.echo(f"{get_settings().public_url}/invitations/{secret}")
    click.echo(
        f"Send this link to {email.strip().lower()}: it is valid {INVITATION_DAYS} days and works once.",
        err=True,
    )


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
