"""Reports through the job queue on PostgreSQL (procrastinate), with real worker processes: a batch
of the demo's signatory cities is done by two workers and copied into the folder, and done again
without rendering anything; a worker killed in the middle of a job leaves it to another worker,
which does it; the status endpoint follows a batch for the secretariat only; on SQLite there is no
queue, and the endpoint says so."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from exports.report_queue import TASK, enqueue, outcome, progress, report_file, run_queued_batch
from kernel.settings import get_settings
from kernel.tables import AuditEntry
from tests import builders
from tests.builders import bearer
from tests.s3 import use_bucket
from tracker.demo import load_demo

ROOT = Path(__file__).resolve().parents[2]
CITIES = [
    "barcelona",
    "beirut",
    "grenoble",
    "madrid",
    "ramallah",
    "seine-saint-denis",
    "sfax",
    "sousse",
    "tangier",
    "turin",
    "valencia",
]


@pytest.fixture
async def empty_queue():
    yield
    if get_settings().is_postgres:
        await AuditEntry.raw("DELETE FROM procrastinate_jobs")


def _worker(*options: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "report-worker", *options],
        cwd=ROOT,
        env=os.environ.copy(),
        stdin=subprocess.DEVNULL,
    )


async def _job_states(batch: str) -> list[str]:
    rows = await AuditEntry.raw(
        "SELECT status::text AS status FROM procrastinate_jobs WHERE task_name = {} AND args->>'batch' = {}",
        TASK,
        batch,
    )
    return [r["status"] for r in rows]


@pytest.mark.postgres
async def test_a_batch_goes_through_the_queue_and_is_done_once(client, tmp_path, empty_queue) -> None:
    await load_demo()
    seen: list[int] = []
    batch, result = await run_queued_batch(
        "lampedusa", "fr", tmp_path, local_workers=2, on_progress=lambda p: seen.append(p.finished)
    )
    assert sorted(result.rendered) == CITIES and result.failed == {} and result.skipped == []
    assert seen == sorted(seen) and seen[-1] == len(CITIES)  # progress only goes forward
    assert PdfReader(tmp_path / "sousse-lampedusa-fr.pdf").metadata.title.startswith("Rapport")
    assert {outcome(batch, city)["outcome"] for city in CITIES} == {"rendered"}
    done = await progress(batch)
    assert done.done and done.states["succeeded"] == len(CITIES)

    token = await builders.token("secretariat")
    r = await client.get(f"/api/v1/report-batches/{batch}", headers=bearer(token))
    assert r.status_code == 200, r.text
    assert r.json() == {
        "batch": batch,
        "total": 11,
        "todo": 0,
        "doing": 0,
        "succeeded": 11,
        "failed": 0,
        "cancelled": 0,
        "done": True,
    }
    editor = await builders.token("city_editor", "grenoble")
    assert (await client.get(f"/api/v1/report-batches/{batch}", headers=bearer(editor))).status_code == 403
    assert (
        await client.get("/api/v1/report-batches/0123456789abcdef", headers=bearer(token))
    ).status_code == 404
    assert (await client.get("/api/v1/report-batches/..%2Fetc", headers=bearer(token))).status_code == 404

    again, result = await run_queued_batch("lampedusa", "fr", tmp_path, local_workers=1)
    assert result.rendered == [] and sorted(result.skipped) == CITIES
    # Done twice, rendered once: the second jobs found every report by its data hash.
    assert {outcome(again, city)["outcome"] for city in CITIES} == {"kept"}

    command = [sys.executable, "-m", "tracker", "report", "--all", "--charter", "lampedusa"]
    done = await asyncio.to_thread(
        subprocess.run,
        [*command, "-o", str(tmp_path), "--jobs", "1"],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "rendered 0, skipped 11 (unchanged), failed 0" in done.stdout
    assert "11 signatory cities" in done.stderr and "/api/v1/report-batches/" in done.stderr


@pytest.mark.postgres
async def test_a_job_whose_worker_is_killed_is_done_by_another(tmp_path, empty_queue) -> None:
    await load_demo()
    batch = await enqueue("lampedusa", "fr", ["sousse"])
    first = _worker("--heartbeat", "0.5", "--stalled-after", "2")
    try:
        deadline = time.monotonic() + 60
        while await _job_states(batch) != ["doing"]:
            assert time.monotonic() < deadline, "the job was never taken"
            assert first.poll() is None
            await asyncio.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    assert await _job_states(batch) == ["doing"]  # left as it was, with nobody doing it
    assert outcome(batch, "sousse") is None
    second = _worker("--heartbeat", "0.5", "--stalled-after", "2")
    try:
        deadline = time.monotonic() + 90
        while await _job_states(batch) != ["succeeded"]:
            assert time.monotonic() < deadline, await _job_states(batch)
            await asyncio.sleep(0.2)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)
    done = outcome(batch, "sousse")
    assert done is not None and done["outcome"] in ("rendered", "kept")
    assert report_file(done).startswith(b"%PDF")


async def test_there_is_no_queue_on_sqlite(client) -> None:
    if get_settings().is_postgres:
        pytest.skip("the SQLite answer")
    token = await builders.token("secretariat")
    r = await client.get("/api/v1/report-batches/0123456789abcdef", headers=bearer(token))
    assert r.status_code == 404 and "no report queue on SQLite" in r.json()["detail"]
    command = [sys.executable, "-m", "tracker", "report", "--all", "--charter", "lampedusa"]
    done = await asyncio.to_thread(
        subprocess.run,
        [*command, "-o", "out", "--jobs", "0"],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "On SQLite the reports are rendered here: --jobs 1 or more." in done.stderr


@pytest.mark.postgres
async def test_a_worker_on_another_machine_renders_and_the_reports_come_back_through_the_bucket(
    tmp_path, monkeypatch, empty_queue, s3_endpoint
) -> None:
    """The command's machine and the worker's have folders of their own; the files go through
    the bucket both ways (the worker reads nothing the command kept locally, and the other way)."""
    await load_demo()
    use_bucket(monkeypatch, s3_endpoint)
    batch = await enqueue("lampedusa", "fr", ["grenoble", "sousse"])
    elsewhere = os.environ | {
        "UPLOAD_DIR": str(tmp_path / "worker" / "uploads"),
        "REPORT_CACHE_DIR": str(tmp_path / "worker" / "reports"),
    }
    command = [sys.executable, "-m", "tracker", "report-worker", "--until-idle"]
    worked = await asyncio.to_thread(subprocess.run, command, cwd=ROOT, env=elsewhere, timeout=120)
    assert worked.returncode == 0
    assert (await progress(batch)).states["succeeded"] == 2
    monkeypatch.setenv("REPORT_CACHE_DIR", str(tmp_path / "command" / "reports"))
    for city in ("grenoble", "sousse"):
        done = outcome(batch, city)
        assert done["outcome"] == "rendered"
        assert report_file(done).startswith(b"%PDF")
    assert {p.name for p in (tmp_path / "worker" / "reports").glob("*.pdf")} == {
        outcome(batch, city)["file"] for city in ("grenoble", "sousse")
    }
