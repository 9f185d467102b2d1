"""Browser test set-up: the real service with the demo data on a free port (its own SQLite file,
as tests/contract does), and one Chromium for all the browser tests, closed when they end so that
the async tests collected after them get their event loop back: Debian's `chromium` (installed by
`scripts/system-packages test`), or the one `CHROMIUM` names. Playwright downloads no browser.

These tests run on SQLite only: they check what the browser does with the pages, which does not
depend on the database, and a second run on PostgreSQL would only double CI time."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kernel.settings import get_settings
from tests.demo_service import demo_service

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS") or Path(__file__).with_name(".screenshots"))
"""Where each page's full-page screenshot is saved, to be looked at (git-ignored)."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
            if get_settings().is_postgres:
                item.add_marker(
                    pytest.mark.skip(
                        reason="browser tests run on SQLite only (TEST_DATABASE_URL is PostgreSQL):"
                        " what the browser does with a page does not depend on the database"
                    )
                )


class Service:
    """The service under test: its address, and what it printed (the demo people's invitations)."""

    def __init__(self, url: str, log: Path) -> None:
        self.url = url
        self.log = log

    def invitation(self, email: str) -> str:
        """The path of the one-time invitation link the demo printed for `email`."""
        for line in self.log.read_text().splitlines():
            words = line.split()
            if email in words:
                return urlsplit(words[-1]).path
        raise AssertionError(f"no invitation printed for {email}:\n{self.log.read_text()[-3000:]}")


@pytest.fixture(scope="package")
def site(service: Service) -> str:
    """The service's address."""
    return service.url


@pytest.fixture(scope="package")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The service with the demo data on a free port of 127.0.0.1."""
    tmp = tmp_path_factory.mktemp("browser")
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "DATABASE_URL": f"sqlite:///{tmp / 'browser.db'}",
        "UPLOAD_DIR": str(tmp / "uploads"),
        "REPORT_CACHE_DIR": str(tmp / "reports"),
    }
    log = tmp / "service.log"
    with demo_service(env, log) as url:
        yield Service(url, log)
        assert "Traceback" not in log.read_text(), log.read_text()[-6000:]


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"No Chromium at {CHROMIUM}: run `scripts/system-packages test` (Debian's chromium)"
            " or name another one in CHROMIUM"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


class Visit:
    """One page opened in a fresh browser context, with every request it made."""

    def __init__(self, page, requests: list[str]) -> None:
        self.page = page
        self.requests = requests


@pytest.fixture
def visit(site: str, browser) -> Iterator[Callable[..., Visit]]:
    """`visit(path, width=1280, bypass_csp=False)`: open `path` on the service."""
    contexts = []

    def open_page(path: str, width: int = 1280, bypass_csp: bool = False) -> Visit:
        context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=bypass_csp)
        contexts.append(context)
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(f"{site}{path}", wait_until="load")
        return Visit(page, requests)

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _empty_tables() -> None:
    """Nothing to empty: the service has its own database. (The suite's async clean-up cannot run
    while Playwright's synchronous API holds the event loop.)"""
