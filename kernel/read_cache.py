"""Public reads kept in memory until anything is written.

Every write is audited in its own transaction, so the latest audit entry (its id and instant)
tells the state of the whole database: a read kept under that state and the day is the same
read made again, until the next write anywhere (or midnight: flags depend on the day). Each
process of the service keeps its own, the most recently used first, a bounded number of them.
A kept value is shared by every request that finds it: callers never change it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from kernel import clock
from kernel.tables import AuditEntry

T = TypeVar("T")

SIZE = 512
"""How many reads a process keeps."""

_kept: OrderedDict[Hashable, Any] = OrderedDict()


async def database_state() -> tuple[Any, ...]:
    """The latest audited write (id and instant: ids restart when tables are emptied, instants
    do not) and the day."""
    latest = (
        await AuditEntry.select(AuditEntry.id, AuditEntry.at).order_by(AuditEntry.id, ascending=False).first()
    )
    return (latest["id"], latest["at"].isoformat()) if latest else (None, None), clock.today().isoformat()


async def kept_read(key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
    """`read()`, or what it gave for `key` when nothing was written since."""
    full = (key, await database_state())
    if full in _kept:
        _kept.move_to_end(full)
        return _kept[full]
    value = await read()
    _kept[full] = value
    while len(_kept) > SIZE:
        _kept.popitem(last=False)
    return value


def forget_reads() -> None:
    """Drop every kept read (the tests empty the tables under a running application)."""
    _kept.clear()
