"""Charters as Markdown: parse a document into a plain tree, and write a tree back as a document.

The format (see README): YAML front matter (`slug`, `lang`, `title`, `issuer`, `adopted_on`,
`source_url`, `version`); paragraphs before the first `##` are the preamble; `## CODE: Title` is a
principle; `### CODE: Title` a commitment; a table with the columns `code | indicator | unit | type
| direction` under a commitment lists its indicators. Errors name the line they concern.

A document is bounded before it is parsed: at most `MAX_DOCUMENT_BYTES` bytes and `MAX_ITEMS`
principles, commitments and indicators; its front matter may not use YAML anchors or aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from indicators.choices import Direction, ValueType
from kernel.errors import N_, FieldError, InvalidInput, TooLarge, worded
from kernel.text import CODE_PATTERN, LANG_PATTERN, SLUG_PATTERN, normalize_code

COLUMNS = ("code", "indicator", "unit", "type", "direction")
_HEADING = re.compile(r"^(?P<code>[^\s:]+)\s*(?::\s*(?P<title>.*))?$")
_PARSER = MarkdownIt("js-default").use(front_matter_plugin)
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
MAX_ITEMS = 5_000
"""The most principles, commitments and indicators one charter document may hold."""
MAX_UNIT = 64
"""The longest unit of an indicator (`persons/year`, `%`, `days`)."""
MAX_EDITION = 32
"""The longest edition (`version`) of a charter's text."""
MAX_ISSUER = 255
MAX_SOURCE_URL = 1024


@dataclass
class IndicatorDoc:
    """One row of an indicator table."""

    code: str
    title: str
    unit: str
    value_type: str
    direction: str
    line: int = field(default=0, compare=False)


@dataclass
class CommitmentDoc:
    """A `###` section."""

    code: str
    title: str
    description: str = ""
    indicators: list[IndicatorDoc] = field(default_factory=list)
    line: int = field(default=0, compare=False)


@dataclass
class PrincipleDoc:
    """A `##` section."""

    code: str
    title: str
    description: str = ""
    commitments: list[CommitmentDoc] = field(default_factory=list)
    line: int = field(default=0, compare=False)


@dataclass
class CharterDoc:
    """A whole charter document in one language."""

    slug: str
    lang: str
    title: str
    issuer: str = ""
    adopted_on: date | None = None
    source_url: str | None = None
    version: str = "1"
    preamble: str = ""
    principles: list[PrincipleDoc] = field(default_factory=list)

    def indicators(self) -> list[IndicatorDoc]:
        """Every indicator, in document order."""
        return [i for p in self.principles for c in p.commitments for i in c.indicators]

    def lines(self) -> dict[str, int]:
        """The line each code is on."""
        out = {}
        for p in self.principles:
            out[p.code] = p.line
            for c in p.commitments:
                out[c.code] = c.line
                out |= {i.code: i.line for i in c.indicators}
        return out

    def codes(self) -> list[tuple[str, str, str | None]]:
        """Every (kind, code, parent code) in document order."""
        out: list[tuple[str, str, str | None]] = []
        for p in self.principles:
            out.append(("principle", p.code, None))
            for c in p.commitments:
                out.append(("commitment", c.code, p.code))
                out.extend(("indicator", i.code, c.code) for i in c.indicators)
        return out


class _Errors:
    def __init__(self) -> None:
        self.items: list[FieldError] = []

    def add(self, line: int, template: str, **params: object) -> None:
        self.items.append(worded(f"line {line}", template, **params))

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidInput(f"The charter document has {len(self.items)} error(s).", self.items)


class _AnchorRefused(yaml.YAMLError):
    """An anchor or alias in the front matter, at `line` (counted from 0 within it)."""

    def __init__(self, line: int) -> None:
        super().__init__(f"anchor or alias on line {line}")
        self.line = line


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML without anchors and aliases: front matter has no use for them, and nested aliases
    expand a few hundred bytes into gigabytes."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _AnchorRefused(event.start_mark.line)
        return super().compose_node(parent, index)


def _front_matter(token: Token, errors: _Errors, lang_override: str | None) -> dict:
    try:
        meta = yaml.load(token.content, Loader=_FrontMatterLoader) or {}  # noqa: S506 (a SafeLoader)
    except _AnchorRefused as exc:
        # The front matter's text starts on the line after its opening `---`.
        line = (token.map[0] if token.map else 0) + 2 + exc.line
        errors.add(
            line, N_("Front matter may not use YAML anchors or aliases (& or *): write each value out.")
        )
        return {}
    except yaml.YAMLError as exc:
        errors.add(1, N_("Front matter is not valid YAML: %(reason)s"), reason=exc)
        return {}
    if not isinstance(meta, dict):
        errors.add(1, N_("Front matter must be a mapping of keys to values."))
        return {}
    unknown = set(meta) - {"slug", "lang", "title", "issuer", "adopted_on", "source_url", "version"}
    if unknown:
        errors.add(1, N_("Unknown front matter key(s): %(keys)s."), keys=", ".join(sorted(map(str, unknown))))
    if lang_override:
        if meta.get("lang") and meta["lang"] != lang_override:
            errors.add(
                1,
                N_("Front matter says lang %(lang)s but %(asked)s was asked."),
                lang=repr(meta["lang"]),
                asked=repr(lang_override),
            )
        meta["lang"] = lang_override
    for key in ("slug", "lang", "title"):
        if not meta.get(key):
            errors.add(1, N_("Front matter is missing %(key)s."), key=repr(key))
    return meta


def _inline_text(tokens: list[Token], i: int) -> str:
    return tokens[i + 1].content.strip() if i + 1 < len(tokens) else ""


def _heading(text: str, line: int, errors: _Errors, need_title: bool) -> tuple[str, str]:
    match = _HEADING.match(text)
    if not match:
        errors.add(line, N_("Expected `CODE: Title`, found %(text)s."), text=repr(text))
        return "", ""
    code = normalize_code(match["code"])
    title = (match["title"] or "").strip()
    _check_item_code(code, line, errors)
    if need_title and not title:
        errors.add(
            line, N_("Heading %(code)s has no title: expected `%(bare)s: Title`."), code=repr(code), bare=code
        )
    return code, title


def _check_item_code(code: str, line: int, errors: _Errors) -> None:
    """A principle's, commitment's or indicator's code serves in URLs and exports: refuse one
    that cannot (too long, or with characters other than letters, digits, `.`, `_` and `-`)."""
    if code and not CODE_PATTERN.match(code):
        errors.add(
            line,
            N_(
                "Invalid code %(code)s: expected letters, digits, '.', '_' and '-', "
                "starting with a letter or digit, at most 64 characters."
            ),
            code=repr(code[:70]),
        )


def _table(tokens: list[Token], start: int, errors: _Errors, need_title: bool):
    """Read the table starting at tokens[start]; return (rows, index after the table)."""
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    line = 0
    i = start
    in_head = False
    while i < len(tokens) and tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            current = []
            line = (tok.map[0] + 1) if tok.map else 0
        elif tok.type == "inline" and current is not None:
            current.append(tok.content.strip().replace("\\|", "|"))
        elif tok.type == "tr_close" and current is not None:
            if in_head:
                header = [c.lower() for c in current]
            else:
                rows.append((line, current))
            current = None
        i += 1
    span = tokens[start].map
    table_line = span[0] + 1 if span else 0
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing:
        errors.add(
            table_line, N_("Indicator table is missing column(s): %(columns)s."), columns=", ".join(missing)
        )
    if unknown:
        errors.add(
            table_line,
            N_("Indicator table has unknown column(s): %(columns)s; expected %(expected)s."),
            columns=", ".join(unknown),
            expected=" | ".join(COLUMNS),
        )
    indicators: list[IndicatorDoc] = []
    if missing or unknown:
        return indicators, i + 1
    for row_line, cells in rows:
        cell = dict(zip(header, cells, strict=False))
        code = normalize_code(cell.get("code", ""))
        if not code:
            errors.add(row_line, N_("Indicator row has no code."))
            continue
        _check_item_code(code, row_line, errors)
        if len(cell.get("unit", "")) > MAX_UNIT:
            errors.add(
                row_line,
                N_("The unit of %(code)s is too long: expected at most %(max)s characters."),
                code=repr(code),
                max=MAX_UNIT,
            )
        vtype = cell.get("type", "").strip()
        direction = cell.get("direction", "").strip()
        if vtype not in ValueType.__members__:
            errors.add(
                row_line,
                N_("Unknown type %(type)s; expected one of %(types)s."),
                type=repr(vtype),
                types=", ".join(ValueType),
            )
        if direction not in Direction.__members__:
            errors.add(
                row_line,
                N_("Unknown direction %(direction)s; expected increase or decrease."),
                direction=repr(direction),
            )
        if need_title and not cell.get("indicator"):
            errors.add(row_line, N_("Indicator %(code)s has no name."), code=repr(code))
        indicators.append(
            IndicatorDoc(code, cell.get("indicator", ""), cell.get("unit", ""), vtype, direction, row_line)
        )
    return indicators, i + 1


class _Reader:
    """Reads a document's tokens in order, keeping where it is: the current principle and
    commitment, the preamble so far, and the line where each code was first seen."""

    def __init__(self, source: str, lang: str | None, base: bool) -> None:
        self.lines = source.splitlines()
        self.tokens = _PARSER.parse(source)
        self.lang = lang
        self.base = base
        self.errors = _Errors()
        self.meta: dict = {}
        self.seen_front = False
        self.principles: list[PrincipleDoc] = []
        self.preamble: list[str] = []
        self.principle: PrincipleDoc | None = None
        self.commitment: CommitmentDoc | None = None
        self.first_seen: dict[str, int] = {}

    def read(self) -> None:
        """Walk the tokens: front matter, headings, indicator tables, and text blocks."""
        i = 0
        while i < len(self.tokens):
            tok = self.tokens[i]
            line = (tok.map[0] + 1) if tok.map else 0
            if tok.type == "front_matter":
                self.meta = _front_matter(tok, self.errors, self.lang)
                self.seen_front = True
                i += 1
            elif tok.type == "heading_open":
                self.heading(tok, _inline_text(self.tokens, i), line)
                i += 3
            elif tok.type == "table_open":
                i = self.table(i, line)
            elif tok.level == 0 and tok.map and tok.nesting >= 0:
                self.block(tok)
                i = _skip_block(self.tokens, i)
            else:
                i += 1

    def remember(self, code: str, line: int) -> None:
        """Note where a code first appears; a second appearance is an error."""
        if not code:
            return
        if code in self.first_seen:
            self.errors.add(
                line,
                N_("Duplicate code %(code)s: also on line %(first)s."),
                code=repr(code),
                first=self.first_seen[code],
            )
        else:
            self.first_seen[code] = line

    def heading(self, tok: Token, text: str, line: int) -> None:
        """`## CODE: Title` opens a principle, `### CODE: Title` a commitment under it."""
        if tok.tag not in ("h2", "h3"):
            self.errors.add(
                line,
                N_(
                    "Unexpected heading level %(tag)s: use ## for principles and "
                    "### for commitments; the title goes in the front matter."
                ),
                tag=tok.tag,
            )
            return
        code, title = _heading(text, line, self.errors, self.base)
        self.remember(code, line)
        if tok.tag == "h2":
            self.principle = PrincipleDoc(code, title, line=line)
            self.principles.append(self.principle)
            self.commitment = None
        elif self.principle is None:
            self.errors.add(
                line,
                N_("Commitment %(code)s comes before any principle (`## CODE: Title`)."),
                code=repr(code),
            )
        else:
            self.commitment = CommitmentDoc(code, title, line=line)
            self.principle.commitments.append(self.commitment)

    def table(self, start: int, line: int) -> int:
        """An indicator table, under the current commitment; returns the index after it."""
        indicators, after = _table(self.tokens, start, self.errors, self.base)
        for ind in indicators:
            self.remember(ind.code, ind.line)
        if self.commitment is None:
            self.errors.add(line, N_("An indicator table must come under a commitment (`### CODE: Title`)."))
        else:
            self.commitment.indicators.extend(indicators)
        return after

    def block(self, tok: Token) -> None:
        """A top-level block (paragraph, list, quote, code...): its Markdown as written, in the
        preamble or the description of the current commitment or principle."""
        first, last = tok.map or (0, 0)
        block = "\n".join(self.lines[first:last]).strip()
        target = self.commitment or self.principle
        if target is None:
            self.preamble.append(block)
        else:
            target.description = f"{target.description}\n\n{block}".strip()


def check_size(source: str) -> None:
    """Refuse a document too large to read (413) before parsing it: more than `MAX_DOCUMENT_BYTES`
    bytes, or more than `MAX_ITEMS` headings and table rows (counted on the text, cheaply; the
    problem names the line where the limit is passed)."""
    size = len(source.encode("utf-8"))
    if size > MAX_DOCUMENT_BYTES:
        raise TooLarge(
            f"The charter document has {size} bytes; the limit is {MAX_DOCUMENT_BYTES}.",
            [FieldError("document", f"Expected at most {MAX_DOCUMENT_BYTES} bytes.")],
        )
    items: list[int] = []
    for number, text in enumerate(source.splitlines(), start=1):
        if "|" in text and _TABLE_SEPARATOR.match(text):
            if items:
                items.pop()  # the table's header row, above its separator, is no item
        elif text.lstrip().startswith("#") or "|" in text:
            items.append(number)
        if len(items) > MAX_ITEMS + 1:
            break
    if len(items) > MAX_ITEMS:
        raise TooLarge(
            f"The charter document has more than {MAX_ITEMS} principles, commitments and indicators.",
            [
                FieldError(
                    f"line {items[MAX_ITEMS]}",
                    f"Expected at most {MAX_ITEMS} principles, commitments and indicators in one "
                    "document; split the charter or leave out the rest.",
                )
            ],
        )


def parse_charter(source: str, *, lang: str | None = None, base: bool = True) -> CharterDoc:
    """Parse a charter document; `base=False` for a translation, where titles may be left out."""
    check_size(source)
    reader = _Reader(source, lang, base)
    reader.read()
    errors = reader.errors
    if not reader.seen_front:
        errors.add(1, N_("The document must start with YAML front matter (--- slug, lang, title ---)."))
    errors.raise_if_any()
    return _charter_doc(reader.meta, errors, "\n\n".join(reader.preamble), reader.principles)


def _charter_doc(meta: dict, errors: _Errors, preamble: str, principles: list[PrincipleDoc]) -> CharterDoc:
    """The document from its checked front matter (slug, lang, adoption date, source URL)."""
    slug = normalize_code(str(meta["slug"]))
    doc_lang = str(meta["lang"])
    if not SLUG_PATTERN.match(slug):
        errors.add(
            1, N_("Invalid slug %(slug)s: expected lower-case letters, digits and hyphens."), slug=repr(slug)
        )
    if not LANG_PATTERN.match(doc_lang):
        errors.add(
            1, N_("Invalid lang %(lang)s: expected an ISO 639 code such as fr or ar."), lang=repr(doc_lang)
        )
    adopted_on = meta.get("adopted_on")
    if adopted_on is not None and not isinstance(adopted_on, date):
        try:
            adopted_on = date.fromisoformat(str(adopted_on))
        except ValueError:
            errors.add(
                1, N_("adopted_on %(value)s is not a date: expected YYYY-MM-DD."), value=repr(adopted_on)
            )
            adopted_on = None
    source_url = meta.get("source_url")
    if source_url and not str(source_url).startswith(("http://", "https://")):
        errors.add(1, N_("source_url must be an http(s) URL."))
    elif source_url and len(str(source_url)) > MAX_SOURCE_URL:
        errors.add(1, N_("source_url is too long: expected at most %(max)s characters."), max=MAX_SOURCE_URL)
    if len(str(meta.get("version") or "")) > MAX_EDITION:
        errors.add(1, N_("version is too long: expected at most %(max)s characters."), max=MAX_EDITION)
    if len(str(meta.get("issuer") or "")) > MAX_ISSUER:
        errors.add(1, N_("issuer is too long: expected at most %(max)s characters."), max=MAX_ISSUER)
    errors.raise_if_any()
    return CharterDoc(
        slug=slug,
        lang=doc_lang,
        title=str(meta["title"]).strip(),
        issuer=str(meta.get("issuer") or ""),
        adopted_on=adopted_on,
        source_url=str(source_url) if source_url else None,
        version=str(meta.get("version") or "1"),
        preamble=preamble,
        principles=principles,
    )


def _skip_block(tokens: list[Token], i: int) -> int:
    """Index after the block opened at tokens[i] (or after a self-closed block)."""
    if tokens[i].nesting == 0:
        return i + 1
    depth = 0
    while i < len(tokens):
        depth += tokens[i].nesting
        i += 1
        if depth == 0:
            return i
    return i


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_charter(doc: CharterDoc) -> str:
    """Write a charter tree as a document that `parse_charter` reads back to the same tree."""
    meta: dict[str, object] = {"slug": doc.slug, "lang": doc.lang, "title": doc.title}
    if doc.issuer:
        meta["issuer"] = doc.issuer
    if doc.adopted_on:
        meta["adopted_on"] = doc.adopted_on
    if doc.source_url:
        meta["source_url"] = doc.source_url
    if doc.version and doc.version != "1":
        meta["version"] = doc.version
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000).strip()
    parts = [f"---\n{front}\n---"]
    if doc.preamble:
        parts.append(doc.preamble)
    for p in doc.principles:
        parts.append(f"## {p.code}: {p.title}" if p.title else f"## {p.code}")
        if p.description:
            parts.append(p.description)
        for c in p.commitments:
            parts.append(f"### {c.code}: {c.title}" if c.title else f"### {c.code}")
            if c.description:
                parts.append(c.description)
            if c.indicators:
                rows = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
                rows += [
                    f"| {i.code} | {_cell(i.title)} | {_cell(i.unit)} | {i.value_type} | {i.direction} |"
                    for i in c.indicators
                ]
                parts.append("\n".join(rows))
    return "\n\n".join(parts) + "\n"
