"""The one Markdown renderer: CommonMark without raw HTML, then an allow-list sanitiser."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

# "js-default" leaves raw HTML off (it is escaped) and turns on tables and strikethrough.
_MD = MarkdownIt("js-default")

_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}
_CACHED = 4096
"""How many texts keep their HTML: every page shows the same charter texts and narratives again,
and the HTML of a text never changes."""


def render_markdown(source: str | None) -> str | None:
    """Markdown → safe HTML: no scripts, no event handlers, no images, only http(s)/mailto links."""
    if source is None:
        return None
    return _rendered(source)


@lru_cache(maxsize=_CACHED)
def _rendered(source: str) -> str:
    html = _MD.render(source)
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
        filter_style_properties={"text-align"},
    )
