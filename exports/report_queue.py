"""Reports rendered by any number of worker processes on any machine, through a job queue in the
PostgreSQL database the service already uses (procrastinate): a batch puts one job per city in
the queue; a worker (`charter-tracker report-worker`, anywhere that reaches the database and the
shared file store) takes the next job, builds the city's context, and renders the report unless
one with the same data hash is already kept (a job done twice renders once). What each job did is
kept beside the reports (`batches/BATCH/CITY.json` in the file store), for the command that put
the batch in the queue to copy the reports into its folder.

A worker sends a heartbeat; a job whose worker stopped beating (killed mid-job, machine gone) is
put back in the queue by the next worker that looks, and done again. SQLite installs keep the
local process pool (`exports/batch.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import signal
import sys
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
from piccolo.engine.postgres import PostgresEngine

from exports.batch import BatchResult, read_manifest, report_file_name, signatory_cities, write_manifest
from exports.report_context import build_report_context, check_report_lang
from exports.report_model import ReportContext
from exports.report_render import cache_name, render_pdf_here
from exports.reports import render_cached
from kernel.caller import Caller
from kernel.db import get_engine
from kernel.errors import DomainError, NotFound
from kernel.files import keep, kept, write_whole
from kernel.settings import get_settings
from kernel.tables import AuditEntry

QUEUE = "reports"
TASK = "exports.report_queue.render_report"
ATTEMPTS = 3
"""How many times a job is tried before it is counted as failed (a worker killed mid-job does
not use one up: its job is put back as it was)."""
_BATCH = re.compile(r"[0-9a-f]{16}")
STATES = ("todo", "doing", "succeeded", "failed", "cancelled", "aborted")


def _app() -> Any:
    """The queue's procrastinate application, with the report task, for this database."""
    import procrastinate

    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=get_settings().database_url, min_size=1, max_size=4)
    )
    app.task(name=TASK, queue=QUEUE, retry=procrastinate.RetryStrategy(max_attempts=ATTEMPTS, wait=1))(
        render_report
    )
    return app


async def ensure_schema(app: Any) -> None:
    """Create the queue's tables the first time (once, whoever asks first)."""
    if await _has_queue_tables():
        return
    async with app.open_async(), app.connector.pool.connection() as connection, connection.transaction():
        # One applier at a time: the lock is held until this transaction ends.
        await connection.execute("SELECT pg_advisory_xact_lock(7274, 1)")
        if not await _has_queue_tables():
            await connection.execute(app.schema_manager.get_schema())


async def _has_queue_tables() -> bool:
    rows = await AuditEntry.raw("SELECT to_regclass('procrastinate_jobs') IS NOT NULL AS present")
    return bool(rows and rows[0]["present"])


def _outcome_name(batch: str, city: str) -> str:
    return f"batches/{batch}/{city}.json"


async def render_report(batch: str, city: str, charter: str, lang: str) -> None:
    """The job: the city's report, rendered unless its data hash is already kept, and what was
    done, kept for the batch. A refusal of the data (a city that no longer signs) is the job's
    outcome, not an error to retry."""
    try:
        context = await build_report_context(city, charter, lang)
    except DomainError as exc:
        _keep_outcome(batch, city, {"outcome": "failed", "reason": exc.detail})
        return
    report = await render_cached(context, render=_render_in_thread)
    _keep_outcome(
        batch,
        city,
        {
            "outcome": "kept" if report.cached else "rendered",
            "hash": report.data_hash,
            "file": cache_name(report.data_hash, None),
        },
    )


async def _render_in_thread(context: ReportContext, variant: str | None) -> bytes:
    # In a thread: the worker's event loop keeps sending its heartbeat while WeasyPrint works.
    return await asyncio.to_thread(render_pdf_here, context, variant)


def _keep_outcome(batch: str, city: str, outcome: dict[str, Any]) -> None:
    keep("reports", _outcome_name(batch, city), json.dumps(outcome).encode(), required=False)


@dataclass(frozen=True)
class BatchProgress:
    """How far a batch is: its jobs by state (`todo`, `doing`, `succeeded`, `failed`...)."""

    batch: str
    total: int
    states: dict[str, int]

    @property
    def finished(self) -> int:
        return sum(n for state, n in self.states.items() if state not in ("todo", "doing"))

    @property
    def done(self) -> bool:
        return self.total > 0 and self.finished == self.total


async def enqueue(charter: str, lang: str, cities: Iterable[str]) -> str:
    """Put one job per city in the queue; returns the batch's name."""
    app = _app()
    await ensure_schema(app)
    batch = uuid.uuid4().hex[:16]
    async with app.open_async():
        await app.tasks[TASK].batch_defer_async(
            *({"batch": batch, "city": city, "charter": charter, "lang": lang} for city in cities)
        )
    return batch


async def progress(batch: str) -> BatchProgress:
    """The batch's jobs counted by state, from the queue's table."""
    rows = await AuditEntry.raw(
        "SELECT status::text AS status, count(*) AS n FROM procrastinate_jobs "
        "WHERE task_name = {} AND args->>'batch' = {} GROUP BY status",
        TASK,
        batch,
    )
    states = {state: 0 for state in STATES} | {r["status"]: int(r["n"]) for r in rows or []}
    return BatchProgress(batch, sum(states.values()), states)


def outcome(batch: str, city: str) -> dict[str, Any] | None:
    """What the batch's job for `city` did (kept by the worker), or None if it has not finished."""
    data = kept("reports", _outcome_name(batch, city))
    return json.loads(data) if data is not None else None


def report_file(outcome: dict[str, Any]) -> bytes | None:
    """The report a job made or found, from the shared file store."""
    return kept("reports", outcome["file"]) if outcome.get("file") else None


async def put_back_stalled(app: Any, seconds_since_heartbeat: float) -> int:
    """Put back in the queue the jobs of workers that stopped sending their heartbeat; returns
    how many."""
    stalled = list(
        await app.job_manager.get_stalled_jobs(
            queue=QUEUE, task_name=TASK, seconds_since_heartbeat=seconds_since_heartbeat
        )
    )
    put_back = 0
    for job in stalled:
        try:
            await app.job_manager.retry_job(job)
        except Exception:  # noqa: S112 - another worker put it back first
            continue
        put_back += 1
    return put_back


async def run_worker(
    *, concurrency: int = 1, heartbeat_s: float = 10, stalled_after_s: float = 30, until_idle: bool = False
) -> None:
    """Take and do jobs until stopped (or, `until_idle`, until the queue is empty), putting back
    the jobs of stalled workers when starting and every `stalled_after_s` seconds."""
    app = _app()
    await ensure_schema(app)
    engine = get_engine()
    if not isinstance(engine, PostgresEngine):
        raise DomainError("The report queue runs on PostgreSQL; on SQLite, `report --all --jobs N` renders.")
    await engine.start_connection_pool(min_size=1, max_size=max(2, concurrency + 1))
    try:
        async with app.open_async():

            async def watch() -> None:
                while True:
                    with contextlib.suppress(Exception):  # the database away a moment: look again
                        await put_back_stalled(app, stalled_after_s)
                    await asyncio.sleep(stalled_after_s / 2)

            watcher = asyncio.create_task(watch())
            try:
                await put_back_stalled(app, stalled_after_s)
                await app.run_worker_async(
                    queues=[QUEUE],
                    concurrency=concurrency,
                    wait=not until_idle,
                    update_heartbeat_interval=heartbeat_s,
                    fetch_job_polling_interval=1.0,
                    delete_jobs="never",
                )
            finally:
                watcher.cancel()
    finally:
        await engine.close_connection_pool()


class ReportBatchRead(msgspec.Struct):
    """How far a batch of reports in the queue is: its jobs by state. `done` when none is
    waiting (`todo`) or being done (`doing`)."""

    batch: str
    total: int
    todo: int
    doing: int
    succeeded: int
    failed: int
    cancelled: int
    done: bool


async def batch_status(caller: Caller, batch: str) -> ReportBatchRead:
    """A batch's progress, for the secretariat."""
    caller.require_secretariat("follow a batch of reports")
    if not isinstance(get_engine(), PostgresEngine):
        raise NotFound("There is no report queue on SQLite: batches run in `report --all` itself.")
    if not _BATCH.fullmatch(batch) or not await _has_queue_tables():
        raise NotFound(f"No report batch {batch!r}.")
    seen = await progress(batch)
    if seen.total == 0:
        raise NotFound(f"No report batch {batch!r}.")
    states = seen.states
    return ReportBatchRead(
        batch=batch,
        total=seen.total,
        todo=states["todo"],
        doing=states["doing"],
        succeeded=states["succeeded"],
        failed=states["failed"],
        cancelled=states["cancelled"] + states["aborted"],
        done=seen.done,
    )


async def run_queued_batch(
    charter: str,
    lang: str,
    out_dir: Path,
    *,
    local_workers: int = 1,
    cities: Iterable[str] | None = None,
    on_progress: Callable[[BatchProgress], None] | None = None,
    on_queued: Callable[[str], None] | None = None,
    poll_s: float = 0.5,
) -> tuple[str, BatchResult]:
    """Report every signatory city (or `cities`) into `out_dir` through the queue: one job per
    city, done by `local_workers` worker processes started here (stopped at the end) and by any
    worker running elsewhere. Then each report is copied from the file store into the folder,
    unless the file there has the same data hash (the manifest says); the manifest is rewritten."""
    check_report_lang(lang)
    out_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 (a small local folder)
    manifest = read_manifest(out_dir)
    slugs = list(cities) if cities is not None else await signatory_cities(charter)
    batch = await enqueue(charter, lang, slugs)
    if on_queued:
        on_queued(batch)
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tracker", "report-worker", stdin=asyncio.subprocess.DEVNULL
        )
        for _ in range(local_workers)
    ]
    try:
        while True:
            seen = await progress(batch)
            if on_progress:
                on_progress(seen)
            if seen.done or not slugs:
                break
            await asyncio.sleep(poll_s)
    finally:
        for worker in workers:
            if worker.returncode is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                await asyncio.wait_for(worker.wait(), 30)
            except TimeoutError:
                worker.kill()
    result = BatchResult()
    for city in slugs:
        _collect(batch, city, charter, lang, out_dir, manifest, result)
    write_manifest(out_dir, manifest)
    return batch, result


def _collect(
    batch: str, city: str, charter: str, lang: str, out_dir: Path, manifest: dict, result: BatchResult
) -> None:
    """Put the report the city's job made or found into the folder, and say what happened."""
    done = outcome(batch, city)
    if done is None:
        result.failed[city] = f"its job failed {ATTEMPTS} times; the workers' log says why"
        return
    if done["outcome"] == "failed":
        result.failed[city] = done["reason"]
        return
    file_name = report_file_name(city, charter, lang)
    target = out_dir / file_name
    if manifest.get(file_name, {}).get("hash") == done["hash"] and target.is_file():
        result.skipped.append(city)
        return
    pdf = report_file(done)
    if pdf is None:
        result.failed[city] = "its report is not in the file store (is FILE_STORE the same on every machine?)"
        return
    try:
        write_whole(target, pdf)
    except OSError as exc:
        result.failed[city] = f"{type(exc).__name__}: {exc}"
        return
    manifest[file_name] = {"city": city, "hash": done["hash"]}
    result.rendered.append(city)
