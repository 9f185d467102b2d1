"""Invitations: how a person gets their password. The secretariat invites them (giving them a
membership, as `add_user` does) and sends them a one-time link; opening it, they choose a password
and are signed in. An invitation also replaces a forgotten password.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from accounts import passwords
from accounts.services import caller_of_user, grant_membership, hash_token
from accounts.sessions import end_sessions, open_session
from accounts.tables import Invitation, User
from kernel import clock
from kernel.caller import Caller
from kernel.db import audit, write_transaction
from kernel.errors import Gone, NotFound

INVITATION_DAYS = 7
"""How long an invitation link works."""


async def invite(
    actor: Caller,
    email: str,
    role: str,
    city_slug: str | None = None,
    organisation: str | None = None,
    display_name: str = "",
    network: str | None = None,
) -> str:
    """Give a person a membership (creating their account if needed, as `add_user` does) and a
    one-time invitation to set their password, working `INVITATION_DAYS` days. Returns the
    invitation's secret, shown once (only its hash is stored); invitations sent to the same
    person before and not used yet stop working."""
    actor.require_secretariat("invite people")
    secret = secrets.token_urlsafe(32)
    now = clock.now()
    expires_at = now + timedelta(days=INVITATION_DAYS)
    async with write_transaction():
        user = await grant_membership(actor, email, role, city_slug, display_name, organisation, network)
        superseded = (
            await Invitation.update({Invitation.superseded_at: now})
            .where(
                (Invitation.user == user["id"])
                & Invitation.used_at.is_null()
                & Invitation.superseded_at.is_null()
            )
            .returning(Invitation.id)
        )
        row = (
            await Invitation.insert(
                Invitation(
                    user=user["id"], secret_hash=hash_token(secret), created_at=now, expires_at=expires_at
                )
            ).returning(Invitation.id)
        )[0]
        await audit(
            actor,
            "create",
            "invitation",
            user["email"],
            None,
            {
                "invitation": row["id"],
                "role": role,
                "city": city_slug,
                **({"network": network.upper()} if network else {}),
                "expires_at": expires_at,
                "supersedes": sorted(r["id"] for r in superseded),
            },
        )
    return secret


async def _usable_invitation(secret: str) -> dict[str, Any]:
    """The invitation with that secret, if it may still be used; otherwise an error saying why
    and what to do next."""
    row = (
        await Invitation.select(
            Invitation.id,
            Invitation.expires_at,
            Invitation.used_at,
            Invitation.superseded_at,
            Invitation.user.id.as_alias("user_id"),
            Invitation.user.email.as_alias("email"),
            Invitation.user.display_name.as_alias("display_name"),
            Invitation.user.organisation.as_alias("organisation"),
            Invitation.user.password_hash.as_alias("password_hash"),
        )
        .where(Invitation.secret_hash == hash_token(secret or ""))
        .first()
    )
    if row is None:
        raise NotFound(
            "This invitation link is unknown. Check that the whole link was copied from the message, "
            "or ask the secretariat for a new invitation."
        )
    if row["used_at"] is not None:
        raise Gone(
            "This invitation has already been used. Sign in with the password you chose; if you "
            "have forgotten it, ask the secretariat for a new invitation."
        )
    if row["superseded_at"] is not None:
        raise Gone(
            "This invitation was replaced by a newer one. Use the link of the latest invitation you "
            "received, or ask the secretariat for a new invitation."
        )
    if row["expires_at"] <= clock.now():
        raise Gone(
            f"This invitation expired on {row['expires_at']:%Y-%m-%d} (it works {INVITATION_DAYS} days). "
            "Ask the secretariat for a new invitation."
        )
    return row


async def accept_invitation(secret: str, password: str, address: str = "") -> str:
    """The person invited sets their password (12 to 1,024 characters, not their e-mail address)
    and is signed in: returns the secret of their new session. The invitation is used up; other
    sessions of the account end, since they were opened with an older password."""
    invitation = await _usable_invitation(secret)
    password = passwords.check_new_password(password, invitation["email"])
    hashed = await passwords.hash_password(password)
    now = clock.now()
    async with write_transaction():
        taken = (
            await Invitation.update({Invitation.used_at: now})
            .where(
                (Invitation.id == invitation["id"])
                & Invitation.used_at.is_null()
                & Invitation.superseded_at.is_null()
                & (Invitation.expires_at > now)
            )
            .returning(Invitation.id)
        )
        if not taken:  # used, replaced or expired since it was read: say which
            await _usable_invitation(secret)
            raise Gone("This invitation can no longer be used. Ask the secretariat for a new invitation.")
        person = await caller_of_user(invitation)
        await User.update({User.password_hash: hashed}).where(User.id == invitation["user_id"])
        ended = await end_sessions(invitation["user_id"])
        await audit(
            person,
            "accept",
            "invitation",
            invitation["email"],
            {"invitation": invitation["id"], "used": False},
            {"invitation": invitation["id"], "used": True},
        )
        await audit(
            person,
            "update",
            "user",
            invitation["email"],
            {"password": passwords.parameters(invitation["password_hash"]), "sessions": ended},
            {"password": passwords.parameters(hashed), "sessions": 0},
        )
        session = await open_session(person, invitation["email"], address, now)
    return session


async def invited_person(secret: str) -> Caller:
    """Who an invitation that may still be used is for (their e-mail address, roles, city or
    organisation), to show them before they choose a password; otherwise the error saying why
    it cannot be used (404 unknown, 410 used, replaced or expired)."""
    return await caller_of_user(await _usable_invitation(secret))
