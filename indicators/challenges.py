"""Challenges: civil society's right to question a claim, the city's right to reply, the
secretariat's ruling. Everything here is public once written; a reviewer may publish under an
organisation's name, and the public only ever sees that name.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from charter.tables import City
from indicators import standing
from indicators.choices import ChallengeStatus, EvidenceReview
from indicators.claims import claim_for_read, now
from indicators.evidence import check_cited
from indicators.schemas import (
    ChallengeCreate,
    ChallengePage,
    ChallengeRead,
    ReplyCreate,
    ReplyRead,
    RulingCreate,
    RulingRead,
)
from indicators.tables import Challenge, ChallengeEvidence, ChallengeReply, Evidence
from kernel.caller import Caller
from kernel.claim_ids import history_url, parse_claim_id
from kernel.db import Turns, audit, take_turns, update_versioned, write_transaction
from kernel.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound, TooManyRequests
from kernel.markdown import render_markdown
from kernel.settings import get_settings
from kernel.versions import Precondition, check_version

REPLY_DAYS = 30
"""A challenge the city has not answered within this many days is flagged overdue."""
MAX_TEXT = 20_000


def _text(value: str, field: str) -> str:
    text = value.strip()
    if not text or len(text) > MAX_TEXT:
        raise InvalidInput(
            f"The {field} is empty or too long.",
            [FieldError(field, f"Expected Markdown text of 1 to {MAX_TEXT} characters.")],
        )
    return text


def _organisation(caller: Caller, data: ChallengeCreate) -> str | None:
    """The name a challenge is published under: the organisation set on the reviewer's account.
    A request may repeat it; naming another is refused."""
    organisation = caller.organisation
    if data.organisation is not None and data.organisation.strip() != (organisation or ""):
        raise InvalidInput(
            "A challenge is published under the organisation set on your account, not one named "
            "in the request.",
            [
                FieldError(
                    "organisation",
                    "Leave this field out: the secretariat sets your organisation "
                    f"on your account (now {organisation or 'none'}).",
                )
            ],
        )
    return organisation


async def open_challenge(caller: Caller, claim_text: str, data: ChallengeCreate) -> ChallengeRead:
    """A civil-society reviewer questions a published claim. Drafts are invisible to reviewers
    (404); one reviewer opens at most `CHALLENGES_PER_MINUTE` challenges a minute (429)."""
    caller.require_authenticated()
    if not caller.is_reviewer:
        raise Forbidden("Only civil-society reviewers open challenges.")
    reason = _text(data.reason_md, "reason_md")
    organisation = _organisation(caller, data)
    async with write_transaction():
        _, row = await claim_for_read(caller, claim_text)
        if row["draft"]:  # a reviewer cannot see drafts; this guards a reviewer who edits too
            raise NotFound(f"No claim {claim_text!r}.")
        # Counted after the reviewer's other challenges in flight are committed, so that the
        # limit holds for challenges sent at once.
        await take_turns(Turns.challenges_opened, [caller.user_id] if caller.user_id is not None else [])
        limit = get_settings().challenges_per_minute
        recent = await Challenge.count().where(
            (Challenge.opened_by == caller.user_id) & (Challenge.opened_at > now() - timedelta(minutes=1))
        )
        if recent >= limit:
            raise TooManyRequests(
                f"You opened {recent} challenges in the last minute; the limit is "
                f"{limit}. Try again in a minute.",
                60,
            )
        cited = await check_cited(row["city_id"], data.evidence, own=False, caller=caller)
        claim = claim_text.strip()
        challenge = (
            await Challenge.insert(
                Challenge(
                    city=row["city_id"],
                    claim_id=claim,
                    reason_md=reason,
                    organisation=organisation,
                    opened_by=caller.user_id,
                    opened_by_label=caller.public_name,
                    opened_at=now(),
                )
            ).returning(Challenge.id)
        )[0]
        for evidence_id in cited:
            await ChallengeEvidence.insert(ChallengeEvidence(challenge=challenge["id"], evidence=evidence_id))
        await standing.refresh(await standing.adoption_of_claim_id(*parse_claim_id(claim)))
        await audit(
            caller,
            "create",
            "challenge",
            f"challenge-{challenge['id']}",
            None,
            {"claim_id": claim, "reason_md": reason, "organisation": organisation, "evidence": cited},
            public_label=organisation or caller.public_name,
        )
    return await get_challenge(challenge["id"])


async def reply(caller: Caller, challenge_id: int, data: ReplyCreate) -> ChallengeRead:
    """One of the city's own editors answers; several rounds are allowed until the ruling."""
    caller.require_authenticated()
    body = _text(data.body_md, "body_md")
    async with write_transaction():
        row = await _challenge_or_raise(challenge_id)
        if not caller.is_editor_of(row["city"]):
            raise Forbidden("Only the editors of the city whose claim is challenged may reply.")
        if row["status"] == ChallengeStatus.ruled:
            raise Conflict(f"Challenge {challenge_id} has been ruled on; it takes no more replies.")
        cited = await check_cited(row["city"], data.evidence, own=False, caller=caller)
        if cited:
            rejected = await Evidence.count().where(
                Evidence.id.is_in(cited) & (Evidence.review == EvidenceReview.rejected)
            )
            if rejected:
                raise InvalidInput(
                    "A reply cannot rest on rejected evidence.",
                    [FieldError("evidence", "Expected evidence not rejected.")],
                )
        reply_row = (
            await ChallengeReply.insert(
                ChallengeReply(
                    challenge=challenge_id,
                    body_md=body,
                    created_by=caller.user_id,
                    created_by_label=caller.public_name,
                    created_at=now(),
                )
            ).returning(ChallengeReply.id)
        )[0]
        for evidence_id in cited:
            await ChallengeEvidence.insert(
                ChallengeEvidence(challenge=challenge_id, reply=reply_row["id"], evidence=evidence_id)
            )
        await update_versioned(
            Challenge,
            challenge_id,
            row["version"],
            {Challenge.status: ChallengeStatus.answered},
            f"Challenge {challenge_id}",
        )
        await audit(
            caller,
            "reply",
            "challenge",
            f"challenge-{challenge_id}",
            {"status": row["status"]},
            {"status": "answered", "reply": reply_row["id"], "body_md": body, "evidence": cited},
        )
    return await get_challenge(challenge_id)


async def rule(
    caller: Caller, challenge_id: int, data: RulingCreate, precondition: Precondition
) -> ChallengeRead:
    """The secretariat rules: upheld (the city corrects or withdraws the claim; until then it
    stays contested), partly upheld (likewise), or dismissed. A ruling is final."""
    caller.require_secretariat("rule on challenges")
    async with write_transaction():
        row = await _challenge_or_raise(challenge_id)
        check_version(f"Challenge {challenge_id}", row["version"], precondition)
        if row["status"] == ChallengeStatus.ruled:
            raise Conflict(f"Challenge {challenge_id} was already ruled {row['outcome']}.")
        values = {
            "status": str(ChallengeStatus.ruled),
            "outcome": str(data.outcome),
            "ruling_note_md": data.note_md,
            "ruled_at": now(),
            "ruled_by": caller.user_id,
            "ruled_by_label": caller.public_name,
        }
        await update_versioned(
            Challenge,
            challenge_id,
            row["version"],
            {getattr(Challenge, k): v for k, v in values.items()},
            f"Challenge {challenge_id}",
        )
        await standing.refresh(await standing.adoption_of_claim_id(*parse_claim_id(row["claim_id"])))
        await audit(
            caller,
            "rule",
            "challenge",
            f"challenge-{challenge_id}",
            {"status": row["status"]},
            {"status": "ruled", "outcome": str(data.outcome), "note_md": data.note_md},
        )
    return await get_challenge(challenge_id)


async def _challenge_or_raise(challenge_id: int) -> dict[str, Any]:
    row = await Challenge.select().where(Challenge.id == challenge_id).first()
    if row is None:
        raise NotFound(f"No challenge {challenge_id}.")
    return row


def is_overdue(status: str, opened_at: datetime, at: datetime) -> bool:
    """Open, and the city has not replied within `REPLY_DAYS` days."""
    return status == ChallengeStatus.open and opened_at + timedelta(days=REPLY_DAYS) < at


async def _reads(rows: list[dict[str, Any]]) -> list[ChallengeRead]:
    ids = [r["id"] for r in rows] or [-1]
    replies: dict[int, list[dict[str, Any]]] = {}
    for r in (
        await ChallengeReply.select().where(ChallengeReply.challenge.is_in(ids)).order_by(ChallengeReply.id)
    ):
        replies.setdefault(r["challenge"], []).append(r)
    links = await ChallengeEvidence.select().where(ChallengeEvidence.challenge.is_in(ids))
    at = now()
    out = []
    for row in rows:
        own = [link for link in links if link["challenge"] == row["id"]]
        out.append(
            ChallengeRead(
                id=row["id"],
                claim_id=row["claim_id"],
                city=row["city_slug"],
                status=row["status"],
                overdue=is_overdue(row["status"], row["opened_at"], at),
                by=row["organisation"] or row["opened_by_label"],
                opened_at=row["opened_at"],
                reason_md=row["reason_md"],
                reason_html=render_markdown(row["reason_md"]) or "",
                evidence=sorted(link["evidence"] for link in own if link["reply"] is None),
                replies=[
                    ReplyRead(
                        r["id"],
                        r["created_by_label"],
                        r["created_at"],
                        r["body_md"],
                        render_markdown(r["body_md"]) or "",
                        sorted(link["evidence"] for link in own if link["reply"] == r["id"]),
                    )
                    for r in replies.get(row["id"], [])
                ],
                ruling=RulingRead(
                    row["outcome"],
                    row["ruled_by_label"] or "",
                    row["ruled_at"],
                    row["ruling_note_md"],
                    render_markdown(row["ruling_note_md"]),
                )
                if row["status"] == ChallengeStatus.ruled
                else None,
                version=row["version"],
                history=history_url("challenge", f"challenge-{row['id']}"),
            )
        )
    return out


def _select():
    return Challenge.select(*Challenge.all_columns(), Challenge.city.slug.as_alias("city_slug"))


async def get_challenge(challenge_id: int) -> ChallengeRead:
    """One challenge with its replies and ruling (public)."""
    row = await _select().where(Challenge.id == challenge_id).first()
    if row is None:
        raise NotFound(f"No challenge {challenge_id}.")
    return (await _reads([row]))[0]


async def challenges_on(claim_ids: list[str]) -> list[ChallengeRead]:
    """The challenges to these claims, oldest first, with their replies and rulings (public:
    a challenge is only ever made to a published claim)."""
    if not claim_ids:
        return []
    rows = await _select().where(Challenge.claim_id.is_in(sorted(set(claim_ids)))).order_by(Challenge.id)
    return await _reads(rows)


async def list_challenges(
    *, city: str | None, status: str | None, overdue: bool | None, claim: str | None, limit: int, offset: int
) -> ChallengePage:
    """Challenges, newest first, by city, status, claim, or overdue (public)."""
    query = _select()
    count = Challenge.count()
    conditions = []
    if city is not None:
        city_row = await City.select(City.id).where(City.slug == city).first()
        if city_row is None:
            raise NotFound(f"No city {city!r}.")
        conditions.append(Challenge.city == city_row["id"])
    if status:
        try:
            conditions.append(Challenge.status == ChallengeStatus(status))
        except ValueError:
            raise InvalidInput(
                f"Unknown status {status!r}.",
                [FieldError("status", f"Expected one of {', '.join(ChallengeStatus)}.")],
            ) from None
    if claim is not None:
        conditions.append(Challenge.claim_id == claim)
    if overdue is not None:
        cutoff = now() - timedelta(days=REPLY_DAYS)
        conditions.append(
            ((Challenge.status == ChallengeStatus.open) & (Challenge.opened_at < cutoff))
            if overdue
            else ((Challenge.status != ChallengeStatus.open) | (Challenge.opened_at >= cutoff))
        )
    for condition in conditions:
        query = query.where(condition)
        count = count.where(condition)
    rows = await query.order_by(Challenge.id, ascending=False).limit(limit).offset(offset)
    return ChallengePage(await _reads(rows), await count, limit, offset)
