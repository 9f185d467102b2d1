"""The demo data behind the API in process, with a Sousse editor's token, for the benchmarks that
measure uploads beside page reads. The caller sets DATABASE_URL (and the folders) first."""

from __future__ import annotations

import contextlib
import io
from collections.abc import AsyncIterator

import httpx


@contextlib.asynccontextmanager
async def demo_api() -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A client of the service on the migrated demo data, and the bearer token of Sousse's editor."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from accounts.services import add_user, issue_token
    from kernel.caller import SYSTEM
    from tracker.app import create_app
    from tracker.demo import load_demo

    with contextlib.redirect_stdout(io.StringIO()):
        await run_forwards("all")
        await load_demo()
    await add_user(SYSTEM, "ed@sousse.example", "city_editor", "sousse")
    token = await issue_token(SYSTEM, "ed@sousse.example")
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as client:
        yield client, token
