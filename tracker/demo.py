"""The demo data set: three charters and eleven cities (eight Mediterranean members of MC2CM, and
Barcelona, Seine-Saint-Denis and Valencia, the other city cases of the seed note), loaded through
the services.

Loading twice changes nothing: items that exist are left as they are. All signatures,
measurements, evidence, challenges, replies and rulings are invented for the demo (links use the
reserved .example domain).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import msgspec
import yaml

from charter.schemas import CityCreate, SignatureCreate
from charter.services import create_city, create_signature, current_signature
from charter.tables import Charter, City
from commitments.schemas import AdoptionCreate, StatusUpdateCreate
from commitments.services import adopt
from commitments.tables import Adoption, StatusUpdate
from exports.charter_documents import import_document
from indicators.challenges import challenge_row, open_challenge, reply, rule
from indicators.choices import ChallengeStatus, EvidenceReview
from indicators.claims import LINK_TABLES, get_claim, verify_claim
from indicators.evidence import create_link_evidence, review_evidence
from indicators.measurements import add_measurement
from indicators.schemas import (
    ChallengeCreate,
    EvidenceCreate,
    EvidenceReviewCreate,
    MeasurementCreate,
    ReplyCreate,
    RulingCreate,
    TargetSet,
)
from indicators.status_updates import add_status_update
from indicators.tables import Challenge, Evidence, Indicator, Measurement, Target
from indicators.targets import set_target
from kernel.caller import SYSTEM, Caller, Role
from kernel.claim_ids import claim_id
from kernel.db import found
from kernel.versions import ANY_VERSION

T = TypeVar("T")
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
    counts = {
        "charters": await load_charters(),
        "cities": 0,
        "signatures": 0,
        "adoptions": 0,
        "targets": 0,
        "measurements": 0,
        "evidence": 0,
    }
    for item in demo_cities():
        if not await City.exists().where(City.slug == item["slug"]):
            await create_city(
                SYSTEM,
                _as(
                    CityCreate,
                    slug=item["slug"],
                    name=item["name"],
                    country=item["country"],
                    locale=item["locale"],
                    population=item.get("population"),
                    region=item.get("region"),
                    time_zone=item.get("time_zone"),
                    networks=item.get("networks") or [],
                ),
            )
        counts["cities"] += 1
        city_id = found(await City.select(City.id).where(City.slug == item["slug"]).first(), "City")["id"]
        for sig in item.get("signatures", []):
            charter = found(
                await Charter.select(Charter.id).where(Charter.slug == sig["charter"]).first(), "Charter"
            )
            if await current_signature(city_id, charter["id"]) is None:
                await create_signature(
                    SYSTEM,
                    item["slug"],
                    _as(
                        SignatureCreate,
                        charter=sig["charter"],
                        signed_on=date.fromisoformat(sig["signed_on"]),
                        act=sig.get("act") or "",
                    ),
                )
            counts["signatures"] += 1
        evidence_ids = await _load_evidence(item, city_id)
        counts["evidence"] += len(evidence_ids)
        for adoption in item.get("adoptions", []):
            await _load_adoption(item["slug"], adoption, evidence_ids)
            counts["adoptions"] += 1
        for target in item.get("targets", []):
            await _load_target(item["slug"], city_id, target)
            counts["targets"] += 1
        for measurement in item.get("measurements", []):
            await _load_measurement(item["slug"], city_id, measurement, evidence_ids)
            counts["measurements"] += 1
        counts["verified"] = counts.get("verified", 0) + await _load_verifications(item, evidence_ids)
        counts["challenges"] = counts.get("challenges", 0) + await _load_reviews(item, city_id, evidence_ids)
    return counts


async def _load_verifications(item: dict[str, Any], evidence_ids: dict[str, int]) -> int:
    """Evidence the data set marks as checked by the secretariat is accepted, and the claims
    resting on it are verified."""
    verified = 0
    for ev in item.get("evidence", []):
        if ev.get("verification") != "secretariat_verified":
            continue
        evidence_id = evidence_ids[ev["key"]]
        row = found(
            await Evidence.select(Evidence.review).where(Evidence.id == evidence_id).first(), "Evidence"
        )
        if row["review"] == EvidenceReview.unreviewed:
            await review_evidence(
                SYSTEM,
                evidence_id,
                EvidenceReviewCreate(
                    review=EvidenceReview.accepted, note_md="Checked against the published document."
                ),
                ANY_VERSION,
            )
        for kind, (link_table, column) in LINK_TABLES.items():
            for link in await link_table.select(column).where(link_table.evidence == evidence_id):
                text = claim_id(kind, link[column._meta.name])
                claim = (await get_claim(SYSTEM, text))[0]
                if claim.verification is None:
                    await verify_claim(SYSTEM, text, "Evidence checked by the secretariat.", ANY_VERSION)
                verified += 1
    return verified


async def _load_reviews(item: dict[str, Any], city_id: int, evidence_ids: dict[str, int]) -> int:
    """Civil society's reviews that contest or only partly confirm a claim become challenges, under
    the organisation's name, against the value they discuss (else the commitment's last status);
    the city's reply and the secretariat's ruling follow where the data set gives them."""
    opened = 0
    for review in item.get("reviews", []) or []:
        if review.get("stance") not in ("contests", "partially_confirms"):
            continue
        target = await _reviewed_claim(item["slug"], city_id, review)
        if target is None:
            continue
        row = await Challenge.select(Challenge.id).where(Challenge.claim_id == target).first()
        challenge_id = row["id"] if row else await _open_challenge(item["slug"], review, target)
        await _answer(city_id, challenge_id, review, evidence_ids)
        opened += 1
    return opened


async def _open_challenge(city: str, review: dict[str, Any], target: str) -> int:
    """The review as a challenge opened by its organisation, with the counter-evidence it files."""
    organisation = review["reviewer"]["name"]
    reviewer = Caller(
        label=organisation,
        name=organisation,
        organisation=organisation,
        roles=frozenset({Role.reviewer}),
        system=True,
    )
    counter = []
    for ev in review.get("evidence", []):
        created = await create_link_evidence(
            reviewer,
            city,
            _as(
                EvidenceCreate,
                title=ev["title"],
                kind="report",
                url=ev["url"],
                issued_on=date.fromisoformat(ev["date"]) if ev.get("date") else None,
            ),
        )
        counter.append(created.id)
    challenge = await open_challenge(
        reviewer, target, ChallengeCreate(reason_md=review["summary"], evidence=counter)
    )
    return challenge.id


async def _answer(
    city_id: int, challenge_id: int, review: dict[str, Any], evidence_ids: dict[str, int]
) -> None:
    """The city's reply (`reply`: its text and the keys of the evidence it cites) while the
    challenge waits for one, then the secretariat's ruling (`ruling`: outcome and note) unless it
    has been ruled on. Both are published under their role ("the city", "the network
    secretariat"), as those of a person without a display name are."""
    row = await challenge_row(challenge_id)
    answer = review.get("reply")
    if answer and row["status"] == ChallengeStatus.open:
        editor = Caller(
            label=f"city {city_id} (demo)",
            roles=frozenset({Role.city_editor}),
            editable_city_ids=frozenset({city_id}),
            name=Role.city_editor.value,
            system=True,
        )
        await reply(
            editor,
            challenge_id,
            ReplyCreate(
                body_md=answer["body_md"], evidence=[evidence_ids[k] for k in answer.get("evidence", [])]
            ),
        )
        row = await challenge_row(challenge_id)
    ruling = review.get("ruling")
    if ruling and row["status"] != ChallengeStatus.ruled:
        secretariat = Caller(
            label="secretariat (demo)",
            roles=frozenset({Role.secretariat}),
            name=Role.secretariat.value,
            system=True,
        )
        await rule(
            secretariat,
            challenge_id,
            _as(RulingCreate, outcome=ruling["outcome"], note_md=ruling.get("note_md")),
            ANY_VERSION,
        )


async def _reviewed_claim(city: str, city_id: int, review: dict[str, Any]) -> str | None:
    for ev in review.get("evidence", []):
        for code in ev.get("supports_indicators", []):
            for period in ev.get("supports_periods", []):
                indicator_id = await _indicator_id(review["charter"], code)
                row = (
                    await Measurement.select(Measurement.id)
                    .where(
                        (Measurement.city == city_id)
                        & (Measurement.indicator == indicator_id)
                        & (Measurement.period == str(period))
                    )
                    .first()
                )
                if row:
                    return claim_id("measurement", row["id"])
    adoption = (
        await Adoption.select(Adoption.id)
        .where(Adoption.key == f"{city}/{review['charter']}/{review['commitment']}")
        .first()
    )
    if adoption is None:
        return None
    last = (
        await StatusUpdate.select(StatusUpdate.id)
        .where(StatusUpdate.adoption == adoption["id"])
        .order_by(StatusUpdate.id, ascending=False)
        .first()
    )
    return claim_id("status_update", last["id"]) if last else None


async def _load_evidence(item: dict[str, Any], city_id: int) -> dict[str, int]:
    """Evidence by its demo key → id, created when no item with that title and link exists."""
    ids = {}
    for ev in item.get("evidence", []):
        row = (
            await Evidence.select(Evidence.id)
            .where((Evidence.city == city_id) & (Evidence.title == ev["title"]) & (Evidence.url == ev["url"]))
            .first()
        )
        if row is None:
            created = await create_link_evidence(
                SYSTEM,
                item["slug"],
                _as(
                    EvidenceCreate,
                    title=ev["title"],
                    kind=ev["kind"],
                    url=ev["url"],
                    issued_on=date.fromisoformat(ev["issued_on"]) if ev.get("issued_on") else None,
                    description_md=ev.get("description_md"),
                ),
            )
            ids[ev["key"]] = created.id
        else:
            ids[ev["key"]] = row["id"]
    return ids


async def _load_adoption(city: str, adoption: dict[str, Any], evidence_ids: dict[str, int]) -> None:
    key = f"{city}/{adoption['charter']}/{adoption['commitment']}"
    row = await Adoption.select(Adoption.id).where(Adoption.key == key).first()
    if row is None:
        await adopt(
            SYSTEM,
            city,
            _as(
                AdoptionCreate,
                charter=adoption["charter"],
                commitment=adoption["commitment"],
                adopted_on=date.fromisoformat(adoption["adopted_on"]),
                due_on=date.fromisoformat(adoption["due_on"]) if adoption.get("due_on") else None,
                owner=adoption.get("owner"),
            ),
        )
        row = await Adoption.select(Adoption.id).where(Adoption.key == key).first()
    row = found(row, f"Adoption {key}")
    if await StatusUpdate.exists().where(StatusUpdate.adoption == row["id"]):
        return
    for update in adoption.get("updates", []):
        await add_status_update(
            SYSTEM,
            city,
            adoption["charter"],
            adoption["commitment"],
            _as(
                StatusUpdateCreate,
                status=update["status"],
                reported_on=date.fromisoformat(update["reported_on"]),
                note_md=update.get("note_md"),
                evidence=[evidence_ids[k] for k in update.get("evidence", [])],
            ),
        )


async def _indicator_id(charter: str, code: str) -> int:
    row = await Indicator.select(Indicator.id).where(Indicator.key == f"{charter}/{code}").first()
    return found(row, f"Indicator {charter}/{code}")["id"]


async def _load_target(city: str, city_id: int, target: dict[str, Any]) -> None:
    if await Target.exists().where(Target.key == f"{city}/{target['charter']}/{target['indicator']}"):
        return
    await set_target(
        SYSTEM,
        city,
        target["charter"],
        target["indicator"],
        _as(
            TargetSet,
            target=target["target"],
            baseline=target.get("baseline"),
            baseline_period=_period(target.get("baseline_period")),
            target_period=_period(target.get("target_period")),
        ),
        ANY_VERSION,
    )


async def _load_measurement(city: str, city_id: int, m: dict[str, Any], evidence_ids: dict[str, int]) -> None:
    indicator_id = await _indicator_id(m["charter"], m["indicator"])
    if await Measurement.exists().where(
        (Measurement.city == city_id)
        & (Measurement.indicator == indicator_id)
        & (Measurement.period == str(m["period"]))
    ):
        return
    await add_measurement(
        SYSTEM,
        city,
        m["charter"],
        m["indicator"],
        _as(
            MeasurementCreate,
            period=str(m["period"]),
            value=m["value"],
            note_md=m.get("note_md"),
            evidence=[evidence_ids[k] for k in m.get("evidence", [])],
        ),
    )


def _as(struct: type[T], /, **fields: Any) -> T:
    """Build an input Struct with the same validation as the API's (strings become enums...)."""
    return msgspec.convert(fields, struct, strict=False)


def _period(value: Any) -> str | None:
    return str(value) if value is not None else None


DEMO_PEOPLE: list[tuple[str, str, str | None, str | None, str]] = [
    ("secretariat@demo.example", Role.secretariat.value, None, None, "Demo secretariat"),
    ("grenoble@demo.example", Role.city_editor.value, "grenoble", None, "Demo officer, Grenoble"),
    (
        "volunteer@demo.example",
        Role.reviewer.value,
        None,
        "Collectif Accès aux Droits 38 (fictional)",
        "Demo volunteer",
    ),
]
"""One invented person of each kind of user (e-mail, role, city, organisation, name), so that the
demo can be tried signed in: the secretariat, a city's officer, an association's volunteer."""


async def invite_demo_people() -> list[tuple[str, str, str]]:
    """(e-mail, role, invitation secret) for each demo person: a fresh one-time link each time
    the demo is served, with which they choose a password and sign in."""
    from accounts.invitations import invite

    return [
        (email, role, await invite(SYSTEM, email, role, city, organisation, name))
        for email, role, city, organisation, name in DEMO_PEOPLE
    ]
