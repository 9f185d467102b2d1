"""Sessions: signing in, staying signed in for a while, signing out (here, or everywhere)."""

import hashlib

import pytest

from accounts.sessions import (
    caller_for_session,
    sign_in,
    sign_out,
    sign_out_everywhere,
    sign_out_own_sessions,
)
from accounts.tables import UserSession
from kernel.caller import SYSTEM
from kernel.errors import Forbidden, NotAuthenticated
from tests.accounts.people import PASSWORD, person


async def test_each_sign_in_gives_a_new_secret() -> None:
    """Two sign-ins give two different secrets, both working; only their SHA-256 is stored."""
    await person()
    first = await sign_in("ed@grenoble.fr", PASSWORD, "192.0.2.1")
    second = await sign_in("Ed@Grenoble.fr ", PASSWORD, "192.0.2.1")
    assert first != second and len(first) >= 40
    assert (await caller_for_session(first)) == (await caller_for_session(second))
    hashes = {r["secret_hash"] for r in await UserSession.select(UserSession.secret_hash)}
    assert hashlib.sha256(first.encode()).hexdigest() in hashes
    assert first not in hashes and second not in hashes


async def test_an_unknown_secret_is_no_session() -> None:
    """A made-up, empty or missing secret stands for nobody."""
    await person()
    for secret in ["made-up", "", None, "x" * 10_000]:
        assert await caller_for_session(secret) is None


async def test_signing_out_ends_that_session_only() -> None:
    """Signing out ends the session it is called with; another one of the same person goes on."""
    await person()
    here = await sign_in("ed@grenoble.fr", PASSWORD, "192.0.2.1")
    there = await sign_in("ed@grenoble.fr", PASSWORD, "198.51.100.7")
    assert await sign_out(here) is True
    assert await caller_for_session(here) is None
    assert await caller_for_session(there) is not None
    assert await sign_out(here) is False
    assert await sign_out("made-up") is False


async def test_signing_out_everywhere_ends_every_session() -> None:
    """A person signing out everywhere ends all of their sessions, and no one else's."""
    sessions = [await person("ed@grenoble.fr")]
    sessions += [await sign_in("ed@grenoble.fr", PASSWORD, f"192.0.2.{i}") for i in range(3)]
    other = await person("sec@uclg.example")
    caller = await caller_for_session(sessions[0])
    assert caller is not None
    assert await sign_out_own_sessions(caller) == 4
    assert [await caller_for_session(s) for s in sessions] == [None] * 4
    assert await caller_for_session(other) is not None


async def test_only_the_secretariat_signs_someone_else_out() -> None:
    """A city editor cannot end another person's sessions; the secretariat (and the command line) can."""
    await person("boss@uclg.example")
    editor_session = await person("ed@grenoble.fr", role="reviewer")
    editor = await caller_for_session(editor_session)
    boss_id = (await UserSession.select(UserSession.user).first())["user"]
    assert editor is not None
    with pytest.raises(Forbidden):
        await sign_out_everywhere(editor, boss_id)
    assert await sign_out_everywhere(SYSTEM, editor.user_id) == 1
    assert await caller_for_session(editor_session) is None
    with pytest.raises(NotAuthenticated):
        await sign_out_own_sessions(SYSTEM)


async def test_a_session_ends_after_two_days_without_use(monkeypatch) -> None:
    """Used within every 48 hours a session goes on; left 49 hours it has ended."""
    session = await person()
    monkeypatch.setenv("CLOCK", "2026-11-28T11:00:00+00:00")  # 47 hours later
    assert await caller_for_session(session) is not None
    monkeypatch.setenv("CLOCK", "2026-11-30T10:00:00+00:00")  # 47 hours after it was last used
    assert await caller_for_session(session) is not None
    monkeypatch.setenv("CLOCK", "2026-12-02T11:00:00+00:00")  # 49 hours without use
    assert await caller_for_session(session) is None


async def test_a_session_ends_fourteen_days_after_the_sign_in(monkeypatch) -> None:
    """A session used every day still ends 14 days after the sign-in; signing in again works."""
    session = await person()
    for day in range(27, 31):
        monkeypatch.setenv("CLOCK", f"2026-11-{day}T12:00:00+00:00")
        assert await caller_for_session(session) is not None
    for day in range(1, 11):
        monkeypatch.setenv("CLOCK", f"2026-12-{day:02}T11:59:00+00:00")
        assert await caller_for_session(session) is not None
    monkeypatch.setenv("CLOCK", "2026-12-10T12:00:01+00:00")
    assert await caller_for_session(session) is None
    assert await caller_for_session(await sign_in("ed@grenoble.fr", PASSWORD, "192.0.2.1")) is not None


async def test_session_lengths_are_settings(monkeypatch) -> None:
    """SESSION_IDLE_HOURS and SESSION_MAX_DAYS change how long sessions last."""
    session = await person()
    monkeypatch.setenv("SESSION_IDLE_HOURS", "1")
    monkeypatch.setenv("CLOCK", "2026-11-26T12:59:00+00:00")
    assert await caller_for_session(session) is not None
    monkeypatch.setenv("CLOCK", "2026-11-26T14:00:00+00:00")
    assert await caller_for_session(session) is None
    monkeypatch.setenv("SESSION_IDLE_HOURS", "48")
    monkeypatch.setenv("SESSION_MAX_DAYS", "1")
    monkeypatch.setenv("CLOCK", "2026-11-27T12:00:01+00:00")
    assert await caller_for_session(session) is None
