"""Account services: add users, issue and revoke tokens, and turn a token into a `Caller`."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from accounts.choices import Role
from accounts.schemas import MembershipRead, UserRead
from accounts.tables import ApiToken, AuthFailure, Membership, User
from charter.tables import City
from kernel import clock
from kernel.caller import ANONYMOUS, Caller
from kernel.db import audit, write_transaction
from kernel.errors import FieldError, InvalidInput, NotFound
from kernel.text import language_of, pick, strip_bidi_controls

TOKEN_PREFIX = "ct_"  # noqa: S105 (a prefix, not a secret)


def hash_token(token: str) -> str:
    """Tokens are long random strings, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


def _normalise_email(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email or len(email) > 320 or email.startswith("@") or email.endswith("@"):
        raise InvalidInput(f"Invalid email {email!r}.", [FieldError("email", "Expected name@domain.")])
    return email


async def _user_or_raise(email: str) -> dict:
    row = await User.select().where(User.email == _normalise_email(email)).first()
    if row is None:
        raise NotFound(f"No user {email!r}.")
    return row


async def add_user(
    actor: Caller,
    email: str,
    role: str,
    city_slug: str | None = None,
    display_name: str = "",
    organisation: str | None = None,
) -> UserRead:
    """Create the user if needed and give them a membership (a role, with a city for editors).
    A reviewer's organisation is set here, on the account: challenges are published under it."""
    email = _normalise_email(email)
    organisation = _organisation(organisation)
    role_value = _role(role, city_slug, organisation)
    async with write_transaction():
        city_id = await _city_id_or_raise(city_slug) if city_slug else None
        user = await _account(actor, email, display_name, organisation)
        exists = await Membership.exists().where(
            (Membership.user == user["id"])
            & (Membership.role == role_value.value)
            & (Membership.city.is_null() if city_id is None else Membership.city == city_id)
        )
        if not exists:
            await Membership.insert(Membership(user=user["id"], role=role_value.value, city=city_id))
            await audit(
                actor, "create", "membership", email, None, {"role": role_value.value, "city": city_slug}
            )
    return await get_user(email)


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
        await Membership.select(Membership.role, Membership.city.slug.as_alias("city"))
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


async def issue_token(actor: Caller, email: str, valid_days: int | None = None) -> str:
    """A new bearer token for the user, working for `valid_days` days if given (else until it
    is revoked); only its hash is stored, so it is shown once."""
    user = await _user_or_raise(email)
    if valid_days is not None and not 1 <= valid_days <= 3650:
        raise InvalidInput(
            "A token's life is from 1 day to 10 years.", [FieldError("expires", "Expected 1 to 3650 days.")]
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = clock.now() + timedelta(days=valid_days) if valid_days else None
    async with write_transaction():
        await ApiToken.insert(ApiToken(user=user["id"], token_hash=hash_token(token), expires_at=expires_at))
        await audit(
            actor,
            "create",
            "api_token",
            user["email"],
            None,
            {"hash": hash_token(token)[:12], "expires_at": expires_at},
        )
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


AUTH_FAILURES_WINDOW = timedelta(minutes=1)


async def failed_authentications(address: str) -> int:
    """How many requests from this address sent a bad token within the last minute."""
    since = clock.now() - AUTH_FAILURES_WINDOW
    return await AuthFailure.count().where((AuthFailure.address == address) & (AuthFailure.at > since))


async def record_failed_authentication(address: str) -> None:
    """Count a request that sent a bad token; rows older than the window are let go."""
    now = clock.now()
    async with write_transaction():
        await AuthFailure.delete().where(AuthFailure.at < now - 60 * AUTH_FAILURES_WINDOW)
        await AuthFailure.insert(AuthFailure(address=address[:64], at=now))


async def caller_for_token(token: str | None) -> Caller | None:
    """The caller a bearer token stands for; None when the token is unknown, revoked or expired."""
    if not token:
        return ANONYMOUS
    row = (
        await ApiToken.select(
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
    memberships = (
        await Membership.select(
            Membership.role,
            Membership.city,
            Membership.city.name.as_alias("city_name"),
            Membership.city.locale.as_alias("city_locale"),
        )
        .where(Membership.user == row["user_id"])
        .output(load_json=True)
    )
    cities = {
        m["city"]: pick(m["city_name"], language_of(m["city_locale"]), "en")
        for m in memberships
        if m["role"] == Role.city_editor and m["city"]
    }
    return Caller(
        user_id=row["user_id"],
        label=row["email"],
        name=row["display_name"] if row["display_name"] != row["email"] else "",
        organisation=row["organisation"],
        roles=frozenset(m["role"] for m in memberships),
        editable_city_ids=frozenset(cities),
        city_name=next(iter(cities.values())) if len(cities) == 1 else "",
    )
