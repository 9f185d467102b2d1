"""A commitment's or an indicator's title shown in another language than the page's (its
translation is missing) is marked with its own language, and with its direction when that differs
from the page's; a title in the page's language is not marked as another. Checked on every public
page that shows titles (home, search, charter, comparison, city, commitment, evidence, challenges,
one challenge, history), on the demo data in Arabic and Spanish, and on a commitment that has only
a French title shown on an English page."""

from __future__ import annotations

from collections import defaultdict

import httpx
import pytest

from charter.tables import Principle
from commitments.tables import Commitment
from indicators.tables import Indicator
from kernel.i18n import direction
from tests import builders
from tests.web.html import marked_texts, parse
from tracker.demo import load_demo

FRENCH_ONLY = "Conseil juridique gratuit pour chaque habitant"
TRANSLATED = "Administrative domiciliation within 15 days"

FRENCH_CHARTER = """---
slug: lampedusa
lang: fr
title: Charte de Lampedusa
issuer: UCLG
adopted_on: 2022-10-11
---

## DIG: Dignité

### LAM-DIG-01: Conseil juridique gratuit pour chaque habitant

| code | indicator | unit | type | direction |
|---|---|---|---|---|
| LAM-DIG-01-I1 | Habitants ayant reçu une consultation juridique gratuite | persons/year | count | increase |

### LAM-DIG-02: Domiciliation administrative sous 15 jours
"""

# The English translation leaves LAM-DIG-01's title out, and gives the rest.
ENGLISH_TRANSLATION = """---
slug: lampedusa
lang: en
title: Lampedusa Charter
issuer: UCLG
adopted_on: 2022-10-11
---

## DIG: Dignity

### LAM-DIG-01

| code | indicator | unit | type | direction |
|---|---|---|---|---|
| LAM-DIG-01-I1 | Residents receiving free legal consultations | persons/year | count | increase |

### LAM-DIG-02: Administrative domiciliation within 15 days
"""


async def _titles(*tables: type[Principle] | type[Commitment] | type[Indicator]) -> dict[str, set[str]]:
    """Every principle, commitment and indicator title (or those of `tables`), by its text: the
    languages it is written in."""
    languages: dict[str, set[str]] = defaultdict(set)
    for table in tables or (Principle, Commitment, Indicator):
        for row in await table.select(table.title).output(load_json=True):
            for lang, text in row["title"].items():
                languages[text.strip()].add(lang)
    return languages


def _links(html: str, prefix: str) -> list[str]:
    """The page's links to addresses that start with `prefix`, in order, each once."""
    hrefs = (a.get("href") or "" for name, a in parse(html).tags if name == "a")
    return list(dict.fromkeys(h for h in hrefs if h.startswith(prefix)))


class Seen:
    """The titles met on the pages read, and how each was marked."""

    def __init__(self, titles: dict[str, set[str]], lang: str) -> None:
        self.titles = titles
        self.lang = lang
        self.fallbacks: set[str] = set()
        self.own: set[str] = set()

    async def check(self, client, url: str) -> str:
        """Read the page in the language under test; every title on it is marked with a language
        it is written in, with that language's direction where it differs from the page's."""
        r = await client.get(str(httpx.URL(url).copy_merge_params({"lang": self.lang})))
        assert r.status_code == 200, (url, r.text[:300])
        page_dir = direction(self.lang)
        html = parse(r.text).first("html")
        assert (html.get("lang"), html.get("dir")) == (self.lang, page_dir), url
        for text, lang, dir_ in marked_texts(r.text):
            written = self.titles.get(text.removesuffix(":").strip())
            if written is None:
                continue
            assert lang in written, (url, text, lang, written)
            if lang == self.lang:
                self.own.add(text)
                continue
            self.fallbacks.add(text)
            if direction(lang) != page_dir:
                assert dir_ == direction(lang), (url, text, lang, dir_)
        return r.text


@pytest.mark.parametrize("lang", ["ar", "es"])
async def test_on_the_demo_data_every_fallback_title_is_marked_with_its_language(client, lang: str) -> None:
    """Arabic (right to left) and Spanish pages: every title shown that is not in the page's
    language carries its `lang` (and `dir` on an Arabic page). The demo's charters are whole in
    Arabic, so their titles are shown unmarked there and none falls back; the Sousse charter has no
    Spanish text, so on Spanish pages its commitments and indicators fall back to English, marked,
    beside the Lampedusa charter's and the Charter-Agenda's in Spanish, unmarked."""
    await load_demo()
    seen = Seen(await _titles(), lang)
    await seen.check(client, "/")
    await seen.check(client, "/search?q=-0")
    commitment_pages: list[str] = []
    for charter in ("lampedusa", "gca-2011", "sousse-local"):
        html = await seen.check(client, f"/charters/{charter}")
        for url in _links(html, "/history?"):
            await seen.check(client, url)
        await seen.check(client, f"/charters/{charter}/comparison")
        await seen.check(client, f"/charters/{charter}/comparison?level=commitment")
    for city in ("grenoble", "sousse", "turin", "madrid", "ramallah"):
        html = await seen.check(client, f"/cities/{city}")
        commitment_pages += _links(html, f"/cities/{city}/commitments/")[:4]
    evidence: list[str] = []
    for url in commitment_pages:
        html = await seen.check(client, url)
        evidence += _links(html, "/evidence/")
    for url in list(dict.fromkeys(evidence))[:3]:
        await seen.check(client, url)
    html = await seen.check(client, "/challenges")
    for url in _links(html, "/challenges/")[:3]:
        await seen.check(client, url)
    commitments, indicators = set(await _titles(Commitment)), set(await _titles(Indicator))
    assert seen.own & commitments, "no commitment title in the page's language was checked"
    assert seen.own & indicators, "no indicator title in the page's language was checked"
    if lang == "ar":
        assert seen.own & set(await _titles(Principle)), "no principle title in Arabic was checked"
        assert not seen.fallbacks & (commitments | indicators), "a title fell back on an Arabic page"
    else:
        assert seen.fallbacks & commitments, "no commitment title falling back was checked"
        assert seen.fallbacks & indicators, "no indicator title falling back was checked"


@pytest.mark.parametrize("lang", ["en", "ar"])
async def test_a_commitment_with_only_a_french_title_is_marked_french(client, lang: str) -> None:
    """The charter is translated, but one commitment's title is not: on every page that shows it,
    the French title is marked French (left to right on an Arabic page), the English one is not
    marked at all on an English page."""
    await builders.charter(FRENCH_CHARTER)
    await builders.charter(ENGLISH_TRANSLATION)
    await builders.city("grenoble")
    await builders.signed("grenoble")
    await builders.adopted("grenoble", "LAM-DIG-01")
    titles = await _titles()
    assert titles[FRENCH_ONLY] == {"fr"} and "en" in titles[TRANSLATED]
    seen = Seen(titles, lang)
    for url in (
        "/search?q=LAM-DIG",
        "/charters/lampedusa",
        "/charters/lampedusa/comparison?level=commitment",
        "/cities/grenoble",
        "/cities/grenoble/commitments/lampedusa/LAM-DIG-01",
    ):
        html = await seen.check(client, url)
        marks = {
            lang for text, lang, _ in marked_texts(html) if text.removesuffix(":").strip() == FRENCH_ONLY
        }
        assert marks == {"fr"}, (url, marks)
    assert FRENCH_ONLY in seen.fallbacks
    if lang == "en":
        assert TRANSLATED in seen.own and "Residents receiving free legal consultations" in seen.own
