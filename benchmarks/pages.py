"""Public page speed and weight, on the demo data, SQLite, one worker.

Starts the service (`tracker serve --demo`, one uvicorn worker) and, beside it, a bare Litestar
app with one plain-text endpoint, both on 127.0.0.1; then asks each public page type (home, search,
a charter, the biggest city, its commitment with the most events, evidence, a comparison, a
history, the challenges, a challenge, signing in, an unknown address) N times, in French and in
Arabic, one request at a time, after a warm-up, and prints the time to the last byte at p50 and
p95, and the page's weight without fonts (its HTML plus the CSS and JS it links to), next to the
targets (p95 <= 100 ms, weight <= 100 kB) and the bare endpoint's p95 of the same run.
Run: `.venv/bin/python benchmarks/pages.py [--requests 200]`.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CITY, CHARTER, COMMITMENT = "grenoble", "lampedusa", "LAM-DIG-02"
"""The demo's biggest city, and its commitment with the most events: ten values, a status, a
civil-society challenge with counter-evidence."""
EVIDENCE_URL = "https://evidence.example/grenoble/bp/reglement-2022.pdf"
"""The demo's most cited piece of evidence (five values)."""
API = "/api/v1"


def pages(client: httpx.Client, base: str) -> list[tuple[str, str]]:
    """Each public page type and the demo item it is measured on (ids read from the API)."""
    commitment = f"/cities/{CITY}/commitments/{CHARTER}/{COMMITMENT}"
    evidence = next(
        e for e in client.get(f"{base}{API}/cities/{CITY}/evidence").json() if e["url"] == EVIDENCE_URL
    )
    challenge = client.get(f"{base}{API}/challenges", params={"city": CITY}).json()["items"][0]
    return [
        ("home", "/"),
        ("search", f"/search?q={CITY}"),
        ("charter", f"/charters/{CHARTER}"),
        ("city", f"/cities/{CITY}"),
        ("commitment", commitment),
        ("evidence", f"/evidence/{evidence['id']}"),
        ("comparison", f"/charters/{CHARTER}/comparison"),
        ("history", f"/history?entity=charter_document&key={CHARTER}/en"),  # the longest in the demo
        ("challenges", "/challenges"),
        ("challenge", f"/challenges/{challenge['id']}"),
        ("sign-in", "/sign-in"),
        ("not found", "/cities/nowhere"),
    ]


TARGET_MS, TARGET_KB = 100, 100

BARE = """
from litestar import Litestar, get

@get("/", media_type="text/plain")
async def hello() -> str:
    return "hello"

app = Litestar([hello])
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], env: dict[str, str], url: str, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(command, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(url, timeout=2)
            return process
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"{command} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)


def timings(client: httpx.Client, url: str, runs: int) -> list[float]:
    for _ in range(5):
        client.get(url)  # warm: caches, templates, connections
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = client.get(url)
        r.read()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def p(times: list[float], q: int) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[q - 1]


def weight(client: httpx.Client, base: str, url: str) -> int:
    html = client.get(url).content
    total = len(html)
    for ref in set(re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)):
        total += len(client.get(base + ref.decode()).content)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200, help="requests per page and language")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/pages.db",
            "UPLOAD_DIR": f"{tmp}/uploads",
            "REPORT_CACHE_DIR": f"{tmp}/reports",
        }
        port, bare_port = free_port(), free_port()
        Path(tmp, "bare_app.py").write_text(BARE)
        service = start(
            [sys.executable, "-m", "tracker", "serve", "--demo", "--port", str(port)],
            env,
            f"http://127.0.0.1:{port}/",
            Path(tmp, "service.log"),
        )
        bare = start(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--app-dir",
                tmp,
                "bare_app:app",
                "--port",
                str(bare_port),
                "--log-level",
                "warning",
            ],
            env,
            f"http://127.0.0.1:{bare_port}/",
            Path(tmp, "bare.log"),
        )
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client() as client:
                bare_times = timings(client, f"http://127.0.0.1:{bare_port}/", args.requests)
                print(f"{args.requests} requests each, one at a time, SQLite, one worker, demo data\n")
                print(f"{'page':<12}{'lang':<6}{'p50 ms':>8}{'p95 ms':>8}{'weight kB':>11}  targets")
                for kind, path in pages(client, base):
                    for lang in ("fr", "ar"):
                        url = f"{base}{path}{'&' if '?' in path else '?'}lang={lang}"
                        times = timings(client, url, args.requests)
                        kb = weight(client, base, url) / 1000
                        ok = "ok" if p(times, 95) <= TARGET_MS and kb <= TARGET_KB else "MISSED"
                        print(f"{kind:<12}{lang:<6}{p(times, 50):>8.1f}{p(times, 95):>8.1f}{kb:>11.1f}  {ok}")
                print(
                    f"\nbare Litestar endpoint  p50 {p(bare_times, 50):.1f} ms"
                    f"  p95 {p(bare_times, 95):.1f} ms"
                )
                print(f"targets: p95 <= {TARGET_MS} ms, weight (HTML + CSS + JS, no fonts) <= {TARGET_KB} kB")
        finally:
            for process in (service, bare):
                process.terminate()
                process.wait(timeout=30)


if __name__ == "__main__":
    main()
