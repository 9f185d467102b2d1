"""Public reads kept in memory until anything is written.

Every write is audited in its own transaction, so the latest audit entry (its id and instant)
tells the state of the whole database: a read kept under that state and the day is the same
read made again, until the next write anywhere (or midnight: flags depend on the day). Each
process of the service keeps its own, the most recently used first, a bounded number of them.
A kept value is shared by every request that finds it: callers never change it.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from kernel import clock
from kernel.tables import AuditEntry

T = TypeVar("T")

SIZE = 512
"""How many reads a process keeps."""

_kept: OrderedDict[Hashable, Any] = OrderedDict()
_pending: dict[Hashable, asyncio.Future[Any]] = {}


async def database_state() -> tuple[Any, ...]:
    """The latest audited write (id and instant: ids restart when tables are emptied, instants
    do not) and the day."""
    latest = (
        await AuditEntry.select(AuditEntry.id, AuditEntry.at).order_by(AuditEntry.id, ascending=False).first()
    )
    return (latest["id"], latest["at"].isoformat()) if latest else (None, None), clock.today().isoformat()


async def kept_read(key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
    """`read()`, or what it gave for `key` when nothing was written since. While one request
    reads it, the others asking for the same wait for its answer instead of reading it again
    (after a write, every request at once would otherwise miss and read the same thing)."""
    full = (key, await database_state())
    if full in _kept:
        _kept.move_to_end(full)
        return _kept[full]
    pending = _pending.get(full)
    if pending is not None:
        try:
            return await asyncio.shield(pending)
        except asyncio.CancelledError:
            if not pending.cancelled():
                raise  # this request was cancelled, not the one reading
        except Exception:  # noqa: S110 - the reading request failed: this one reads for itself
            pass
        return await read()
    future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
    _pending[full] = future
    try:
        value = await read()
    except asyncio.CancelledError:
        future.cancel()
        raise
    except Exception as exc:
        future.set_exception(exc)
        future.exception()  # retrieved: those waiting read for themselves
        raise
    finally:
        _pending.pop(full, None)
    future.set_result(value)
    _kept[full] = value
    while len(_kept) > SIZE:
        _kept.popitem(last=False)
    return value


def forget_reads() -> None:
    """Drop every kept read (the tests empty the tables under a running application)."""
    _kept.clear()
