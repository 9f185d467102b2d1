"""A report renderer in a process of its own, for one report from the command line.

The process is forked before anything heavy is imported: it loads the renderer, WeasyPrint and
the report fonts while this process loads the data layer and reads the city's data, the two
overlapping on two cores. This module imports nothing but the standard library, so that the
fork comes first.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from exports.report_model import ReportContext

Renderer = Callable[["ReportContext", "str | None"], Awaitable[bytes]]


def _warm() -> None:
    from exports.report_render import warm_up

    warm_up()


def _render(context: ReportContext, variant: str | None) -> bytes:
    from exports.report_render import render_pdf_here

    return render_pdf_here(context, variant)


@contextmanager
def renderer_alongside() -> Iterator[Renderer]:
    """A renderer in a process forked at once. Where processes cannot be forked, the report
    renders in this process."""
    if "fork" not in multiprocessing.get_all_start_methods():

        async def here(context: ReportContext, variant: str | None) -> bytes:
            return _render(context, variant)

        yield here
        return
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    pool.submit(_warm)

    async def forked(context: ReportContext, variant: str | None) -> bytes:
        return await asyncio.wrap_future(pool.submit(_render, context, variant))

    try:
        yield forked
    finally:
        # Its work is done, or no longer wanted (the report came from the cache): no waiting.
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
