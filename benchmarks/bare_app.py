"""A bare Litestar application with one endpoint answering a small JSON list from memory: what
the HTTP server, the framework and the machine cost on their own, measured beside the service
by `benchmarks/http_load.py`."""

from __future__ import annotations

from litestar import Litestar, get

ROWS = [{"commitment": f"LAM-DIG-0{n}", "status": "in_progress", "progress": n / 10} for n in range(8)]


@get("/bare", sync_to_thread=False)
def bare() -> list[dict]:
    return ROWS


app = Litestar(route_handlers=[bare])
