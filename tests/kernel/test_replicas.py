"""Read replicas against a real PostgreSQL streaming replica: a primary and its replica
(`pg_basebackup`) made by the test on free loopback ports, the service in front of them.

Public reads are answered by the replica while it keeps up, and by the primary when it lags or
is down; a signed-in person reads the primary (they see what they just wrote); never a 500."""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import asyncpg
import httpx
import pytest

from kernel.replicas import lsn
from tests.demo_service import free_port, running_service, secretariat_token

pytestmark = pytest.mark.postgres


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found or os.geteuid() != 0:
        pytest.skip(f"needs PostgreSQL's {name} and root to make a throwaway primary and replica")
    return found[-1]


def _as_postgres(*command: str) -> None:
    subprocess.run(
        ["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True, timeout=120
    )


def _sql(port: int, query: str) -> object:
    async def run() -> object:
        conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres")
        try:
            return await conn.fetchval(query)
        finally:
            await conn.close()

    return asyncio.run(run())


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[int, int, str]]:
    """A primary and its streaming replica: their ports, and the replica's data folder."""
    pg_ctl = _bin("pg_ctl")
    base = Path(tempfile.mkdtemp(prefix="replicas-"))
    shutil.chown(base, "postgres")
    primary, replica = base / "primary", base / "replica"
    ports = free_port(), free_port()
    started: list[Path] = []
    try:
        _as_postgres(_bin("initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust")
        options = f"-p {ports[0]} -k {base} -c listen_addresses=127.0.0.1 -c wal_level=replica"
        _as_postgres(
            pg_ctl, "-D", str(primary), "-l", str(base / "primary.log"), "-o", options, "-w", "start"
        )
        started.append(primary)
        _as_postgres(
            _bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(ports[0]), "-U", "postgres",
            "-D", str(replica), "-R", "-X", "stream",
        )  # fmt: skip
        options = f"-p {ports[1]} -k {base} -c listen_addresses=127.0.0.1"
        _as_postgres(
            pg_ctl, "-D", str(replica), "-l", str(base / "replica.log"), "-o", options, "-w", "start"
        )
        started.append(replica)
        assert _sql(ports[1], "SELECT pg_is_in_recovery()") is True
        yield ports[0], ports[1], str(replica)
    finally:
        for folder in reversed(started):
            subprocess.run(
                ["runuser", "-u", "postgres", "--", pg_ctl, "-D", str(folder), "-m", "immediate", "stop"],
                capture_output=True,
            )
        shutil.rmtree(base, ignore_errors=True)


def _caught_up(primary: int, replica: int) -> None:
    target = lsn(str(_sql(primary, "SELECT pg_current_wal_lsn()::text")))
    deadline = time.monotonic() + 30
    while lsn(str(_sql(replica, "SELECT pg_last_wal_replay_lsn()::text"))) < target:
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.1)


def _statuses(url: str, headers: dict[str, str] | None = None) -> dict[str, str | None]:
    """Grenoble's adopted commitments (`charter/code`) and their last status."""
    r = httpx.get(f"{url}/api/v1/cities/grenoble/commitments", headers=headers, timeout=60)
    assert r.status_code == 200, r.text
    return {f"{c['charter']}/{c['commitment']}": c["status"] for c in r.json()}


def test_public_reads_go_to_the_replica_while_it_keeps_up(
    cluster: tuple[int, int, str], tmp_path: Path
) -> None:
    primary, replica, replica_dir = cluster
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{primary}/postgres",
        "DATABASE_REPLICA_URLS": f"postgresql://postgres@127.0.0.1:{replica}/postgres",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "REPORT_CACHE_DIR": str(tmp_path / "reports"),
    }
    patient = {**env, "REPLICA_MAX_LAG_S": "3600"}  # takes the replica however far behind
    strict = {**env, "REPLICA_MAX_LAG_S": "0.2"}
    with ExitStack() as stack:
        slow, _ = stack.enter_context(running_service(patient, tmp_path / "patient.log", "/api/v1/cities"))
        quick, _ = stack.enter_context(
            running_service(strict, tmp_path / "strict.log", "/api/v1/cities", demo=False)
        )
        secret = secretariat_token(env, "replicas@uclg.example")
        token = {"Authorization": f"Bearer {secret}"}
        _caught_up(primary, replica)
        before = _statuses(slow)
        assert _statuses(quick) == before == _statuses(slow, token)
        code = next(c for c, status in before.items() if status != "delayed")
        comparison = "/api/v1/charters/lampedusa/comparison"
        assert httpx.get(slow + comparison, timeout=60).status_code == 200

        # The replica stops replaying: a write on the primary does not reach it.
        _sql(replica, "SELECT pg_wal_replay_pause()")
        r = httpx.post(
            f"{slow}/api/v1/cities/grenoble/commitments/{code}/updates",
            headers=token,
            json={"status": "delayed", "reported_on": "2026-11-25"},
            timeout=60,
        )
        assert r.status_code == 201, r.text
        time.sleep(0.6)
        # Anonymous, on the patient service: the replica answers, without the write.
        assert _statuses(slow)[code] == before[code]
        # The writer reads the primary: their write at once.
        assert _statuses(slow, token)[code] == "delayed"
        # The strict service leaves the lagging replica aside: the primary answers.
        assert _statuses(quick)[code] == "delayed"

        # Replaying again, the replica catches up and answers with the write.
        _sql(replica, "SELECT pg_wal_replay_resume()")
        _caught_up(primary, replica)
        assert _statuses(slow)[code] == "delayed"

        # The replica goes down: every read is answered by the primary, none fails.
        _as_postgres(_bin("pg_ctl"), "-D", replica_dir, "-m", "immediate", "stop")
        for url in (slow, quick):
            for _ in range(3):
                assert _statuses(url)[code] == "delayed"
            assert httpx.get(url + comparison, timeout=60).status_code == 200
    for log in ("patient.log", "strict.log"):
        text = (tmp_path / log).read_text()
        assert "Traceback" not in text and " 500 " not in text, text[-4000:]
    assert "left aside" in (tmp_path / "patient.log").read_text()
