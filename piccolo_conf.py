"""Piccolo configuration: the database named by DATABASE_URL (SQLite file by default) and the apps."""

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from kernel.settings import get_settings

_settings = get_settings()

if _settings.is_postgres:
    DB = PostgresEngine(config={"dsn": _settings.database_url})
else:
    DB = SQLiteEngine(path=_settings.sqlite_path, timeout=30)

APP_REGISTRY = AppRegistry(
    apps=[
        "kernel.piccolo_app",
        "charter.piccolo_app",
        "commitments.piccolo_app",
        "indicators.piccolo_app",
        "accounts.piccolo_app",
    ]
)
