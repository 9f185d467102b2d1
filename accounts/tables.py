"""Tables of the accounts app: people, what they may do, and their API tokens."""

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


class Membership(Table, tablename="membership"):
    """A role a user holds; city editors hold it for one city."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    user = ForeignKey(references=User, null=False, index=True)
    role = Varchar(length=32, choices=Role)
    city = ForeignKey(references=City, null=True, default=None, index=True)


class ApiToken(Table, tablename="api_token"):
    """A bearer token, stored only as its SHA-256; revoked tokens are kept for the record."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    user = ForeignKey(references=User, null=False, index=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    revoked_at = Timestamptz(null=True, default=None)
    expires_at = Timestamptz(
        null=True, default=None, help_text="After this instant the token no longer works."
    )


class AuthFailure(Table, tablename="auth_failure"):
    """A request that sent an unknown, revoked or expired token, by the address it came from:
    too many in a minute and that address is made to wait (429), whatever token it tries."""

    id: Serial  # the primary key Piccolo adds, declared for type checkers

    address = Varchar(length=64, index=True, help_text="The client's network address.")
    at = Timestamptz(index=True, help_text="When the request came.")
