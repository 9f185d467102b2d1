"""Rendering of the city report: context → HTML (Jinja, autoescape) → PDF (WeasyPrint) in a worker
process with a time limit. WeasyPrint reads nothing but the package's own fonts and stylesheet.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import hashlib
import json
import mimetypes
import multiprocessing
import os
import re
import sys
import threading
import time
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from markupsafe import Markup, escape

from exports.pdf_text import fix_ligature_text
from exports.pdf_text import warm_up as warm_up_letters
from exports.report_model import CityReport, ReportContext, template_vars
from kernel.errors import DomainError
from kernel.files import FileStoreUnavailable, is_kept, keep, kept
from kernel.i18n import direction
from kernel.settings import get_settings

ASSET_DIR = (Path(__file__).resolve().parent / "assets").resolve()
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
BASE_URL = ASSET_DIR.as_uri() + "/"
FONTS_URL = "/static/report-fonts"
"""Where the application serves the report fonts, for the HTML preview in a browser."""
VARIANTS = {"pdf/a-3u": "pdf/a-3u", "pdf/ua-1": "pdf/ua-1"}

_env = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(default=True),
    trim_blocks=False,
    lstrip_blocks=False,
)


def text_direction(text: object) -> str:
    """`rtl` or `ltr` by the first strong character, as HTML's dir="auto" would decide: an
    English title that falls back inside an Arabic report keeps its own reading order."""
    for ch in str(text or ""):
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "auto"


_ISOLATES = {"ltr": "\u2066", "rtl": "\u2067", "auto": "\u2068"}


def isolate(text: object, page_dir: str = "rtl") -> Markup:
    """A value inserted into a sentence, isolated in its own direction (Unicode isolates: the
    renderer lays out `unicode-bidi` on elements as embedding, which is what turned brackets and
    put full stops at the wrong end). Escaped unless it is already markup.

    On a left-to-right page only a value with right-to-left letters needs it: each isolate is
    laid out as text of its own, and a large report holds thousands of values."""
    value = text if isinstance(text, Markup) else escape(str(text if text is not None else ""))
    if not value:
        return Markup("")
    bare = value.striptags()
    if page_dir != "rtl" and not any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in bare):
        return value
    # The isolate characters are constants and `value` is escaped (or already markup) above.
    return Markup(_ISOLATES[text_direction(bare)]) + value + Markup("\u2069")  # noqa: S704


@pass_context
def _isolate_on_page(context: Any, text: object) -> Markup:
    return isolate(text, context.get("dir", "ltr"))


def css_string(text: str) -> str:
    """`text` as a CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ") + '"'


def page_footer(pattern: str) -> str:
    """The CSS `content` of the page footer from the label "page %(page)s of %(pages)s": the page
    number in words in the report's language, never "5 / 1" (read as a fraction in Arabic)."""
    parts = re.split(r"(%\(page\)s|%\(pages\)s)", pattern)
    tokens = []
    for part in parts:
        if part == "%(page)s":
            tokens.append("counter(page)")
        elif part == "%(pages)s":
            tokens.append("counter(pages)")
        elif part:
            tokens.append(css_string(part))
    return " ".join(tokens) or "counter(page)"


_env.filters["dir"] = text_direction
_env.filters["iso"] = _isolate_on_page
_env.filters["page_footer"] = page_footer


def render_html(
    context: ReportContext,
    *,
    standalone: bool = False,
    part: str | None = None,
    part_start: int | None = None,
    part_end: int | None = None,
    legend: bool = True,
) -> str:
    """The report as HTML. For the PDF, the stylesheet and charts are loaded through the asset
    fetcher; `standalone` inlines them, for a browser preview. `part` ("front", "principles" with
    a range of principles, or "back") gives one section of the report, see `sections`; `legend`
    says the charts' legend before the first principle shown."""
    stylesheet = ""
    if standalone:
        stylesheet = (
            (ASSET_DIR / "report.css").read_text(encoding="utf-8").replace("url(fonts/", f"url({FONTS_URL}/")
        )
    return _env.get_template(context.template).render(
        **template_vars(context),
        inline_assets=standalone,
        stylesheet=stylesheet,
        part=part,
        part_start=part_start,
        part_end=part_end,
        legend=legend,
    )


SPLIT_WEIGHT = 80
"""Reports lighter than this (about 16 commitments with 3 indicators) render in one piece."""


@dataclass(frozen=True)
class Section:
    """A piece of a long report rendered on its own: the front (cover, scorecard, what changed),
    one principle, or the back (evidence annex, methodology). Its PDF is kept under `key`, a
    digest of its HTML, its charts and the renderer, so that a report whose data changed in one
    principle renders only that principle and the front again. `elsewhere` names the anchors it
    links to in other sections: it holds stand-ins for them, dropped when the sections are joined."""

    html: str
    key: str
    elsewhere: tuple[str, ...] = ()


_IDS = re.compile(r'\bid="([^"]+)"')
_LINKS = re.compile(r'href="#([^"]+)"')
_CHARTS = re.compile(r'src="charts/([^"/]+)\.svg"')
_BODY = re.compile(r"<body[^>]*>")


@functools.cache
def _renderer_digest() -> str:
    """What else than the HTML decides a section's pages: the stylesheets, the fonts, the
    renderer and this code."""
    from importlib.metadata import version

    from exports import pdf_text

    digest = hashlib.sha256(version("weasyprint").encode() + version("pikepdf").encode())
    code = [Path(__file__), Path(pdf_text.__file__)]
    for path in code + sorted(ASSET_DIR.glob("*.css")) + sorted((ASSET_DIR / "fonts").glob("*.ttf")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _section(html: str, charts: dict[str, str], whole: bool = False) -> Section:
    """A section of the report, with stand-ins for the anchors its links reach elsewhere."""
    elsewhere: tuple[str, ...] = ()
    if not whole:
        elsewhere = tuple(sorted(set(_LINKS.findall(html)) - set(_IDS.findall(html))))
    if elsewhere:
        stand_ins = "".join(f'<a id="{escape(name)}"></a>' for name in elsewhere)
        body = _BODY.search(html)
        assert body is not None
        html = f'{html[: body.end()]}<div class="elsewhere">{stand_ins}</div>{html[body.end() :]}'
    digest = hashlib.sha256(_renderer_digest().encode() + html.encode())
    for name in _CHARTS.findall(html):
        digest.update(charts.get(name, "").encode())
    return Section(html, digest.hexdigest(), elsewhere)


def sections(context: ReportContext, min_weight: int = SPLIT_WEIGHT) -> list[Section]:
    """The report as the sections it is rendered in: a light report (or any but a city's) in one
    piece; a long one as its front, each principle with commitments, and its back, each
    starting a page, rendered at once by the workers and kept apart (see `Section`)."""
    shown, weight = [], 0
    if isinstance(context, CityReport):
        shown = [i for i, p in enumerate(context.principles) if p.commitments]
        weight = sum(1 + sum(2 + len(c.indicators) for c in p.commitments) for p in context.principles)
    if len(shown) < 2 or weight < min_weight:
        return [_section(render_html(context), context.charts, whole=True)]
    parts = [render_html(context, part="front")]
    parts += [
        render_html(context, part="principles", part_start=i, part_end=i + 1, legend=i == shown[0])
        for i in shown
    ]
    parts.append(render_html(context, part="back"))
    return [_section(html, context.charts) for html in parts]


@functools.cache
def load_weasyprint() -> None:
    """Import WeasyPrint, once per process. It looks for its libraries under the names of every
    platform, Windows' and macOS' first; on Linux each name the dynamic loader does not know
    makes cffi ask `ctypes.util.find_library`, which runs ldconfig and gcc to find nothing
    (0.22 s of every cold start). On Linux those names are skipped: the loader finds the
    libraries by their sonames, which come later in WeasyPrint's lists. Where that does not
    work, WeasyPrint is imported again as it comes."""
    if sys.platform != "linux":
        import weasyprint

        return
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint
    except OSError:
        for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
            del sys.modules[name]
        ctypes.util.find_library = search
        import weasyprint  # noqa: F401
    finally:
        ctypes.util.find_library = search


def _weasy_fetcher_class():
    load_weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

    class AssetFetcher(URLFetcher):
        """Serves files of the package's asset folder, and the report's own charts (SVG drawn by
        exports/charts.py) under `charts/`; refuses every other URL (network, `file:` elsewhere,
        data:, redirects): a report never reaches outside the package."""

        def __init__(self, charts: dict[str, str] | None = None) -> None:
            super().__init__(allowed_protocols={"file"}, allow_redirects=False, timeout=1)
            self.charts = charts or {}
            self.calls: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            self.calls.append(url)
            parts = urlsplit(url)
            local = parts.scheme == "file" and not parts.netloc and not parts.query
            path = Path(unquote(parts.path)).resolve() if local else None
            if (
                path is not None
                and path.parent == ASSET_DIR / "charts"
                and path.suffix == ".svg"
                and path.stem in self.charts
            ):
                return URLFetcherResponse(
                    url, self.charts[path.stem].encode(), {"Content-Type": "image/svg+xml"}
                )
            if path is None or not path.is_relative_to(ASSET_DIR) or not path.is_file():
                self.refused.append(url)
                raise URLFetchingError(f"Refused to fetch {url!r}: reports use only their own assets.")
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": media_type})

    return AssetFetcher


def asset_fetcher(charts: dict[str, str] | None = None):
    """A fresh fetcher; `calls` and `refused` record what WeasyPrint asked for."""
    return _weasy_fetcher_class()(charts)


@functools.cache
def _report_html_class():
    """WeasyPrint's HTML with our own small user-agent stylesheet (see assets/report_ua.css)
    and the report's stylesheet, both read once per process with the fonts they declare: a
    report, or a section of one, does not parse them and load the fonts again."""
    load_weasyprint()
    from weasyprint import CSS, HTML
    from weasyprint.html import UA_COUNTER_STYLE
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    ua = CSS(string=(ASSET_DIR / "report_ua.css").read_text(encoding="utf-8"), counter_style=UA_COUNTER_STYLE)
    loader = asset_fetcher()
    report = CSS(url=BASE_URL + "report.css", base_url=BASE_URL, url_fetcher=loader, font_config=fonts)

    class ReportHTML(HTML):
        font_config = fonts
        stylesheets = (report,)  # given as the user's: above the user-agent sheet, below the page's
        stylesheet_fetcher = loader  # what reading the stylesheet and its fonts asked for

        def _ua_stylesheets(self, forms: bool = False) -> list:
            return [ua]

    return ReportHTML


_AS_OF = re.compile(r'<meta name="dcterms\.modified" content="([^"]+)">')
_TRAILER_ID = re.compile(rb"/ID \[\(([0-9a-f]{32})\) \(([0-9a-f]{32})\)\]")


def _as_of_epoch(html: str) -> int:
    """The document's own "as of" instant (its `dcterms.modified`), in seconds since 1970: the
    time stamp written into embedded fonts, instead of the moment of rendering."""
    match = _AS_OF.search(html)
    if match is None:
        return 0
    return int(datetime.fromisoformat(match[1]).timestamp())


@contextmanager
def _source_date(epoch: int) -> Iterator[None]:
    """Pin the time stamp that font subsetting writes (fontTools reads SOURCE_DATE_EPOCH when
    HarfBuzz's subsetter is not installed), so that the same data gives the same bytes."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def _pin_trailer_id(pdf: bytes, identifier: bytes) -> bytes:
    """Both halves of the trailer /ID from the data hash: the second half would otherwise be a
    digest of the bytes, which differs whenever anything in them does."""
    match = _TRAILER_ID.search(pdf, max(0, len(pdf) - 4096))
    if match is None or len(identifier) != 32:
        return pdf
    return pdf[: match.start(2)] + identifier + pdf[match.end(2) :]


DATA_NAME = "report-data.json"
"""The name of the data file an archival report carries."""


def report_data(context: ReportContext) -> str:
    """What the report shows, as JSON: the archival (PDF/A-3u) report carries it, so that the
    archived file holds its own source. The fields the data hash covers, sorted; no labels."""
    body = asdict(context)
    for name in ("labels", "charts", "template", "curve"):
        body.pop(name, None)
    return json.dumps(body, ensure_ascii=False, sort_keys=True, indent=1, default=str)


def html_to_pdf(
    html: str,
    identifier: str,
    variant: str | None = None,
    fetcher=None,
    charts: dict[str, str] | None = None,
    data: str | None = None,
) -> bytes:
    """HTML → PDF bytes. The PDF /ID comes from the data hash, dates (those of the metadata and
    those stamped into the embedded fonts) from the HTML's metadata, so that the same context
    gives the same bytes whichever font subsetter runs. `data` (JSON) is attached as the
    report's data, dated like the report."""
    pdf_id = identifier[:32].encode()
    options: dict[str, Any] = {"pdf_identifier": pdf_id, "uncompressed_pdf": False}
    if data is not None:
        from weasyprint import Attachment

        stamp = datetime.fromtimestamp(_as_of_epoch(html), UTC)
        options["attachments"] = [
            Attachment(
                string=data,
                name=DATA_NAME,
                description="The data this report shows (JSON)",
                created=stamp,
                modified=stamp,
                relationship="Data",
            )
        ]
    if variant:
        options["pdf_variant"] = VARIANTS[variant]
        if variant == "pdf/ua-1":
            options["pdf_tags"] = True
    # A render allocates hundreds of thousands of short-lived objects and frees them all at
    # the end: the cyclic collector only slows it down.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with _source_date(_as_of_epoch(html)):
            html_class = _report_html_class()
            document = html_class(
                string=html, base_url=BASE_URL, url_fetcher=fetcher or asset_fetcher(charts)
            )
            pdf = document.write_pdf(
                finisher=fix_ligature_text,
                font_config=html_class.font_config,
                stylesheets=list(html_class.stylesheets),
                **options,
            )
            return _pin_trailer_id(pdf, pdf_id)
    finally:
        if collecting:
            gc.enable()


def join_parts(
    parts: list[bytes], identifier: str, lang: str, elsewhere: list[tuple[str, ...]] | None = None
) -> bytes:
    """Join separately rendered sections into one PDF: pages in order, bookmarks, the named
    destinations each section holds (not its stand-ins for other sections' anchors: a link
    reaches the section that has its target), the first section's metadata, the document
    language, and the page numbers ("page 3 of 21") laid over every page."""
    from io import BytesIO

    import pikepdf

    sources = [pikepdf.open(BytesIO(part)) for part in parts]
    out = pikepdf.new()
    places: list[dict[tuple[int, int], int]] = []
    for source in sources:
        places.append({page.obj.objgen: len(out.pages) + n for n, page in enumerate(source.pages)})
        out.pages.extend(source.pages)
    numbers = pikepdf.open(BytesIO(_page_numbers_pdf(len(out.pages), lang)))
    for page, stamp in zip(out.pages, numbers.pages, strict=True):
        _lay_over(out, page, stamp)

    def moved(dest: Any, place: dict[tuple[int, int], int]) -> Any:
        """A destination [page /XYZ left top zoom] of a section, pointed at the joined page."""
        return pikepdf.Array([out.pages[place[dest[0].objgen]].obj, *list(dest)[1:]])

    names: dict[bytes, Any] = {}
    skip = elsewhere or [()] * len(sources)
    for source, place, stand_ins in zip(sources, places, skip, strict=True):
        flat = _destination_names(source)
        for index in range(0, len(flat) - 1, 2):
            name = bytes(flat[index])
            if name.decode() not in stand_ins and name not in names:
                names[name] = moved(flat[index + 1], place)
    if names:
        dests = pikepdf.Array(
            [item for name in sorted(names) for item in (pikepdf.String(name), names[name])]
        )
        out.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=dests))

    def item(entry: Any, place: dict[tuple[int, int], int]) -> Any:
        copy = pikepdf.OutlineItem(entry.title, destination=moved(entry.destination, place))
        copy.is_closed = entry.is_closed
        copy.children.extend(item(child, place) for child in entry.children)
        return copy

    with out.open_outline() as outline:
        for source, place in zip(sources, places, strict=True):
            with source.open_outline() as theirs:
                outline.root.extend(item(entry, place) for entry in theirs.root)
    info: Any = out.copy_foreign(sources[0].docinfo)
    out.docinfo = info
    out.Root.Lang = pikepdf.String(lang)
    out.trailer.ID = pikepdf.Array([pikepdf.String(identifier[:32].encode())] * 2)
    buffer = BytesIO()
    version = max(source.pdf_version for source in sources)
    out.save(buffer, deterministic_id=True, compress_streams=True, min_version=version)
    return buffer.getvalue()


def _lay_over(pdf: Any, page: Any, stamp: Any) -> None:
    """Draw `stamp` (a page of the same size) over `page`, under a fixed resource name so that
    the same sections give the same bytes. The sections' pages share one resource dictionary:
    each page gets its own copy, naming its own stamp."""
    import pikepdf

    form = pdf.copy_foreign(stamp.as_form_xobject())
    shared: Any = page.obj.get("/Resources") or {}
    resources = pikepdf.Dictionary(dict(shared.items()))
    inner: Any = resources.get("/XObject") or {}
    xobjects = pikepdf.Dictionary(dict(inner.items()))
    xobjects["/PageNumber"] = form
    resources["/XObject"] = xobjects
    page.obj.Resources = resources
    page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
    page.contents_add(pdf.make_stream(b"\nQ q /PageNumber Do Q\n"))


def _destination_names(pdf: Any) -> Any:
    """The flat array of a section's named destinations (name, destination, ...), as the
    renderer writes it; empty when it has none."""
    names = pdf.Root.get("/Names")
    dests = names.get("/Dests") if names is not None else None
    return dests.get("/Names", []) if dests is not None else []


@functools.lru_cache(maxsize=64)
def _page_numbers_pdf(total: int, lang: str) -> bytes:
    """The page-number pages for a report of `total` pages, made once per worker process."""
    return html_to_pdf(_page_numbers_html(total, lang), "page-numbers")


def _page_numbers_html(total: int, lang: str) -> str:
    """Blank pages with the report's margins whose only content is the page number footer."""
    from exports.report_labels import report_labels

    footer = page_footer(report_labels(lang)["page_of"])
    return (
        f'<html lang="{lang}" dir="{direction(lang)}"><head>'
        f"<style>@page {{ @bottom-center {{ content: {footer} }} }}</style>"
        "</head><body>" + '<div style="break-after: page"></div>' * (total - 1) + "<div></div>"
        "</body></html>"
    )


def render_pdf_parallel(
    context: ReportContext, pool: ProcessPoolExecutor | None = None, min_weight: int = SPLIT_WEIGHT
) -> bytes:
    """Render the report's sections that are not kept yet in the worker processes, at once,
    and join them: on a two-core machine a long report takes a little over half the time of
    one rendering, and a report whose data changed in one principle renders only that one."""
    parts = report_sections(context, None, min_weight)
    pool = pool or _pool_for()
    pending = {s.key: pool.submit(_render_section, *_section_job(s, context, None)) for s in _missing(parts)}
    rendered = {key: future.result() for key, future in pending.items()}
    _keep(parts, rendered)
    return _joined(context, parts, rendered)


def report_sections(
    context: ReportContext, variant: str | None, min_weight: int = SPLIT_WEIGHT
) -> list[Section]:
    """The sections the report is rendered in: one piece for a variant (its structure must be
    whole), else see `sections`."""
    if variant:
        return [_section(render_html(context), context.charts, whole=True)]
    return sections(context, min_weight)


def _render_section(section: Section, charts: dict[str, str], data: str | None, variant: str | None) -> bytes:
    """One section's PDF (in a worker, or in this process)."""
    return html_to_pdf(section.html, section.key, variant, None, charts, data)


def _section_job(section: Section, context: ReportContext, variant: str | None) -> tuple:
    """The arguments of `_render_section`: only the charts the section shows travel to a worker."""
    charts = {name: context.charts[name] for name in _CHARTS.findall(section.html) if name in context.charts}
    return section, charts, _archived_data(context, variant), variant


def _missing(parts: list[Section]) -> list[Section]:
    """The sections of a report that are not kept yet (a report in one piece is kept whole,
    under its data hash, by the caller)."""
    if len(parts) == 1:
        return parts
    unique = {s.key: s for s in parts if not is_kept("reports", _section_name(s.key))}
    return list(unique.values())


def _keep(parts: list[Section], rendered: dict[str, bytes]) -> None:
    """Keep the sections just rendered (a report in one piece is kept whole by the caller)."""
    if len(parts) > 1:
        for key, pdf in rendered.items():
            store_section(key, pdf)


def _join_job(context: ReportContext, parts: list[Section], rendered: dict[str, bytes]) -> tuple:
    """The arguments of `join_parts`: each section's PDF, just rendered or kept."""
    pdfs = [rendered.get(s.key) or _kept_section(s.key) for s in parts]
    return pdfs, context.hash, context.lang, [s.elsewhere for s in parts]


def _kept_section(key: str) -> bytes:
    pdf = kept("reports", _section_name(key))
    if pdf is None:  # removed from the store between the look and the read
        raise FileStoreUnavailable(f"A part of the report ({key[:12]}) cannot be read back; try again.")
    return pdf


def _joined(context: ReportContext, parts: list[Section], rendered: dict[str, bytes]) -> bytes:
    """The report from its sections: a one-piece report as rendered, else the sections joined."""
    if len(parts) == 1:
        return rendered[parts[0].key]
    return join_parts(*_join_job(context, parts, rendered))


def _archived_data(context: ReportContext, variant: str | None) -> str | None:
    """The data an archival report carries (none for the other variants)."""
    return report_data(context) if variant == "pdf/a-3u" else None


def render_pdf_here(context: ReportContext, variant: str | None = None) -> bytes:
    """The same document as `render_pdf_in_worker`, its sections rendered one after the other
    in this process (a process of a batch, or the command line)."""
    parts = report_sections(context, variant)
    rendered = {}
    for section in _missing(parts):
        rendered[section.key] = _render_section(*_section_job(section, context, variant))
    _keep(parts, rendered)
    return _joined(context, parts, rendered)


# The worker pool ---------------------------------------------------------------------------------

_pool: ProcessPoolExecutor | None = None


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """Processes that render reports: each a clean interpreter (spawned, not a fork of a process
    holding database connections), each leaving as soon as the process that started it is gone,
    even killed outright, so that no orphan keeps its memory."""
    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=exit_with_parent,
        initargs=(os.getpid(),),
    )


def exit_with_parent(parent_pid: int) -> None:
    """In a worker: watch the parent, and leave at once when the worker is handed to another."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _pool_for() -> ProcessPoolExecutor:
    """This process's report workers, started on first use (`Settings.report_workers` of them)."""
    global _pool
    if _pool is None:
        _pool = worker_pool(get_settings().report_workers)
    return _pool


def warm_up() -> None:
    """Load WeasyPrint and the report fonts in this process by rendering a one-line page."""
    warm_up_letters()
    html_to_pdf("<html><head></head><body><p>.</p></body></html>", "warm-up")


def warm_workers() -> None:
    """Start the workers and load WeasyPrint in each, without waiting, so that the first report
    does not pay for it."""
    pool = _pool_for()
    for _ in range(get_settings().report_workers):
        pool.submit(warm_up)


def shutdown_pool() -> None:
    global _pool
    if _pool is not None:
        for process in list(getattr(_pool, "_processes", {}).values()):
            process.kill()
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


class RenderTimeout(DomainError):
    """The renderer did not finish in time (503); nothing is cached."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"The report took longer than {seconds:g} s to render; try again later.",
            [],
            503,
            "Report rendering timed out",
        )


async def render_pdf_in_worker(context: ReportContext, variant: str | None = None) -> bytes:
    """Render in the worker processes, within the configured time limit: the report's sections
    not kept yet, at once, then join them (archival and tagged variants in one piece, their
    structure must be whole)."""
    seconds = get_settings().report_timeout_s
    pool = _pool_for()
    parts = report_sections(context, variant)

    async def run() -> bytes:
        missing = _missing(parts)
        futures = [pool.submit(_render_section, *_section_job(s, context, variant)) for s in missing]
        rendered = {s.key: await asyncio.wrap_future(f) for s, f in zip(missing, futures, strict=True)}
        if len(parts) == 1:
            return rendered[parts[0].key]
        _keep(parts, rendered)
        return await asyncio.wrap_future(pool.submit(join_parts, *_join_job(context, parts, rendered)))

    try:
        return await asyncio.wait_for(run(), timeout=seconds)
    except TimeoutError:
        shutdown_pool()
        raise RenderTimeout(seconds) from None
    except BrokenProcessPool:
        shutdown_pool()
        raise


# The cache ---------------------------------------------------------------------------------------


def cache_name(data_hash: str, variant: str | None) -> str:
    """The name a finished report is kept under: its data hash and variant."""
    suffix = "" if not variant else "-" + variant.replace("/", "_")
    return f"{data_hash}{suffix}.pdf"


def cached_pdf(data_hash: str, variant: str | None) -> bytes | None:
    return kept("reports", cache_name(data_hash, variant))


def store_pdf(data_hash: str, variant: str | None, pdf: bytes) -> None:
    keep("reports", cache_name(data_hash, variant), pdf, required=False)


def _section_name(key: str) -> str:
    return f"sections/{key}.pdf"


def store_section(key: str, pdf: bytes) -> None:
    """Keep a section's PDF, for the next report that has the same section."""
    keep("reports", _section_name(key), pdf, required=False)
