"""What the open data package says about itself: each CSV file's fields (name, Table Schema type,
meaning), its primary and foreign keys, and the `datapackage.json` descriptor built from them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from exports import datapackage_rows as rows

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
        rows.charters,
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
        rows.principles,
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
        rows.commitments,
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
        rows.indicators,
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
        rows.cities,
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
        rows.signatures,
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
        rows.adoptions,
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
        rows.targets,
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
        rows.status_updates,
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
        rows.measurements,
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
        rows.evidence,
    ),
    Table(
        "status_update_evidence",
        "Evidence cited by status updates",
        [("claim_id", S, "Status update"), ("evidence", S, "Evidence id")],
        "",
        [("claim_id", "status_updates", "claim_id"), ("evidence", "evidence", "id")],
        rows.update_evidence,
    ),
    Table(
        "measurement_evidence",
        "Evidence cited by measurements",
        [("claim_id", S, "Measurement"), ("evidence", S, "Evidence id")],
        "",
        [("claim_id", "measurements", "claim_id"), ("evidence", "evidence", "id")],
        rows.measurement_evidence,
    ),
    Table(
        "signature_evidence",
        "Evidence of signature acts (the council decision)",
        [("claim_id", S, "Signature"), ("evidence", S, "Evidence id")],
        "",
        [("claim_id", "signatures", "claim_id"), ("evidence", "evidence", "id")],
        rows.signature_evidence,
    ),
    Table(
        "adoption_evidence",
        "Evidence of adoptions (the council decision)",
        [("adoption", S, "city/charter/CODE"), ("evidence", S, "Evidence id")],
        "",
        [("adoption", "adoptions", "key"), ("evidence", "evidence", "id")],
        rows.adoption_evidence,
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
        rows.challenges,
    ),
    Table(
        "challenge_replies",
        "The rounds of challenges: the cities' replies and the challengers' answers back",
        [
            ("id", S, "Reply id"),
            ("challenge", S, "Challenge id"),
            ("side", S, "Who speaks: city (the city's reply) or challenger (the answer back)"),
            ("by", S, "Name published"),
            ("at", T, "Written at"),
            ("body_md", S, "Reply (Markdown)"),
        ],
        "id",
        [("challenge", "challenges", "id")],
        rows.replies,
    ),
]


def descriptor_of(tables: list[Table]) -> dict[str, Any]:
    """The `datapackage.json` of these tables: one tabular resource per CSV file, with its schema
    and keys, under the package's title, description and licence."""
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
