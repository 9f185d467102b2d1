"""Reads from PostgreSQL read replicas, when the service is given some (`DATABASE_REPLICA_URLS`).

Public reads (a request that names no one) and the comparison of cities may be answered by a
streaming replica; everything else goes to the primary: every write, every read inside a
transaction (a report reads one snapshot of the primary), and every read of a signed-in person,
who must see what they just wrote. A replica is used only while it is close enough behind: it
must have replayed what the primary had written `REPLICA_MAX_LAG_S` seconds before (measured by
comparing write-ahead log positions, at most four times a second). A replica that lags more, is
down, or fails a query is left aside and the primary answers: a reader never gets an error
because of a replica.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from piccolo.engine.postgres import PostgresEngine
from piccolo.querystring import QueryString

log = logging.getLogger("charter_tracker.replicas")

_LAGGING_READS: ContextVar[bool] = ContextVar("lagging_reads", default=False)

CHECK_EVERY_S = 0.25
"""How often, at most, the replicas' positions are compared with the primary's."""
DOWN_FOR_S = 5.0
"""How long a replica that failed is left aside before it is tried again."""


@contextmanager
def reads_may_lag() -> Iterator[None]:
    """Within: reads outside a transaction may be answered by a replica."""
    token = _LAGGING_READS.set(True)
    try:
        yield
    finally:
        _LAGGING_READS.reset(token)


def lsn(text: str) -> int:
    """A write-ahead log position (`16/B374D848`) as a number of bytes."""
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


@dataclass
class Replica:
    """One replica, what it had replayed at the last check, and until when it is left aside."""

    url: str
    engine: PostgresEngine
    replayed: int | None = None
    down_until: float = 0.0


@dataclass
class ReplicaRouter:
    """Which replica, if any, may answer a read now."""

    replicas: list[Replica]
    max_lag_s: float
    history: deque[tuple[float, int]] = field(default_factory=lambda: deque(maxlen=256))
    """The primary's position at each check, oldest first."""
    checked_at: float = float("-inf")
    checking: bool = False
    turn: int = 0

    async def pick(self, primary: PostgresEngine) -> Replica | None:
        now = time.monotonic()
        if now - self.checked_at >= CHECK_EVERY_S and not self.checking:
            self.checking = True
            try:
                await self._check(primary, now)
            finally:
                self.checking = False
        needed = self._needed(now)
        usable = [
            r
            for r in self.replicas
            if r.down_until <= now and r.replayed is not None and needed is not None and r.replayed >= needed
        ]
        if not usable:
            return None
        self.turn += 1
        return usable[self.turn % len(usable)]

    def _needed(self, now: float) -> int | None:
        """What a replica must have replayed: what the primary had written `max_lag_s` ago, or
        more. Known only at the checks, so the first check since then counts (after a quiet
        while, the last one: the replica must then have replayed everything)."""
        if not self.history:
            return None
        for at, position in self.history:
            if at >= now - self.max_lag_s:
                return position
        return self.history[-1][1]

    async def _check(self, primary: PostgresEngine, now: float) -> None:
        self.checked_at = now
        try:
            rows = await asyncio.wait_for(_fetch(primary, "SELECT pg_current_wal_lsn()::text AS at"), 2)
        except Exception:  # the primary's own trouble shows on the request's query, not here
            return
        self.history.append((now, lsn(rows[0]["at"])))
        for replica in self.replicas:
            if replica.down_until > now:
                continue
            try:
                if replica.engine.pool is None:
                    # No floor of open connections: a pool keeping one would reconnect on its
                    # own, and complain, the moment the replica goes away.
                    await replica.engine.start_connection_pool(min_size=0, max_size=10, timeout=1)
                rows = await asyncio.wait_for(
                    _fetch(replica.engine, "SELECT pg_last_wal_replay_lsn()::text AS at"), 1
                )
                replica.replayed = lsn(rows[0]["at"]) if rows[0]["at"] else None
            except Exception as error:
                self.failed(replica, error)

    def failed(self, replica: Replica, error: BaseException) -> None:
        """Leave a replica aside for a while: it is down, or a query failed on it."""
        log.warning("Read replica %s left aside for %g s: %r", _where(replica.url), DOWN_FOR_S, error)
        replica.down_until = time.monotonic() + DOWN_FOR_S
        replica.replayed = None
        # Its connections are dropped (a new pool is made when it is tried again): a pool kept
        # would try to reconnect on its own meanwhile.
        pool, replica.engine.pool = replica.engine.pool, None
        if pool is not None:
            pool.terminate()


async def _fetch(engine: PostgresEngine, query: str) -> Any:
    if engine.pool is not None:
        return await engine._run_in_pool(query)
    return await engine._run_in_new_connection(query)


def _where(url: str) -> str:
    """A replica's address without its credentials, for the log."""
    return url.rsplit("@", 1)[-1]


def _is_read(query: QueryString) -> bool:
    sql = query.compile_string(engine_type="postgres")[0].lstrip().upper()
    return sql.startswith("SELECT") and " FOR UPDATE" not in sql and "PG_ADVISORY" not in sql


class RoutingPostgresEngine(PostgresEngine):
    """The primary, sending the reads that may lag (see `reads_may_lag`) to its replicas."""

    def __init__(self, config: dict[str, Any], replica_urls: list[str], max_lag_s: float) -> None:
        super().__init__(config=config)
        self.router = ReplicaRouter(
            [Replica(url, PostgresEngine(config={"dsn": url})) for url in replica_urls], max_lag_s
        )

    async def run_querystring(self, querystring: QueryString, in_pool: bool = True) -> Any:
        if _LAGGING_READS.get() and self.current_transaction.get() is None and _is_read(querystring):
            replica = await self.router.pick(self)
            if replica is not None:
                try:
                    return await replica.engine.run_querystring(querystring, in_pool=True)
                except Exception as error:  # whatever failed there, the primary answers
                    self.router.failed(replica, error)
        return await super().run_querystring(querystring, in_pool)

    async def close_connection_pool(self) -> None:
        for replica in self.router.replicas:
            if replica.engine.pool is not None:
                await replica.engine.close_connection_pool()
        await super().close_connection_pool()
