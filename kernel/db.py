"""Transactions that write, and the audit row every write appends inside them."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import IntEnum
from typing import Any, NamedTuple, ParamSpec

import msgspec
from piccolo.engine import engine_finder
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString
from piccolo.table import Table

from kernel.caller import Caller
from kernel.errors import NotFound, PreconditionFailed
from kernel.tables import AuditEntry

P = ParamSpec("P")


def get_engine() -> Engine:
    engine = engine_finder()
    if engine is None:
        raise RuntimeError("No Piccolo engine: is piccolo_conf importable?")
    return engine


@asynccontextmanager
async def write_transaction():
    """One transaction for a write and its audit rows; SQLite takes the write lock at once."""
    engine = get_engine()
    if isinstance(engine, SQLiteEngine):
        async with engine.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with engine.transaction():
            yield


@asynccontextmanager
async def read_snapshot():
    """One consistent view of the data for a read made of many queries (a report): every query
    sees the same state, over one connection (SQLite: one connection instead of one per query)."""
    engine = get_engine()
    if isinstance(engine, SQLiteEngine):
        async with engine.transaction(transaction_type=TransactionType.deferred):
            yield
    else:
        outermost = engine.current_transaction.get() is None
        async with engine.transaction():
            if outermost:
                # Read committed would let each query see a different state; one snapshot it is.
                await AuditEntry.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield


@asynccontextmanager
async def one_connection():
    """A read of many queries over one connection, where that is what costs (SQLite: a query
    outside a transaction opens the file anew, in a thread of its own). On PostgreSQL each query
    takes a pooled connection, and may be answered by a replica (see kernel/replicas.py)."""
    engine = get_engine()
    if isinstance(engine, SQLiteEngine) and engine.current_transaction.get() is None:
        async with engine.transaction(transaction_type=TransactionType.deferred):
            yield
    else:
        yield


class Turns(IntEnum):
    """What writers take turns on (the first key of a PostgreSQL advisory lock), named in one
    place so that no two uses share a number."""

    standing = 1  # one adoption's standing: the rows it is computed from, and the row it is kept in
    challenges_opened = 2  # one reviewer's challenges of the last minute, counted against the limit
    sign_in_account = 3  # the failed sign-ins naming one e-mail address, counted against its lock
    sign_in_address = 4  # the failed authentications from one address, counted against its limit


async def take_turns(what: Turns, keys: Iterable[int]) -> None:
    """Until the write's transaction ends, other writes that take turns on the same `what` and
    keys wait for it, and then see what it wrote. PostgreSQL: a transaction-level advisory lock
    per key, taken in key order (two writers never wait on each other); SQLite: nothing to do,
    the write transaction already holds the one write lock."""
    engine = get_engine()
    if isinstance(engine, SQLiteEngine):
        return
    if engine.current_transaction.get() is None:
        raise RuntimeError("take_turns needs the write's transaction.")
    ordered = sorted(set(keys))
    if ordered:
        # Locked in the order of the sorted subquery; the function in the outer list runs per row.
        await AuditEntry.raw(
            "SELECT pg_advisory_xact_lock({}, k) FROM (SELECT unnest({}::int[]) AS k ORDER BY k) AS keys",
            int(what),
            ordered,
        )


async def update_versioned(table: type[Table], row_id: int, version: int, values: dict, what: str) -> None:
    """Write `values` to the row only if it is still at `version`, and step the version; a write
    that lost the race (a concurrent writer stepped it first) changes nothing and gets 412."""
    column = table.version  # type: ignore[attr-defined]  # every versioned table has the column
    key = table.id  # type: ignore[attr-defined]  # the primary key Piccolo adds to every table
    changed = table.update({**values, column: column + 1}).where((key == row_id) & (column == version))
    done = await changed.returning(key)
    if not done:
        raise PreconditionFailed(f"{what} was changed by someone else meanwhile. Nothing was changed.")


async def bulk_insert(table: type[Table], columns: list[str], rows: Sequence[tuple]) -> None:
    """Insert many rows at once inside the current write transaction: PostgreSQL's `COPY`
    through the driver, SQLite's executemany. The ORM builds one query per row, which costs
    seconds for a workbook of 100 000 values; `COPY` is about ten times faster than row inserts.
    Values must already be what the column holds (dates, Decimals, text)."""
    engine = get_engine()
    transaction = engine.current_transaction.get()
    if transaction is None:
        raise RuntimeError("bulk_insert needs the write's transaction.")
    if not rows:
        return
    if not isinstance(engine, SQLiteEngine):
        # The driver quotes the column names (a column may be named `update`).
        await transaction.connection.copy_records_to_table(
            table._meta.tablename, records=rows, columns=columns
        )
        return
    names = ", ".join(f'"{c}"' for c in columns)  # quoted: a column may be named `update`
    marks = ", ".join("?" for _ in columns)
    sql = f'INSERT INTO "{table._meta.tablename}" ({names}) VALUES ({marks})'  # noqa: S608
    await transaction.connection.executemany(sql, rows)


async def raw_tuples(sql: str, *args: Any) -> list[Sequence[Any]]:
    """The rows of a raw query, each a sequence of values in the order of its columns: for reads
    of a hundred thousand rows, where the ORM's dict per row costs more than the query (two
    microseconds a row on SQLite). Inside a transaction, over its connection; else through the
    ORM, which chooses the connection (a replica, for a read that may lag)."""
    engine = get_engine()
    transaction = engine.current_transaction.get()
    if transaction is None:
        return [tuple(row.values()) for row in await AuditEntry.raw(sql, *args)]
    query, values = QueryString(sql, *args).compile_string(engine_type=engine.engine_type)
    if isinstance(engine, SQLiteEngine):
        async with transaction.connection.execute(query, values) as cursor:
            cursor.row_factory = None
            return list(await cursor.fetchall())
    return list(await transaction.connection.fetch(query, *values))


def found(row: dict[str, Any] | None, what: str) -> dict[str, Any]:
    """A row that must be there (a foreign key points at it, or it was just written); 404 naming
    it if another writer removed it meanwhile."""
    if row is None:
        raise NotFound(f"{what} is gone.")
    return row


def sql_literals(values: Iterable[str]) -> str:
    """Vocabulary values (StrEnum members) as a list of SQL string literals, `'a', 'b'`, so that
    SQL written out by hand says the same words as the Python rules. Values are codes of our
    own vocabularies, never input."""
    return ", ".join("'" + str(value).replace("'", "''") + "'" for value in values)


def json_value(value: Any) -> Any:
    """A JSON column's value as Python: the drivers give text (SQLite, and any JSON column read
    through a join) or the decoded value (PostgreSQL's JSONB read directly), this gives the value."""
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


def _json_default(value: Any) -> Any:
    """What the JSON encoder does not know, as the audit log writes it: dates as ISO text,
    Decimals as their exact text, other mappings and sets as objects and lists."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, set | frozenset):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not written to the audit log.")


def _audit_json(value: Mapping[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=_json_default)


class AuditRow(NamedTuple):
    """An audit row not yet written, its fields in the table's column order (`AUDIT_COLUMNS`)."""

    at: datetime
    actor_id: int | None
    actor_label: str
    actor_public: str | None
    action: str
    entity: str
    key: str
    before: str | None
    after: str | None


AUDIT_COLUMNS = list(AuditRow._fields)


def audit_entry(
    caller: Caller,
    action: str,
    entity: str,
    key: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    public_label: str | None = None,
) -> AuditRow:
    """An audit row: who (`caller`) did what (`action`) to which item (`entity`, `key`), with its
    state before and after. `public_label` is the name the public sees instead of the actor's
    (a reviewer writing under an organisation's name). Not yet written: `audit` writes one,
    writes of many items insert them in batches (`bulk_insert(AuditEntry, AUDIT_COLUMNS, rows)`)."""
    return AuditRow(
        at=datetime.now(UTC),
        actor_id=caller.user_id,
        actor_label=caller.label,
        actor_public=public_label or caller.public_name,
        action=action,
        entity=entity,
        key=key,
        before=_audit_json(before),
        after=_audit_json(after),
    )


def _written(make: Callable[P, AuditRow]) -> Callable[P, Coroutine[Any, Any, None]]:
    async def write(*args: P.args, **kwargs: P.kwargs) -> None:
        await AuditEntry.insert(AuditEntry(**make(*args, **kwargs)._asdict()))

    write.__doc__ = """Append one audit row, with the arguments of `audit_entry`; call it inside
    the write's transaction."""
    return write


audit = _written(audit_entry)
