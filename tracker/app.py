"""The application factory: routes of every package, authentication, errors, OpenAPI, lifespan."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader
from jinja2 import Template as JinjaTemplate
from litestar import Litestar, Request, Response, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader, Cookie
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import Message, Scope
from markupsafe import Markup
from piccolo.engine.postgres import PostgresEngine
from swagger_ui_bundle import swagger_ui_path

from accounts.pages import ACCOUNT_PAGES, ACCOUNT_TEMPLATE_DIR, SESSION_COOKIE
from accounts.people_pages import PeoplePages
from exports.report_render import ASSET_DIR, FONTS_URL, shutdown_pool, warm_workers
from kernel.db import get_engine
from kernel.settings import get_settings
from tracker.auth import CLEAR_SESSION_KEY, authenticate, identify_visitor, provide_caller
from tracker.headers import SecurityHeaders
from tracker.openapi import document_refusals, openapi_config, refine_document
from tracker.plain_text import refuse_nul_characters, refuse_nul_in_body
from tracker.problems import EXCEPTION_HANDLERS, http_error
from tracker.replica_reads import ReplicaReads
from tracker.routes import API_CONTROLLERS, API_PREFIX, answer_options_with_every_method
from tracker.strict_body import read_bodies_strictly
from tracker.strict_query import learn_query_parameters, refuse_unknown_query_parameters
from web.errors import PAGE_EXCEPTION_HANDLERS, page_error
from web.language import COOKIE as LANGUAGE_COOKIE
from web.language import language_cookie, page_language
from web.routes import PAGE_CONTROLLERS, STATIC_DIR, STATIC_URL, TEMPLATE_DIR
from web.templating import configure


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    """Open the Postgres pool for the life of the app (SQLite: WAL mode); start the report
    workers ahead of the first report when asked to; stop them at the end."""
    settings = get_settings()
    engine = get_engine()
    opened = False
    if isinstance(engine, PostgresEngine) and engine.pool is None:
        await engine.start_connection_pool(min_size=1, max_size=10)
        opened = True
    elif not settings.is_postgres:
        with sqlite3.connect(settings.sqlite_path) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
    if settings.warm_report_workers:
        warm_workers()
    try:
        yield
    finally:
        shutdown_pool()
        if opened:
            await engine.close_connection_pool()


async def _before_request(request: Request) -> None:
    """What every API request must be before its handler reads it."""
    await refuse_unknown_query_parameters(request)
    await refuse_nul_characters(request)
    await read_bodies_strictly(request)


def api_router() -> Router:
    """The API under /api/v1: every controller listed in `tracker.routes`, writes behind a token."""
    return Router(
        path=API_PREFIX, route_handlers=API_CONTROLLERS, guards=[authenticate], before_request=_before_request
    )


async def _clear_stale_session(message: Message, scope: Scope) -> None:
    """An answer to a request whose session cookie names no session going on (unknown,
    expired, signed out) clears that cookie: the visitor is simply anonymous."""
    if message["type"] == "http.response.start" and scope.get("state", {}).get(CLEAR_SESSION_KEY):
        secure = scope.get("scheme") == "https"
        cookie = Cookie(
            key=SESSION_COOKIE,
            value="",
            path="/",
            httponly=True,
            samesite="lax",
            secure=secure,
            max_age=0,
            expires=0,
        )
        headers = list(message.get("headers", []))
        headers.append((b"set-cookie", cookie.to_header(header="").strip().encode("latin-1")))
        message["headers"] = headers


async def _speak_the_page_language(message: Message, scope: Scope) -> None:
    """Every page, whichever package rendered it (the accounts' sign-in too), says its language
    (`Content-Language`) and remembers a language chosen with `?lang=` in the visitor's cookie."""
    if message["type"] != "http.response.start" or "page_language" not in scope.get("state", {}):
        return
    headers = list(message.get("headers", []))
    names = {name.lower() for name, _ in headers}
    if b"content-language" not in names:
        headers.append((b"content-language", page_language(Request(scope)).encode("latin-1")))
    cookie = language_cookie(Request(scope))
    mine = f"{LANGUAGE_COOKIE}=".encode()
    already = any(name.lower() == b"set-cookie" and value.startswith(mine) for name, value in headers)
    if cookie and not already:
        headers.append((b"set-cookie", cookie.to_header(header="").strip().encode("latin-1")))
    message["headers"] = headers


def pages_router() -> Router:
    """The web pages, from the root: every page's controller, errors answered as pages."""
    return Router(
        path="/",
        route_handlers=[*PAGE_CONTROLLERS, *ACCOUNT_PAGES, PeoplePages],
        guards=[identify_visitor],
        before_request=refuse_nul_in_body,
        exception_handlers=PAGE_EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        include_in_schema=False,
    )


class _FormTemplate:
    """A page's template whose `csrf_input` (the hidden field Litestar makes, already escaped)
    is written as HTML, not escaped a second time by the autoescaping environment."""

    def __init__(self, template: JinjaTemplate) -> None:
        self._template = template

    def render(self, *args: Any, **context: Any) -> str:
        if isinstance(context.get("csrf_input"), str):
            context["csrf_input"] = Markup(context["csrf_input"])  # noqa: S704
        return self._template.render(*args, **context)


class _PageTemplates(JinjaTemplateEngine):
    def get_template(self, template_name: str) -> Any:
        return _FormTemplate(super().get_template(template_name))


def template_config() -> TemplateConfig:
    """The pages' templates: the web's, found by name, so that a page of another package (the
    accounts' sign-in, later) extends `base.html` without importing the web package; each
    package's folder joins the loader's list. Autoescape on, words from the shared catalogs."""
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(TEMPLATE_DIR), FileSystemLoader(ACCOUNT_TEMPLATE_DIR)]),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        auto_reload=False,
    )
    configure(env)
    return TemplateConfig(instance=_PageTemplates.from_environment(env))


_NOT_PAGES = (f"{API_PREFIX}/", "/static/", "/schema")


def _page_or_problem(request: Request, exc: HTTPException) -> Response:
    """An HTTP error raised before any route is found (an unknown address, a method a path does
    not serve): a page for addresses outside the API, its static files and its docs; a problem
    for the rest."""
    path = request.url.path
    if path.startswith(_NOT_PAGES) or path == API_PREFIX:
        return http_error(request, exc)
    return page_error(request, exc)


def csrf_config() -> CSRFConfig:
    """CSRF protection of every form: a signed token in a cookie and in the form's hidden field.
    The API (bearer tokens, no cookies), its documentation and the static files are left out."""
    settings = get_settings()
    return CSRFConfig(
        secret=settings.csrf_secret,
        cookie_name="csrftoken",
        cookie_httponly=True,
        cookie_samesite="lax",
        cookie_secure=settings.public_url.startswith("https://"),
        exclude=[f"^{API_PREFIX}(/|$)", "^/static/", "^/schema"],
    )


def create_app() -> Litestar:
    settings = get_settings()
    app = Litestar(
        route_handlers=[
            api_router(),
            pages_router(),
            create_static_files_router(
                path=STATIC_URL,
                directories=[STATIC_DIR],
                include_in_schema=False,
                cache_control=CacheControlHeader(max_age=86400),
            ),
            # Swagger UI's files come from a package, so the docs work without any CDN.
            create_static_files_router(
                path="/static/swagger", directories=[swagger_ui_path], include_in_schema=False
            ),
            create_static_files_router(
                path=FONTS_URL, directories=[ASSET_DIR / "fonts"], include_in_schema=False
            ),
        ],
        dependencies={"caller": Provide(provide_caller)},
        exception_handlers={**EXCEPTION_HANDLERS, HTTPException: _page_or_problem},  # type: ignore[dict-item]
        template_config=template_config(),
        lifespan=[lifespan],
        before_send=[_clear_stale_session, _speak_the_page_language],
        csrf_config=csrf_config(),
        request_max_body_size=settings.max_upload_bytes + 1024 * 1024,
        openapi_config=openapi_config(),
    )
    # Around the whole application, so that answers made before any route is found (an unknown
    # path) carry the security headers too.
    if settings.database_replica_urls:
        app.asgi_handler = ReplicaReads(app.asgi_handler)
    app.asgi_handler = SecurityHeaders(app.asgi_handler)
    document_refusals(app)
    learn_query_parameters(app)
    answer_options_with_every_method(app)
    refine_document(app)
    return app
