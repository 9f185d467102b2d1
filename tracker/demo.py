"""The demo data set: three charters and eight Mediterranean cities, loaded through the services.

Loading twice changes nothing: items that exist are left as they are. All signatures,
measurements and evidence are invented for the demo (links use the reserved .example domain).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from charter.schemas import CityCreate, SignatureCreate
from charter.services import create_city, create_signature, current_signature
from charter.tables import Charter, City
from exports.charter_documents import import_document
from kernel.caller import SYSTEM

DEMO_DIR = Path(__file__).resolve().parent / "demo"


def demo_cities() -> list[dict[str, Any]]:
    return yaml.safe_load((DEMO_DIR / "cities.yaml").read_text(encoding="utf-8"))["cities"]


async def load_charters() -> int:
    files = sorted(DEMO_DIR.glob("charters/*.md"), key=lambda p: (not p.name.endswith(".en.md"), p.name))
    for path in files:
        await import_document(SYSTEM, path.read_text(encoding="utf-8"))
    return len({p.name.split(".")[0] for p in files})


async def load_demo() -> dict[str, int]:
    """Load every demo item that is not there yet; returns counts of what the demo holds."""
    counts = {"charters": await load_charters(), "cities": 0, "signatures": 0}
    for item in demo_cities():
        if not await City.exists().where(City.slug == item["slug"]):
            await create_city(SYSTEM, CityCreate(slug=item["slug"], name=item["name"],
                                                 country=item["country"], locale=item["locale"],
                                                 population=item.get("population")))
        counts["cities"] += 1
        city_id = (await City.select(City.id).where(City.slug == item["slug"]).first())["id"]
        for sig in item.get("signatures", []):
            charter = await Charter.select(Charter.id).where(Charter.slug == sig["charter"]).first()
            if await current_signature(city_id, charter["id"]) is None:
                await create_signature(SYSTEM, item["slug"], SignatureCreate(
                    charter=sig["charter"], signed_on=date.fromisoformat(sig["signed_on"]),
                    act=sig.get("act") or ""))
            counts["signatures"] += 1
    return counts
