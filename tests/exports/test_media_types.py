"""Text answers name their character set once in Content-Type."""

import pytest

from tests import builders

TEXT_ROUTES = [
    ("/api/v1/charters/lampedusa/comparison?format=csv", "text/csv; charset=utf-8"),
    ("/api/v1/cities/grenoble/report.html?charter=lampedusa", "text/html; charset=utf-8"),
    ("/api/v1/charters/lampedusa/network-report.html", "text/html; charset=utf-8"),
    ("/api/v1/charters/lampedusa/document", "text/markdown; charset=utf-8"),
]


@pytest.mark.parametrize(("url", "content_type"), TEXT_ROUTES)
async def test_text_answers_name_their_charset_once(client, url: str, content_type: str) -> None:
    """The comparison CSV, the report and network report previews and the charter document say
    `charset=utf-8` exactly once."""
    await builders.editor_with_adoption()
    r = await client.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == content_type
