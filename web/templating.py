"""What the pages' Jinja environment knows besides the templates: the service's words in the
page's language (gettext, through the shared catalogs of `kernel/locale`), numbers and dates as
the page's language writes them (Babel), user-written Markdown through the one sanitiser, and a
text shown in another language than the page's marked with its own `lang`.

The composition root builds the environment (its loader finds every package's templates) and
hands it to `configure`; any page of any package that extends `base.html` gets the same words,
language switcher and filters.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from babel.support import Translations
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from litestar import Request
from markupsafe import Markup, escape

from kernel.errors import FieldError, WordedError
from kernel.i18n import DEFAULT_LANGUAGE, LANGUAGES, direction, translations
from kernel.markdown import render_markdown
from kernel.text import strip_bidi_controls
from web.language import page_info, page_language

NO_VALUE = "—"
"""What a page shows where there is no number or date."""


def configure(env: Environment) -> None:
    """Give `env` the pages' words, filters and globals. `env` must have autoescape on and the
    `jinja2.ext.i18n` extension."""
    if not env.autoescape:
        raise ValueError("The pages' templates must be rendered with autoescape on.")
    # Newstyle gettext: `_("%(n)s cities", n=3)`; a bare `%` in a message is written `%%`.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True, pgettext=_pgettext, npgettext=_npgettext
    )
    env.globals.update(page_info=page_info, page_lang=_page_lang)
    env.filters.update(
        number=_number,
        percent=_percent,
        day=_day,
        country=_country,
        markdown=_markdown,
        plain=_plain,
        in_lang=_in_lang,
        lang_attrs=_lang_attrs,
        language_name=_language_name,
        said=_said,
        language_here=_language_here,
    )


def _lang(context: Context) -> str:
    """The page's language: from the request being answered, else the context's `lang`."""
    request = context.get("request")
    if isinstance(request, Request):
        return page_language(request)
    return str(context.get("lang") or DEFAULT_LANGUAGE)


@pass_context
def _page_lang(context: Context) -> str:
    """The page's language, for a link that should keep it (a report in the page's language)."""
    return _lang(context)


def _catalog(context: Context) -> Translations:
    return translations(_lang(context))


@pass_context
def _gettext(context: Context, message: str) -> str:
    return _catalog(context).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return _catalog(context).ngettext(singular, plural, n)


@pass_context
def _pgettext(context: Context, message_context: str, message: str) -> str:
    return str(_catalog(context).pgettext(message_context, message))


@pass_context
def _npgettext(context: Context, message_context: str, singular: str, plural: str, n: int) -> str:
    return str(_catalog(context).npgettext(message_context, singular, plural, n))


@pass_context
def _said(context: Context, error: FieldError) -> str:
    """A field error's message in the page's language, when the service worded it for
    translation (`WordedError`); else as the service wrote it."""
    if isinstance(error, WordedError) and error.template:
        try:
            return _catalog(context).gettext(error.template) % dict(error.params)
        except (KeyError, ValueError, TypeError):
            # A translation whose placeholders do not match: the service's own words instead.
            return error.message
    return error.message


@pass_context
def _number(context: Context, value: float | None) -> str:
    """A number as the page's language writes it (`1 250,5`, `1,250.5`)."""
    if value is None:
        return NO_VALUE
    return format_decimal(value, format="#,##0.##", locale=_lang(context))


@pass_context
def _percent(context: Context, value: float | None) -> str:
    """A share (0–1) as a whole percentage in the page's language (`45 %`, `45%`)."""
    if value is None:
        return NO_VALUE
    return format_percent(value, locale=_lang(context))


@pass_context
def _day(context: Context, value: date | datetime | None) -> str:
    """A date in words in the page's language (`11 octobre 2022`)."""
    if value is None:
        return NO_VALUE
    return format_date(value.date() if isinstance(value, datetime) else value, "long", locale=_lang(context))


@pass_context
def _country(context: Context, code: str | None) -> str:
    """A country's name in the page's language, from its ISO code (the code if unknown)."""
    if not code:
        return NO_VALUE
    return Locale.parse(_lang(context)).territories.get(code, code)


# The sanitiser keeps a Markdown table's column alignment as `style="text-align: ..."`, which the
# pages' content security policy would refuse: it becomes a class (logical: left reads as start).
_ALIGN = re.compile(r' style="text-align:\s*(left|right|center);?"')
_ALIGN_CLASS = {"left": "start", "right": "end", "center": "center"}


def _markdown(source: str | None) -> Markup:
    """User-written Markdown as HTML, through the same sanitiser as the API (`render_markdown`)."""
    html = render_markdown(strip_bidi_controls(source)) if source else None
    if not html:
        return Markup("")
    html = _ALIGN.sub(lambda m: f' class="align-{_ALIGN_CLASS[m[1]]}"', html)
    # Sanitised by nh3 in render_markdown: no raw HTML, no images, http(s) and mailto links only.
    return Markup(html)  # noqa: S704


def _plain(text: Any) -> str:
    """A text as written, without the bidi controls that could reorder what surrounds it."""
    return strip_bidi_controls("" if text is None else str(text))


@pass_context
def _in_lang(context: Context, text: Any, text_lang: str | None) -> Markup:
    """A text (a title, a name), marked with its own language when it is not the page's: a
    translation was missing and the text fell back to the charter's or the city's language."""
    shown = escape(_plain(text))
    if not text_lang or text_lang == _lang(context):
        return shown
    return Markup('<span lang="{}" dir="{}">{}</span>').format(text_lang, _direction(text_lang), shown)


@pass_context
def _lang_attrs(context: Context, text_lang: str | None) -> Markup:
    """` lang=".." dir=".."` for an element whose content is in `text_lang` when that is not the
    page's language; nothing otherwise."""
    if not text_lang or text_lang == _lang(context):
        return Markup("")
    return Markup(' lang="{}" dir="{}"').format(text_lang, _direction(text_lang))


def _direction(lang: str) -> str:
    """Which way text in `lang` runs: as the service says for its languages, as CLDR says for
    the others (a city's Hebrew or Persian name)."""
    if lang in LANGUAGES:
        return direction(lang)
    try:
        return Locale.parse(lang).text_direction
    except (UnknownLocaleError, ValueError):
        return "ltr"


@pass_context
def _language_here(context: Context, code: str) -> str:
    """A language's name as the page's language writes it inside a sentence (`en français`,
    `in French`, `باللغة الفرنسية`), or its code if unknown."""
    try:
        return Locale.parse(_lang(context)).languages.get(code) or code
    except (UnknownLocaleError, ValueError):
        return code


def _language_name(code: str) -> str:
    """A language's name in itself (`Français`, `العربية`, `Italiano`), or its code if unknown."""
    if code in LANGUAGES:
        return LANGUAGES[code].name
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (UnknownLocaleError, ValueError):
        return code
    return name[:1].upper() + name[1:]
