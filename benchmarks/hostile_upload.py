"""Does one hostile upload stall everyone else? Measured side by side on the demo data (SQLite):
the time of `GET /cities/sousse` alone, then while a 4,000,000-empty-row workbook without a
`<dimension>` (about 0.5 MB, the shape that froze the API for 210 s) is being uploaded, and how long
that upload takes to be refused. Run: `.venv/bin/python benchmarks/hostile_upload.py`.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_TMP = Path(tempfile.mkdtemp(prefix="hostile-upload-"))
os.environ["DATABASE_URL"] = f"sqlite:///{_TMP / 'bench.db'}"
os.environ["UPLOAD_DIR"] = str(_TMP / "uploads")
os.environ["REPORT_CACHE_DIR"] = str(_TMP / "reports")

ROWS = 4_000_000


def endless(template: bytes, rows: int) -> bytes:
    """The template with `rows` empty rows in its measurements sheet and no `<dimension>`."""
    source = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                text = re.sub(r"<dimension[^>]*/>", "", data.decode())
                empty = "".join(f'<row r="{n}"/>' for n in range(100, 100 + rows))
                data = text.replace("</sheetData>", empty + "</sheetData>").encode()
            target.writestr(info, data)
    return out.getvalue()


async def main() -> None:
    from benchmarks.demo_api import demo_api

    async with demo_api() as (client, token):
        template = (await client.get("/api/v1/cities/sousse/template.xlsx?charter=sousse-local")).content
        hostile = endless(template, ROWS)

        async def read() -> float:
            start = time.perf_counter()
            r = await client.get("/api/v1/cities/sousse")
            assert r.status_code == 200
            return time.perf_counter() - start

        alone = [await read() for _ in range(20)]

        async def upload() -> tuple[int, float]:
            start = time.perf_counter()
            r = await client.post(
                "/api/v1/cities/sousse/imports",
                headers={"Authorization": f"Bearer {token}"},
                files={"file": ("hostile.xlsx", hostile)},
            )
            return r.status_code, time.perf_counter() - start

        async def reads_meanwhile() -> list[float]:
            await asyncio.sleep(0.3)
            return [await read() for _ in range(20)]

        (status, took), during = await asyncio.gather(upload(), reads_meanwhile())
    ms = {"alone": statistics.median(alone) * 1000, "during": statistics.median(during) * 1000}
    print(f"hostile workbook: {len(hostile) / 1024:.0f} KB, {ROWS:,} empty rows: {status} in {took:.1f} s")
    print(f"GET /cities/sousse alone:         median {ms['alone']:.1f} ms, max {max(alone) * 1000:.1f} ms")
    print(f"GET /cities/sousse during upload: median {ms['during']:.1f} ms, max {max(during) * 1000:.1f} ms")
    print(f"ratio (during / alone, medians):  {ms['during'] / ms['alone']:.1f}x")


if __name__ == "__main__":
    asyncio.run(main())
