"""`serve --workers N`: N processes answer on one port, on the suite's database, and share what
the service keeps (sessions and tokens in the database, the report cache in files): requests
at once, reads and writes, land on any of them and get the same answers, never a server error."""

from __future__ import annotations

import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.demo_service import fresh_database, running_service, secretariat_token


def _children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as listed:
        return [int(child) for child in listed.read().split()]


def _serves(pid: int) -> bool:
    with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
        return b"resource_tracker" not in cmdline.read()


def test_two_processes_answer_on_one_port_and_share_what_they_keep(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": fresh_database(tmp_path, "workers"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "REPORT_CACHE_DIR": str(tmp_path / "reports"),
    }
    log = tmp_path / "service.log"
    with running_service(env, log, ready="/api/v1/cities", args=("--workers", "2")) as (url, server):
        serving = [pid for pid in _children(server.pid) if _serves(pid)]
        assert len(serving) == 2
        # The first process may answer before the second has written that it started.
        deadline = time.monotonic() + 60
        while True:
            started = set(re.findall(r"Started server process \[(\d+)\]", log.read_text()))
            if started == {str(pid) for pid in serving} or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert started == {str(pid) for pid in serving}
        token = secretariat_token(env, "workers@uclg.example")
        signed_in = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=url, timeout=120) as client:
            adopted = client.get("/api/v1/cities/grenoble/commitments").json()[0]
        updates = f"/api/v1/cities/grenoble/commitments/{adopted['charter']}/{adopted['commitment']}/updates"
        report = "/api/v1/cities/grenoble/report.pdf?charter=lampedusa&lang=fr"

        def ask(n: int) -> tuple[int, bytes]:
            # A client of its own each time: a new connection, accepted by either process.
            with httpx.Client(base_url=url, timeout=120) as client:
                if n % 4 == 0:
                    body = {"status": "in_progress", "reported_on": f"2026-0{1 + n // 4}-15"}
                    answer = client.post(updates, headers=signed_in, json=body)
                elif n % 4 == 1:
                    answer = client.get("/api/v1/me", headers=signed_in)
                elif n % 4 == 2:
                    answer = client.get("/api/v1/cities/grenoble/commitments")
                else:
                    answer = client.get(report)
                return answer.status_code, answer.content

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(ask, range(32)))
        assert [status for status, _ in answers[0::4]] == [201] * 8
        assert {status for status, _ in answers[1::4] + answers[2::4]} == {200}
        # Both processes read the one report cache: the same report after the same writes.
        with ThreadPoolExecutor(8) as pool:
            pdfs = list(pool.map(lambda _: httpx.get(url + report, timeout=120), range(8)))
        assert {r.status_code for r in pdfs} == {200}
        assert len({r.content for r in pdfs}) == 1 and pdfs[0].content.startswith(b"%PDF")
        kept = list((tmp_path / "reports").rglob("*"))
        assert not [p for p in kept if p.name.endswith(".tmp")]
    assert "Traceback" not in log.read_text(), log.read_text()[-6000:]
