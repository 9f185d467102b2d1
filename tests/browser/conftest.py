"""Browser test set-up: the real service with the demo data on a free port (its own SQLite file,
as tests/contract does), and one Chromium for all the browser tests, closed when they end so that
the async tests collected after them get their event loop back: Debian's `chromium` (installed by
`scripts/system-packages test`), or the one `CHROMIUM` names. Playwright downloads no browser.

These tests run on SQLite only: they check what the browser does with the pages, which does not
depend on the database, and a second run on PostgreSQL would only double CI time."""

from __future__ import annotations

import os
import subprocess
import sys
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


PASSWORD = "a long demo passphrase"


class Service:
    """The service under test: its address, and what it printed (the demo people's invitations)."""

    def __init__(self, url: str, log: Path, env: dict[str, str]) -> None:
        self.url = url
        self.log = log
        self.env = env

    def invite(self, email: str, role: str, *options: str) -> str:
        """Invite a person with the command line, as the secretariat does on the server; the path
        of the link it prints. `options`: `--city`, `--organisation`..."""
        command = [
            str(Path(sys.executable).with_name("charter-tracker")),
            "user",
            "invite",
            email,
            "--role",
            role,
        ]
        done = subprocess.run(
            [*command, *options], env=self.env, capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, done.stderr
        links = [w for w in done.stdout.split() if "/invitations/" in w]
        assert links, done.stdout
        return urlsplit(links[-1]).path

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
        yield Service(url, log, env)
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


@pytest.fixture(scope="package")
def people(service: Service, browser) -> dict[str, object]:
    """Signed-in browser states (cookies) of a reviewer, of Grenoble's, Sousse's and Sfax's
    editors and of the secretariat, each invited with the command line and having chosen a
    password, for the pages only they see."""
    states: dict[str, object] = {}
    for who, role, options in (
        ("reviewer", "reviewer", ("--organisation", "Observatoire des droits (fictional)")),
        ("editor", "city_editor", ("--city", "grenoble")),
        ("sousse", "city_editor", ("--city", "sousse")),
        ("sfax", "city_editor", ("--city", "sfax")),
        ("secretariat", "secretariat", ()),
    ):
        path = service.invite(f"pages-{who}@demo.example", role, *options)
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{service.url}{path}")
        page.locator("#password").fill(PASSWORD)
        page.locator("#password-again").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("#password-again").press("Enter")
        assert urlsplit(page.url).path == "/account", page.url
        states[who] = context.storage_state()
        context.close()
    return states


@pytest.fixture
def visit(site: str, browser, people: dict[str, object]) -> Iterator[Callable[..., Visit]]:
    """`visit(path, width=1280, bypass_csp=False, who=None)`: open `path` on the service, as an
    anonymous visitor or signed in as one of `people`."""
    contexts = []

    def open_page(path: str, width: int = 1280, bypass_csp: bool = False, who: str | None = None) -> Visit:
        context = browser.new_context(
            viewport={"width": width, "height": 800},
            bypass_csp=bypass_csp,
            storage_state=people[who] if who else None,
        )
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
