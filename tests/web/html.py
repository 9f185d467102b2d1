"""Reading pages as a browser would: their tags and attributes, their text, and the checks every
page must pass (its language, its content security policy, nothing inline, nothing elsewhere)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import NamedTuple

import httpx

from tracker.headers import PAGE_POLICY

EXPECTED_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
_ADDRESSES = ("href", "src", "action", "formaction", "srcset", "poster", "data")


class Page(HTMLParser):
    """A page's tags (name and attributes, in order), the text of each inline script, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline_scripts: list[str] = []
        self.texts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts.append(data)
        self.texts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.texts).split())

    def first(self, tag: str) -> dict[str, str | None]:
        return next(attrs for name, attrs in self.tags if name == tag)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def is_local(address: str) -> bool:
    """An address on this site: a path from its root, a query or a fragment of this page."""
    return address.startswith(("/", "?", "#")) and not address.startswith("//")


def check_page(response: httpx.Response, lang: str, direction: str) -> Page:
    """The checks every page passes: HTML in `lang` and `direction`, the pages' policy exactly, no
    inline script, style or event handler, every address on this site."""
    where = str(response.url)
    assert response.headers["content-type"].startswith("text/html"), where
    assert response.headers["content-security-policy"] == EXPECTED_POLICY == PAGE_POLICY, where
    assert response.headers["content-language"] == lang, where
    page = parse(response.text)
    html = page.first("html")
    assert (html.get("lang"), html.get("dir")) == (lang, direction), where
    assert page.inline_scripts == [], where
    assert not re.search(r"<style[\s>]", response.text, re.IGNORECASE), where
    for name, attrs in page.tags:
        assert "style" not in attrs, (where, name, attrs)
        assert not [a for a in attrs if a.startswith("on")], (where, name, attrs)
        if name == "script":
            assert attrs.get("src") and "defer" in attrs, (where, attrs)
        for attribute in _ADDRESSES:
            value = attrs.get(attribute)
            if value is not None:
                assert is_local(value), (where, name, attribute, value)
    assert [a.get("id") for n, a in page.tags if n == "main"] == ["main"], where
    assert any(n == "a" and a.get("href") == "#main" for n, a in page.tags), where
    return page


_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)


class MarkedText(NamedTuple):
    """A text of a page, stripped, with the `lang` and `dir` of its nearest element that has a
    `lang` (the language a reader's tools take it to be in)."""

    text: str
    lang: str | None
    dir: str | None


class _Marked(HTMLParser):
    """Every text of a page with the language it is marked in, from the open elements' `lang`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str | None, str | None]] = []
        self.found: list[MarkedText] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            named = dict(attrs)
            self.open.append((tag, named.get("lang"), named.get("dir")))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # `<path/>` in a chart: opens nothing

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip():
            marked = next(((lang, d) for _, lang, d in reversed(self.open) if lang is not None), (None, None))
            self.found.append(MarkedText(data.strip(), *marked))


def marked_texts(html: str) -> list[MarkedText]:
    """The page's texts, each with the language (and direction) its nearest `lang` gives it."""
    parser = _Marked()
    parser.feed(html)
    parser.close()
    return parser.found
