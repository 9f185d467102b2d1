"""Public reads kept until anything is written: the same read is made once, and made again
after any audited write, on the API as in the code."""

from __future__ import annotations

import httpx

from kernel.read_cache import kept_read
from tests import builders
from tests.builders import bearer


async def test_a_kept_read_is_made_again_after_any_write() -> None:
    made: list[int] = []

    async def read() -> list[int]:
        made.append(1)
        return [len(made)]

    await builders.charter()
    assert await kept_read("k", read) == [1]
    assert await kept_read("k", read) == [1]
    assert await kept_read("other", read) == [2]
    await builders.city("sousse", locale="ar-TN", country="TN")  # audited: anything written
    assert await kept_read("k", read) == [3]
    assert len(made) == 3


async def test_the_public_list_shows_a_status_the_moment_it_is_reported(client: httpx.AsyncClient) -> None:
    editor = await builders.editor_with_adoption()
    url = "/api/v1/cities/grenoble/commitments"
    before = (await client.get(url)).json()
    assert [c["status"] for c in before] == [None]
    assert (await client.get(url)).json() == before
    r = await client.post(
        f"{url}/lampedusa/LAM-DIG-01/updates",
        headers=bearer(editor),
        json={"status": "delayed", "reported_on": "2026-11-20"},
    )
    assert r.status_code == 201, r.text
    assert [c["status"] for c in (await client.get(url)).json()] == ["delayed"]
    # Filters apply to what is kept: the filtered list is never kept in place of the whole one.
    assert (await client.get(url + "?status=achieved")).json() == []
    assert len((await client.get(url)).json()) == 1


async def test_requests_asking_at_once_wait_for_one_read() -> None:
    """Ten requests missing the same kept read at once make it once and all get its answer; a
    read that fails fails for the request that made it, and the others read for themselves."""
    import asyncio

    await builders.charter()
    made: list[int] = []
    gate = asyncio.Event()

    async def read() -> list[int]:
        made.append(1)
        await gate.wait()
        return [len(made)]

    waiting = [asyncio.create_task(kept_read("at once", read)) for _ in range(10)]
    await asyncio.sleep(0.05)
    gate.set()
    assert await asyncio.gather(*waiting) == [[1]] * 10 and len(made) == 1

    failures = 0

    async def flaky() -> str:
        nonlocal failures
        failures += 1
        await asyncio.sleep(0.02)
        if failures == 1:
            raise RuntimeError("the first read fails")
        return "read again"

    asking = [asyncio.create_task(kept_read("flaky", flaky)) for _ in range(4)]
    results = await asyncio.gather(*asking, return_exceptions=True)
    assert sum(isinstance(r, RuntimeError) for r in results) == 1
    assert [r for r in results if not isinstance(r, RuntimeError)] == ["read again"] * 3
