"""The API keeps the contract its OpenAPI document publishes. schemathesis (every check; stateful
sequences from the links it infers) drives a running service loaded with the demo data, once
anonymously and once as the secretariat, on the database the suite runs on: no server error, no
answer outside its schema, no status the document does not declare, `Allow` matching each path.

`CONTRACT_SECONDS` bounds each run (default 60), `CONTRACT_SEED` changes the examples drawn."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.demo_service import demo_service, fresh_database, secretariat_token

CONFIG = Path(__file__).with_name("schemathesis.toml")
SECONDS = os.environ.get("CONTRACT_SECONDS", "60")
SEED = os.environ.get("CONTRACT_SEED", "20261202")


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    """The service with the demo data on a free port; its address, a secretariat token, its log."""
    tmp = tmp_path_factory.mktemp("contract")
    env = {
        **os.environ,
        "DATABASE_URL": fresh_database(tmp, "contract"),
        "UPLOAD_DIR": str(tmp / "uploads"),
        "REPORT_CACHE_DIR": str(tmp / "reports"),
        # The throttle of tokens that do not work has tests of its own; here it would let the
        # anonymous run's forged tokens slow the secretariat's run down.
        "AUTH_FAILURES_PER_MINUTE": "1000000",
    }
    log = tmp / "service.log"
    with demo_service(env, log, ready="/schema/openapi.json") as url:
        token = secretariat_token(env, "contract@uclg.example")
        yield url, token, log


@pytest.mark.parametrize("caller", ["anonymous", "secretariat"])
def test_the_api_keeps_its_published_contract(service: tuple[str, str, Path], caller: str) -> None:
    url, token, log = service
    command = [
        shutil.which("st", path=str(Path(sys.executable).parent)) or "st",
        "--config-file",
        str(CONFIG),
        "run",
        f"{url}/schema/openapi.json",
        "--checks",
        "all",
        # One request at a time: the contract, not races, is checked here (two writes with
        # `If-Match: *` racing on one row may lose with 412; tests/indicators/test_concurrent_writes.py
        # covers writers at once).
        "--workers",
        "1",
        "--max-examples",
        "20",
        "--max-time",
        SECONDS,
        "--seed",
        SEED,
        "--no-color",
    ]
    if caller == "secretariat":
        command += ["--header", f"Authorization: Bearer {token}"]
    # Run beside the service's files: schemathesis keeps a cache in its working directory.
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=int(SECONDS) * 4 + 120, cwd=log.parent
    )
    report = run.stdout[-12000:] + run.stderr[-2000:]
    assert run.returncode == 0, report
    assert "Traceback" not in log.read_text(), log.read_text()[-6000:]
