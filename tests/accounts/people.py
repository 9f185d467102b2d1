"""People who sign in with a password, made through the real services (invitation, then choice
of a password), for the tests of accounts/."""

from __future__ import annotations

from accounts.invitations import accept_invitation, invite
from kernel.caller import SYSTEM

PASSWORD = "correct horse battery staple"


async def person(
    email: str = "ed@grenoble.fr",
    role: str = "secretariat",
    city_slug: str | None = None,
    password: str = PASSWORD,
    address: str = "192.0.2.1",
) -> str:
    """A person invited and signed in with their chosen password: the secret of that session."""
    secret = await invite(SYSTEM, email, role, city_slug)
    return await accept_invitation(secret, password, address)
