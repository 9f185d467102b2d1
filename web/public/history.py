"""An item's history as a page: the audit rows the API's `GET /api/v1/history` gives the same
caller (`indicators.history.item_history`: published items only, people under the names they
publish under, unless the caller is the secretariat), each change with its date and time, who made
it, and what changed, field by field, before → after, written as text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Annotated, Any

from babel.dates import format_time
from litestar import Controller, Request, get
from litestar.params import QueryParameter
from litestar.response import Template

from indicators.history import ENTITIES, item_history
from indicators.schemas import HistoryEntry
from kernel.claim_ids import CLAIM_KINDS
from kernel.db import read_snapshot
from kernel.http import CallerDep
from web.language import page_language
from web.pages import render

MAX_KEY = 512
"""The longest key an item has (the audit rows' column)."""
OWN = ("entity", "key", "lang")
"""The parameters the page reads."""
LONG_TEXT = 280
"""A text longer than this is folded (a whole charter document, a long narrative)."""
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_EVIDENCE_LISTS = {"evidence"}
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Value:
    """A value of a field, as the page writes it: `kind` says how (none, yes/no, a day, an
    instant, a number, a text, a long text, a piece of evidence, a list, a text per language)."""

    kind: str
    value: Any = None
    items: tuple[Value, ...] = ()
    keys: tuple[str, ...] = ()
    langs: frozenset[str] = frozenset()
    """The keys of a map that are language codes (a name per language)."""


def shown(name: str, value: Any) -> Value:
    """`value` of the field `name` as the page writes it."""
    if value is None or value == "":
        return Value("none")
    if isinstance(value, bool):
        return Value("bool", value)
    if isinstance(value, int | float):
        if name in _EVIDENCE_LISTS and isinstance(value, int):
            return Value("evidence", value)
        return Value("number", value)
    if isinstance(value, list):
        return Value("list", items=tuple(shown(name, v) for v in value))
    if isinstance(value, dict):
        keys = tuple(str(k) for k in value)
        langs = frozenset(k for k in keys if _LANGUAGE.match(k))
        return Value("map", items=tuple(shown(name, v) for v in value.values()), keys=keys, langs=langs)
    text = str(value)
    if _DAY.match(text):
        try:
            return Value("day", date.fromisoformat(text))
        except ValueError:
            pass
    if _INSTANT.match(text):
        try:
            return Value("instant", datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError:
            pass
    return Value("long" if len(text) > LONG_TEXT or "\n" in text else "text", text)


@dataclass(frozen=True, slots=True)
class Change:
    """One field of an item, before and after a change (`before` None on a creation)."""

    name: str
    before: Value | None
    after: Value


@dataclass
class Step:
    """One audit row: when, what kind of change, by whom, and the fields it changed."""

    at: datetime
    time: str
    action: str
    by: str
    changes: list[Change] = field(default_factory=list)


def _changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """The fields that changed: every field of a creation, the differing ones otherwise."""
    after = after or {}
    if before is None:
        return [Change(k, None, shown(k, v)) for k, v in after.items()]
    names = list(dict.fromkeys([*after, *before]))
    return [
        Change(k, shown(k, before.get(k)), shown(k, after.get(k)))
        for k in names
        if before.get(k) != after.get(k)
    ]


def step(entry: HistoryEntry, lang: str) -> Step:
    """An audit row as the page shows it, its time in UTC as `lang` writes it."""
    at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)
    return Step(
        at=at,
        time=format_time(at, "short", tzinfo=UTC, locale=lang),
        action=entry.action,
        by=entry.by,
        changes=_changes(entry.before, entry.after),
    )


def bad_key(key: str | None) -> str | None:
    """Why `key` cannot name an item (`missing`, `long`, `control`), None when it can."""
    if key is None or not key.strip():
        return "missing"
    if len(key) > MAX_KEY:
        return "long"
    if _CONTROL.search(key):
        return "control"
    return None


class HistoryPages(Controller):
    """An item's history."""

    path = "/history"
    include_in_schema = False

    @get("/", name="history")
    async def history(
        self,
        request: Request,
        caller: CallerDep,
        entity: Annotated[str | None, QueryParameter()] = None,
        key: Annotated[str | None, QueryParameter()] = None,
    ) -> Template:
        """Every change of one item, oldest first, as the API's history gives it to the same
        caller; an unknown kind of item or a key that cannot be one is a 400 page naming the
        parameter, an item the caller may not see or that has no history a 404 page."""
        lang = page_language(request)
        refusals: list[tuple[str, str]] = []
        unknown = [name for name in request.query_params if name not in OWN]
        refusals += [(name.replace("\x00", "\ufffd"), "unknown") for name in unknown]
        if entity is None or entity not in ENTITIES:
            refusals.append(("entity", "missing" if not entity else "entity"))
        reason = bad_key(key)
        if reason:
            refusals.append(("key", reason))
        context: dict[str, object] = {
            "entity": entity,
            "key": key,
            "entities": ENTITIES,
            "max_key": MAX_KEY,
            "claim_entities": CLAIM_KINDS,
            "refusals": refusals,
        }
        if refusals:
            return render(request, "history.html", context | {"steps": []}, status_code=400)
        async with read_snapshot():
            entries = await item_history(caller, str(entity), str(key))
        return render(request, "history.html", context | {"steps": [step(e, lang) for e in entries]})
