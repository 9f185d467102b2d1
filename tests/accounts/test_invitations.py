"""Invitations: the secretariat invites a person, who chooses a password with the one-time link."""

import hashlib

import pytest

from accounts.invitations import accept_invitation, invite
from accounts.services import add_user, caller_for_token, get_user, issue_token
from accounts.sessions import caller_for_session
from accounts.tables import Invitation
from kernel.caller import SYSTEM, Caller
from kernel.errors import Forbidden, Gone, InvalidInput, NotFound
from tests import builders
from tests.accounts.people import PASSWORD


async def test_an_invitation_gives_the_membership_that_add_user_gives() -> None:
    """Inviting a city editor creates the account and its membership, as `add_user` does; only the
    SHA-256 of the link's secret is stored."""
    await builders.city("sousse", locale="fr-TN", country="TN")
    secret = await invite(SYSTEM, " Ed@Sousse.TN ", "city_editor", "sousse", display_name="Ed")
    account = await get_user("ed@sousse.tn")
    assert [(m.role, m.city) for m in account.memberships] == [("city_editor", "sousse")]
    assert account.display_name == "Ed"
    [row] = await Invitation.select(Invitation.secret_hash)
    assert row["secret_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert len(secret) >= 40


async def test_an_invitation_takes_the_rules_of_add_user() -> None:
    """An editor without a city, an unknown role or an unknown city are refused as `add_user`
    refuses them, and nothing is written."""
    with pytest.raises(InvalidInput):
        await invite(SYSTEM, "ed@grenoble.fr", "city_editor")
    with pytest.raises(InvalidInput):
        await invite(SYSTEM, "ed@grenoble.fr", "mayor")
    with pytest.raises(NotFound):
        await invite(SYSTEM, "ed@grenoble.fr", "city_editor", "atlantis")
    with pytest.raises(InvalidInput):
        await invite(SYSTEM, "ed@grenoble.fr", "secretariat", organisation="UNHCR")
    assert await Invitation.count() == 0


async def test_only_the_secretariat_invites() -> None:
    """A city editor cannot invite anyone."""
    await builders.city("grenoble")
    await add_user(SYSTEM, "ed@grenoble.fr", "city_editor", "grenoble")
    editor = await caller_for_token(await issue_token(SYSTEM, "ed@grenoble.fr"))
    assert isinstance(editor, Caller)
    with pytest.raises(Forbidden):
        await invite(editor, "friend@grenoble.fr", "secretariat")


async def test_accepting_signs_the_person_in_as_their_tokens_do() -> None:
    """Accepting sets the password and gives a session that stands for the same caller as the
    person's API token."""
    await builders.city("grenoble")
    secret = await invite(SYSTEM, "ed@grenoble.fr", "city_editor", "grenoble", display_name="Ed Martin")
    session = await accept_invitation(secret, PASSWORD, "192.0.2.1")
    by_session = await caller_for_session(session)
    by_token = await caller_for_token(await issue_token(SYSTEM, "ed@grenoble.fr"))
    assert by_session == by_token
    assert by_session is not None and by_session.name == "Ed Martin" and by_session.editable_city_ids
    [row] = await Invitation.select(Invitation.used_at)
    assert row["used_at"] is not None


async def test_a_used_invitation_says_what_to_do() -> None:
    """An invitation works once: the second time it is gone, and the answer says to sign in or
    ask the secretariat for a new invitation."""
    secret = await invite(SYSTEM, "ed@grenoble.fr", "secretariat")
    await accept_invitation(secret, PASSWORD, "192.0.2.1")
    with pytest.raises(Gone) as refused:
        await accept_invitation(secret, "another long password", "192.0.2.1")
    assert refused.value.status == 410
    assert "already been used" in refused.value.detail
    assert "ask the secretariat for a new invitation" in refused.value.detail


async def test_an_invitation_expires_after_seven_days(monkeypatch) -> None:
    """An invitation sent on 26 November works on 3 December and is gone on 4 December."""
    secret = await invite(SYSTEM, "ed@grenoble.fr", "secretariat")
    other = await invite(SYSTEM, "sec@uclg.example", "secretariat")
    monkeypatch.setenv("CLOCK", "2026-12-03T11:59:00+00:00")
    assert await accept_invitation(other, PASSWORD, "192.0.2.1")
    monkeypatch.setenv("CLOCK", "2026-12-03T12:00:01+00:00")
    with pytest.raises(Gone) as refused:
        await accept_invitation(secret, PASSWORD, "192.0.2.1")
    assert "expired on 2026-12-03" in refused.value.detail
    assert "Ask the secretariat for a new invitation" in refused.value.detail


async def test_an_unknown_invitation_says_what_to_do() -> None:
    """A link that names no invitation (mistyped, cut short, made up) is not found, and the answer
    says to check the link or ask the secretariat for a new invitation."""
    await invite(SYSTEM, "ed@grenoble.fr", "secretariat")
    for secret in ["made-up", "", "x" * 10_000, "' OR 1=1 --"]:
        with pytest.raises(NotFound) as refused:
            await accept_invitation(secret, PASSWORD, "192.0.2.1")
        assert "ask the secretariat for a new invitation" in refused.value.detail


async def test_a_new_invitation_replaces_the_unused_ones() -> None:
    """Inviting the same person again makes the earlier unused link stop working; the new one works."""
    first = await invite(SYSTEM, "ed@grenoble.fr", "secretariat")
    second = await invite(SYSTEM, "ED@grenoble.fr", "secretariat")
    with pytest.raises(Gone) as refused:
        await accept_invitation(first, PASSWORD, "192.0.2.1")
    assert "replaced by a newer one" in refused.value.detail
    assert "ask the secretariat for a new invitation" in refused.value.detail
    assert await accept_invitation(second, PASSWORD, "192.0.2.1")


async def test_a_new_invitation_replaces_a_forgotten_password_and_ends_the_sessions() -> None:
    """A person invited again chooses a new password; the sessions opened with the old one end."""
    old_session = await accept_invitation(
        await invite(SYSTEM, "ed@grenoble.fr", "secretariat"), PASSWORD, "192.0.2.1"
    )
    new_session = await accept_invitation(
        await invite(SYSTEM, "ed@grenoble.fr", "secretariat"), "a brand new long password", "192.0.2.9"
    )
    assert await caller_for_session(old_session) is None
    assert await caller_for_session(new_session) is not None
