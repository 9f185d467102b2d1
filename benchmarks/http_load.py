"""The service under load over HTTP, on loopback only, bounded in time: throughput and p50/p99
latency of the public commitment list, the comparison of cities and a write mix (one status
update in ten requests, the rest public reads), at 1, 10 and 50 connections, on SQLite and
PostgreSQL, served by 1 and 4 processes (`serve --workers`), side by side with a bare Litestar
endpoint served the same way in the same run. Load from `wrk` (installed with apt-get as root,
else named); the data: the demo and `--cities` synthetic cities of a charter of 40 commitments.
Run: `.venv/bin/python benchmarks/http_load.py [--cities 500] [--seconds 5]`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONNECTIONS = (1, 10, 50)
WORKERS = (1, 4)
LIST = "/api/v1/cities/grenoble/commitments"
COMPARISON = "/api/v1/charters/bench/comparison"
WRITE_MIX = """
local n = 0
request = function()
  n = n + 1
  if n % 10 == 0 then
    return wrk.format("POST", "{updates}", {{["Authorization"] = "Bearer {token}",
      ["Content-Type"] = "application/json"}}, '{{"status": "in_progress", "reported_on": "{today}"}}')
  end
  return wrk.format("GET", "{read}")
end
"""


def need_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        print("Installing wrk (apt-get) ...", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
        return shutil.which("wrk") or "wrk"
    sys.exit("This benchmark needs wrk: sudo apt-get install wrk")


async def setup(cities: int) -> None:
    """The schema, the demo, the synthetic charter and its cities (in the database of DATABASE_URL)."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from benchmarks.synthetic import charter_document, load_cities
    from exports.charter_documents import import_document
    from kernel.caller import SYSTEM
    from kernel.db import get_engine
    from kernel.settings import get_settings
    from tracker.demo import load_demo

    if get_settings().is_postgres:
        engine = get_engine()
        await engine._run_in_new_connection("DROP SCHEMA public CASCADE")
        await engine._run_in_new_connection("CREATE SCHEMA public")
    with contextlib.redirect_stdout(io.StringIO()):
        await run_forwards("all")
    await load_demo()
    await import_document(SYSTEM, charter_document("bench", 5, 8, 1))
    for start in range(0, cities, 100):
        await load_cities("bench", min(100, cities - start), periods=2, prefix=f"c{start:05d}")
    if get_settings().is_postgres:
        await get_engine()._run_in_new_connection("ANALYZE")
    from commitments.tables import Adoption

    first = (
        await Adoption.select(Adoption.key)
        .where(Adoption.key.like("grenoble/%"))
        .order_by(Adoption.key)
        .first()
    )
    print(json.dumps(first["key"].split("/", 1)[1]))  # the commitment the write mix reports on


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(command: list[str], env: dict[str, str], ready: str, log: Path) -> Iterator[str]:
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [*command, "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urlopen(url + ready, timeout=5):  # noqa: S310 - our own http://127.0.0.1
                    break
            except (URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"The server did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=60)


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def load(wrk: str, url: str, connections: int, seconds: int, script: Path | None = None) -> dict:
    """wrk against one URL: requests per second, p50 and p99 in ms, and the errors (socket
    errors, and answers that are not 2xx or 3xx)."""
    command = [wrk, "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s"]
    command += ["--latency", "--timeout", "30s"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    errors += int(m[1]) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),  # type: ignore[index]
        "p50": _ms(re.search(r"\s50%\s+(\S+)", out)[1]),  # type: ignore[index]
        "p99": _ms(re.search(r"\s99%\s+(\S+)", out)[1]),  # type: ignore[index]
        "errors": errors,
    }


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return done.stdout.strip()


def measure(name: str, url_db: str, tmp: Path, wrk: str, args: argparse.Namespace) -> list[tuple]:
    env = {
        **os.environ,
        "DATABASE_URL": url_db,
        "UPLOAD_DIR": str(tmp / f"{name}-uploads"),
        "REPORT_CACHE_DIR": str(tmp / f"{name}-reports"),
        "AUTH_FAILURES_PER_MINUTE": "1000000",
    }
    set_up = subprocess.run(
        [sys.executable, __file__, "--step", "setup", "--cities", str(args.cities)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    commitment = json.loads(set_up.stdout.strip().splitlines()[-1])
    cli(env, "user", "add", "load@uclg.example", "--role", "secretariat")
    token = cli(env, "user", "token", "load@uclg.example").splitlines()[-1]
    script = tmp / f"{name}-mix.lua"
    script.write_text(
        WRITE_MIX.format(
            updates=f"/api/v1/cities/grenoble/commitments/{commitment}/updates",
            token=token,
            today=date.today().isoformat(),
            read=LIST,
        )
    )
    rows = []
    for workers in WORKERS:
        service = [sys.executable, "-m", "tracker", "serve", "--workers", str(workers)]
        bare = [sys.executable, "-m", "uvicorn", "benchmarks.bare_app:app", "--log-level", "warning"]
        bare += ["--workers", str(workers)]
        with serving(bare, env, "/bare", tmp / "bare.log") as url:
            for c in CONNECTIONS:
                rows.append((name, workers, "bare endpoint", c, load(wrk, url + "/bare", c, args.seconds)))
        with serving(service, env, LIST, tmp / f"{name}-{workers}.log") as url:
            for label, path, lua in (
                ("public commitment list", LIST, None),
                (f"comparison ({args.cities} cities)", COMPARISON, None),
                ("write mix (1 in 10 writes)", LIST, script),
            ):
                # Warm: caches, pools, the first queries, in every serving process.
                load(wrk, url + path, 4 * workers, 2, lua)
                for c in CONNECTIONS:
                    rows.append((name, workers, label, c, load(wrk, url + path, c, args.seconds, lua)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cities", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/bench_http")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "setup":
        asyncio.run(setup(args.cities))
        return
    wrk = need_wrk()
    admin = args.postgres_url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(
        ["psql", admin, "-qc", f"CREATE DATABASE {args.postgres_url.rsplit('/', 1)[1]}"],
        capture_output=True,
        check=False,
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, url in (("SQLite", f"sqlite:///{tmp}/load.db"), ("PostgreSQL", args.postgres_url)):
            rows += measure(name, url, Path(tmp), wrk, args)
    report(rows)


def report(rows: list[tuple]) -> None:
    head = f"{'database':12}{'procs':>6}  {'what':34}{'conns':>6}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
    print(head + f"{'errors':>8}")
    bare = {(db, w, c): r["rps"] for db, w, label, c, r in rows if label == "bare endpoint"}
    for db, workers, label, c, r in rows:
        line = f"{db:12}{workers:>6}  {label:34}{c:>6}{r['rps']:>9.0f}{r['p50']:>9.1f}{r['p99']:>9.1f}"
        print(line + f"{r['errors']:>8}")
    print("\nreq/s as a share of the bare endpoint's (same database run, processes, connections):")
    for db, workers, label, c, r in rows:
        if label != "bare endpoint":
            share = r["rps"] / bare[(db, workers, c)]
            print(f"  {db:12}{workers:>2} procs  {label:34}{c:>4} conns  {share:.3f}")


if __name__ == "__main__":
    main()
