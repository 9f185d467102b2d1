"""The people, managed by the secretariat from its workspace: the list with each person's roles,
last sign-in and invitation; inviting a person (the link to send shown once); a person's page
with their roles (one given, one taken back), a new invitation, ending their sessions and
tokens, suspending or letting them back in, and their history. The services are
`accounts.people` and `accounts.invitations`, as the command line's; the pages extend the web's
`base.html` by name, without importing the web package."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from accounts.choices import Role
from accounts.invitations import INVITATION_DAYS, invite
from accounts.pages import _page
from accounts.people import (
    end_access,
    get_person,
    list_people,
    person_history,
    person_id,
    reactivate,
    suspend,
    take_back_role,
)
from accounts.services import add_user
from charter.tables import City
from kernel.caller import Caller
from kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from kernel.http import CallerDep
from kernel.settings import get_settings

INVITE_FIELDS = ("email", "role", "city", "network", "organisation", "name")


def _gate(request: Request, caller: Caller) -> Template | Redirect | None:
    """None for the secretariat; else sign in first, or the page saying why not (403)."""
    if not caller.is_authenticated:
        return Redirect(f"/sign-in?next={request.url.path}", status_code=303)
    if not caller.is_secretariat:
        return _page("refused.html", {"reason": "secretariat"}, status_code=403)
    return None


async def _cities(caller: Caller) -> list[dict[str, Any]]:
    """The cities the secretariat may give an editor's role for, by slug."""
    rows = await City.select(City.id, City.slug, City.name).order_by(City.slug).output(load_json=True)
    return [r for r in rows if caller.oversees(r["id"])]


def _form(data: Any) -> dict[str, str]:
    return {name: (data.get(name) if isinstance(data.get(name), str) else "") or "" for name in INVITE_FIELDS}


def _role_places(given: dict[str, str]) -> tuple[str | None, str | None, str | None]:
    """Where the role chosen holds: its city (an editor's), organisation (a reviewer's), network
    (a secretariat's); the fields of the other roles, filled in or not, are left aside."""
    role = given["role"]
    return (
        given["city"] if role == Role.city_editor else None,
        given["organisation"] if role == Role.reviewer else None,
        given["network"] if role == Role.secretariat else None,
    )


def _invite_errors(exc: InvalidInput | NotFound | Forbidden) -> dict[str, str]:
    if isinstance(exc, NotFound):
        return {"city": "invalid"}
    fields = {e.field for e in exc.errors} & set(INVITE_FIELDS)
    return {name: "scope" if isinstance(exc, Forbidden) else "invalid" for name in fields} or {
        "email": "invalid"
    }


class PeoplePages(Controller):
    """The people's list, the invitation form, a person's page and what is done there."""

    include_in_schema = False
    path = "/secretariat/people"

    @get("/")
    async def people(self, request: Request, caller: CallerDep) -> Template | Redirect:
        gate = _gate(request, caller)
        if gate is not None:
            return gate
        return _page("people.html", {"people": await list_people(caller)})

    @get("/new")
    async def new(self, request: Request, caller: CallerDep) -> Template | Redirect:
        gate = _gate(request, caller)
        if gate is not None:
            return gate
        given = {name: "" for name in INVITE_FIELDS} | {"role": "city_editor"}
        return await _invite_page(caller, given, {})

    @post("/new", status_code=200)
    async def send_invitation(self, request: Request, caller: CallerDep) -> Template | Redirect:
        """Give the person the role and make their invitation: the link is shown once, to send."""
        gate = _gate(request, caller)
        if gate is not None:
            return gate
        given = _form(await request.form())
        role = given["role"]
        try:
            city, organisation, network = _role_places(given)
            secret = await invite(caller, given["email"], role, city, organisation, given["name"], network)
        except (InvalidInput, NotFound, Forbidden) as exc:
            status = 403 if isinstance(exc, Forbidden) else 422
            return await _invite_page(caller, given, _invite_errors(exc), status_code=status)
        return await _invited_page(caller, await person_id(given["email"]), secret)

    @get("/{user_id:int}")
    async def person(
        self, request: Request, caller: CallerDep, user_id: FromPath[int]
    ) -> Template | Redirect:
        gate = _gate(request, caller)
        if gate is not None:
            return gate
        done = request.query_params.get("done", "")
        return await _person_page(caller, user_id, done=done if done.isidentifier() else None)

    @post("/{user_id:int}/invitation", status_code=200)
    async def resend(
        self, request: Request, caller: CallerDep, user_id: FromPath[int]
    ) -> Template | Redirect:
        """A new invitation for the person, for their first role (the older link stops working)."""
        gate = _gate(request, caller)
        if gate is not None:
            return gate
        person = await get_person(caller, user_id)
        if not person.memberships:
            return await _person_page(caller, user_id, problem="no-role", status_code=409)
        if not person.active:
            return await _person_page(caller, user_id, problem="suspended", status_code=409)
        first = person.memberships[0]
        secret = await invite(
            caller,
            person.email,
            first.role,
            first.city,
            person.organisation,
            person.display_name,
            first.network,
        )
        return await _invited_page(caller, user_id, secret)

    @post("/{user_id:int}/roles", status_code=303)
    async def give_role(
        self, request: Request, caller: CallerDep, user_id: FromPath[int]
    ) -> Template | Redirect:
        """Give the person one more role (an editor's for another city, say)."""
        gate = _gate(request, caller)
        if gate is not None:
            return gate
        person = await get_person(caller, user_id)
        given = _form(await request.form())
        role = given["role"]
        try:
            city, organisation, network = _role_places(given)
            await add_user(caller, person.email, role, city, person.display_name, organisation, network)
        except (InvalidInput, NotFound, Forbidden) as exc:
            status = 403 if isinstance(exc, Forbidden) else 422
            return await _person_page(
                caller, user_id, given=given, errors=_invite_errors(exc), status_code=status
            )
        return Redirect(f"/secretariat/people/{user_id}?done=role_given", status_code=303)

    @post("/{user_id:int}/roles/{membership_id:int}/delete", status_code=303)
    async def take_back(
        self, request: Request, caller: CallerDep, user_id: FromPath[int], membership_id: FromPath[int]
    ) -> Template | Redirect:
        gate = _gate(request, caller)
        if gate is not None:
            return gate
        try:
            await take_back_role(caller, user_id, membership_id)
        except Conflict:
            return await _person_page(caller, user_id, problem="own-role", status_code=409)
        return Redirect(f"/secretariat/people/{user_id}?done=role_taken", status_code=303)

    @post("/{user_id:int}/access", status_code=303)
    async def end(self, request: Request, caller: CallerDep, user_id: FromPath[int]) -> Template | Redirect:
        """End the person's sessions and revoke their tokens."""
        gate = _gate(request, caller)
        if gate is not None:
            return gate
        await end_access(caller, user_id)
        return Redirect(f"/secretariat/people/{user_id}?done=access_ended", status_code=303)

    @post("/{user_id:int}/suspension", status_code=303)
    async def suspension(
        self, request: Request, caller: CallerDep, user_id: FromPath[int]
    ) -> Template | Redirect:
        """Suspend the person (`action=suspend`) or let them back in (`action=reactivate`)."""
        gate = _gate(request, caller)
        if gate is not None:
            return gate
        form = await request.form()
        action = form.get("action")
        try:
            if action == "reactivate":
                await reactivate(caller, user_id)
            else:
                await suspend(caller, user_id)
        except Conflict:
            return await _person_page(caller, user_id, problem="own-account", status_code=409)
        done = "reactivated" if action == "reactivate" else "suspended"
        return Redirect(f"/secretariat/people/{user_id}?done={done}", status_code=303)


async def _invite_page(
    caller: Caller, given: dict[str, str], errors: dict[str, str], status_code: int = 200
) -> Template:
    context = {
        "given": given,
        "errors": errors,
        "cities": await _cities(caller),
        "networks": sorted(caller.networks),
        "roles": [r.value for r in Role],
    }
    return _page("person_invite.html", context, status_code=status_code)


async def _invited_page(caller: Caller, user_id: int, secret: str) -> Template:
    context = {
        "person": await get_person(caller, user_id),
        "link": f"{get_settings().public_url}/invitations/{secret}",
        "days": INVITATION_DAYS,
    }
    return _page("person_invited.html", context)


async def _person_page(
    caller: Caller,
    user_id: int,
    *,
    done: str | None = None,
    problem: str | None = None,
    given: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    context = {
        "person": await get_person(caller, user_id),
        "history": await person_history(caller, user_id),
        "done": done,
        "problem": problem,
        "given": given or {name: "" for name in INVITE_FIELDS} | {"role": "city_editor"},
        "errors": errors or {},
        "cities": await _cities(caller),
        "networks": sorted(caller.networks),
        "roles": [r.value for r in Role],
        "me": caller.user_id == user_id,
    }
    return _page("person.html", context, status_code=status_code)
