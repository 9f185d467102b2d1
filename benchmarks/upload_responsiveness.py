"""Does a large legitimate upload stall the others? Measured side by side on the demo data (SQLite):
the time of `GET /cities/sousse` alone, then while Sousse's workbook with N added value rows
(default 10 000, every indicator over many years) is read and previewed, and how long that preview
takes. Run: `.venv/bin/python benchmarks/upload_responsiveness.py [--rows 10000]`.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_TMP = Path(tempfile.mkdtemp(prefix="upload-responsiveness-"))
os.environ["DATABASE_URL"] = f"sqlite:///{_TMP / 'bench.db'}"
os.environ["UPLOAD_DIR"] = str(_TMP / "uploads")
os.environ["REPORT_CACHE_DIR"] = str(_TMP / "reports")


def with_rows(template: bytes, rows: int) -> bytes:
    """The template with `rows` more value rows: each indicator, one year after another."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book["measurements"]
    codes = sorted({sheet.cell(r, 3).value for r in range(2, sheet.max_row + 1)})
    for n in range(rows):
        code = codes[n % len(codes)]
        sheet.append(["sousse", "sousse-local", code, "", "", str(1000 + n // len(codes)), n % 97, ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def main(rows: int) -> None:
    from benchmarks.demo_api import demo_api

    async with demo_api() as (client, token):
        template = (await client.get("/api/v1/cities/sousse/template.xlsx?charter=sousse-local")).content
        workbook = with_rows(template, rows)

        async def read() -> float:
            start = time.perf_counter()
            r = await client.get("/api/v1/cities/sousse")
            assert r.status_code == 200
            return time.perf_counter() - start

        alone = [await read() for _ in range(20)]

        async def upload() -> tuple[int, float, dict]:
            start = time.perf_counter()
            r = await client.post(
                "/api/v1/cities/sousse/imports",
                headers={"Authorization": f"Bearer {token}"},
                files={"file": ("sousse.xlsx", workbook)},
            )
            return r.status_code, time.perf_counter() - start, r.json().get("summary", {})

        async def reads_meanwhile() -> list[float]:
            await asyncio.sleep(0.3)
            return [await read() for _ in range(20)]

        (status, took, summary), during = await asyncio.gather(upload(), reads_meanwhile())
    ms = {"alone": statistics.median(alone) * 1000, "during": statistics.median(during) * 1000}
    print(
        f"workbook: {len(workbook) / 1024:.0f} KB, {rows:,} rows added: {status} in {took:.1f} s ({summary})"
    )
    print(f"GET /cities/sousse alone:          median {ms['alone']:.1f} ms, max {max(alone) * 1000:.1f} ms")
    print(f"GET /cities/sousse during preview: median {ms['during']:.1f} ms, max {max(during) * 1000:.1f} ms")
    print(f"ratio (during / alone, medians):   {ms['during'] / ms['alone']:.1f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    asyncio.run(main(parser.parse_args().rows))
