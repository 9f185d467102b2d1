"""Passwords: what a new one must be, and how it is kept (an argon2id hash, never the password).

Hashing costs about a tenth of a second of one core on purpose; it runs in a thread so that the
event loop goes on serving other requests meanwhile.
"""

from __future__ import annotations

import asyncio
import functools
import secrets
import unicodedata

from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError

from kernel.errors import FieldError, InvalidInput

MIN_LENGTH = 12
"""The shortest password accepted: length is what makes a password hard to guess."""
MAX_LENGTH = 1024
"""The longest password accepted: long enough for any passphrase or password manager."""

# argon2-cffi's default is RFC 9106's second recommendation (argon2id, 3 passes, 64 MiB, 4 lanes).
# Changing it here makes every stored hash be redone at its owner's next sign-in.
_HASHER = PasswordHasher()


def normalised(password: str) -> str:
    """The password as it is hashed: the same characters typed on different keyboards (composed
    or decomposed accents, full-width digits) give the same password."""
    return unicodedata.normalize("NFKC", password)


def check_new_password(password: str, email: str) -> str:
    """The password a person chose, normalised, if it may be used: 12 to 1,024 characters, and
    not their e-mail address."""
    password = normalised(password)
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            "The password is too short.",
            [
                FieldError(
                    "password", f"Expected at least {MIN_LENGTH} characters; a few words make a good one."
                )
            ],
        )
    if len(password) > MAX_LENGTH:
        raise InvalidInput(
            "The password is too long.",
            [FieldError("password", f"Expected at most {MAX_LENGTH} characters.")],
        )
    if password.strip().casefold() == email.strip().casefold():
        raise InvalidInput(
            "The password is the e-mail address.",
            [FieldError("password", "Expected something other than your e-mail address.")],
        )
    return password


async def hash_password(password: str) -> str:
    """The argon2id hash to store for a password (checked by `check_new_password`)."""
    return await asyncio.to_thread(_HASHER.hash, password)


@functools.cache
def _dummy_hash() -> str:
    return _HASHER.hash(secrets.token_urlsafe(16))


def _verify(stored: str | None, password: str) -> bool:
    # Without a stored hash (no such account, or no password yet) a throwaway one is checked, so
    # that the answer takes as long as for a real account and does not tell which ones exist.
    try:
        return _HASHER.verify(stored or _dummy_hash(), normalised(password)) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(stored: str | None, password: str) -> bool:
    """True when the password matches the stored hash; False otherwise, and always when there is
    no stored hash, after the same amount of work."""
    return await asyncio.to_thread(_verify, stored, password)


def needs_rehash(stored: str) -> bool:
    """True when the hash was made with other parameters than the ones in force."""
    try:
        return _HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return True


def parameters(stored: str | None) -> str | None:
    """The parameters a hash was made with (`argon2id m=65536,t=3,p=4`), which the audit log may
    show: they say how strong the hash is, nothing about the password."""
    if not stored:
        return None
    try:
        found = extract_parameters(stored)
    except InvalidHashError:
        return "unknown"
    return f"argon2{found.type.name.lower()} m={found.memory_cost},t={found.time_cost},p={found.parallelism}"
