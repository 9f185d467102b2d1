"""Passwords: what a new one must be, and how it is kept and kept up to date."""

import pytest
from argon2 import PasswordHasher

from accounts import passwords
from accounts.invitations import accept_invitation, invite
from accounts.services import get_user
from accounts.sessions import caller_for_session, sign_in
from accounts.tables import User
from kernel.caller import SYSTEM
from kernel.errors import InvalidInput, NotAuthenticated
from kernel.tables import AuditEntry
from tests.accounts.people import PASSWORD, person


async def test_an_eleven_character_password_is_refused() -> None:
    """A password of 11 characters is refused, naming the field and the minimum of 12; the
    invitation still works for a longer one."""
    secret = await invite(SYSTEM, "ed@grenoble.fr", "secretariat")
    with pytest.raises(InvalidInput) as refused:
        await accept_invitation(secret, "a" * 11, "192.0.2.1")
    assert refused.value.status == 422
    [error] = refused.value.errors
    assert error.field == "password" and "12" in error.message
    assert await User.select(User.password_hash).first() == {"password_hash": None}
    assert await accept_invitation(secret, "a" * 12, "192.0.2.1")


async def test_a_password_longer_than_1024_characters_is_refused() -> None:
    """1,024 characters are accepted; 1,025 are refused, at invitation and at sign-in alike."""
    secret = await invite(SYSTEM, "ed@grenoble.fr", "secretariat")
    with pytest.raises(InvalidInput) as refused:
        await accept_invitation(secret, "x" * 1025, "192.0.2.1")
    assert refused.value.errors[0].field == "password" and "1024" in refused.value.errors[0].message
    await accept_invitation(secret, "x" * 1024, "192.0.2.1")
    assert await sign_in("ed@grenoble.fr", "x" * 1024, "192.0.2.1")
    with pytest.raises(InvalidInput):
        await sign_in("ed@grenoble.fr", "x" * 100_000, "192.0.2.1")


async def test_the_email_address_is_not_a_password() -> None:
    """A password equal to the person's e-mail address (in any case) is refused."""
    secret = await invite(SYSTEM, "ed.long-name@grenoble.fr", "secretariat")
    with pytest.raises(InvalidInput) as refused:
        await accept_invitation(secret, "Ed.Long-Name@Grenoble.FR", "192.0.2.1")
    assert refused.value.errors[0].field == "password"
    assert "e-mail" in refused.value.errors[0].message


async def test_only_an_argon2id_hash_is_stored() -> None:
    """The stored password is an argon2id hash, not the password; the account shows no trace of it."""
    await person(password=PASSWORD)
    stored = (await User.select(User.password_hash).first())["password_hash"]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert "password" not in str(await get_user("ed@grenoble.fr"))


async def test_a_password_typed_on_another_keyboard_is_the_same_password() -> None:
    """An accent typed as one character or as a letter and a combining mark is the same password."""
    await person(password="mot de passe à rallonge")
    assert await sign_in("ed@grenoble.fr", "mot de passe a\u0300 rallonge", "192.0.2.1")


async def test_a_hash_made_with_older_parameters_is_redone_at_sign_in() -> None:
    """A hash made with weaker parameters is replaced by one with the current parameters when its
    owner signs in; the audit row names the parameters, never the hash."""
    await person()
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    await User.update({User.password_hash: weak}).where(User.email == "ed@grenoble.fr")
    session = await sign_in("ed@grenoble.fr", PASSWORD, "192.0.2.1")
    assert await caller_for_session(session)
    stored = (await User.select(User.password_hash).first())["password_hash"]
    assert stored != weak and not passwords.needs_rehash(stored)
    row = await AuditEntry.select().where(AuditEntry.action == "rehash").output(load_json=True).first()
    assert row["before"] == {"password": "argon2id m=8192,t=1,p=1"}
    assert row["after"] == {"password": "argon2id m=65536,t=3,p=4"}
    assert weak not in str(row) and stored not in str(row)
    # The new hash is used from now on, and no second rehash happens.
    await sign_in("ed@grenoble.fr", PASSWORD, "192.0.2.1")
    assert await AuditEntry.count().where(AuditEntry.action == "rehash") == 1
    with pytest.raises(NotAuthenticated):
        await sign_in("ed@grenoble.fr", "not the password at all", "192.0.2.1")
