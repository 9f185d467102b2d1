"""Tables of the accounts app: people, what they may do, how they prove who they are (passwords,
invitations, sessions, API tokens) and the failed attempts that make an address or account wait."""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from accounts.choices import Role
from charter.tables import City


class User(Table, tablename="tracker_user"):
    """A person with an account: secretariat staff, a city's editor, a civil-society reviewer."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    email = Varchar(length=320, unique=True)
    display_name = Varchar(length=255, default="")
    organisation = Varchar(
        length=255,
        null=True,
        default=None,
        help_text="The organisation a civil-society reviewer speaks for; challenges are published under it.",
    )
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    password_hash = Varchar(
        length=255,
        null=True,
        default=None,
        secret=True,
        help_text="The password as an argon2id hash (never the password); null until the person "
        "accepts an invitation, and for accounts that only use API tokens.",
    )


class Membership(Table, tablename="membership"):
    """A role a user holds; city editors hold it for one city, a secretariat for one network or
    for all."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    user = ForeignKey(references=User, null=False, index=True)
    role = Varchar(length=32, choices=Role)
    city = ForeignKey(references=City, null=True, default=None, index=True)
    network = Varchar(
        length=64,
        null=True,
        default=None,
        help_text="For the secretariat: the network it manages (MC2CM), alone; null for every network.",
    )


class ApiToken(Table, tablename="api_token"):
    """A bearer token, stored only as its SHA-256; revoked tokens are kept for the record."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    user = ForeignKey(references=User, null=False, index=True)
    token_hash = Varchar(length=64, unique=True)
    name = Varchar(
        length=255,
        default="",
        help_text="What its owner calls it; empty for tokens issued on the command line.",
    )
    created_at = Timestamptz(default=TimestamptzNow())
    revoked_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(
        null=True, default=None, help_text="When a request last came with it, to the minute."
    )
    expires_at = Timestamptz(
        null=True, default=None, help_text="After this instant the token no longer works."
    )


class AuthFailure(Table, tablename="auth_failure"):
    """A failed authentication, by the address it came from: a request that sent an unknown,
    revoked or expired token, or a sign-in with a wrong e-mail address or password. Too many in a
    minute and that address is made to wait (429), whatever it tries; too many sign-ins naming one
    e-mail address and that account is locked for everyone, wherever they ask from."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    address = Varchar(length=64, index=True, help_text="The client's network address.")
    at = Timestamptz(index=True, help_text="When the request came.")
    email = Varchar(
        length=320,
        null=True,
        default=None,
        index=True,
        help_text="The e-mail address a failed sign-in named (an account or not); null for a bad token.",
    )


class Invitation(Table, tablename="invitation"):
    """A one-time link the secretariat sends so that a person sets their password and signs in,
    stored only as the SHA-256 of its secret. It works once, for a few days; a newer invitation
    for the same person replaces the ones not used yet."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    user = ForeignKey(references=User, null=False, index=True)
    secret_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(help_text="After this instant the link no longer works.")
    used_at = Timestamptz(null=True, default=None, help_text="When the person set their password with it.")
    superseded_at = Timestamptz(
        null=True, default=None, help_text="When a newer invitation for the same person replaced it."
    )


class UserSession(Table, tablename="user_session"):
    """A person signed in through the web pages, stored only as the SHA-256 of the secret their
    browser holds. It ends when they sign out, after a while without use, or some days after it
    began, whichever comes first."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    user = ForeignKey(references=User, null=False, index=True)
    secret_hash = Varchar(length=64, unique=True)
    address = Varchar(length=64, default="", help_text="The network address the person signed in from.")
    created_at = Timestamptz(default=TimestamptzNow(), help_text="When the person signed in.")
    last_seen_at = Timestamptz(
        default=TimestamptzNow(), help_text="When the session was last used (to the minute)."
    )
    ended_at = Timestamptz(null=True, default=None, help_text="When the person signed out.")
