"""Test set-up: a real database (a fresh SQLite file, or Postgres from TEST_DATABASE_URL),
migrated once per run with the project's own migrations, emptied after each test."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import tempfile
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="charter-tracker-tests-"))
os.environ["DATABASE_URL"] = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'test.db'}"
os.environ["UPLOAD_DIR"] = str(_TMP / "uploads")
os.environ["REPORT_CACHE_DIR"] = str(_TMP / "reports")
# No test depends on the day it runs: the service's clock stands still on a known instant.
os.environ["CLOCK"] = "2026-11-26T12:00:00+00:00"

import httpx  # noqa: E402
from piccolo.apps.migrations.commands.forwards import run_forwards  # noqa: E402

from kernel.db import get_engine  # noqa: E402
from kernel.read_cache import forget_reads  # noqa: E402
from kernel.settings import get_settings  # noqa: E402
from tracker.app import create_app  # noqa: E402


def _tables() -> list[str]:
    """Every table of the project's apps, the ones holding foreign keys first (emptied in order)."""
    from piccolo.conf.apps import Finder
    from piccolo.table import sort_table_classes

    return [t._meta.tablename for t in reversed(sort_table_classes(Finder().get_table_classes()))]


TABLES = _tables()


async def _reset_schema() -> None:
    engine = get_engine()
    if get_settings().is_postgres:
        await engine._run_in_new_connection("DROP SCHEMA public CASCADE")
        await engine._run_in_new_connection("CREATE SCHEMA public")
    with contextlib.redirect_stdout(io.StringIO()):
        result = await run_forwards("all")
    assert result.success, result.message


def pytest_sessionstart(session: pytest.Session) -> None:
    asyncio.run(_reset_schema())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if get_settings().is_postgres:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: SQLite runs one write transaction at a time")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
async def _empty_tables():
    yield
    forget_reads()
    engine = get_engine()
    if get_settings().is_postgres:
        await engine._run_in_new_connection(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    else:
        for table in TABLES:
            await engine._run_in_new_connection(f"DELETE FROM {table}")  # noqa: S608


@pytest.fixture(scope="session", autouse=True)
async def _pool():
    """One Postgres pool for the whole run, on the loop the tests and the app share."""
    engine = get_engine()
    if get_settings().is_postgres:
        await engine.start_connection_pool(min_size=1, max_size=5)
    yield
    if get_settings().is_postgres:
        await engine.close_connection_pool()


@pytest.fixture
async def client():
    """The app, called in the test's own event loop (so that builders and app share the pool)."""
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture(scope="module")
def s3_endpoint():
    """An S3 protocol server on loopback (moto's) with an empty bucket `tests.s3.BUCKET`."""
    import boto3
    from moto.server import ThreadedMotoServer

    from tests.s3 import BUCKET

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    ).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()
