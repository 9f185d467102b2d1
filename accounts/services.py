"""Account services: people and their memberships, API tokens (issued on the command line, or
made by a signed-in person for themself), and turning a token into a `Caller`.

Sign-in and sessions are in `accounts.sessions`, invitations in `accounts.invitations`, the
password rules in `accounts.passwords`. Secrets (tokens, invitation links, session secrets) are
long random strings shown once and stored only as their SHA-256; none of them, nor any password
or hash, is ever written to the audit log.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from accounts.choices import Role, TokenState
from accounts.schemas import MembershipRead, TokenRead, UserRead
from accounts.tables import ApiToken, AuthFailure, Membership, User
from charter.tables import City
from kernel import clock
from kernel.caller import ANONYMOUS, Caller
from kernel.db import audit, json_value, write_transaction
from kernel.errors import FieldError, Forbidden, InvalidInput, NotAuthenticated, NotFound
from kernel.settings import get_settings
from kernel.text import check_code, language_of, pick, strip_bidi_controls

TOKEN_PREFIX = "ct_"  # noqa: S105 (a prefix, not a secret)
TOKEN_TOUCH = timedelta(minutes=1)
"""How stale a token's `last_used_at` may get before a request moves it on."""


def hash_token(token: str) -> str:
    """Tokens are long random strings, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    """An e-mail address as accounts are known by it: trimmed, in lower case, name@domain."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 320 or email.startswith("@") or email.endswith("@"):
        raise InvalidInput(f"Invalid email {email!r}.", [FieldError("email", "Expected name@domain.")])
    return email


async def _user_or_raise(email: str) -> dict:
    row = await User.select().where(User.email == normalise_email(email)).first()
    if row is None:
        raise NotFound(f"No user {email!r}.")
    return row


# People and their memberships


async def add_user(
    actor: Caller,
    email: str,
    role: str,
    city_slug: str | None = None,
    display_name: str = "",
    organisation: str | None = None,
    network: str | None = None,
) -> UserRead:
    """Create the user if needed and give them a membership (a role, with a city for editors,
    a network for a secretariat limited to one). A reviewer's organisation is set here, on the
    account: challenges are published under it."""
    async with write_transaction():
        user = await grant_membership(actor, email, role, city_slug, display_name, organisation, network)
    return await get_user(user["email"])


async def grant_membership(
    actor: Caller,
    email: str,
    role: str,
    city_slug: str | None,
    display_name: str,
    organisation: str | None,
    network: str | None = None,
) -> dict[str, Any]:
    """The account with that e-mail address (created if there is none) holding the membership,
    written inside the caller's write transaction; returns the account's row. A secretariat
    limited to some networks gives only what it oversees: an editor's role for one of its cities,
    a secretariat's role for one of its networks, a reviewer's."""
    email = normalise_email(email)
    organisation = _organisation(organisation)
    role_value = _role(role, city_slug, organisation)
    network = _network(network, role_value)
    city_id = await _city_id_or_raise(city_slug) if city_slug else None
    _check_grant(actor, role_value, city_id, network)
    user = await _account(actor, email, display_name, organisation)
    exists = await Membership.exists().where(
        (Membership.user == user["id"])
        & (Membership.role == role_value.value)
        & (Membership.city.is_null() if city_id is None else Membership.city == city_id)
        & (Membership.network.is_null() if network is None else Membership.network == network)
    )
    if not exists:
        await Membership.insert(
            Membership(user=user["id"], role=role_value.value, city=city_id, network=network)
        )
        after = {"role": role_value.value, "city": city_slug} | ({"network": network} if network else {})
        await audit(actor, "create", "membership", email, None, after)
    return user


def _network(network: str | None, role: Role) -> str | None:
    """The network a secretariat's membership is limited to (upper case), or None; only the
    secretariat's role has one."""
    if network is None or not network.strip():
        return None
    if role != Role.secretariat:
        raise InvalidInput(
            "Only a secretariat is limited to a network.",
            [FieldError("network", "Expected no network for this role.")],
        )
    return check_code(network, "network").upper()


def _check_grant(actor: Caller, role: Role, city_id: int | None, network: str | None) -> None:
    """A secretariat limited to some networks gives no role beyond them (403)."""
    if actor.is_global_secretariat or actor.system or not actor.is_secretariat:
        return
    if role == Role.city_editor and city_id is not None and not actor.oversees(city_id):
        raise Forbidden(
            "This city is not in your networks: its secretariat gives its editors their role.",
            [FieldError("city", f"Expected a city of {', '.join(sorted(actor.networks))}.")],
        )
    if role == Role.secretariat and network not in actor.networks:
        raise Forbidden(
            "You may give the secretariat's role only for your own networks.",
            [FieldError("network", f"Expected one of {', '.join(sorted(actor.networks))}.")],
        )


def _role(role: str, city_slug: str | None, organisation: str | None) -> Role:
    """The role of a membership: a city editor belongs to a city and no other role does; only a
    reviewer speaks for an organisation."""
    try:
        role_value = Role(role)
    except ValueError:
        raise InvalidInput(
            f"Unknown role {role!r}.", [FieldError("role", f"Expected one of {', '.join(Role)}.")]
        ) from None
    if role_value == Role.city_editor and not city_slug:
        raise InvalidInput("A city editor needs a city.", [FieldError("city", "Expected a city slug.")])
    if role_value != Role.city_editor and city_slug:
        raise InvalidInput(
            "Only city editors belong to a city.", [FieldError("city", "Expected no city for this role.")]
        )
    if organisation and role_value != Role.reviewer:
        raise InvalidInput(
            "Only reviewers speak for an organisation.",
            [FieldError("organisation", "Expected no organisation for this role.")],
        )
    return role_value


async def _city_id_or_raise(city_slug: str) -> int:
    city = await City.select(City.id).where(City.slug == city_slug).first()
    if city is None:
        raise NotFound(f"No city {city_slug!r}.")
    return city["id"]


async def _account(actor: Caller, email: str, display_name: str, organisation: str | None) -> dict:
    """The user with that email, created if there is none; an organisation given replaces the
    one on the account."""
    user = await User.select().where(User.email == email).first()
    if user is None:
        user = (
            await User.insert(
                User(email=email, display_name=display_name.strip(), organisation=organisation)
            ).returning(*User.all_columns())
        )[0]
        await audit(actor, "create", "user", email, None, {"email": email, "organisation": organisation})
    elif organisation and organisation != user["organisation"]:
        await User.update({User.organisation: organisation}).where(User.id == user["id"])
        await audit(
            actor,
            "update",
            "user",
            email,
            {"organisation": user["organisation"]},
            {"organisation": organisation},
        )
    return user


def _organisation(name: str | None) -> str | None:
    """An organisation's name as published: bidi controls removed, trimmed, at most 255."""
    text = strip_bidi_controls(name or "").strip()
    if len(text) > 255:
        raise InvalidInput(
            "The organisation name is too long.",
            [FieldError("organisation", "Expected at most 255 characters.")],
        )
    return text or None


async def get_user(email: str) -> UserRead:
    user = await _user_or_raise(email)
    rows = (
        await Membership.select(Membership.role, Membership.city.slug.as_alias("city"), Membership.network)
        .where(Membership.user == user["id"])
        .order_by(Membership.id)
    )
    return UserRead(
        user["email"],
        user["display_name"],
        user["active"],
        [MembershipRead(**r) for r in rows],
        user["organisation"],
    )


# Who is asking


async def caller_of_user(user: dict[str, Any]) -> Caller:
    """The caller a user stands for, from their row (`user_id`, `email`, `display_name`,
    `organisation`) and their memberships."""
    memberships = (
        await Membership.select(
            Membership.role,
            Membership.city,
            Membership.city.name.as_alias("city_name"),
            Membership.city.locale.as_alias("city_locale"),
            Membership.city.slug.as_alias("city_slug"),
            Membership.network,
        )
        .where(Membership.user == user["user_id"])
        .output(load_json=True)
    )
    networks, overseen = await _oversight(memberships)
    cities = {
        m["city"]: pick(m["city_name"], language_of(m["city_locale"]), "en")
        for m in memberships
        if m["role"] == Role.city_editor and m["city"]
    }
    slugs = sorted(m["city_slug"] for m in memberships if m["role"] == Role.city_editor and m["city"])
    return Caller(
        user_id=user["user_id"],
        label=user["email"],
        name=user["display_name"] if user["display_name"] != user["email"] else "",
        organisation=user["organisation"],
        roles=frozenset(m["role"] for m in memberships),
        editable_city_ids=frozenset(cities),
        city_name=next(iter(cities.values())) if len(cities) == 1 else "",
        city_slugs=tuple(slugs),
        networks=networks,
        overseen_city_ids=overseen,
    )


async def _oversight(memberships: list[dict[str, Any]]) -> tuple[frozenset[str], frozenset[int] | None]:
    """The networks a secretariat is limited to and the cities in them; (empty, None) for the
    secretariat of every network, or for a person who is not the secretariat."""
    held = [m["network"] for m in memberships if m["role"] == Role.secretariat]
    if not held or any(network is None for network in held):
        return frozenset(), None
    networks = frozenset(held)
    cities = await City.select(City.id, City.networks)
    return networks, frozenset(c["id"] for c in cities if networks & set(json_value(c["networks"]) or []))


async def caller_of_user_id(user_id: int) -> Caller:
    """The caller the user with that id stands for."""
    user = (
        await User.select(User.id.as_alias("user_id"), User.email, User.display_name, User.organisation)
        .where(User.id == user_id)
        .first()
    )
    if user is None:
        raise NotFound("The account is gone.")
    return await caller_of_user(user)


async def caller_for_token(token: str | None) -> Caller | None:
    """The caller a bearer token stands for; None when the token is unknown, revoked or expired."""
    if not token:
        return ANONYMOUS
    row = (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.last_used_at,
            ApiToken.user.id.as_alias("user_id"),
            ApiToken.user.email.as_alias("email"),
            ApiToken.user.display_name.as_alias("display_name"),
            ApiToken.user.organisation.as_alias("organisation"),
            ApiToken.user.active.as_alias("active"),
        )
        .where(
            (ApiToken.token_hash == hash_token(token))
            & ApiToken.revoked_at.is_null()
            & (ApiToken.expires_at.is_null() | (ApiToken.expires_at > clock.now()))
        )
        .first()
    )
    if row is None or not row["active"]:
        return None
    now = clock.now()
    if row["last_used_at"] is None or row["last_used_at"] < now - TOKEN_TOUCH:
        # Bookkeeping for its owner's list, not a change to the data: not audited, and written
        # at most once a minute however many requests the token makes.
        await ApiToken.update({ApiToken.last_used_at: now}).where(
            (ApiToken.id == row["id"])
            & (ApiToken.last_used_at.is_null() | (ApiToken.last_used_at < now - TOKEN_TOUCH))
        )
    return await caller_of_user(row)


# API tokens


def _token_life(valid_days: int | None, field: str) -> datetime | None:
    """When a token made now stops working: after `valid_days` days, or never (until revoked)."""
    if valid_days is not None and not 1 <= valid_days <= 3650:
        raise InvalidInput(
            "A token's life is from 1 day to 10 years.", [FieldError(field, "Expected 1 to 3650 days.")]
        )
    return clock.now() + timedelta(days=valid_days) if valid_days else None


async def _insert_token(
    actor: Caller, user: dict[str, Any], name: str, expires_at: datetime | None
) -> tuple[str, int]:
    """A new token for the user and its row id, inside the caller's write transaction."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = (
        await ApiToken.insert(
            ApiToken(user=user["id"], token_hash=hash_token(token), name=name, expires_at=expires_at)
        ).returning(ApiToken.id)
    )[0]
    await audit(
        actor,
        "create",
        "api_token",
        user["email"],
        None,
        {"token": row["id"], "name": name, "expires_at": expires_at},
    )
    return token, row["id"]


async def issue_token(actor: Caller, email: str, valid_days: int | None = None) -> str:
    """A new bearer token for the user, working for `valid_days` days if given (else until it
    is revoked); only its hash is stored, so it is shown once."""
    user = await _user_or_raise(email)
    expires_at = _token_life(valid_days, "expires")
    async with write_transaction():
        token, _ = await _insert_token(actor, user, "", expires_at)
    return token


async def revoke_tokens(actor: Caller, email: str) -> int:
    """Revoke every live token of the user; returns how many were revoked."""
    user = await _user_or_raise(email)
    async with write_transaction():
        live = await ApiToken.select(ApiToken.id).where(
            (ApiToken.user == user["id"]) & ApiToken.revoked_at.is_null()
        )
        if live:
            await ApiToken.update({ApiToken.revoked_at: clock.now()}).where(
                ApiToken.id.is_in([r["id"] for r in live])
            )
            await audit(actor, "revoke", "api_token", user["email"], {"live": len(live)}, {"live": 0})
    return len(live)


def own_user_id(caller: Caller, action: str) -> int:
    """The account of a person acting on their own credentials; the system has none."""
    if caller.user_id is None:
        raise NotAuthenticated(f"Sign in to {action}.")
    return caller.user_id


def _token_read(row: dict[str, Any]) -> TokenRead:
    if row["revoked_at"] is not None:
        state = TokenState.revoked
    elif row["expires_at"] is not None and row["expires_at"] <= clock.now():
        state = TokenState.expired
    else:
        state = TokenState.live
    return TokenRead(
        id=row["id"],
        name=row["name"],
        state=state,
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
        last_used_at=row["last_used_at"],
    )


_TOKEN_COLUMNS = (
    ApiToken.id,
    ApiToken.name,
    ApiToken.created_at,
    ApiToken.expires_at,
    ApiToken.revoked_at,
    ApiToken.last_used_at,
)


async def list_own_tokens(caller: Caller) -> list[TokenRead]:
    """The caller's own API tokens, newest first, revoked and expired ones included (never the
    tokens themselves, which are shown once)."""
    user_id = own_user_id(caller, "see your API tokens")
    rows = (
        await ApiToken.select(*_TOKEN_COLUMNS)
        .where(ApiToken.user == user_id)
        .order_by(ApiToken.id, ascending=False)
    )
    return [_token_read(r) for r in rows]


def _token_name(name: str) -> str:
    """A token's name as its owner sees it in their list: trimmed, 1 to 255 characters."""
    text = strip_bidi_controls(name).strip()
    if not text or len(text) > 255:
        raise InvalidInput(
            "A token needs a name that says what it is for.",
            [FieldError("name", "Expected 1 to 255 characters (the script or machine that uses it).")],
        )
    return text


async def create_own_token(caller: Caller, name: str, valid_days: int | None = None) -> str:
    """A new API token for the caller themself, named, working for `valid_days` days if given
    (else until revoked); returned once, stored only as its hash."""
    user_id = own_user_id(caller, "make an API token")
    name = _token_name(name)
    expires_at = _token_life(valid_days, "valid_days")
    async with write_transaction():
        user = await User.select(User.id, User.email).where(User.id == user_id).first()
        if user is None:
            raise NotFound("The account is gone.")
        token, _ = await _insert_token(caller, user, name, expires_at)
    return token


async def revoke_own_token(caller: Caller, token_id: int) -> TokenRead:
    """Revoke one of the caller's own tokens (already revoked: left as it is). Another person's
    token is not found, exactly like one that does not exist."""
    user_id = own_user_id(caller, "revoke an API token")
    async with write_transaction():
        row = (
            await ApiToken.select(*_TOKEN_COLUMNS)
            .where((ApiToken.id == token_id) & (ApiToken.user == user_id))
            .first()
        )
        if row is None:
            raise NotFound(f"You have no API token {token_id}.")
        if row["revoked_at"] is None:
            row["revoked_at"] = clock.now()
            await ApiToken.update({ApiToken.revoked_at: row["revoked_at"]}).where(ApiToken.id == token_id)
            await audit(
                caller,
                "revoke",
                "api_token",
                caller.label,
                {"token": token_id, "name": row["name"], "revoked": False},
                {"token": token_id, "name": row["name"], "revoked": True},
            )
    return _token_read(row)


# Failed authentication


AUTH_FAILURES_WINDOW = timedelta(minutes=1)


def failures_kept_since(now: datetime) -> datetime:
    """Failures older than this count for nothing any more and are let go."""
    lock = timedelta(minutes=get_settings().sign_in_lock_minutes)
    return now - max(60 * AUTH_FAILURES_WINDOW, 2 * lock)


async def failed_authentications(address: str) -> int:
    """How many requests from this address failed to authenticate (a bad token, a wrong sign-in)
    within the last minute."""
    since = clock.now() - AUTH_FAILURES_WINDOW
    return await AuthFailure.count().where((AuthFailure.address == address) & (AuthFailure.at > since))


async def record_failed_authentication(address: str) -> None:
    """Count a request that sent a bad token; rows older than the window are let go."""
    now = clock.now()
    async with write_transaction():
        await AuthFailure.delete().where(AuthFailure.at < failures_kept_since(now))
        await AuthFailure.insert(AuthFailure(address=address[:64], at=now))
