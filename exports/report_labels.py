"""The city and network reports' own words, by name, in the report's language, from the shared
catalogs (`kernel/locale`, see `kernel.i18n`): a term is translated once for the PDF and the page.

Content (charter texts, city names, narratives) comes from the data, with per-field fallback to the
charter's language; these are only the report's labels. Numbers and dates go through Babel.

The labels are chosen here, into the report's context, rather than by `_()` in the templates:
they are part of the data the report's hash covers, so a corrected translation changes the hash
and the cached PDF is rendered again instead of being served with the old words.
"""

from __future__ import annotations

import functools
import re

from indicators.challenges import REPLY_DAYS
from kernel.i18n import DEFAULT_LANGUAGE, direction, supported, translations


def report_labels(lang: str) -> dict[str, str]:
    """Every label of the reports in `lang`, by name (English for a language without a catalog)."""
    return dict(_typeset(supported(lang) or DEFAULT_LANGUAGE))


_FRENCH_SPACE = re.compile(r"\s*([:;!?»])|(«)\s*")


def french_spacing(text: str) -> str:
    """French typography: a no-break space before ":" and inside « », a narrow one before ";",
    "!" and "?", so that the sign never starts a line ("Échéance : 31 mars", not "Échéance:")."""

    def space(match: re.Match[str]) -> str:
        if match[2]:
            return "«\u00a0"
        sign = match[1]
        return ("\u00a0" if sign in ":»" else "\u202f") + sign

    return _FRENCH_SPACE.sub(space, text)


def _typeset(lang: str) -> dict[str, str]:
    """The labels with the language's own punctuation: French spacing, and the arrow from
    baseline to latest value pointing the way the language reads."""
    labels = dict(_labels(lang))
    if lang == "fr":
        labels = {name: french_spacing(text) for name, text in labels.items()}
    labels["arrow"] = "←" if direction(lang) == "rtl" else "→"
    return labels


def evidence_kind(kind: str, lang: str) -> str:
    """What a piece of evidence is (a council decision, a budget...), in `lang`; an unknown kind
    is shown as stored."""
    return _evidence_kinds(supported(lang) or DEFAULT_LANGUAGE).get(kind, kind)


@functools.cache
def _labels(lang: str) -> dict[str, str]:
    t = translations(lang)
    _, ngettext = t.gettext, t.ngettext

    def pgettext(context: str, message: str) -> str:
        return str(t.pgettext(context, message))

    return {
        # The network report
        "network_report": _("Network report"),
        "heat_map": _("Progress by city and principle"),
        "adoption_curves": _("Cities that adopted each principle, by year"),
        "city_summaries": _("Cities at a glance"),
        "cities": _("Cities"),
        "no_signatories": _("No city has a standing signature of this charter."),
        "heat_legend": _("Cells show progress; empty cells: no commitment of the principle adopted."),
        "country": _("Country"),
        "filters": _("Filters"),
        "filters.none": _("none: every signatory city"),
        "filter.country": _("Country"),
        "filter.region": _("Region"),
        "filter.network": _("Network"),
        "filter.signed_year": _("Signed in"),
        "filter.population_band": _("Population"),
        "filter.city": _("City"),
        "heat_scale": _("Progress of the city's adopted commitments of the principle"),
        "no_adoptions_cell": _("no commitment adopted"),
        "heat_count": _(
            "The small figure in a cell is the number of the principle's commitments the city adopted: "
            "the share is of those."
        ),
        "method.network": _(
            "Only cities whose latest signature act stands are counted. A city adopted a principle "
            "once it adopted one of its commitments."
        ),
        # Challenges, replies and rulings
        "challenge": _("Challenge"),
        "challenges": _("Challenges"),
        "challenge.open": pgettext("challenge status", "open, awaiting the city's reply"),
        "challenge.answered": pgettext("challenge status", "answered by the city"),
        "challenge.ruled": pgettext("challenge status", "ruled"),
        # Translators: a challenge the city has not answered within the days it is given (num, 30).
        "challenge.overdue": ngettext(
            "no reply for more than %(num)d day", "no reply for more than %(num)d days", REPLY_DAYS
        )
        % {"num": REPLY_DAYS},
        "reply": _("Reply"),
        "ruling": _("Ruling"),
        "role.secretariat": pgettext("author", "Network secretariat"),
        "role.city_editor": pgettext("author", "The city"),
        "role.reviewer": pgettext("author", "Reviewer"),
        "outcome.upheld": pgettext("challenge ruling", "upheld"),
        "outcome.dismissed": pgettext("challenge ruling", "dismissed"),
        "outcome.partly_upheld": pgettext("challenge ruling", "partly upheld"),
        # Translators: "Challenge · <who>, <date> · on <the claim challenged>".
        "on_claim": pgettext("challenge of a claim", "on"),
        "counter_evidence": _("Counter-evidence"),
        # Claims and how far they can be trusted
        "assurance": _("Assurance"),
        "badge.verified": pgettext("claim mark", "verified"),
        "badge.contested": pgettext("claim mark", "contested"),
        "superseded": pgettext("claim mark", "corrected"),
        "draft": pgettext("claim mark", "draft"),
        "drafts_included": _("Preview including unpublished drafts"),
        "claims": _("Claims"),
        "verified": pgettext("share of claims", "verified"),
        "self_reported": pgettext("share of claims", "self-reported"),
        "contested": pgettext("share of claims", "contested"),
        # The cover
        "report": _("Progress report"),
        "city": _("City"),
        "charter": _("Charter"),
        "period": _("Reporting period"),
        "as_of": _("Data as of"),
        "report_date": _("Report date"),
        "report_id": _("Report id"),
        "data_hash": _("Data hash"),
        "signed": _("Signed on"),
        "act": _("Act"),
        "issuer": _("Issued by"),
        # The scorecard: commitments counted by where they stand
        "scorecard": _("Scorecard"),
        "principle": _("Principle"),
        "adopted": pgettext("commitments counted", "Adopted"),
        "achieved": pgettext("commitments counted", "Achieved"),
        "on_track": pgettext("commitments counted", "On track"),
        "delayed": pgettext("commitments counted", "Delayed"),
        "in_progress": pgettext("commitments counted", "In progress, behind schedule"),
        "not_started": pgettext("commitments counted", "Not started"),
        "withdrawn": pgettext("commitments counted", "Withdrawn"),
        "of_which_overdue": pgettext("commitments counted", "Of which overdue"),
        "progress": _("Progress"),
        "total": _("All principles"),
        # A commitment and its indicators
        "status": _("Status"),
        "statuses": _("Statuses"),
        "status.not_started": pgettext("commitment status", "Not started"),
        "status.in_progress": pgettext("commitment status", "In progress"),
        "status.achieved": pgettext("commitment status", "Achieved"),
        "status.delayed": pgettext("commitment status", "Delayed"),
        "status.withdrawn": pgettext("commitment status", "Withdrawn"),
        "not_reported": _("no status reported"),
        "last_update": _("last update"),
        "owner": _("Owner"),
        "due": _("Due"),
        "no_due": _("no due date"),
        "indicator": _("Indicator"),
        "baseline": _("Baseline"),
        "latest": _("Latest"),
        "target": _("Target"),
        "narrative": _("Latest narrative"),
        # What changed since the previous report
        "what_changed": _("What changed since the previous report"),
        # Translators: followed by the date of the previous report's data.
        "changes_since": _("New values, status changes, challenges and rulings since"),
        "no_changes": _("nothing has changed."),
        # Translators: followed by a number of changes not listed.
        "more_changes": _("Changes not listed:"),
        # Translators: the legend of an indicator's chart: the line of its values.
        "chart.value": pgettext("chart legend", "Value"),
        "chart.legend": _("How to read the charts"),
        "chart.up": pgettext("chart", "↑ higher is better"),
        "chart.down": pgettext("chart", "↓ lower is better"),
        "no_adoptions": _("The city has not adopted any commitment of this charter yet."),
        "no_indicators": _("No indicator measures this commitment."),
        "no_measurement": _("no measurement"),
        "no_target": _("no target"),
        # Flags, worded as indicators/flags.py words them for the API (a test holds the two equal).
        "flags": _("Flags"),
        "flag.achieved_without_evidence": pgettext("flag", "Achieved without evidence"),
        "flag_help.achieved_without_evidence": _("The last status says achieved but cites no evidence."),
        "flag.achieved_below_target": pgettext("flag", "Achieved while below target"),
        "flag_help.achieved_below_target": _(
            "The last status says achieved while an indicator is below its target."
        ),
        "flag.overdue": pgettext("flag", "Past its due date"),
        "flag_help.overdue": _("The due date has passed and the commitment is not achieved."),
        "flag.target_met_not_reported": pgettext("flag", "Target met, status not updated"),
        "flag_help.target_met_not_reported": _(
            "Every indicator has reached its target but the commitment is not reported achieved."
        ),
        "flag.stale": pgettext("flag", "No measurement for the last period"),
        "flag_help.stale": _("An indicator has no value for the latest period that has ended."),
        "flag.evidence_after_claim": pgettext("flag", "Evidence dated after the claim"),
        "flag_help.evidence_after_claim": _(
            "A claim cites evidence dated after the claim (for a value: after the end of the year "
            "that follows its period)."
        ),
        "flag.contested": pgettext("flag", "Contested"),
        "flag_help.contested": _(
            "A challenge is open on a claim, or was upheld and the claim not corrected."
        ),
        # Evidence
        "evidence": _("Evidence"),
        "evidence_annex": _("Evidence annex"),
        # Translators: the evidence annex when no evidence is cited.
        "none": pgettext("evidence annex", "none"),
        "kind": _("Kind"),
        "date": _("Date"),
        "link": _("Link"),
        "file": _("File"),
        "page": _("Page"),
        # The methodology
        "methodology": _("Methodology"),
        "method.progress": _(
            "An indicator's progress is (latest − baseline) / (target − baseline), clamped between 0 "
            "and 100 %; the same formula serves indicators that should decrease. A commitment's "
            "progress is the mean of its indicators' (an indicator without data counts as 0), or "
            "100 % when it is achieved and has no indicator. A principle's progress is the mean over "
            "the adopted commitments, withdrawn ones left out."
        ),
        "method.counts": _(
            "Achieved, on track, in progress behind schedule, delayed, not started and withdrawn add "
            "up to the adopted commitments; one with no status reported counts as not started. "
            "“Of which overdue” counts those past their due date and neither achieved nor "
            "withdrawn: they are already among the in progress, delayed and not started ones, so "
            "they are not added again."
        ),
        "method.on_track": _(
            "On track: in progress, not past due, and at least as far along as the time elapsed "
            "between adoption and due date."
        ),
        "method.assurance": _(
            "Every claim is self-reported by the city unless the secretariat has verified its "
            "evidence (marked “verified”); a claim under an open challenge, or whose challenge was "
            "upheld and which the city has not corrected, is “contested”. Unmarked claims are "
            "self-reported. A corrected claim is replaced by its correction."
        ),
        "not_translated": _("Not yet translated: shown in the charter's language."),
        "method.fallback": _(
            "A charter text not yet translated into the report's language is shown in its own "
            "language, marked with the language's code (EN, FR, AR...)."
        ),
        "method.dates": _(
            "Flags are computed on the report date; the data hash covers the data and that date."
        ),
        # Translators: between the items of a list on one line ("verified, self-reported").
        "sep": pgettext("list separator", ", "),
        # Translators: between a label and its value ("Due: 31 March 2026"); French puts a
        # space before the colon.
        "colon": pgettext("between a label and its value", ": "),
        # Translators: the page footer of a report; keep both placeholders.
        "page_of": _("page %(page)s of %(pages)s"),
    }


@functools.cache
def _evidence_kinds(lang: str) -> dict[str, str]:
    t = translations(lang)

    def pgettext(context: str, message: str) -> str:
        return str(t.pgettext(context, message))

    return {
        "council_decision": pgettext("evidence kind", "council decision"),
        "budget": pgettext("evidence kind", "budget"),
        "report": pgettext("evidence kind", "report"),
        "statistics": pgettext("evidence kind", "statistics"),
        "media": pgettext("evidence kind", "media"),
        "photo": pgettext("evidence kind", "photo"),
        "other": pgettext("evidence kind", "other"),
    }
