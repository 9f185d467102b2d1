"""Signing in with a password, and the sessions that follow: stored in the database (any worker
of the service, on SQLite or PostgreSQL, knows every session), each known to the browser by a
secret of which only the SHA-256 is kept.

Failed sign-ins are counted in the database too, beside bad API tokens: by network address, and
by the e-mail address they name, which locks that account for everyone for a while.
"""

from __future__ import annotations

import math
import secrets
import zlib
from datetime import datetime, timedelta

from piccolo.columns.combination import And

from accounts import passwords
from accounts.services import (
    AUTH_FAILURES_WINDOW,
    caller_of_user,
    caller_of_user_id,
    failures_kept_since,
    hash_token,
    normalise_email,
    own_user_id,
)
from accounts.tables import AuthFailure, User, UserSession
from kernel import clock
from kernel.caller import Caller
from kernel.db import Turns, audit, take_turns, write_transaction
from kernel.errors import FieldError, InvalidInput, NotAuthenticated, NotFound, TooManyRequests
from kernel.settings import get_settings

SESSION_TOUCH = timedelta(minutes=1)
"""How stale a session's `last_seen_at` may get before a request moves it on: to the minute is
enough for the idle expiry, and spares a write on every request."""
WRONG_CREDENTIALS = (
    "The e-mail address or the password is not right. Check both and try again; if you have "
    "forgotten your password, ask the secretariat for a new invitation."
)


# Counting failed sign-ins


def _turn_key(text: str) -> int:
    """A PostgreSQL advisory lock key (a 32-bit integer) for a text; two texts sharing a key
    only take turns needlessly."""
    return zlib.crc32(text.encode()) - 2**31


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


async def _address_wait(address: str, now: datetime) -> int | None:
    """Seconds until the address may try again, when it failed too often in the last minute."""
    limit = get_settings().auth_failures_per_minute
    recent = (
        await AuthFailure.select(AuthFailure.at)
        .where((AuthFailure.address == address) & (AuthFailure.at > now - AUTH_FAILURES_WINDOW))
        .order_by(AuthFailure.at, ascending=False)
        .limit(limit)
    )
    if len(recent) < limit:
        return None
    return _seconds_until(recent[-1]["at"] + AUTH_FAILURES_WINDOW, now)


async def _account_wait(email: str, now: datetime) -> int | None:
    """Seconds until sign-ins naming this e-mail address are looked at again, when it is locked:
    `SIGN_IN_FAILURES_PER_ACCOUNT` failures within `SIGN_IN_LOCK_MINUTES` lock it for that long
    from the last of them. An e-mail address without an account locks the same way, so that
    locking does not tell which accounts exist."""
    settings = get_settings()
    limit, lock = settings.sign_in_failures_per_account, timedelta(minutes=settings.sign_in_lock_minutes)
    times = [
        r["at"]
        for r in await AuthFailure.select(AuthFailure.at)
        .where((AuthFailure.email == email) & (AuthFailure.at > now - 2 * lock))
        .order_by(AuthFailure.at)
    ]
    locked_until = None
    for last in range(limit - 1, len(times)):
        if times[last] - times[last - limit + 1] <= lock:
            locked_until = times[last] + lock
    if locked_until is None or locked_until <= now:
        return None
    return _seconds_until(locked_until, now)


async def _start_attempt(email: str, address: str, now: datetime) -> int:
    """Count a sign-in as failed before its password is checked, unless the address or the
    account must wait (429); a right password takes the failure back. Counting first means that
    sign-ins sent at once cannot pass the limits together."""
    async with write_transaction():
        # The account first, then the address, in every sign-in: two never wait on each other.
        await take_turns(Turns.sign_in_account, [_turn_key(email)])
        await take_turns(Turns.sign_in_address, [_turn_key(address)])
        wait = await _account_wait(email, now)
        if wait is not None:
            minutes = get_settings().sign_in_lock_minutes
            raise TooManyRequests(
                f"Too many failed sign-ins for this account: it is locked for {minutes} minutes, "
                f"wherever the sign-in comes from. Try again in {math.ceil(wait / 60)} minute(s); "
                "if you have forgotten your password, ask the secretariat for a new invitation.",
                wait,
            )
        wait = await _address_wait(address, now)
        if wait is not None:
            raise TooManyRequests(
                "Too many failed sign-ins from your network address within a minute. "
                f"Try again in {wait} seconds.",
                wait,
            )
        await AuthFailure.delete().where(AuthFailure.at < failures_kept_since(now))
        row = (
            await AuthFailure.insert(AuthFailure(address=address, email=email, at=now)).returning(
                AuthFailure.id
            )
        )[0]
    return row["id"]


# Signing in and out


def _going_on(now: datetime) -> And:
    """The sessions still going on: not signed out, used within `SESSION_IDLE_HOURS` and begun
    within `SESSION_MAX_DAYS`."""
    settings = get_settings()
    return (
        UserSession.ended_at.is_null()
        & (UserSession.created_at > now - timedelta(days=settings.session_max_days))
        & (UserSession.last_seen_at > now - timedelta(hours=settings.session_idle_hours))
    )


async def open_session(person: Caller, email: str, address: str, now: datetime) -> str:
    """A new session for the person, inside the caller's write transaction: a new random secret
    every time (a secret known before the sign-in is never promoted to a session)."""
    secret = secrets.token_urlsafe(32)
    row = (
        await UserSession.insert(
            UserSession(
                user=person.user_id,
                secret_hash=hash_token(secret),
                address=address[:64],
                created_at=now,
                last_seen_at=now,
            )
        ).returning(UserSession.id)
    )[0]
    await audit(person, "sign_in", "session", email, None, {"session": row["id"], "address": address[:64]})
    return secret


async def sign_in(email: str, password: str, address: str) -> str:
    """Check a person's e-mail address and password and open a session: returns its secret.

    A wrong password and an unknown e-mail address get the same answer after the same work. An
    address that failed `AUTH_FAILURES_PER_MINUTE` times within a minute waits; an account whose
    sign-ins failed `SIGN_IN_FAILURES_PER_ACCOUNT` times within `SIGN_IN_LOCK_MINUTES` is locked
    that long for everyone, even with the right password (429 with the seconds to wait). A hash
    made with older parameters is redone with the current ones."""
    email = normalise_email(email)
    if len(password) > passwords.MAX_LENGTH:
        raise InvalidInput(
            "The password is too long.",
            [FieldError("password", f"Expected at most {passwords.MAX_LENGTH} characters.")],
        )
    address = address[:64]
    now = clock.now()
    attempt = await _start_attempt(email, address, now)
    user = (
        await User.select(
            User.id.as_alias("user_id"),
            User.email,
            User.display_name,
            User.organisation,
            User.active,
            User.password_hash,
        )
        .where(User.email == email)
        .first()
    )
    stored = user["password_hash"] if user else None
    if not await passwords.verify_password(stored, password) or user is None or stored is None:
        raise NotAuthenticated(WRONG_CREDENTIALS)
    if not user["active"]:
        await AuthFailure.delete().where(AuthFailure.id == attempt)  # the password was right
        raise NotAuthenticated("This account is switched off. Ask the secretariat if you need it again.")
    rehashed = (
        await passwords.hash_password(passwords.normalised(password))
        if passwords.needs_rehash(stored)
        else None
    )
    async with write_transaction():
        await AuthFailure.delete().where(AuthFailure.id == attempt)
        person = await caller_of_user(user)
        if rehashed:
            changed = (
                await User.update({User.password_hash: rehashed})
                .where((User.id == user["user_id"]) & (User.password_hash == stored))
                .returning(User.id)
            )
            if changed:
                await audit(
                    person,
                    "rehash",
                    "user",
                    email,
                    {"password": passwords.parameters(stored)},
                    {"password": passwords.parameters(rehashed)},
                )
        session = await open_session(person, email, address, now)
    return session


async def caller_for_session(secret: str | None) -> Caller | None:
    """The caller a session stands for (the same as their API tokens give); None when there is
    no such session, or it was signed out, has not been used for `SESSION_IDLE_HOURS`, began
    more than `SESSION_MAX_DAYS` ago, or its account is switched off. Using a session keeps it
    alive (to the minute)."""
    if not secret:
        return None
    now = clock.now()
    row = (
        await UserSession.select(
            UserSession.id,
            UserSession.last_seen_at,
            UserSession.user.id.as_alias("user_id"),
            UserSession.user.email.as_alias("email"),
            UserSession.user.display_name.as_alias("display_name"),
            UserSession.user.organisation.as_alias("organisation"),
            UserSession.user.active.as_alias("active"),
        )
        .where((UserSession.secret_hash == hash_token(secret)) & _going_on(now))
        .first()
    )
    if row is None or not row["active"]:
        return None
    if row["last_seen_at"] < now - SESSION_TOUCH:
        # Bookkeeping of a read, not a change anyone made: no audit row. The condition keeps
        # concurrent requests of one session from writing the same minute twice.
        await UserSession.update({UserSession.last_seen_at: now}).where(
            (UserSession.id == row["id"]) & (UserSession.last_seen_at < now - SESSION_TOUCH)
        )
    return await caller_of_user(row)


async def sign_out(secret: str) -> bool:
    """End the session with that secret; False when there is no such session going on."""
    if not secret:
        return False
    row = (
        await UserSession.select(UserSession.id, UserSession.user)
        .where((UserSession.secret_hash == hash_token(secret)) & UserSession.ended_at.is_null())
        .first()
    )
    if row is None:
        return False
    person = await caller_of_user_id(row["user"])
    async with write_transaction():
        ended = (
            await UserSession.update({UserSession.ended_at: clock.now()})
            .where((UserSession.id == row["id"]) & UserSession.ended_at.is_null())
            .returning(UserSession.id)
        )
        if ended:
            await audit(person, "sign_out", "session", person.label, {"session": row["id"]}, None)
    return bool(ended)


async def sign_out_everywhere(actor: Caller, user_id: int) -> int:
    """End every session of a person (the person themself, or the secretariat for them); returns
    how many were going on. Their API tokens keep working."""
    if actor.user_id != user_id:
        actor.require_secretariat("sign another person out")
    user = await User.select(User.id, User.email).where(User.id == user_id).first()
    if user is None:
        raise NotFound(f"No user {user_id}.")
    async with write_transaction():
        ended = await end_sessions(user_id)
        if ended:
            await audit(
                actor, "sign_out_everywhere", "session", user["email"], {"sessions": ended}, {"sessions": 0}
            )
    return ended


async def end_sessions(user_id: int) -> int:
    """End every session of the user still going on, inside the caller's write transaction
    (which writes the audit row); returns how many."""
    now = clock.now()
    ended = (
        await UserSession.update({UserSession.ended_at: now})
        .where((UserSession.user == user_id) & _going_on(now))
        .returning(UserSession.id)
    )
    return len(ended)


async def sign_out_own_sessions(caller: Caller) -> int:
    """The signed-in person ends every one of their sessions (this one included), for instance
    after using a shared computer; returns how many were going on."""
    return await sign_out_everywhere(caller, own_user_id(caller, "sign out everywhere"))
