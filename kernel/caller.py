"""Who is asking: the only thing domain code knows about authentication."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from kernel.errors import Forbidden, NotAuthenticated


class Role(StrEnum):
    """What a membership lets its holder do: the secretariat rules over every city (or over the
    cities of its networks) and writes charters; a city editor writes its own city's data; a
    reviewer (civil society) challenges."""

    secretariat = "secretariat"
    city_editor = "city_editor"
    reviewer = "reviewer"


@dataclass(frozen=True, slots=True)
class Caller:
    """The person behind a request, as the domain sees them.

    `editable_city_ids` are the cities this person edits as a city editor; the secretariat edits
    every city and writes charters; reviewers (civil society) write challenges only.
    """

    user_id: int | None = None
    label: str = "anonymous"
    roles: frozenset[str] = field(default_factory=frozenset)
    editable_city_ids: frozenset[int] = field(default_factory=frozenset)
    system: bool = False
    name: str = ""
    """The person's display name, as the public may see it (`label` is their e-mail)."""
    city_name: str = ""
    """For a city editor of one city: that city's name, which the public sees on what they
    write when they have no display name."""
    city_slugs: tuple[str, ...] = ()
    """The cities this person edits, by slug (their workspaces), in order."""
    organisation: str | None = None
    """The organisation a reviewer speaks for, set on their account: challenges are published
    under it."""
    networks: frozenset[str] = field(default_factory=frozenset)
    """For a secretariat limited to some networks (MC2CM): those networks; empty for a
    secretariat of every network."""
    overseen_city_ids: frozenset[int] | None = None
    """For a secretariat limited to some networks: the cities in them, the only ones it manages,
    verifies and rules on; None for a secretariat of every network."""

    @property
    def public_name(self) -> str:
        """How histories name this caller to the public: never an e-mail address. Without a
        display name, the role (`secretariat`, `city_editor`, `reviewer`), which reports and
        pages translate."""
        if self.system:
            # The system may speak under a given name (the demo loader as an organisation).
            return self.name or "system"
        if self.name:
            return self.name
        if self.city_name:
            return self.city_name
        for role in Role:
            if role in self.roles:
                return role.value
        return "anonymous"

    @property
    def is_reviewer(self) -> bool:
        return Role.reviewer in self.roles

    def is_editor_of(self, city_id: int) -> bool:
        """True for one of the city's own editors: who answers for the city (a challenge's
        reply), which the secretariat, ruling over cities, does not."""
        return city_id in self.editable_city_ids

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None or self.system

    @property
    def is_secretariat(self) -> bool:
        return Role.secretariat in self.roles

    @property
    def is_global_secretariat(self) -> bool:
        """The secretariat of every network: it alone writes charters and gives the secretariat's
        role to others without a network."""
        return self.is_secretariat and self.overseen_city_ids is None

    def oversees(self, city_id: int) -> bool:
        """True for a secretariat that manages that city: every city, or those in its networks."""
        return self.is_secretariat and (self.overseen_city_ids is None or city_id in self.overseen_city_ids)

    def may_edit_city(self, city_id: int) -> bool:
        """True when this caller may write the data of that city: its own editors, and the
        secretariat that oversees it."""
        return self.oversees(city_id) or self.is_editor_of(city_id)

    def require_oversight(self, city_id: int, action: str) -> None:
        """Refuse (403) a secretariat's act on a city outside its networks, naming them."""
        self.require_secretariat(action)
        if not self.oversees(city_id):
            raise Forbidden(
                f"Only the secretariat of the city's networks may {action}: "
                f"yours manages {', '.join(sorted(self.networks))}."
            )

    def require_global_secretariat(self, action: str) -> None:
        """Refuse (403) to a secretariat limited to some networks what concerns every network."""
        self.require_secretariat(action)
        if not self.is_global_secretariat:
            raise Forbidden(
                f"Only the secretariat of every network may {action}: "
                f"yours manages {', '.join(sorted(self.networks))}."
            )

    def may_see_drafts_of(self, city_id: int) -> bool:
        """Drafts are visible to their city's editors and to the secretariat."""
        return self.may_edit_city(city_id)

    def require_authenticated(self) -> None:
        if not self.is_authenticated:
            raise NotAuthenticated()

    def require_secretariat(self, action: str) -> None:
        self.require_authenticated()
        if not self.is_secretariat:
            raise Forbidden(f"Only the network secretariat may {action}.")


ANONYMOUS = Caller()
SYSTEM = Caller(label="system", roles=frozenset({Role.secretariat}), system=True)
"""The command line and the demo loader act as the system, with the secretariat's rights."""
