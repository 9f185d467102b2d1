"""Which requests a read replica may answer: reads naming no one, and the comparison."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.replica_reads import may_lag

ROOT = Path(__file__).resolve().parents[2]


def scope(method: str, path: str, *headers: tuple[bytes, bytes]) -> dict:
    return {"type": "http", "method": method, "path": path, "headers": list(headers)}


@pytest.mark.parametrize(
    ("request_scope", "expected"),
    [
        (scope("GET", "/api/v1/cities/grenoble/commitments"), True),
        (scope("HEAD", "/cities/grenoble"), True),
        (scope("GET", "/cities/grenoble", (b"cookie", b"lang=ar; xsession=1")), True),
        (scope("GET", "/api/v1/cities/grenoble/commitments", (b"authorization", b"Bearer x")), False),
        (scope("GET", "/cities/grenoble", (b"cookie", b"lang=ar; session=abc")), False),
        (scope("GET", "/cities/grenoble", (b"cookie", b"session=abc")), False),
        (scope("GET", "/api/v1/charters/lampedusa/comparison", (b"authorization", b"Bearer x")), True),
        (scope("GET", "/charters/lampedusa/comparison", (b"cookie", b"session=abc")), True),
        (scope("GET", "/api/v1/charters/lampedusa/comparison/../../me", (b"authorization", b"B")), False),
        (scope("POST", "/api/v1/cities/grenoble/evidence"), False),
        (scope("POST", "/charters/lampedusa/comparison"), False),
        ({"type": "websocket", "path": "/", "headers": []}, False),
    ],
)
def test_reads_that_may_lag(request_scope: dict, expected: bool) -> None:
    assert may_lag(request_scope) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("primary", "replicas"),
    [
        ("sqlite:///x.db", "postgresql://postgres@127.0.0.1:5432/test"),
        ("postgresql://postgres@127.0.0.1:5432/test", "sqlite:///y.db"),
        ("postgresql://postgres@127.0.0.1:5432/test", "postgresql://a, mysql://b"),
    ],
)
def test_replicas_of_anything_but_postgresql_stop_the_service_with_what_to_do(
    primary: str, replicas: str
) -> None:
    env = {**os.environ, "DATABASE_URL": primary, "DATABASE_REPLICA_URLS": replicas}
    out = subprocess.run(
        [sys.executable, "-m", "tracker", "serve", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 1
    assert "DATABASE_REPLICA_URLS names PostgreSQL replicas" in out.stderr
    assert "unset it, or set both to PostgreSQL" in out.stderr
