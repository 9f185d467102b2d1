"""Open data: every published charter, city, adoption, claim, evidence reference and challenge as
CSV files described by a `datapackage.json` (Frictionless Data Package, Table Schema with primary
and foreign keys). Drafts are left out. The same data gives the same bytes: rows in key order,
no clock anywhere.

Text cells that a spreadsheet would take for a formula (starting with `=`, `+`, `-`, `@`) carry a
leading `'`; the package's description says so.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from charter.tables import Charter, City, Principle, Signature
from commitments.tables import Adoption, Commitment, StatusUpdate
from exports.tabular import csv_bytes
from indicators.assurance import assurance_of, superseded_by
from indicators.tables import (
    Challenge,
    ChallengeReply,
    Evidence,
    Indicator,
    Measurement,
    MeasurementEvidence,
    Target,
    UpdateEvidence,
)
from kernel.claim_ids import claim_id
from kernel.db import json_value, read_snapshot
from kernel.text import language_of, pick

ESCAPE_NOTE = (
    "Text cells that begin with =, +, - or @ are written with a leading apostrophe, so "
    "that spreadsheets do not run them as formulas."
)


@dataclass(frozen=True)
class Table:
    """One CSV file of the package: its fields (name, Table Schema type, meaning), keys, rows."""

    name: str
    title: str
    fields: list[tuple[str, str, str]]
    primary_key: str
    foreign_keys: list[tuple[str, str, str]]
    rows: Callable[[], Awaitable[list[list[Any]]]]


def _cell(value: Any) -> Any:
    """A value as the CSV writes it: dates ISO, times in UTC to the second, numbers without
    trailing zeros (the same on SQLite and PostgreSQL)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        number = Decimal(str(value)).normalize()
        return format(number, "f")
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return value


async def _challenges_by_claim() -> dict[str, list[tuple[str, str | None]]]:
    out: dict[str, list[tuple[str, str | None]]] = {}
    for row in await Challenge.select(Challenge.claim_id, Challenge.status, Challenge.outcome):
        out.setdefault(row["claim_id"], []).append((row["status"], row["outcome"]))
    return out


def _assurance(
    kind: str,
    row: dict[str, Any],
    replaced: dict[int, int],
    challenges: dict[str, list[tuple[str, str | None]]],
) -> str:
    return str(
        assurance_of(
            verified=row["verified_at"] is not None,
            superseded=row["id"] in replaced,
            challenges=challenges.get(claim_id(kind, row["id"]), []),
        )
    )


async def _charters() -> list[list[Any]]:
    rows = await Charter.select().order_by(Charter.slug)
    return [
        [
            r["slug"],
            r["lang"],
            pick(json_value(r["title"]), None, r["lang"]),
            r["issuer"],
            r["adopted_on"],
            r["source_url"],
            r["edition"],
            sorted(json_value(r["title"])),
        ]
        for r in rows
    ]


async def _principles() -> list[list[Any]]:
    rows = await Principle.select(
        *Principle.all_columns(),
        Principle.charter.slug.as_alias("charter_slug"),
        Principle.charter.lang.as_alias("lang"),
    ).order_by(Principle.key)
    return [
        [r["key"], r["charter_slug"], r["code"], r["position"], pick(json_value(r["title"]), None, r["lang"])]
        for r in rows
    ]


async def _commitments() -> list[list[Any]]:
    rows = await Commitment.select(
        *Commitment.all_columns(),
        Commitment.charter.slug.as_alias("charter_slug"),
        Commitment.charter.lang.as_alias("lang"),
        Commitment.principle.key.as_alias("principle_key"),
    ).order_by(Commitment.key)
    return [
        [
            r["key"],
            r["charter_slug"],
            r["principle_key"],
            r["code"],
            r["position"],
            pick(json_value(r["title"]), None, r["lang"]),
        ]
        for r in rows
    ]


async def _indicators() -> list[list[Any]]:
    rows = await Indicator.select(
        *Indicator.all_columns(),
        Indicator.charter.slug.as_alias("charter_slug"),
        Indicator.charter.lang.as_alias("lang"),
        Indicator.commitment.key.as_alias("commitment_key"),
    ).order_by(Indicator.key)
    return [
        [
            r["key"],
            r["charter_slug"],
            r["commitment_key"],
            r["code"],
            pick(json_value(r["title"]), None, r["lang"]),
            r["unit"],
            r["value_kind"],
            r["direction"],
        ]
        for r in rows
    ]


async def _cities() -> list[list[Any]]:
    rows = await City.select().order_by(City.slug)
    return [
        [
            r["slug"],
            pick(json_value(r["name"]), None, language_of(r["locale"])),
            r["country"],
            r["locale"],
            r["region"],
            r["population"],
            json_value(r["networks"]) or [],
        ]
        for r in rows
    ]


async def _signatures() -> list[list[Any]]:
    rows = (
        await Signature.select(
            *Signature.all_columns(),
            Signature.city.slug.as_alias("city_slug"),
            Signature.charter.slug.as_alias("charter_slug"),
        )
        .where(Signature.draft.eq(False))
        .order_by(Signature.id)
    )
    challenges = await _challenges_by_claim()
    return [
        [
            claim_id("signature", r["id"]),
            r["city_slug"],
            r["charter_slug"],
            r["signed_on"],
            r["act"],
            r["status"],
            _assurance("signature", r, {}, challenges),
            r["verified_at"],
        ]
        for r in rows
    ]


async def _adoptions() -> list[list[Any]]:
    rows = await Adoption.select(
        *Adoption.all_columns(),
        Adoption.city.slug.as_alias("city_slug"),
        Adoption.commitment.key.as_alias("commitment_key"),
    ).order_by(Adoption.key)
    return [
        [r["key"], r["city_slug"], r["commitment_key"], r["adopted_on"], r["due_on"], r["owner"]]
        for r in rows
    ]


async def _targets() -> list[list[Any]]:
    rows = await Target.select(
        *Target.all_columns(),
        Target.city.slug.as_alias("city_slug"),
        Target.indicator.key.as_alias("indicator_key"),
    ).order_by(Target.key)
    return [
        [
            r["key"],
            r["city_slug"],
            r["indicator_key"],
            r["baseline"],
            r["baseline_period"],
            r["target"],
            r["target_period"],
        ]
        for r in rows
    ]


async def _status_updates() -> list[list[Any]]:
    rows = (
        await StatusUpdate.select(
            *StatusUpdate.all_columns(), StatusUpdate.adoption.key.as_alias("adoption_key")
        )
        .where(StatusUpdate.draft.eq(False))
        .order_by(StatusUpdate.id)
    )
    replaced, challenges = superseded_by(rows), await _challenges_by_claim()
    kind = "status_update"
    return [
        [
            claim_id(kind, r["id"]),
            r["adoption_key"],
            r["status"],
            r["reported_on"],
            r["note_md"],
            claim_id(kind, r["supersedes"]) if r["supersedes"] else None,
            claim_id(kind, replaced[r["id"]]) if r["id"] in replaced else None,
            _assurance(kind, r, replaced, challenges),
            r["verified_at"],
            r["published_at"],
        ]
        for r in rows
    ]


async def _measurements() -> list[list[Any]]:
    rows = (
        await Measurement.select(
            *Measurement.all_columns(),
            Measurement.city.slug.as_alias("city_slug"),
            Measurement.indicator.key.as_alias("indicator_key"),
        )
        .where(Measurement.draft.eq(False))
        .order_by(Measurement.id)
    )
    replaced, challenges = superseded_by(rows), await _challenges_by_claim()
    kind = "measurement"
    return [
        [
            claim_id(kind, r["id"]),
            r["city_slug"],
            r["indicator_key"],
            r["period"],
            r["value"],
            r["value_text"],
            r["note_md"],
            claim_id(kind, r["supersedes"]) if r["supersedes"] else None,
            claim_id(kind, replaced[r["id"]]) if r["id"] in replaced else None,
            _assurance(kind, r, replaced, challenges),
            r["verified_at"],
            r["published_at"],
        ]
        for r in rows
    ]


async def _evidence() -> list[list[Any]]:
    rows = await Evidence.select(*Evidence.all_columns(), Evidence.city.slug.as_alias("city_slug")).order_by(
        Evidence.id
    )
    return [
        [
            f"evidence-{r['id']}",
            r["city_slug"],
            r["title"],
            r["kind"],
            r["issued_on"],
            r["url"],
            r["file_name"],
            r["sha256"],
            r["media_type"],
            r["size"],
            r["origin"],
            r["review"],
        ]
        for r in rows
    ]


async def _update_evidence() -> list[list[Any]]:
    rows = (
        await UpdateEvidence.select(UpdateEvidence.update, UpdateEvidence.evidence)
        .where(UpdateEvidence.update._.draft.eq(False))
        .order_by(UpdateEvidence.update)
        .order_by(UpdateEvidence.evidence)
    )
    return [[claim_id("status_update", r["update"]), f"evidence-{r['evidence']}"] for r in rows]


async def _measurement_evidence() -> list[list[Any]]:
    links = MeasurementEvidence
    rows = (
        await links.select(links.measurement, links.evidence)
        .where(links.measurement._.draft.eq(False))
        .order_by(MeasurementEvidence.measurement)
        .order_by(MeasurementEvidence.evidence)
    )
    return [[claim_id("measurement", r["measurement"]), f"evidence-{r['evidence']}"] for r in rows]


async def _challenges() -> list[list[Any]]:
    rows = await Challenge.select(
        *Challenge.all_columns(), Challenge.city.slug.as_alias("city_slug")
    ).order_by(Challenge.id)
    return [
        [
            f"challenge-{r['id']}",
            r["claim_id"],
            r["city_slug"],
            r["status"],
            r["outcome"],
            r["organisation"] or r["opened_by_label"],
            r["opened_at"],
            r["reason_md"],
            r["ruling_note_md"],
            r["ruled_at"],
            r["ruled_by_label"],
        ]
        for r in rows
    ]


async def _replies() -> list[list[Any]]:
    rows = await ChallengeReply.select().order_by(ChallengeReply.id)
    return [
        [
            f"reply-{r['id']}",
            f"challenge-{r['challenge']}",
            r["created_by_label"],
            r["created_at"],
            r["body_md"],
        ]
        for r in rows
    ]


S, INT, NUM, D, T = "string", "integer", "number", "date", "datetime"
ASSURANCE = "self_reported, verified (the secretariat checked its evidence) or contested"
TABLES = [
    Table(
        "charters",
        "Charters",
        [
            ("slug", S, "Stable key"),
            ("lang", S, "Language of the base text"),
            ("title", S, "Title in the base language"),
            ("issuer", S, "Issuing network"),
            ("adopted_on", D, "Adopted by the issuer on"),
            ("source_url", S, "Published at"),
            ("version", S, "Edition"),
            ("languages", S, "Languages, space-separated"),
        ],
        "slug",
        [],
        _charters,
    ),
    Table(
        "principles",
        "Principles",
        [
            ("key", S, "charter/CODE"),
            ("charter", S, "Charter slug"),
            ("code", S, "Code"),
            ("position", INT, "Order"),
            ("title", S, "Title"),
        ],
        "key",
        [("charter", "charters", "slug")],
        _principles,
    ),
    Table(
        "commitments",
        "Municipal commitments",
        [
            ("key", S, "charter/CODE"),
            ("charter", S, "Charter slug"),
            ("principle", S, "Principle key"),
            ("code", S, "Code"),
            ("position", INT, "Order in the principle"),
            ("title", S, "Title"),
        ],
        "key",
        [("charter", "charters", "slug"), ("principle", "principles", "key")],
        _commitments,
    ),
    Table(
        "indicators",
        "Indicators",
        [
            ("key", S, "charter/CODE"),
            ("charter", S, "Charter slug"),
            ("commitment", S, "Commitment key"),
            ("code", S, "Code"),
            ("title", S, "Title"),
            ("unit", S, "Unit"),
            ("type", S, "count, percent..."),
            ("direction", S, "increase or decrease"),
        ],
        "key",
        [("charter", "charters", "slug"), ("commitment", "commitments", "key")],
        _indicators,
    ),
    Table(
        "cities",
        "Cities",
        [
            ("slug", S, "Stable key"),
            ("name", S, "Name in the city's language"),
            ("country", S, "ISO 3166-1 alpha-2"),
            ("locale", S, "Locale"),
            ("region", S, "UN M49 region code"),
            ("population", INT, "Residents"),
            ("networks", S, "City networks, space-separated"),
        ],
        "slug",
        [],
        _cities,
    ),
    Table(
        "signatures",
        "Signature acts (claims)",
        [
            ("claim_id", S, "Claim id"),
            ("city", S, "City slug"),
            ("charter", S, "Charter slug"),
            ("signed_on", D, "Date of the act"),
            ("act", S, "The act"),
            ("status", S, "signed or withdrawn"),
            ("assurance", S, ASSURANCE),
            ("verified_at", T, "Verified by the secretariat at"),
        ],
        "claim_id",
        [("city", "cities", "slug"), ("charter", "charters", "slug")],
        _signatures,
    ),
    Table(
        "adoptions",
        "Adoptions of commitments by cities",
        [
            ("key", S, "city/charter/CODE"),
            ("city", S, "City slug"),
            ("commitment", S, "Commitment key"),
            ("adopted_on", D, "Adopted on"),
            ("due_on", D, "Local due date"),
            ("owner", S, "Unit in charge"),
        ],
        "key",
        [("city", "cities", "slug"), ("commitment", "commitments", "key")],
        _adoptions,
    ),
    Table(
        "targets",
        "Baselines and targets",
        [
            ("key", S, "city/charter/CODE"),
            ("city", S, "City slug"),
            ("indicator", S, "Indicator key"),
            ("baseline", NUM, "Baseline"),
            ("baseline_period", S, "Period of the baseline"),
            ("target", NUM, "Target"),
            ("target_period", S, "Period of the target"),
        ],
        "key",
        [("city", "cities", "slug"), ("indicator", "indicators", "key")],
        _targets,
    ),
    Table(
        "status_updates",
        "Status updates (claims)",
        [
            ("claim_id", S, "Claim id"),
            ("adoption", S, "Adoption key"),
            ("status", S, "Reported status"),
            ("reported_on", D, "Date the city gives"),
            ("note_md", S, "Narrative (Markdown)"),
            ("supersedes", S, "Claim it corrects"),
            ("superseded_by", S, "Claim that corrects it"),
            ("assurance", S, ASSURANCE),
            ("verified_at", T, "Verified at"),
            ("published_at", T, "Published at"),
        ],
        "claim_id",
        [("adoption", "adoptions", "key")],
        _status_updates,
    ),
    Table(
        "measurements",
        "Measurements (claims)",
        [
            ("claim_id", S, "Claim id"),
            ("city", S, "City slug"),
            ("indicator", S, "Indicator key"),
            ("period", S, "YYYY, YYYY-Qn or YYYY-MM"),
            ("value", NUM, "Value"),
            ("value_text", S, "The value as the city typed it"),
            ("note_md", S, "Note (Markdown)"),
            ("supersedes", S, "Claim it corrects"),
            ("superseded_by", S, "Claim that corrects it"),
            ("assurance", S, ASSURANCE),
            ("verified_at", T, "Verified at"),
            ("published_at", T, "Published at"),
        ],
        "claim_id",
        [("city", "cities", "slug"), ("indicator", "indicators", "key")],
        _measurements,
    ),
    Table(
        "evidence",
        "Evidence (references; files are not included)",
        [
            ("id", S, "Evidence id"),
            ("city", S, "City slug"),
            ("title", S, "Title"),
            ("kind", S, "Kind"),
            ("issued_on", D, "Date of the document"),
            ("url", S, "Link"),
            ("file_name", S, "File name"),
            ("sha256", S, "SHA-256 of the file"),
            ("media_type", S, "Media type"),
            ("size", INT, "Bytes"),
            ("origin", S, "city, or reviewer (counter-evidence)"),
            ("review", S, "The secretariat's review"),
        ],
        "id",
        [("city", "cities", "slug")],
        _evidence,
    ),
    Table(
        "status_update_evidence",
        "Evidence cited by status updates",
        [("claim_id", S, "Status update"), ("evidence", S, "Evidence id")],
        "",
        [("claim_id", "status_updates", "claim_id"), ("evidence", "evidence", "id")],
        _update_evidence,
    ),
    Table(
        "measurement_evidence",
        "Evidence cited by measurements",
        [("claim_id", S, "Measurement"), ("evidence", S, "Evidence id")],
        "",
        [("claim_id", "measurements", "claim_id"), ("evidence", "evidence", "id")],
        _measurement_evidence,
    ),
    Table(
        "challenges",
        "Challenges by civil society",
        [
            ("id", S, "Challenge id"),
            ("claim_id", S, "The claim challenged"),
            ("city", S, "City slug"),
            ("status", S, "open, answered or ruled"),
            ("outcome", S, "upheld, partly_upheld or dismissed"),
            ("by", S, "Name published"),
            ("opened_at", T, "Opened at"),
            ("reason_md", S, "Reason (Markdown)"),
            ("ruling_note_md", S, "Ruling note"),
            ("ruled_at", T, "Ruled at"),
            ("ruled_by", S, "Ruled by"),
        ],
        "id",
        [("city", "cities", "slug")],
        _challenges,
    ),
    Table(
        "challenge_replies",
        "The cities' replies to challenges",
        [
            ("id", S, "Reply id"),
            ("challenge", S, "Challenge id"),
            ("by", S, "Name published"),
            ("at", T, "Written at"),
            ("body_md", S, "Reply (Markdown)"),
        ],
        "id",
        [("challenge", "challenges", "id")],
        _replies,
    ),
]


def _descriptor(tables: list[Table]) -> dict[str, Any]:
    resources = []
    for table in tables:
        fields = [{"name": n, "type": t, "description": d} for n, t, d in table.fields]
        schema: dict[str, Any] = {"fields": fields}
        if table.primary_key:
            schema["primaryKey"] = [table.primary_key]
        if table.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": [f], "reference": {"resource": res, "fields": [key]}}
                for f, res, key in table.foreign_keys
            ]
        resources.append(
            {
                "name": table.name,
                "title": table.title,
                "path": f"data/{table.name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "charter-tracker",
        "title": "Charters, cities, commitments, claims and challenges",
        "description": "Published data of the charter tracker. Drafts are not included. " + ESCAPE_NOTE,
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "title": "Creative Commons Attribution 4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
            }
        ],
        "resources": resources,
    }


async def package_files() -> dict[str, bytes]:
    """The package as {path: bytes}: `datapackage.json` and `data/*.csv`, from one snapshot."""
    files: dict[str, bytes] = {}
    async with read_snapshot():
        for table in TABLES:
            rows = [[_cell(v) for v in row] for row in await table.rows()]
            files[f"data/{table.name}.csv"] = csv_bytes([n for n, _, _ in table.fields], rows, bom=False)
    descriptor = json.dumps(_descriptor(TABLES), indent=2, ensure_ascii=False)
    files["datapackage.json"] = (descriptor + "\n").encode()
    return files


def write_directory(files: dict[str, bytes], out_dir: Path) -> None:
    for path, content in files.items():
        target = out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """The files as a zip whose bytes depend on the data only (fixed timestamps, sorted names)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(f"charter-tracker/{path}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[path])
    return buffer.getvalue()
