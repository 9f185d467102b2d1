"""The reports' labels come from the shared catalogs: one for every value the data can hold, the
flags worded as the API words them, and a corrected translation reaches the cached PDFs."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

import exports.report_labels
import kernel.i18n
from commitments.choices import CommitmentStatus
from exports.report_context import build_report_context
from exports.report_labels import evidence_kind, report_labels
from indicators.choices import ChallengeStatus, EvidenceKind, RulingOutcome
from indicators.flags import FLAG_CODES, FLAG_TEXT
from kernel.caller import Role
from kernel.claim_ids import Assurance
from kernel.i18n import LANGUAGES
from tests import builders


@pytest.fixture
def fresh_labels():
    """Catalogs and labels read again, before and after the test."""

    def clear() -> None:
        kernel.i18n._catalog.cache_clear()
        exports.report_labels._labels.cache_clear()
        exports.report_labels._evidence_kinds.cache_clear()

    clear()
    yield
    clear()


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_value_the_data_holds_has_a_label(lang: str) -> None:
    """Statuses, challenge states, rulings, authors, flags and evidence kinds all have words."""
    labels = report_labels(lang)
    names = (
        [f"status.{s}" for s in CommitmentStatus]
        + [f"challenge.{s}" for s in ChallengeStatus]
        + [f"outcome.{o}" for o in RulingOutcome]
        + [f"role.{r}" for r in Role]
        + [f"badge.{a}" for a in Assurance if a != Assurance.self_reported]
        + [f"flag.{c}" for c in FLAG_CODES]
        + [f"flag_help.{c}" for c in FLAG_CODES]
    )
    assert [name for name in names if not labels.get(name)] == []
    assert all(text.strip() for name, text in labels.items() if name != "sep")
    kinds = [evidence_kind(kind, lang) for kind in EvidenceKind]
    assert all(kinds) and len(set(kinds)) == len(kinds)


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_flags_read_as_the_api_words_them(lang: str) -> None:
    """A flag's name and meaning in the report are those of indicators/flags.py, word for word."""
    labels = report_labels(lang)
    for code, (name, meaning) in FLAG_TEXT[lang].items():
        assert (labels[f"flag.{code}"], labels[f"flag_help.{code}"]) == (name, meaning)


def test_the_reply_deadline_is_counted_in_each_language(monkeypatch, fresh_labels) -> None:
    """The overdue challenge's words follow the number of days the city has to reply, in the
    plural form each language gives that number."""
    assert report_labels("ar")["challenge.overdue"] == "بلا ردّ منذ أكثر من 30 يومًا"
    monkeypatch.setattr(exports.report_labels, "REPLY_DAYS", 2)
    exports.report_labels._labels.cache_clear()
    assert report_labels("ar")["challenge.overdue"] == "بلا ردّ منذ أكثر من يومين"
    assert report_labels("fr")["challenge.overdue"] == "sans réponse depuis plus de 2 jours"
    assert report_labels("en")["challenge.overdue"] == "no reply for more than 2 days"


def test_an_unknown_evidence_kind_is_shown_as_stored() -> None:
    """A kind the catalogs do not know yet is not an error."""
    assert evidence_kind("council_decision", "fr") == "délibération"
    assert evidence_kind("sound_recording", "fr") == "sound_recording"


async def test_a_corrected_translation_renders_the_report_again(
    tmp_path: Path, monkeypatch, fresh_labels
) -> None:
    """Labels are part of the report's data: a corrected translation changes the data hash, so
    the cached PDF is not served with the old words."""
    await builders.charter()
    await builders.city("ramallah", locale="ar-PS", country="PS")
    await builders.signed("ramallah")
    before = await build_report_context("ramallah", "lampedusa", "fr", today=date(2026, 11, 26))

    shutil.copytree(kernel.i18n.LOCALE_DIR, tmp_path / "locale")
    path = tmp_path / "locale" / "fr" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale="fr")
    catalog["Progress report"].string = "Rapport de suivi"
    with path.open("wb") as po:
        write_po(po, catalog)
    monkeypatch.setattr(kernel.i18n, "LOCALE_DIR", tmp_path / "locale")
    kernel.i18n._catalog.cache_clear()
    exports.report_labels._labels.cache_clear()

    after = await build_report_context("ramallah", "lampedusa", "fr", today=date(2026, 11, 26))
    assert (before.labels["report"], after.labels["report"]) == ("Rapport d’avancement", "Rapport de suivi")
    assert after.hash != before.hash
