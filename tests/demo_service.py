"""The real service, loaded with the demo data, running on a free port of 127.0.0.1 for tests
that drive it from outside (the API's contract run, the browser tests)."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

import pytest

from kernel.settings import get_settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_database(tmp: Path, name: str) -> str:
    """A database of its own for a running service, on the suite's kind of database (the
    suite's own is emptied after each test): a SQLite file in `tmp`, or a PostgreSQL database
    `<suite's>_<name>` made anew."""
    if not get_settings().is_postgres:
        return f"sqlite:///{tmp / f'{name}.db'}"
    import asyncpg

    url = urlsplit(get_settings().database_url)
    database = f"{url.path.lstrip('/') or 'test'}_{name}"

    async def recreate() -> None:
        conn = await asyncpg.connect(get_settings().database_url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{database}"')
        finally:
            await conn.close()

    asyncio.run(recreate())
    return urlunsplit(url._replace(path=f"/{database}"))


def secretariat_token(env: dict[str, str], email: str) -> str:
    """A secretariat account made with the command line on the service's database, and a token
    of it."""
    for args in (("user", "add", email, "--role", "secretariat"), ("user", "token", email)):
        done = subprocess.run(
            [sys.executable, "-m", "tracker", *args], env=env, capture_output=True, text=True, check=True
        )
    return done.stdout.strip().splitlines()[-1]


@contextmanager
def running_service(
    env: dict[str, str], log: Path, ready: str = "/", args: tuple[str, ...] = (), demo: bool = True
) -> Iterator[tuple[str, subprocess.Popen]]:
    """`tracker serve` (`--demo` unless told otherwise) with `env` (and `args`), its output in
    `log`; its address and its process once `ready` answers. Stopped on leaving."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tracker",
                "serve",
                *(["--demo"] if demo else []),
                "--port",
                str(port),
                *args,
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urlopen(f"{url}{ready}", timeout=2):  # noqa: S310 - our own http://127.0.0.1
                    break
            except (URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"The service did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.5)
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def demo_service(env: dict[str, str], log: Path, ready: str = "/") -> Iterator[str]:
    """`tracker serve --demo` with `env`, its output in `log`; its address once `ready` answers."""
    with running_service(env, log, ready) as (url, _):
        yield url
