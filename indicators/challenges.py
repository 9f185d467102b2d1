"""Challenges: civil society's right to question a claim, the city's right to reply, the
secretariat's ruling. Everything here is public once written; a reviewer may publish under an
organisation's name, and the public only ever sees that name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from charter.tables import City
from indicators import standing
from indicators.choices import ChallengeStatus, EvidenceReview, ReplySide
from indicators.claims import claim_for_read, now
from indicators.evidence import NewEvidence, check_cited, file_new_evidence
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
"""The longest reason, reply or ruling note, in characters."""


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


def check_reason(text: str) -> str:
    """The reason of a challenge or the body of a reply: Markdown, not empty, within the cap."""
    return _text(text, "reason_md")


def may_open_challenge(caller: Caller) -> None:
    """Only civil-society reviewers question claims (401 for visitors, 403 for anyone else)."""
    caller.require_authenticated()
    if not caller.is_reviewer:
        raise Forbidden("Only civil-society reviewers open challenges.")


async def claim_to_challenge(caller: Caller, claim_text: str) -> dict[str, Any]:
    """The published claim a reviewer questions (404 for a draft or an unknown claim)."""
    _, row = await claim_for_read(caller, claim_text)
    if row["draft"]:  # a reviewer cannot see drafts; this guards a reviewer who edits too
        raise NotFound(f"No claim {claim_text!r}.")
    return row


async def open_challenge(
    caller: Caller, claim_text: str, data: ChallengeCreate, new_evidence: Sequence[NewEvidence] = ()
) -> ChallengeRead:
    """A civil-society reviewer questions a published claim, citing counter-evidence already on
    file and filing `new_evidence` (files, links) in the same transaction: all of it is written,
    or none. Drafts are invisible to reviewers (404); one reviewer opens at most
    `CHALLENGES_PER_MINUTE` challenges a minute (429)."""
    may_open_challenge(caller)
    reason = _text(data.reason_md, "reason_md")
    organisation = _organisation(caller, data)
    async with write_transaction():
        row = await claim_to_challenge(caller, claim_text)
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
        filed = [(await file_new_evidence(caller, row["city_slug"], item)).id for item in new_evidence]
        cited = await check_cited(row["city_id"], [*data.evidence, *filed], own=False, caller=caller)
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


def reply_side(caller: Caller, challenge: dict[str, Any]) -> ReplySide | None:
    """The side the caller may speak for in a challenge's rounds: one of the city's own editors
    answers for the city; the reviewer who opened it (or a reviewer of the organisation it is
    published under) answers back. None for anyone else (the secretariat rules, it does not
    argue)."""
    if caller.is_editor_of(challenge["city"]):
        return ReplySide.city
    own = challenge["opened_by"] == caller.user_id or (
        challenge["organisation"] and challenge["organisation"] == caller.organisation
    )
    if caller.is_reviewer and caller.user_id is not None and own:
        return ReplySide.challenger
    return None


async def side_to_reply(caller: Caller, challenge_id: int) -> ReplySide | None:
    """The side the caller may speak for in this challenge's next round now: the city until the
    ruling, the challenger once the city has answered; None when the caller may not reply."""
    row = await challenge_row(challenge_id)
    side = reply_side(caller, row)
    if row["status"] == ChallengeStatus.ruled:
        return None
    if side == ReplySide.challenger and row["status"] == ChallengeStatus.open:
        return None
    return side


async def reply(
    caller: Caller, challenge_id: int, data: ReplyCreate, new_evidence: Sequence[NewEvidence] = ()
) -> ChallengeRead:
    """A round of a challenge, until the ruling: the city's editors answer (several rounds
    allowed); once the city has answered, the challenger may answer back. Evidence already on
    file is cited by id; `new_evidence` is filed in the same transaction."""
    caller.require_authenticated()
    body = _text(data.body_md, "body_md")
    async with write_transaction():
        row = await challenge_row(challenge_id)
        side = reply_side(caller, row)
        if side is None:
            raise Forbidden(
                "Only the editors of the city whose claim is challenged, and the challenger, may reply."
            )
        if row["status"] == ChallengeStatus.ruled:
            raise Conflict(f"Challenge {challenge_id} has been ruled on; it takes no more replies.")
        if side == ReplySide.challenger and row["status"] == ChallengeStatus.open:
            raise Conflict(
                f"The city has not answered challenge {challenge_id} yet; you can answer back after "
                "its answer."
            )
        city_slug = (await City.select(City.slug).where(City.id == row["city"]).first() or {}).get("slug", "")
        filed = [(await file_new_evidence(caller, city_slug, item)).id for item in new_evidence]
        cited = await check_cited(row["city"], [*data.evidence, *filed], own=False, caller=caller)
        if cited and side == ReplySide.city:
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
                    side=side,
                    body_md=body,
                    created_by=caller.user_id,
                    created_by_label=(row["organisation"] or caller.public_name)
                    if side == ReplySide.challenger
                    else caller.public_name,
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
            {
                "status": "answered",
                "reply": reply_row["id"],
                "side": str(side),
                "body_md": body,
                "evidence": cited,
            },
            public_label=row["organisation"] if side == ReplySide.challenger else None,
        )
    return await get_challenge(challenge_id)


async def rule(
    caller: Caller, challenge_id: int, data: RulingCreate, precondition: Precondition
) -> ChallengeRead:
    """The secretariat rules: upheld (the city corrects or withdraws the claim; until then it
    stays contested), partly upheld (likewise), or dismissed. A ruling is final."""
    caller.require_secretariat("rule on challenges")
    async with write_transaction():
        row = await challenge_row(challenge_id)
        caller.require_oversight(row["city"], "rule on this city's challenges")
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


async def challenge_row(challenge_id: int) -> dict[str, Any]:
    """The challenge's row as stored (who opened it, under which organisation); 404 if none."""
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
                        ReplySide(r["side"] or "city"),
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
    *,
    city: str | None,
    status: str | None,
    overdue: bool | None,
    claim: str | None,
    limit: int,
    offset: int,
    opened_by: int | None = None,
) -> ChallengePage:
    """Challenges, newest first, by city, status, claim, or overdue (public); `opened_by` keeps
    those one reviewer opened (their own list, never shown to others: the public sees only the
    organisation's name)."""
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
    if opened_by is not None:
        conditions.append(Challenge.opened_by == opened_by)
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
