"""Migrations on an empty database give the schema that tables.py describes, on either engine."""

from piccolo.conf.apps import Finder

from kernel.db import get_engine
from kernel.settings import get_settings


async def _columns(table: str) -> dict[str, bool]:
    """Column name → nullable, as the database has it."""
    engine = get_engine()
    if get_settings().is_postgres:
        rows = await engine._run_in_new_connection(
            "SELECT column_name AS name, is_nullable = 'YES' AS nullable "
            "FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
            [table])
        return {r["name"]: bool(r["nullable"]) for r in rows}
    rows = await engine._run_in_new_connection(f"PRAGMA table_info({table})")
    return {r["name"]: not r["notnull"] and not r["pk"] for r in rows}


async def test_migrated_schema_matches_the_tables() -> None:
    """Every table and column of tables.py exists after `migrations forwards all`, same nullability."""
    tables = Finder().get_table_classes()
    assert len(tables) >= 17
    for table in tables:
        expected = {c._meta.db_column_name: c._meta.null for c in table._meta.columns}
        expected[table._meta.primary_key._meta.db_column_name] = False
        assert await _columns(table._meta.tablename) == expected, table._meta.tablename
