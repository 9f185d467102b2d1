"""Signing in: a wrong password and an unknown e-mail address look alike, and repeated failures
make the account (for everyone) or the network address wait."""

import asyncio

import pytest
from argon2 import PasswordHasher

from accounts import passwords
from accounts.services import failed_authentications
from accounts.sessions import WRONG_CREDENTIALS, caller_for_session, sign_in
from kernel.errors import InvalidInput, NotAuthenticated, TooManyRequests
from tests.accounts.people import PASSWORD, person


class CountingHasher(PasswordHasher):
    """The real hasher, counting the hashes it checks."""

    checked = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        CountingHasher.checked += 1
        return super().verify(hash, password)


async def _refused(email: str, password: str, address: str = "203.0.113.5") -> Exception:
    with pytest.raises((NotAuthenticated, TooManyRequests)) as refused:
        await sign_in(email, password, address)
    return refused.value


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer_after_the_same_work(
    monkeypatch,
) -> None:
    """A wrong password, an unknown e-mail address and an account without a password yet are
    refused with the same status and message, each after checking one argon2 hash."""
    from accounts.invitations import invite
    from kernel.caller import SYSTEM

    await person("ed@grenoble.fr")
    await invite(SYSTEM, "new@grenoble.fr", "secretariat")  # invited, no password yet
    monkeypatch.setattr(passwords, "_HASHER", CountingHasher())
    answers = []
    for email in ["ed@grenoble.fr", "nobody@grenoble.fr", "new@grenoble.fr"]:
        CountingHasher.checked = 0
        refused = await _refused(email, "not the right password")
        answers.append((type(refused), refused.status, refused.detail, refused.headers))
        assert CountingHasher.checked == 1
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][1] == 401 and answers[0][2] == WRONG_CREDENTIALS


async def test_five_failures_lock_the_account_for_everyone(monkeypatch) -> None:
    """After 5 wrong passwords within 15 minutes the account is locked for 15 minutes: another
    address is refused too, even with the right password, without any password being checked;
    after the 15 minutes the right password works."""
    await person()
    for minute in range(5):
        monkeypatch.setenv("CLOCK", f"2026-11-26T12:{minute:02}:00+00:00")
        refused = await _refused("ed@grenoble.fr", f"guess number {minute}", f"203.0.113.{minute}")
        assert isinstance(refused, NotAuthenticated)
    monkeypatch.setattr(passwords, "_HASHER", CountingHasher())
    CountingHasher.checked = 0
    monkeypatch.setenv("CLOCK", "2026-11-26T12:10:00+00:00")
    locked = await _refused("ed@grenoble.fr", PASSWORD, "198.51.100.20")
    assert isinstance(locked, TooManyRequests) and locked.status == 429
    assert locked.headers == {"Retry-After": str(9 * 60)}  # 15 minutes from the 5th failure, at 12:04
    assert "locked" in locked.detail and "15 minutes" in locked.detail
    assert CountingHasher.checked == 0
    monkeypatch.setenv("CLOCK", "2026-11-26T12:18:59+00:00")
    assert isinstance(await _refused("ed@grenoble.fr", PASSWORD, "198.51.100.20"), TooManyRequests)
    monkeypatch.setenv("CLOCK", "2026-11-26T12:19:00+00:00")
    session = await sign_in("ed@grenoble.fr", PASSWORD, "198.51.100.20")
    assert await caller_for_session(session) is not None


async def test_an_unknown_email_locks_like_an_account() -> None:
    """Failures naming an e-mail address without an account lock it the same way, so that the
    lock does not tell which accounts exist."""
    for i in range(5):
        assert isinstance(
            await _refused("nobody@grenoble.fr", f"guess {i}", f"203.0.113.{i}"), NotAuthenticated
        )
    locked = await _refused("nobody@grenoble.fr", "guess 6", "198.51.100.20")
    assert isinstance(locked, TooManyRequests) and locked.headers == {"Retry-After": "900"}


async def test_failures_spread_over_more_than_the_window_do_not_lock(monkeypatch) -> None:
    """Four failures now and one 16 minutes later leave the account open; a right password works."""
    await person()
    for i in range(4):
        await _refused("ed@grenoble.fr", f"guess {i}")
    monkeypatch.setenv("CLOCK", "2026-11-26T12:16:00+00:00")
    assert isinstance(await _refused("ed@grenoble.fr", "guess 5"), NotAuthenticated)
    assert await sign_in("ed@grenoble.fr", PASSWORD, "203.0.113.5")


async def test_a_right_password_does_not_count_as_a_failure() -> None:
    """Signing in often with the right password never locks the account."""
    await person()
    for _ in range(6):
        assert await sign_in("ed@grenoble.fr", PASSWORD, "203.0.113.5")


async def test_an_address_failing_too_often_waits_a_minute(monkeypatch) -> None:
    """An address whose sign-ins failed AUTH_FAILURES_PER_MINUTE times within a minute waits,
    whatever e-mail address it names; another address does not; a minute later it may try again."""
    monkeypatch.setenv("AUTH_FAILURES_PER_MINUTE", "3")
    await person()
    for i in range(3):
        monkeypatch.setenv("CLOCK", f"2026-11-26T12:00:{10 * i:02}+00:00")
        assert isinstance(await _refused(f"someone{i}@grenoble.fr", "guess"), NotAuthenticated)
    waiting = await _refused("ed@grenoble.fr", PASSWORD)
    assert isinstance(waiting, TooManyRequests) and waiting.headers == {"Retry-After": "40"}
    assert await failed_authentications("203.0.113.5") == 3  # the API's bad tokens count the same
    assert await sign_in("ed@grenoble.fr", PASSWORD, "198.51.100.20")
    monkeypatch.setenv("CLOCK", "2026-11-26T12:01:00+00:00")
    assert await sign_in("ed@grenoble.fr", PASSWORD, "203.0.113.5")


async def test_sign_in_limits_are_settings(monkeypatch) -> None:
    """SIGN_IN_FAILURES_PER_ACCOUNT and SIGN_IN_LOCK_MINUTES set how many failures lock, and how long."""
    monkeypatch.setenv("SIGN_IN_FAILURES_PER_ACCOUNT", "2")
    monkeypatch.setenv("SIGN_IN_LOCK_MINUTES", "1")
    await person()
    for i in range(2):
        await _refused("ed@grenoble.fr", f"guess {i}")
    locked = await _refused("ed@grenoble.fr", PASSWORD)
    assert isinstance(locked, TooManyRequests) and locked.headers == {"Retry-After": "60"}
    monkeypatch.setenv("CLOCK", "2026-11-26T12:01:00+00:00")
    assert await sign_in("ed@grenoble.fr", PASSWORD, "203.0.113.5")


async def test_a_malformed_email_is_refused_before_any_work() -> None:
    """An e-mail address that cannot be one is refused naming the field."""
    with pytest.raises(InvalidInput) as refused:
        await sign_in("not an address", PASSWORD, "203.0.113.5")
    assert refused.value.errors[0].field == "email"


async def test_wrong_passwords_sent_at_once_cannot_pass_the_lock_together() -> None:
    """Ten wrong passwords sent at once from ten addresses: five are checked and refused, the
    other five find the account locked."""
    await person()
    answers = await asyncio.gather(
        *(sign_in("ed@grenoble.fr", f"guess {i}", f"203.0.113.{i}") for i in range(10)),
        return_exceptions=True,
    )
    assert sorted(type(a).__name__ for a in answers) == ["NotAuthenticated"] * 5 + ["TooManyRequests"] * 5
