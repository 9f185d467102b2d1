"""The pages' filters: Markdown through the API's sanitiser (column alignment as classes, which
the policy allows), numbers and dates in the page's language, fallback texts marked."""

from __future__ import annotations

from datetime import date

from jinja2 import DictLoader, Environment

from web.templating import configure


def _env() -> Environment:
    env = Environment(loader=DictLoader({}), autoescape=True, extensions=["jinja2.ext.i18n"])
    configure(env)
    return env


def _render(source: str, **context: object) -> str:
    return _env().from_string(source).render(**context)


def test_markdown_is_sanitised_and_keeps_no_style_attribute() -> None:
    """Scripts and handlers go; a table's alignment becomes a logical class, never `style=`."""
    md = "| a | b | c |\n|:--|--:|:-:|\n| 1 | 2 | 3 |\n\n<script>alert(1)</script> [x](javascript:alert(1))"
    html = _render("{{ md|markdown }}", md=md)
    assert "style=" not in html and "<script" not in html and 'href="javascript' not in html
    assert 'class="align-start"' in html and 'class="align-end"' in html and 'class="align-center"' in html
    assert _render("{{ none|markdown }}|{{ empty|markdown }}", none=None, empty="") == "|"


def test_numbers_dates_and_shares_in_the_page_language() -> None:
    """As each language writes them; nothing known is a dash."""
    source = (
        "{{ 1250.5|number }} · {{ 0.456|percent }} · {{ day|day }} · {{ none|number }} · {{ 'TN'|country }}"
    )
    assert _render(source, lang="fr", day=date(2022, 10, 11), none=None) == (
        "1\u202f250,5 · 46\u00a0% · 11 octobre 2022 · — · Tunisie"
    )
    assert _render(source, lang="en", day=date(2022, 10, 11), none=None) == (
        "1,250.5 · 46% · October 11, 2022 · — · Tunisia"
    )
    assert "تونس" in _render(source, lang="ar", day=date(2022, 10, 11), none=None)


def test_a_fallback_text_is_marked_with_its_language_and_direction() -> None:
    """A text in the page's language is left as it is; another carries its `lang` and `dir`."""
    source = "{{ text|in_lang(text_lang) }}"
    assert _render(source, lang="fr", text="Sousse", text_lang="fr") == "Sousse"
    assert _render(source, lang="fr", text="سوسة", text_lang="ar") == '<span lang="ar" dir="rtl">سوسة</span>'
    assert (
        _render(source, lang="ar", text="תל אביב", text_lang="he")
        == '<span lang="he" dir="rtl">תל אביב</span>'
    )
    assert _render(source, lang="ar", text="<b>\u202eTorino", text_lang="it") == (
        '<span lang="it" dir="ltr">&lt;b&gt;Torino</span>'
    )


def test_words_come_from_the_catalog_of_the_page_language() -> None:
    """`_`, `pgettext` and `ngettext` read the shared catalogs, plurals included."""
    source = (
        '{{ _("Charters") }} · {{ pgettext("commitment status", "Achieved") }} · '
        '{{ ngettext("%(num)d signatory city", "%(num)d signatory cities", n) }}'
    )
    assert _render(source, lang="fr", n=2) == "Chartes · Réalisé · 2 villes signataires"
    assert _render(source, lang="ar", n=2) == "المواثيق · منجز · مدينتان موقّعتان"
    assert _render(source, lang="xx", n=1) == "Charters · Achieved · 1 signatory city"
