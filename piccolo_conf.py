"""Piccolo configuration: the database named by DATABASE_URL (SQLite file by default) and the apps."""

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from kernel.replicas import RoutingPostgresEngine
from kernel.settings import get_settings

_settings = get_settings()

if _settings.file_store and not _settings.file_store.startswith("s3://"):
    raise SystemExit(
        "FILE_STORE names an S3-compatible bucket (s3://bucket/prefix; credentials, region and "
        "endpoint in the AWS_* variables); unset it to keep files in this machine's folders."
    )

if _settings.database_replica_urls:
    if not _settings.is_postgres or not all(
        url.startswith(("postgres://", "postgresql://")) for url in _settings.database_replica_urls
    ):
        raise SystemExit(
            "DATABASE_REPLICA_URLS names PostgreSQL replicas (postgresql://...) of a PostgreSQL "
            "DATABASE_URL; unset it, or set both to PostgreSQL."
        )
    DB = RoutingPostgresEngine(
        {"dsn": _settings.database_url}, list(_settings.database_replica_urls), _settings.replica_max_lag_s
    )
elif _settings.is_postgres:
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
