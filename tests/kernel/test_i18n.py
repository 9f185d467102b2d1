"""The catalogs (complete, consistent, up to date with the sources), the languages and their
direction, plural forms, and how a visitor's language is chosen."""

from __future__ import annotations

import gettext as gettext_module
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po
from babel.support import Translations
from jinja2 import Environment

import kernel.i18n
from kernel.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    direction,
    gettext,
    negotiate_language,
    ngettext,
    npgettext,
    pgettext,
    translations,
)

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "kernel" / "locale"
TRANSLATED = [lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE]
COMMENT_TAGS = ("Translators:",)


def read_catalog(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as po:
        return read_po(po, locale=lang)


def template() -> Catalog:
    return read_catalog(LOCALE / "messages.pot")


def catalog(lang: str) -> Catalog:
    return read_catalog(LOCALE / lang / "LC_MESSAGES" / "messages.po", lang)


def key(message: Message) -> tuple[str | None, str | tuple[str, ...]]:
    """A message as gettext looks it up: its context and its id (both ids for a plural)."""
    return message.context, message.id if isinstance(message.id, str) else tuple(message.id)


def messages(cat: Catalog) -> dict[tuple[str | None, str | tuple[str, ...]], Message]:
    return {key(m): m for m in cat if m.id}


def extract(root: Path) -> set[tuple[str | None, str | tuple[str, ...]]]:
    """Every message id the mapping file finds under `root`, as `pybabel extract` would."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    return {
        (context, message if isinstance(message, str) else tuple(message))
        for _, _, message, _, context in extract_from_dir(
            str(root), method_map, options_map, keywords=DEFAULT_KEYWORDS, comment_tags=COMMENT_TAGS
        )
    }


@pytest.fixture
def fresh_catalogs() -> Iterator[None]:
    """Catalogs read again from disk, before and after the test."""
    kernel.i18n._catalog.cache_clear()
    yield
    kernel.i18n._catalog.cache_clear()


# The catalogs ------------------------------------------------------------------------------------


def test_every_language_has_a_catalog_and_only_those() -> None:
    """One catalog per language the service speaks, beside the template."""
    assert {p.name for p in LOCALE.iterdir() if p.is_dir()} == set(LANGUAGES)
    assert list(LANGUAGES) == ["fr", "en", "es", "ar"]


def test_the_template_is_up_to_date_with_the_sources() -> None:
    """Extracting the Python and Jinja sources again (babel.cfg) finds exactly the template's
    message ids: no label is missing from the catalogs, none is left over."""
    found = extract(ROOT)
    assert len(found) > 100
    assert found == set(messages(template()))


def test_the_mapping_reads_jinja_templates(tmp_path: Path) -> None:
    """Texts marked in a page's template are found, with their context and plural."""
    page = tmp_path / "web" / "templates" / "page.html.j2"
    page.parent.mkdir(parents=True)
    page.write_text(
        '{{ _("Sign in") }} {{ pgettext("menu", "Home") }}'
        '{{ ngettext("%(num)d city", "%(num)d cities", n) }}'
        "{% trans %}Welcome{% endtrans %}",
        encoding="utf-8",
    )
    assert extract(tmp_path) == {
        (None, "Sign in"),
        ("menu", "Home"),
        (None, ("%(num)d city", "%(num)d cities")),
        (None, "Welcome"),
    }


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_each_catalog_holds_the_template_messages(lang: str) -> None:
    """A catalog holds the template's messages, no more (`pybabel update` has been run)."""
    assert set(messages(catalog(lang))) == set(messages(template()))
    assert not catalog(lang).obsolete


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated_and_confirmed(lang: str) -> None:
    """In every language but English every message has a translation, every plural form is
    written, and none is fuzzy (a fuzzy translation is not used)."""
    cat = catalog(lang)
    for message in messages(cat).values():
        forms = message.string if message.pluralizable else (message.string,)
        assert not message.fuzzy, message.id
        assert all(form.strip() for form in forms), message.id
        if message.pluralizable:
            assert len(forms) == cat.num_plurals, message.id


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_plural_forms_are_cldr(lang: str) -> None:
    """Each catalog states its language's plural rule as CLDR has it (Babel's own data)."""
    cat = catalog(lang)
    assert (cat.num_plurals, cat.plural_expr) == (get_plural(lang).num_plurals, get_plural(lang).plural_expr)


_PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]")


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def test_message_ids_use_named_percent_placeholders_only() -> None:
    """Placeholders are written `%(name)s` everywhere, never `{name}`, never positional `%s`."""
    for message in messages(template()).values():
        for text in (message.id,) if isinstance(message.id, str) else message.id:
            assert not re.search(r"\{\w*\}", text), text
            if message.python_format:
                assert placeholders(text), text


def single_number_forms(cat: Catalog) -> set[int]:
    """The plural forms that serve one number only (Arabic's zero, one and two), which may say
    it in words: "يومين", two days, without the 2."""
    plural = gettext_module.c2py(cat.plural_expr)
    served = Counter(plural(n) for n in range(1000))
    return {form for form, count in served.items() if count == 1}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_match_between_message_and_translation(lang: str) -> None:
    """A translation has exactly the placeholders of its message; only a plural form that serves a
    single number may leave out the count (`num`)."""
    cat = catalog(lang)
    spelt_out = single_number_forms(cat)
    for message in messages(cat).values():
        ids = (message.id,) if isinstance(message.id, str) else message.id
        wanted = set().union(*(placeholders(i) for i in ids))
        forms = message.string if message.pluralizable else (message.string,)
        for index, form in enumerate(forms):
            may_omit = {"num"} if message.pluralizable and index in spelt_out else set()
            assert wanted - may_omit <= placeholders(form) <= wanted, (message.id, form)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_babel_finds_no_format_errors(lang: str) -> None:
    """Babel's own checkers (python-format, plural count) accept every translation."""
    assert [(m.id, errors) for m, errors in catalog(lang).check()] == []


# Loading, fallbacks and plurals ------------------------------------------------------------------


def test_unknown_languages_read_english() -> None:
    """A language the service does not speak gets the English catalog, not an error."""
    for lang in ("xx", "de", "", None, "../../etc/passwd", "a" * 5000):
        assert translations(lang) is translations("en")
    assert isinstance(translations("ar"), Translations)
    assert gettext("Network report", "xx") == "Network report"
    assert translations("FR") is translations("fr")


def test_helpers_translate_and_fill_placeholders() -> None:
    """gettext, pgettext, ngettext and npgettext in a language, with context and count."""
    assert gettext("Network report", "es") == "Informe de la red"
    assert pgettext("commitments counted", "Achieved", "fr") == "Réalisés"
    assert pgettext("commitment status", "Achieved", "fr") == "Réalisé"
    day, days = "no reply for more than %(num)d day", "no reply for more than %(num)d days"
    assert ngettext(day, days, 30, "fr") == "sans réponse depuis plus de 30 jours"
    assert ngettext(day, days, 1, "en") == "no reply for more than 1 day"
    assert npgettext("no such context", day, days, 2, "es") == "no reply for more than 2 days"
    # A text without variables is left as it stands: "100 %" is not a placeholder.
    assert "100 %" in gettext(
        "An indicator's progress is (latest − baseline) / (target − baseline), clamped between 0 "
        "and 100 %; the same formula serves indicators that should decrease. A commitment's "
        "progress is the mean of its indicators' (an indicator without data counts as 0), or "
        "100 % when it is achieved and has no indicator. A principle's progress is the mean over "
        "the adopted commitments, withdrawn ones left out.",
        "fr",
    )


@pytest.mark.parametrize(
    ("n", "form"),
    [
        (0, "%(num)d يوم"),  # zero
        (1, "يوم واحد"),  # one
        (2, "يومين"),  # two
        (3, "%(num)d أيام"),  # few: 3–10
        (10, "%(num)d أيام"),
        (11, "%(num)d يومًا"),  # many: 11–99
        (30, "%(num)d يومًا"),
        (99, "%(num)d يومًا"),
        (100, "%(num)d يوم"),  # other
        (102, "%(num)d يوم"),
        (103, "%(num)d أيام"),  # few again: the rule reads n % 100
        (111, "%(num)d يومًا"),
    ],
)
def test_arabic_has_six_plural_forms(n: int, form: str) -> None:
    """Arabic picks among zero, one, two, few, many and other by CLDR's rule."""
    text = ngettext("no reply for more than %(num)d day", "no reply for more than %(num)d days", n, "ar")
    assert text == "بلا ردّ منذ أكثر من " + form % {"num": n}


def test_a_fuzzy_translation_is_not_used(tmp_path: Path, monkeypatch, fresh_catalogs) -> None:
    """A translation marked fuzzy (guessed by `pybabel update`) shows the English until confirmed."""
    shutil.copytree(LOCALE, tmp_path / "locale")
    path = tmp_path / "locale" / "fr" / "LC_MESSAGES" / "messages.po"
    cat = read_catalog(path, "fr")
    cat["Network report"].flags.add("fuzzy")
    with path.open("wb") as po:
        write_po(po, cat)
    monkeypatch.setattr(kernel.i18n, "LOCALE_DIR", tmp_path / "locale")
    assert gettext("Network report", "fr") == "Network report"
    assert gettext("Progress report", "fr") == "Rapport d’avancement"


def test_jinja_pages_can_use_the_catalogs() -> None:
    """A Jinja environment with the i18n extension reads the same catalogs, plurals included."""
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    env.install_gettext_translations(translations("ar"), newstyle=True)
    page = env.from_string(
        '{{ pgettext("commitment status", "Achieved") }} · '
        '{{ ngettext("no reply for more than %(num)d day", "no reply for more than %(num)d days", n) }}'
    )
    assert page.render(n=30) == "منجز · بلا ردّ منذ أكثر من 30 يومًا"
    assert page.render(n=2) == "منجز · بلا ردّ منذ أكثر من يومين"


# Languages and their direction -------------------------------------------------------------------


def test_arabic_runs_right_to_left_and_the_others_left_to_right() -> None:
    """Arabic is right-to-left; the directions agree with CLDR; an unknown language is ltr."""
    assert direction("ar") == "rtl"
    assert [direction(lang) for lang in ("fr", "en", "es")] == ["ltr"] * 3
    assert direction("xx") == "ltr"
    for lang in LANGUAGES.values():
        assert lang.direction == Locale.parse(lang.code).text_direction
        assert lang.name.casefold() == Locale.parse(lang.code).get_display_name().casefold()


# Choosing a visitor's language -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        (None, None, None, "en"),
        ("ar", "fr", "es", "ar"),
        (None, "fr", "es", "fr"),
        (None, None, "es", "es"),
        ("FR", None, None, "fr"),
        ("fr_FR", None, None, "fr"),
        ("es-MX", None, None, "es"),
        ("ar_TN.UTF-8", None, None, "ar"),
        # A value the service does not speak passes the choice on to the next source.
        ("xx", "es", None, "es"),
        ("de", None, "ar", "ar"),
        (None, "klingon", "fr", "fr"),
    ],
)
def test_query_then_cookie_then_header(query, cookie, header, expected: str) -> None:
    """`?lang=` wins over the cookie, the cookie over Accept-Language."""
    assert negotiate_language(query, cookie, header) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        ("de-DE,de;q=0.9,ar;q=0.5,fr;q=0.4", "ar"),
        ("fr;q=0.2, es;q=0.8", "es"),
        ("en;q=0.1, ar", "ar"),
        ("es;q=0.5, fr;q=0.5", "es"),
        ("fr;q=0, es;q=0.001", "es"),
        ("fr;q=0", "en"),
        ("de, *;q=0.5, fr;q=0.4", "en"),
        ("zh-Hant-TW, ar-MA;q=0.7", "ar"),
        ("ES ; Q=0.7", "es"),
        ("fr;q=abc, es", "es"),
        ("fr;q=1.5, es;q=0.5", "es"),
        ("fr;level=1, es", "es"),
    ],
)
def test_accept_language_by_q_values(header: str, expected: str) -> None:
    """The best language of the header by its q-values; a region reads as its language; a range
    weighted 0 is refused; a malformed entry is skipped."""
    assert negotiate_language(None, None, header) == expected


@pytest.mark.parametrize(
    "hostile",
    [
        "../../etc",
        "../../etc/passwd",
        "xx",
        "",
        " ",
        "ar\x00",
        "fr;DROP TABLE",
        "<script>ar</script>",
        "%2e%2e%2f",
        "عربي",
        "a" * 5000,
        "fr-" + "x" * 5000,
        "xx," * 2500,
        ",;=" * 2000,
    ],
)
def test_hostile_values_fall_back_safely(hostile: str) -> None:
    """Malformed, unknown or huge values, wherever they come from, give the default."""
    assert negotiate_language(hostile, None, None) == "en"
    assert negotiate_language(None, hostile, None) == "en"
    assert negotiate_language(None, None, hostile) == "en"
    assert negotiate_language(hostile, hostile, hostile, default="ar") == "ar"


def test_a_long_header_is_read_only_as_far_as_its_first_entries() -> None:
    """A 5,000-character header costs no more than a short one: entries past the first 32 are
    not read."""
    assert negotiate_language(None, None, "de," * 40 + "ar") == "en"
    assert negotiate_language(None, None, "de," * 10 + "ar") == "ar"
    assert negotiate_language(None, None, "x" * 5000 + ",es") == "es"
    assert negotiate_language(None, None, "fr," * 2500) == "fr"


def test_the_default_can_be_chosen_but_must_be_spoken() -> None:
    """The caller's default serves when nothing else does; an unknown default reads English."""
    assert negotiate_language(None, None, None, default="ar") == "ar"
    assert negotiate_language(None, None, "*", default="fr") == "fr"
    assert negotiate_language(None, None, None, default="xx") == "en"
