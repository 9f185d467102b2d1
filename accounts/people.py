"""The people the secretariat manages: who has an account, with which roles, when they last
signed in, whether their invitation waits; and what the secretariat does to an account: give or
take back a role, send a new invitation, end its sessions and revoke its tokens, suspend it (which
does both at once) or let it back in. Each act is audited under the person's e-mail address, and
that history is theirs to read on their page.

A secretariat limited to some networks manages only the people whose every role lies within them
(editors of its cities, the secretariat of its networks, civil-society reviewers); never itself out
of its own account."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from accounts.choices import Role
from accounts.schemas import MembershipRead
from accounts.services import normalise_email
from accounts.sessions import end_sessions
from accounts.tables import ApiToken, Invitation, Membership, User, UserSession
from kernel import clock
from kernel.caller import Caller
from kernel.db import audit, json_value, write_transaction
from kernel.errors import Conflict, Forbidden, NotFound
from kernel.tables import AuditEntry

PERSON_ENTITIES = ("user", "membership", "invitation", "api_token", "session")
"""The kinds of audit rows written about a person, under their e-mail address."""


@dataclass
class Person:
    """A person with an account, as the secretariat sees them."""

    id: int
    email: str
    display_name: str
    organisation: str | None
    active: bool
    created_at: datetime
    memberships: list[MembershipRead] = field(default_factory=list)
    membership_ids: list[int] = field(default_factory=list)
    last_sign_in: datetime | None = None
    invitation: str = "none"
    """none, waiting (not used yet, still valid), expired, or used."""
    invitation_expires: datetime | None = None
    live_tokens: int = 0
    live_sessions: int = 0


@dataclass
class PersonEvent:
    """One line of a person's history: what was done to their account, by whom, when."""

    at: datetime
    action: str
    entity: str
    by: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _managed(actor: Caller, memberships: list[dict[str, Any]]) -> bool:
    """Whether a secretariat manages the person holding `memberships`: the secretariat of every
    network manages everyone; one limited to some networks, those whose every role is within them."""
    if actor.is_global_secretariat or actor.system:
        return True
    for m in memberships:
        if m["role"] == Role.city_editor and not (m["city"] and actor.oversees(m["city"])):
            return False
        if m["role"] == Role.secretariat and m["network"] not in actor.networks:
            return False
    return True


async def list_people(actor: Caller) -> list[Person]:
    """Everyone the secretariat manages, by e-mail address."""
    actor.require_secretariat("manage people")
    users = await User.select().order_by(User.email)
    memberships = await _memberships([u["id"] for u in users])
    now = clock.now()
    # A constant query: when each person last signed in, over all their sessions.
    last = {
        r["person"]: _moment(r["last"])
        for r in await UserSession.raw(
            'SELECT "user" AS person, MAX(created_at) AS last FROM user_session GROUP BY "user"'
        )
    }
    invitations = _latest_invitations(
        await Invitation.select(
            Invitation.user, Invitation.expires_at, Invitation.used_at, Invitation.superseded_at
        ).order_by(Invitation.id)
    )
    tokens = _counts(
        await ApiToken.select(ApiToken.user).where(
            ApiToken.revoked_at.is_null() & (ApiToken.expires_at.is_null() | (ApiToken.expires_at > now))
        )
    )
    people = []
    for u in users:
        held = memberships.get(u["id"], [])
        if not _managed(actor, held):
            continue
        people.append(
            _person(u, held, last.get(u["id"]), invitations.get(u["id"]), tokens.get(u["id"], 0), now)
        )
    return people


async def get_person(actor: Caller, user_id: int) -> Person:
    """One person the secretariat manages (404 for no one; 403 outside its networks)."""
    actor.require_secretariat("manage people")
    user = await User.select().where(User.id == user_id).first()
    if user is None:
        raise NotFound(f"No person {user_id}.")
    held = (await _memberships([user_id])).get(user_id, [])
    if not _managed(actor, held):
        raise Forbidden("This person holds a role outside your networks: their secretariat manages them.")
    now = clock.now()
    sessions = await UserSession.select(UserSession.created_at, UserSession.ended_at).where(
        UserSession.user == user_id
    )
    invitations = _latest_invitations(
        await Invitation.select(
            Invitation.user, Invitation.expires_at, Invitation.used_at, Invitation.superseded_at
        )
        .where(Invitation.user == user_id)
        .order_by(Invitation.id)
    )
    tokens = await ApiToken.count().where(
        (ApiToken.user == user_id)
        & ApiToken.revoked_at.is_null()
        & (ApiToken.expires_at.is_null() | (ApiToken.expires_at > now))
    )
    person = _person(
        user,
        held,
        max((s["created_at"] for s in sessions), default=None),
        invitations.get(user_id),
        tokens,
        now,
    )
    person.live_sessions = sum(1 for s in sessions if s["ended_at"] is None)
    return person


async def person_history(actor: Caller, user_id: int) -> list[PersonEvent]:
    """What was done to the person's account, newest first."""
    person = await get_person(actor, user_id)
    rows = (
        await AuditEntry.select()
        .where((AuditEntry.key == person.email) & AuditEntry.entity.is_in(list(PERSON_ENTITIES)))
        .order_by(AuditEntry.id, ascending=False)
        .limit(200)
    )
    return [
        PersonEvent(
            r["at"],
            r["action"],
            r["entity"],
            r["actor_label"] or r["actor_public"] or "—",
            json_value(r["before"]),
            json_value(r["after"]),
        )
        for r in rows
    ]


async def take_back_role(actor: Caller, user_id: int, membership_id: int) -> None:
    """Remove one of the person's roles (audited); the person keeps their account and other roles.
    A secretariat does not take its own secretariat's role back (nobody would be left to give it)."""
    person = await get_person(actor, user_id)
    async with write_transaction():
        row = (
            await Membership.select(
                Membership.id, Membership.role, Membership.city.slug.as_alias("city"), Membership.network
            )
            .where((Membership.id == membership_id) & (Membership.user == user_id))
            .first()
        )
        if row is None:
            raise NotFound(f"{person.email} holds no role {membership_id}.")
        if user_id == actor.user_id and row["role"] == Role.secretariat:
            raise Conflict(
                "You cannot take back your own secretariat's role: ask another secretariat member."
            )
        await Membership.delete().where(Membership.id == membership_id)
        before = {"role": row["role"], "city": row["city"]} | (
            {"network": row["network"]} if row["network"] else {}
        )
        await audit(actor, "delete", "membership", person.email, before, None)


async def end_access(actor: Caller, user_id: int) -> tuple[int, int]:
    """End every session of the person and revoke every token, at once (audited); returns how
    many of each. Their account stays: they sign in again with their password."""
    person = await get_person(actor, user_id)
    async with write_transaction():
        counts = await _end_access(actor, person)
    return counts


async def _end_access(actor: Caller, person: Person) -> tuple[int, int]:
    ended = await end_sessions(person.id)
    revoked = (
        await ApiToken.update({ApiToken.revoked_at: clock.now()})
        .where((ApiToken.user == person.id) & ApiToken.revoked_at.is_null())
        .returning(ApiToken.id)
    )
    if ended or revoked:
        await audit(
            actor,
            "end_access",
            "session",
            person.email,
            {"sessions": ended, "tokens": len(revoked)},
            {"sessions": 0, "tokens": 0},
        )
    return ended, len(revoked)


async def suspend(actor: Caller, user_id: int) -> None:
    """Suspend the account: it can no longer sign in nor use a token, its sessions end and its
    tokens are revoked at once, its waiting invitation stops working (audited, in one
    transaction). Its roles and history stay, to be let back in."""
    if user_id == actor.user_id:
        raise Conflict("You cannot suspend your own account: ask another secretariat member.")
    person = await get_person(actor, user_id)
    if not person.active:
        return
    now = clock.now()
    async with write_transaction():
        await User.update({User.active: False}).where(User.id == user_id)
        await _end_access(actor, person)
        await Invitation.update({Invitation.superseded_at: now}).where(
            (Invitation.user == user_id) & Invitation.used_at.is_null() & Invitation.superseded_at.is_null()
        )
        await audit(actor, "suspend", "user", person.email, {"active": True}, {"active": False})


async def reactivate(actor: Caller, user_id: int) -> None:
    """Let a suspended account back in (audited): the person signs in with their password, or is
    sent a new invitation."""
    person = await get_person(actor, user_id)
    if person.active:
        return
    async with write_transaction():
        await User.update({User.active: True}).where(User.id == user_id)
        await audit(actor, "reactivate", "user", person.email, {"active": False}, {"active": True})


async def person_id(email: str) -> int:
    """The id of the account with that e-mail address (404 if none)."""
    row = await User.select(User.id).where(User.email == normalise_email(email)).first()
    if row is None:
        raise NotFound(f"No person {email!r}.")
    return int(row["id"])


async def _memberships(user_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    if not user_ids:
        return {}
    rows = (
        await Membership.select(
            Membership.id,
            Membership.user,
            Membership.role,
            Membership.city,
            Membership.city.slug.as_alias("city_slug"),
            Membership.network,
        )
        .where(Membership.user.is_in(user_ids))
        .order_by(Membership.id)
    )
    out: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r["user"], []).append(r)
    return out


def _moment(value: datetime | str | None) -> datetime | None:
    """A time from an aggregate, which SQLite gives back as the text it stores."""
    if isinstance(value, str):
        moment = datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return value


def _latest_invitations(rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Each person's latest invitation (rows in the order they were made)."""
    return {r["user"]: r for r in rows}


def _counts(rows: list[dict[str, Any]]) -> dict[int, int]:
    out: dict[int, int] = {}
    for r in rows:
        out[r["user"]] = out.get(r["user"], 0) + 1
    return out


def _person(
    user: dict[str, Any],
    held: list[dict[str, Any]],
    last_sign_in: datetime | None,
    invitation: dict[str, Any] | None,
    tokens: int,
    now: datetime,
) -> Person:
    state = "none"
    if invitation is not None:
        if invitation["used_at"] is not None:
            state = "used"
        elif invitation["superseded_at"] is not None or invitation["expires_at"] <= now:
            state = "expired"
        else:
            state = "waiting"
    return Person(
        id=user["id"],
        email=user["email"],
        display_name=user["display_name"],
        organisation=user["organisation"],
        active=user["active"],
        created_at=user["created_at"],
        memberships=[MembershipRead(m["role"], m["city_slug"], m["network"]) for m in held],
        membership_ids=[m["id"] for m in held],
        last_sign_in=last_sign_in,
        invitation=state,
        invitation_expires=invitation["expires_at"] if invitation else None,
        live_tokens=tokens,
    )
