"""Claim-vs-evidence flags: computed from the data, never typed. One place decides every flag,
for the API and the report alike; each names the claim it concerns.

* `achieved_without_evidence`: the last status says achieved and cites no evidence (rejected
  evidence does not count).
* `achieved_below_target`: the last status says achieved while an indicator is below its target.
* `overdue`: the due date has passed and the commitment is not achieved (nor withdrawn).
* `target_met_not_reported`: every indicator with a target has reached it, yet the status says
  neither achieved nor withdrawn: the city has probably not updated it (a report would otherwise
  show 100 % progress beside "overdue" with nothing to explain it).
* `stale`: an indicator has no measurement for the latest period that has ended (by the
  granularity of its own measurements: year, quarter or month).
* `evidence_after_claim`: a claim cites evidence dated after the claim: for a status, after the
  date the city gives it; for a value, after the end of the year that follows its period (a
  year's figures are normally published within the next year).
* `contested`: a challenge is open on one of the claims that count, or was upheld and the claim
  not corrected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from commitments.choices import CommitmentStatus
from kernel.db import sql_literals
from kernel.periods import parse_period

FLAG_CODES = (
    "achieved_without_evidence",
    "achieved_below_target",
    "overdue",
    "target_met_not_reported",
    "stale",
    "evidence_after_claim",
    "contested",
)

FLAG_TEXT: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "achieved_without_evidence": (
            "Achieved without evidence",
            "The last status says achieved but cites no evidence.",
        ),
        "achieved_below_target": (
            "Achieved while below target",
            "The last status says achieved while an indicator is below its target.",
        ),
        "overdue": ("Past its due date", "The due date has passed and the commitment is not achieved."),
        "target_met_not_reported": (
            "Target met, status not updated",
            "Every indicator has reached its target but the commitment is not reported achieved.",
        ),
        "stale": (
            "No measurement for the last period",
            "An indicator has no value for the latest period that has ended.",
        ),
        "evidence_after_claim": (
            "Evidence dated after the claim",
            "A claim cites evidence dated after the claim (for a value: after the "
            "end of the year that follows its period).",
        ),
        "contested": (
            "Contested",
            "A challenge is open on a claim, or was upheld and the claim not corrected.",
        ),
    },
    "fr": {
        "achieved_without_evidence": (
            "Réalisé sans preuve",
            "Le dernier statut indique « réalisé » sans citer de preuve.",
        ),
        "achieved_below_target": (
            "Réalisé sous la cible",
            "Le dernier statut indique « réalisé » alors qu’un indicateur est sous sa cible.",
        ),
        "overdue": ("Échéance dépassée", "L’échéance est passée et l’engagement n’est pas réalisé."),
        "target_met_not_reported": (
            "Cible atteinte, statut non mis à jour",
            "Chaque indicateur a atteint sa cible mais l’engagement n’est pas déclaré réalisé.",
        ),
        "stale": (
            "Pas de mesure pour la dernière période",
            "Un indicateur n’a pas de valeur pour la dernière période écoulée.",
        ),
        "evidence_after_claim": (
            "Preuve postérieure à la déclaration",
            "Une déclaration cite une preuve datée après elle (pour une valeur : "
            "après la fin de l’année qui suit sa période).",
        ),
        "contested": (
            "Contesté",
            "Une contestation est ouverte sur une déclaration, ou a été jugée "
            "fondée sans que la déclaration soit corrigée.",
        ),
    },
    "es": {
        "achieved_without_evidence": (
            "Logrado sin evidencia",
            "El último estado dice «logrado» sin citar evidencia.",
        ),
        "achieved_below_target": (
            "Logrado por debajo de la meta",
            "El último estado dice «logrado» con un indicador por debajo de su meta.",
        ),
        "overdue": ("Plazo vencido", "El plazo ha vencido y el compromiso no está logrado."),
        "target_met_not_reported": (
            "Meta alcanzada, estado sin actualizar",
            "Todos los indicadores alcanzaron su meta pero el compromiso no se declaró logrado.",
        ),
        "stale": (
            "Sin medición del último periodo",
            "Un indicador no tiene valor para el último periodo terminado.",
        ),
        "evidence_after_claim": (
            "Evidencia posterior a la declaración",
            "Una declaración cita evidencia fechada después de ella (para un "
            "valor: después del fin del año siguiente a su periodo).",
        ),
        "contested": (
            "Impugnado",
            "Hay una impugnación abierta sobre una declaración, o fue admitida "
            "y la declaración no se ha corregido.",
        ),
    },
    "ar": {
        "achieved_without_evidence": ("منجز دون دليل", "تفيد آخر حالة بالإنجاز دون ذكر أيّ دليل."),
        "achieved_below_target": (
            "منجز دون بلوغ الهدف",
            "تفيد آخر حالة بالإنجاز بينما أحد المؤشرات دون هدفه.",
        ),
        "overdue": ("تجاوز الأجل", "انقضى الأجل ولم يُنجز الالتزام."),
        "target_met_not_reported": (
            "الهدف محقّق والحالة لم تُحدَّث",
            "بلغت كل المؤشرات أهدافها لكن الالتزام لم يُعلن منجزًا.",
        ),
        "stale": ("لا قياس للفترة الأخيرة", "لا قيمة لأحد المؤشرات عن آخر فترة منتهية."),
        "evidence_after_claim": (
            "دليل لاحق للتصريح",
            "يستند تصريح إلى دليل مؤرَّخ بعده (بالنسبة إلى قيمة: بعد نهاية السنة التالية لفترتها).",
        ),
        "contested": ("مطعون فيه", "طعن مفتوح في أحد التصريحات، أو طعن قُبل ولم يُصحَّح التصريح."),
    },
}


def flag_message(code: str, lang: str | None) -> str:
    """The flag's name in `lang` (English when the language has no text)."""
    return FLAG_TEXT.get(lang or "en", FLAG_TEXT["en"])[code][0]


@dataclass(frozen=True, slots=True)
class Flag:
    """A warning about a claim: its code, the claim it concerns (None: the commitment itself, as
    when nothing was reported), and the indicator it concerns (None: the commitment)."""

    code: str
    claim_id: str | None = None
    indicator: str | None = None


@dataclass(frozen=True, slots=True)
class IndicatorFacts:
    """What the flags need to know of an indicator: progress, target, and its latest value."""

    code: str
    progress: float | None
    has_target: bool
    last_period: str | None
    last_claim: str | None = None


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    """What the flags need to know of one claim that counts: its date (a status), the dates of
    the evidence it cites, the end of its period (a value), whether it is contested."""

    claim_id: str
    claimed_on: date | None
    evidence_dates: list[date | None]
    period_end: date | None
    contested: bool
    indicator: str | None = None


@dataclass(frozen=True, slots=True)
class CommitmentFacts:
    """What the flags need to know of one adopted commitment, from the claims that count."""

    status: str | None
    status_claim: str | None
    status_evidence: int
    due_on: date | None
    indicators: list[IndicatorFacts]
    claims: list[ClaimFacts] = field(default_factory=list)


def latest_ended_period(like: str | None, today: date) -> str:
    """The most recent period of the same granularity as `like` that has ended before `today`."""
    if like and "-Q" in like:
        quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        end = quarter_start - timedelta(days=1)
        return f"{end.year}-Q{(end.month - 1) // 3 + 1}"
    if like and len(like) == 7:
        end = date(today.year, today.month, 1) - timedelta(days=1)
        return f"{end.year}-{end.month:02d}"
    return str(today.year - 1)


def _dated_after(claim: ClaimFacts) -> bool:
    if claim.claimed_on is not None:
        limit = claim.claimed_on
    elif claim.period_end is not None:
        limit = date(claim.period_end.year + 1, 12, 31)
    else:
        return False
    return any(d is not None and d > limit for d in claim.evidence_dates)


def commitment_flags(facts: CommitmentFacts, today: date) -> list[Flag]:
    """Every flag that the data raises for one adopted commitment, in a fixed order."""
    flags: list[Flag] = []
    status = facts.status
    if status == CommitmentStatus.achieved and facts.status_evidence == 0:
        flags.append(Flag("achieved_without_evidence", facts.status_claim))
    if status == CommitmentStatus.achieved:
        flags.extend(
            Flag("achieved_below_target", facts.status_claim, i.code)
            for i in facts.indicators
            if i.has_target and (i.progress or 0.0) < 1.0
        )
    if is_overdue(status=status, due_on=facts.due_on, today=today):
        flags.append(Flag("overdue", facts.status_claim))
    targeted = [i for i in facts.indicators if i.has_target]
    if (
        targeted
        and status not in _CLOSED
        and all(i.progress is not None and i.progress >= 1.0 for i in targeted)
    ):
        flags.append(Flag("target_met_not_reported", facts.status_claim))
    if status != CommitmentStatus.withdrawn:
        for i in facts.indicators:
            wanted = latest_ended_period(i.last_period, today)
            if i.last_period is None or parse_period(i.last_period).end < parse_period(wanted).end:
                flags.append(Flag("stale", i.last_claim, i.code))
    flags.extend(
        Flag("evidence_after_claim", c.claim_id, c.indicator) for c in facts.claims if _dated_after(c)
    )
    flags.extend(Flag("contested", c.claim_id, c.indicator) for c in facts.claims if c.contested)
    return flags


# Overdue and on track are counted in Python for a city (its report, its flags) and in SQL for a
# thousand cities at once (the comparison): each rule is written here in both, side by side, and
# a test holds the two to the same numbers.

_CLOSED = (CommitmentStatus.achieved, CommitmentStatus.withdrawn)
_UNDER_WAY = (CommitmentStatus.in_progress, CommitmentStatus.not_started)


def is_overdue(*, status: str | None, due_on: date | None, today: date) -> bool:
    """Past its due date, and neither achieved nor withdrawn."""
    return due_on is not None and due_on < today and status not in _CLOSED


def overdue_sql(*, status: str, due_on: str, today: str) -> str:
    """`is_overdue` as an SQL condition over the given column expressions."""
    return f"{due_on} < {today} AND ({status} IS NULL OR {status} NOT IN ({sql_literals(_CLOSED)}))"


def on_track(
    *, status: str | None, progress: float, adopted_on: date, due_on: date | None, today: date
) -> bool:
    """In progress, not overdue, and at least as far along as the time elapsed toward the due date."""
    if status not in _UNDER_WAY or (due_on and due_on < today):
        return False
    if due_on is None or due_on <= adopted_on:
        return status == CommitmentStatus.in_progress
    elapsed = (today - adopted_on).days / (due_on - adopted_on).days
    return progress >= min(1.0, max(0.0, elapsed))


def on_track_sql(*, status: str, progress: str, due_on: str, elapsed: str, today: str) -> str:
    """`on_track` as an SQL condition over the given column expressions; `elapsed` is the share
    of the time from adoption to the due date already gone (NULL without a due date after the
    adoption). It is read once, a hundred thousand times in a comparison: past the due date is
    ruled out first, so `elapsed` is at most 1, and progress is never below 0, so
    `progress >= min(1, max(0, elapsed))` is `elapsed <= progress`; without `elapsed`, that is
    NULL and the status decides."""
    return f"""({status} IN ({sql_literals(_UNDER_WAY)})
        AND ({due_on} IS NULL OR {due_on} >= {today})
        AND COALESCE({elapsed} <= {progress}, {status} = {sql_literals([CommitmentStatus.in_progress])}))"""
