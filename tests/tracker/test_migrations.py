"""Migrations on an empty database give the schema that tables.py describes, on either engine."""

from collections import Counter

from piccolo.conf.apps import Finder

from kernel.db import get_engine
from kernel.settings import get_settings

# Indexes that tables.py cannot declare (several columns), which the migrations create by raw SQL.
RAW_INDEXES = {"measurement": [("city", "indicator", "period_end")], "target": [("city", "indicator")]}

Index = tuple[tuple[str, ...], bool]


async def _columns(table: str) -> dict[str, bool]:
    """Column name → nullable, as the database has it."""
    engine = get_engine()
    if get_settings().is_postgres:
        rows = await engine._run_in_new_connection(
            "SELECT column_name AS name, is_nullable = 'YES' AS nullable "
            "FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
            [table],
        )
        return {r["name"]: bool(r["nullable"]) for r in rows}
    rows = await engine._run_in_new_connection(f"PRAGMA table_info({table})")
    return {r["name"]: not r["notnull"] and not r["pk"] for r in rows}


async def _indexes(table: str) -> Counter[Index]:
    """The table's indexes other than its primary key's, as the database has them: (columns in
    order, unique) → how many (a unique column that is also indexed has two)."""
    engine = get_engine()
    if get_settings().is_postgres:
        rows = await engine._run_in_new_connection(
            "SELECT ix.indisunique AS is_unique, "
            "array_agg(a.attname::text ORDER BY k.n) AS columns "
            "FROM pg_index ix "
            "JOIN pg_class t ON t.oid = ix.indrelid "
            "JOIN pg_namespace ns ON ns.oid = t.relnamespace "
            "CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
            "WHERE ns.nspname = 'public' AND t.relname = $1 AND NOT ix.indisprimary "
            "GROUP BY ix.indexrelid, ix.indisunique",
            [table],
        )
        return Counter((tuple(r["columns"]), bool(r["is_unique"])) for r in rows)
    found: Counter[Index] = Counter()
    for index in await engine._run_in_new_connection(f"PRAGMA index_list({table})"):
        if index["origin"] == "pk":
            continue
        columns = await engine._run_in_new_connection(f"PRAGMA index_info({index['name']})")
        found[
            (tuple(c["name"] for c in sorted(columns, key=lambda c: c["seqno"])), bool(index["unique"]))
        ] += 1
    return found


async def test_migrated_schema_matches_the_tables() -> None:
    """Every table and column of tables.py exists after `migrations forwards all`, same nullability."""
    tables = Finder().get_table_classes()
    assert len(tables) >= 17
    for table in tables:
        expected = {c._meta.db_column_name: c._meta.null for c in table._meta.columns}
        expected[table._meta.primary_key._meta.db_column_name] = False
        assert await _columns(table._meta.tablename) == expected, table._meta.tablename


async def test_migrated_indexes_match_the_tables() -> None:
    """Every index of tables.py (a column's `index`, `unique`) and every raw-SQL index exists after
    `migrations forwards all`, and no other."""
    tables = Finder().get_table_classes()
    for table in tables:
        expected: Counter[Index] = Counter()
        for column in table._meta.columns:
            if column._meta.primary_key:
                continue
            if column._meta.index:
                expected[((column._meta.db_column_name,), False)] += 1
            if column._meta.unique:
                expected[((column._meta.db_column_name,), True)] += 1
        for columns in RAW_INDEXES.get(table._meta.tablename, []):
            expected[(columns, False)] += 1
        found = await _indexes(table._meta.tablename)
        assert found == expected, (
            f"{table._meta.tablename}: missing {dict(expected - found)}, unexpected {dict(found - expected)}"
        )
    assert set(RAW_INDEXES) <= {t._meta.tablename for t in tables}
