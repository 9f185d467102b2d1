"""Personal API tokens: a signed-in person makes, lists and revokes their own, never another's."""

import pytest

from accounts.choices import TokenState
from accounts.services import (
    add_user,
    caller_for_token,
    create_own_token,
    issue_token,
    list_own_tokens,
    revoke_own_token,
)
from accounts.sessions import caller_for_session
from kernel.caller import ANONYMOUS, SYSTEM, Caller
from kernel.errors import InvalidInput, NotAuthenticated, NotFound
from kernel.tables import AuditEntry
from tests.accounts.people import person


async def _signed_in(email: str) -> Caller:
    caller = await caller_for_session(await person(email))
    assert caller is not None
    return caller


async def test_a_person_makes_lists_and_revokes_their_own_tokens(monkeypatch) -> None:
    """A token made with a name and 30 days works as the person, is listed live (never shown
    again), stops when revoked and is then listed revoked."""
    me = await _signed_in("ed@grenoble.fr")
    token = await create_own_token(me, "  Nightly upload script ", 30)
    assert token.startswith("ct_") and await caller_for_token(token) == me
    [listed] = await list_own_tokens(me)
    assert listed.name == "Nightly upload script" and listed.state == TokenState.live
    assert listed.expires_at is not None and listed.expires_at.isoformat().startswith("2026-12-26")
    assert token not in str(listed)
    revoked = await revoke_own_token(me, listed.id)
    assert revoked.state == TokenState.revoked and revoked.revoked_at is not None
    assert await caller_for_token(token) is None
    assert [t.state for t in await list_own_tokens(me)] == [TokenState.revoked]
    assert (await revoke_own_token(me, listed.id)).revoked_at == revoked.revoked_at  # already done
    monkeypatch.setenv("CLOCK", "2027-01-01T00:00:00+00:00")
    forever = await create_own_token(me, "CI")
    assert await caller_for_token(forever) == me


async def test_an_expired_token_is_listed_as_expired(monkeypatch) -> None:
    """A one-day token is listed `expired` two days later, and no longer works."""
    me = await _signed_in("ed@grenoble.fr")
    token = await create_own_token(me, "Try-out", 1)
    monkeypatch.setenv("CLOCK", "2026-11-28T12:00:00+00:00")
    assert [t.state for t in await list_own_tokens(me)] == [TokenState.expired]
    assert await caller_for_token(token) is None


async def test_another_persons_token_is_not_found() -> None:
    """Revoking another person's token id is 404, like an id that does not exist; their token
    goes on working, and it is not in my list."""
    me = await _signed_in("ed@grenoble.fr")
    them = await _signed_in("sec@uclg.example")
    theirs = await create_own_token(them, "Their script")
    [their_token] = await list_own_tokens(them)
    with pytest.raises(NotFound) as refused:
        await revoke_own_token(me, their_token.id)
    with pytest.raises(NotFound) as unknown:
        await revoke_own_token(me, 2_147_483_647)
    assert refused.value.status == 404
    assert refused.value.detail.replace(str(their_token.id), "N") == unknown.value.detail.replace(
        "2147483647", "N"
    )
    assert await caller_for_token(theirs) == them
    assert await list_own_tokens(me) == []


async def test_tokens_issued_on_the_command_line_keep_working_and_are_listed() -> None:
    """A token from `user token` works beside personal ones, and its owner sees it (unnamed)."""
    await add_user(SYSTEM, "ed@grenoble.fr", "secretariat")
    old = await issue_token(SYSTEM, "ed@grenoble.fr")
    me = await _signed_in("ed@grenoble.fr")
    await create_own_token(me, "Laptop")
    assert await caller_for_token(old) == me
    assert [t.name for t in await list_own_tokens(me)] == ["Laptop", ""]


async def test_a_token_needs_a_name_and_a_sane_life() -> None:
    """No name, a 256-character name, 0 days or more than 10 years are refused, naming the field."""
    me = await _signed_in("ed@grenoble.fr")
    for name, days, field in [("", None, "name"), (" \u202e ", None, "name"), ("x" * 256, None, "name")]:
        with pytest.raises(InvalidInput) as refused:
            await create_own_token(me, name, days)
        assert refused.value.errors[0].field == field
    for days in [0, -1, 3651]:
        with pytest.raises(InvalidInput) as refused:
            await create_own_token(me, "Script", days)
        assert refused.value.errors[0].field == "valid_days"
    assert await list_own_tokens(me) == []


async def test_only_a_person_has_own_tokens() -> None:
    """The public and the command line (the system) have no tokens of their own."""
    for caller in [ANONYMOUS, SYSTEM]:
        with pytest.raises(NotAuthenticated):
            await list_own_tokens(caller)
        with pytest.raises(NotAuthenticated):
            await create_own_token(caller, "Script")
        with pytest.raises(NotAuthenticated):
            await revoke_own_token(caller, 1)


async def test_token_writes_are_audited_without_the_token() -> None:
    """Making and revoking a token leaves audit rows naming the token's id and name, never the token."""
    me = await _signed_in("ed@grenoble.fr")
    token = await create_own_token(me, "Script")
    [listed] = await list_own_tokens(me)
    await revoke_own_token(me, listed.id)
    rows = await AuditEntry.select().where(AuditEntry.entity == "api_token").output(load_json=True)
    assert [r["action"] for r in rows] == ["create", "revoke"]
    assert rows[0]["after"]["token"] == listed.id and rows[0]["actor_label"] == "ed@grenoble.fr"
    assert token not in str(rows) and token[3:15] not in str(rows)
