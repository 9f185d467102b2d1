"""Charter documents in and out of the database: a Markdown text is the charter's whole tree.

A document in the charter's own language creates the charter or extends it (new codes, new texts;
nothing that exists is removed or moved). A document in another language adds that language's
texts and must carry exactly the same codes, in the same places.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from piccolo.columns import Column

from charter.services import dumps
from charter.tables import Charter, Principle
from commitments.tables import Commitment
from exports.charter_markdown import (
    CharterDoc,
    CommitmentDoc,
    IndicatorDoc,
    PrincipleDoc,
    parse_charter,
    render_charter,
)
from indicators import standing
from indicators.tables import Indicator
from kernel.caller import Caller
from kernel.db import audit, found, update_versioned, write_transaction
from kernel.errors import N_, Conflict, FieldError, InvalidInput, MalformedInput, NotFound, worded
from kernel.text import LANG_PATTERN
from kernel.versions import ANY_VERSION, Precondition, check_version


def _with(texts: dict[str, str], lang: str, text: str) -> dict[str, str]:
    """The texts with `lang` set to `text`, or removed when the document leaves it empty."""
    out = {k: v for k, v in texts.items() if k != lang}
    if text.strip():
        out[lang] = text.strip()
    return out


async def _stored(charter_id: int) -> tuple[list[dict], list[dict], list[dict]]:
    principles = (
        await Principle.select()
        .where(Principle.charter == charter_id)
        .order_by(Principle.position)
        .output(load_json=True)
    )
    commitments = (
        await Commitment.select(*Commitment.all_columns(), Commitment.principle.code.as_alias("parent"))
        .where(Commitment.charter == charter_id)
        .order_by(Commitment.position)
        .output(load_json=True)
    )
    indicators = (
        await Indicator.select(*Indicator.all_columns(), Indicator.commitment.code.as_alias("parent"))
        .where(Indicator.charter == charter_id)
        .order_by(Indicator.position)
        .output(load_json=True)
    )
    return principles, commitments, indicators


async def export_document(slug: str, lang: str | None = None) -> str:
    """The charter as a Markdown document in `lang` (default: its own language)."""
    charter = await Charter.select().where(Charter.slug == slug).output(load_json=True).first()
    if charter is None:
        raise NotFound(f"No charter {slug!r}.")
    lang = lang or charter["lang"]
    if not LANG_PATTERN.match(lang):
        raise MalformedInput(
            f"Invalid language {lang!r}.", [FieldError("lang", "Expected an ISO 639 code such as fr or ar.")]
        )
    if lang != charter["lang"] and lang not in charter["title"]:
        raise NotFound(
            f"Charter {slug!r} has no {lang!r} translation; it has {', '.join(sorted(charter['title']))}."
        )
    principles, commitments, indicators = await _stored(charter["id"])
    doc = CharterDoc(
        slug=slug,
        lang=lang,
        title=charter["title"].get(lang, ""),
        issuer=charter["issuer"],
        adopted_on=charter["adopted_on"],
        source_url=charter["source_url"],
        version=charter["edition"],
        preamble=charter["preamble"].get(lang, ""),
    )
    by_principle: dict[int, PrincipleDoc] = {}
    for p in principles:
        by_principle[p["id"]] = PrincipleDoc(
            p["code"], p["title"].get(lang, ""), p["description"].get(lang, "")
        )
        doc.principles.append(by_principle[p["id"]])
    by_commitment: dict[int, CommitmentDoc] = {}
    for c in commitments:
        by_commitment[c["id"]] = CommitmentDoc(
            c["code"], c["title"].get(lang, ""), c["description"].get(lang, "")
        )
        by_principle[c["principle"]].commitments.append(by_commitment[c["id"]])
    for i in indicators:
        by_commitment[i["commitment"]].indicators.append(
            IndicatorDoc(i["code"], i["title"].get(lang, ""), i["unit"], i["value_kind"], i["direction"])
        )
    return render_charter(doc)


async def import_document(
    caller: Caller,
    source: str,
    *,
    slug: str | None = None,
    lang: str | None = None,
    precondition: Precondition = ANY_VERSION,
) -> dict[str, Any]:
    """Create, extend or translate a charter from a Markdown document (secretariat only). Changing
    a charter that exists takes the version the caller read (`If-Match`; the command line and the
    demo loader act on the current version).

    Returns what changed: the charter's slug, the document's language, counts of items, and the
    charter's version.
    """
    caller.require_global_secretariat("edit charters")
    doc = _parse_for(source, slug, lang)
    async with write_transaction():
        charter = await Charter.select().where(Charter.slug == doc.slug).output(load_json=True).first()
        if charter is None or charter["lang"] == doc.lang:
            doc = parse_charter(source, lang=lang, base=True)
        before = await _document_before(charter, doc)
        if charter is not None and before is not None and before == render_charter(doc):
            return {
                "slug": doc.slug,
                "lang": doc.lang,
                "created": 0,
                "updated": 0,
                "version": charter["version"],
            }
        if charter is not None:
            check_version(f"Charter {doc.slug!r}", charter["version"], precondition)
        if charter is None:
            charter = await _create_charter(doc)
            counts = await _write_tree(charter, doc, translation=False)
        else:
            counts = await _update_charter(charter, doc)
        await standing.refresh_charter(charter["id"])
        await _audit_import(caller, doc, before)
        version = found(
            await Charter.select(Charter.version).where(Charter.slug == doc.slug).first(),
            f"Charter {doc.slug!r}",
        )["version"]
    return {"slug": doc.slug, "lang": doc.lang, **counts, "version": version}


@dataclass
class ItemChange:
    """One difference a document makes to a charter: an item it adds (`field` "item", `after` its
    title), or one text of the charter or of an item it changes, in the document's language."""

    kind: str
    """charter, principle, commitment or indicator."""
    code: str
    """The item's code ("" for the charter's own texts)."""
    field: str
    """item (an addition); title, description or unit; the charter's preamble, issuer,
    adopted_on, source_url or version."""
    before: str
    after: str
    parent: str | None = None
    line: int = 0


@dataclass
class DocumentPreview:
    """What applying a charter document would do, worked out without writing anything: the
    items it adds, the texts it changes, and the charter's version it was read against (the
    apply takes that version, so that a change made in between is not overwritten)."""

    slug: str
    lang: str
    title: str
    new_charter: bool
    new_language: bool
    version: int | None
    added: list[ItemChange] = field(default_factory=list)
    changed: list[ItemChange] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changes_nothing(self) -> bool:
        return not (self.new_charter or self.new_language or self.added or self.changed)


async def preview_document(caller: Caller, source: str, *, slug: str | None = None) -> DocumentPreview:
    """What `import_document` would do with `source` (secretariat only): the same checks, refused
    the same way (422 naming the lines, 409 for codes removed, moved or given a new type), and
    the items it would add and the texts it would change, listed; nothing is written."""
    caller.require_global_secretariat("edit charters")
    doc = _parse_for(source, slug, None)
    charter = await Charter.select().where(Charter.slug == doc.slug).output(load_json=True).first()
    if charter is None or charter["lang"] == doc.lang:
        doc = parse_charter(source, base=True)
    if charter is None:
        preview = DocumentPreview(doc.slug, doc.lang, doc.title, True, False, None)
        _diff_items(preview, doc, {}, translation=False)
        return preview
    principles, commitments, indicators = await _stored(charter["id"])
    stored = {("principle", p["code"]): p for p in principles}
    stored |= {("commitment", c["code"]): c for c in commitments}
    stored |= {("indicator", i["code"]): i for i in indicators}
    translation = charter["lang"] != doc.lang
    if translation and not doc.title:
        raise InvalidInput(
            "A translation needs a title.",
            [worded("line 1", N_("A translation needs a title in its front matter."))],
        )
    _check_codes(charter, doc, stored, translation)
    _check_kinds(doc, stored)
    new_language = translation and doc.lang not in charter["title"]
    preview = DocumentPreview(doc.slug, doc.lang, doc.title, False, new_language, charter["version"])
    header = [("title", charter["title"].get(doc.lang, ""), doc.title)]
    header.append(("preamble", charter["preamble"].get(doc.lang, ""), doc.preamble))
    if not translation:
        header += [
            ("issuer", charter["issuer"] or "", doc.issuer),
            ("adopted_on", str(charter["adopted_on"] or ""), str(doc.adopted_on or "")),
            ("source_url", charter["source_url"] or "", doc.source_url or ""),
            ("version", charter["edition"] or "", doc.version),
        ]
    for name, before, after in header:
        if before.strip() != after.strip():
            preview.changed.append(ItemChange("charter", "", name, before.strip(), after.strip(), line=1))
    _diff_items(preview, doc, stored, translation=translation)
    return preview


def _diff_items(
    preview: DocumentPreview, doc: CharterDoc, stored: dict[tuple[str, str], dict], *, translation: bool
) -> None:
    """Add to `preview` the items `doc` adds and the texts it changes, in document order."""
    lang = doc.lang
    items: list[tuple[str, PrincipleDoc | CommitmentDoc | IndicatorDoc, str | None]] = []
    for p in doc.principles:
        items.append(("principle", p, None))
        for c in p.commitments:
            items.append(("commitment", c, p.code))
            items.extend(("indicator", i, c.code) for i in c.indicators)
    for kind, item, parent in items:
        row = stored.get((kind, item.code))
        if row is None:
            preview.added.append(ItemChange(kind, item.code, "item", "", item.title, parent, item.line))
            continue
        texts = [("title", row["title"].get(lang, ""), item.title)]
        if isinstance(item, IndicatorDoc):
            if not translation:
                texts.append(("unit", row["unit"] or "", item.unit))
        else:
            texts.append(("description", row["description"].get(lang, ""), item.description))
        changes = [
            ItemChange(kind, item.code, name, before.strip(), after.strip(), parent, item.line)
            for name, before, after in texts
            if before.strip() != after.strip()
        ]
        preview.changed.extend(changes)
        preview.unchanged += not changes


def _parse_for(source: str, slug: str | None, lang: str | None) -> CharterDoc:
    """The document read as a translation (titles may be left out), refused when it is for another
    charter than `slug`."""
    doc = parse_charter(source, lang=lang, base=False)
    if slug is not None and doc.slug != slug:
        raise InvalidInput(
            f"The document is for {doc.slug!r}, not {slug!r}.",
            [worded("line 1", N_("Expected slug: %(slug)s."), slug=slug)],
        )
    return doc


async def _document_before(charter: dict[str, Any] | None, doc: CharterDoc) -> str | None:
    """The charter's document in the language of `doc` as stored now, or None when the charter or
    that language is new."""
    if charter and (doc.lang == charter["lang"] or doc.lang in charter["title"]):
        return await export_document(doc.slug, doc.lang)
    return None


async def _update_charter(charter: dict[str, Any], doc: CharterDoc) -> dict[str, int]:
    """Set the charter's title and preamble in the document's language (in the charter's own
    language also its issuer, adoption date, source and edition), then its items; returns the
    counts of items created and updated. A translation needs a title."""
    translation = charter["lang"] != doc.lang
    if translation and not doc.title:
        raise InvalidInput(
            "A translation needs a title.",
            [worded("line 1", N_("A translation needs a title in its front matter."))],
        )
    values: dict[Column, Any] = {
        Charter.title: dumps(_with(charter["title"], doc.lang, doc.title)),
        Charter.preamble: dumps(_with(charter["preamble"], doc.lang, doc.preamble)),
    }
    if not translation:
        values |= {
            Charter.issuer: doc.issuer,
            Charter.adopted_on: doc.adopted_on,
            Charter.source_url: doc.source_url,
            Charter.edition: doc.version,
        }
    await update_versioned(Charter, charter["id"], charter["version"], values, f"Charter {doc.slug!r}")
    return await _write_tree(charter, doc, translation=translation)


async def _audit_import(caller: Caller, doc: CharterDoc, before: str | None) -> None:
    """Record the charter's document in this language before and after the import."""
    after = await export_document(doc.slug, doc.lang)
    await audit(
        caller,
        "import" if before is None else "update",
        "charter_document",
        f"{doc.slug}/{doc.lang}",
        {"document": before} if before else None,
        {"document": after},
    )


async def _create_charter(doc: CharterDoc) -> dict[str, Any]:
    await Charter.insert(
        Charter(
            slug=doc.slug,
            lang=doc.lang,
            title=dumps({doc.lang: doc.title}),
            preamble=dumps({doc.lang: doc.preamble} if doc.preamble else {}),
            issuer=doc.issuer,
            adopted_on=doc.adopted_on,
            source_url=doc.source_url,
            edition=doc.version,
        )
    )
    return found(
        await Charter.select().where(Charter.slug == doc.slug).output(load_json=True).first(),
        f"Charter {doc.slug!r}",
    )


async def _write_tree(charter: dict[str, Any], doc: CharterDoc, *, translation: bool) -> dict[str, int]:
    """Insert new items and set this language's texts on existing ones."""
    principles, commitments, indicators = await _stored(charter["id"])
    stored = {("principle", p["code"]): p for p in principles}
    stored |= {("commitment", c["code"]): c for c in commitments}
    stored |= {("indicator", i["code"]): i for i in indicators}
    _check_codes(charter, doc, stored, translation)
    _check_kinds(doc, stored)
    counts = {"created": 0, "updated": 0}
    for p_pos, p in enumerate(doc.principles):
        row = await _write_section(
            Principle, charter, doc.lang, p, p_pos, stored.get(("principle", p.code)), counts
        )
        for c_pos, c in enumerate(p.commitments):
            crow = await _write_section(
                Commitment,
                charter,
                doc.lang,
                c,
                c_pos,
                stored.get(("commitment", c.code)),
                counts,
                principle=row["id"],
            )
            for i_pos, i in enumerate(c.indicators):
                await _write_indicator(
                    charter,
                    doc.lang,
                    i,
                    i_pos,
                    crow["id"],
                    stored.get(("indicator", i.code)),
                    counts,
                    translation,
                )
    return counts


_NOT_IN_BASE = {
    "principle": N_("Principle %(code)s (line %(line)s) is not in the charter's %(lang)s text."),
    "commitment": N_("Commitment %(code)s (under %(parent)s) is not in the charter's %(lang)s text."),
    "indicator": N_("Indicator %(code)s (under %(parent)s) is not in the charter's %(lang)s text."),
}
_MISSING_FROM_TRANSLATION = {
    "principle": N_("Principle %(code)s is missing from this translation."),
    "commitment": N_("Commitment %(code)s is missing from this translation."),
    "indicator": N_("Indicator %(code)s is missing from this translation."),
}
_REMOVED = {
    "principle": N_("Principle %(code)s is missing; codes are never removed or moved."),
    "commitment": N_("Commitment %(code)s is missing; codes are never removed or moved."),
    "indicator": N_("Indicator %(code)s is missing; codes are never removed or moved."),
}
_MOVED = {
    "principle": N_("Principle %(code)s is moved; codes are never removed or moved."),
    "commitment": N_("Commitment %(code)s is moved; codes are never removed or moved."),
    "indicator": N_("Indicator %(code)s is moved; codes are never removed or moved."),
}
_TAKEN = {
    "principle": N_("Code %(code)s is already a principle."),
    "commitment": N_("Code %(code)s is already a commitment."),
    "indicator": N_("Code %(code)s is already an indicator."),
}


def _check_codes(
    charter: dict[str, Any], doc: CharterDoc, stored: dict[tuple[str, str], dict], translation: bool
) -> None:
    """A translation has exactly the charter's codes; a document in the charter's language
    removes or moves none, and gives no code to two kinds of item. Each error names the line of
    the document it is on, or the whole document for a code it lacks."""
    stored_codes = {(kind, code, row.get("parent")) for (kind, code), row in stored.items()}
    doc_codes = set(doc.codes())
    lines = doc.lines()
    errors: list[FieldError] = []
    if translation:
        for kind, code, parent in sorted(doc_codes - stored_codes, key=str):
            errors.append(
                worded(
                    f"line {lines.get(code, 1)}",
                    _NOT_IN_BASE[kind],
                    code=repr(code),
                    parent=parent,
                    line=lines.get(code, 1),
                    lang=repr(charter["lang"]),
                )
            )
        for kind, code, _parent in sorted(stored_codes - doc_codes, key=str):
            errors.append(worded("document", _MISSING_FROM_TRANSLATION[kind], code=repr(code)))
        if errors:
            raise InvalidInput("A translation must have exactly the same codes as the charter.", errors)
        return
    by_code = {code: kind for kind, code, _ in doc.codes()}
    for kind, code, _parent in sorted(stored_codes - doc_codes, key=str):
        if code in by_code:
            errors.append(worded(f"line {lines.get(code, 1)}", _MOVED[kind], code=repr(code)))
        else:
            errors.append(worded("document", _REMOVED[kind], code=repr(code)))
    if errors:
        raise Conflict("The document would remove or move existing items.", errors)
    taken = {code: kind for kind, code in stored}
    for kind, code, _ in doc.codes():
        if code in taken and taken[code] != kind:
            errors.append(worded(f"line {lines.get(code, 1)}", _TAKEN[taken[code]], code=repr(code)))
    if errors:
        raise Conflict("Codes are unique within a charter.", errors)


def _check_kinds(doc: CharterDoc, stored: dict[tuple[str, str], dict]) -> None:
    """An indicator keeps its type and direction: a document that changes them is refused on the
    indicator's line (its values would change meaning)."""
    errors: list[FieldError] = [
        worded(
            f"line {i.line}",
            N_("Expected %(type)s | %(direction)s: an indicator's type and direction do not change."),
            type=row["value_kind"],
            direction=row["direction"],
        )
        for i in doc.indicators()
        if (row := stored.get(("indicator", i.code))) is not None
        and (row["value_kind"], row["direction"]) != (i.value_type, i.direction)
    ]
    if errors:
        raise Conflict("An indicator changes type or direction.", errors)


Section = TypeVar("Section", Principle, Commitment)
"""The parts of a charter that have a description: principles and commitments."""


async def _write_section(
    table: type[Section],
    charter: dict[str, Any],
    lang: str,
    item: PrincipleDoc | CommitmentDoc,
    position: int,
    row: dict[str, Any] | None,
    counts: dict[str, int],
    **parent: int,
) -> dict[str, Any]:
    """Insert a principle or a commitment (under its `parent`, given as a column), or set its
    texts in `lang`; returns its row (with its id)."""
    if row is None:
        counts["created"] += 1
        values: dict[str, Any] = {
            "charter": charter["id"],
            "code": item.code,
            "key": f"{charter['slug']}/{item.code}",
            "position": position,
            "title": dumps({lang: item.title}),
            "description": dumps(_with({}, lang, item.description)),
            **parent,
        }
        return (await table.insert(table(**values)).returning(table.id))[0]
    await table.update(
        {
            table.title: dumps(_with(row["title"], lang, item.title)),
            table.description: dumps(_with(row["description"], lang, item.description)),
        }
    ).where(table.id == row["id"])
    counts["updated"] += 1
    return row


async def _write_indicator(
    charter: dict[str, Any],
    lang: str,
    i: IndicatorDoc,
    position: int,
    commitment_id: int,
    row: dict[str, Any] | None,
    counts: dict[str, int],
    translation: bool,
) -> None:
    """Insert the indicator under its commitment, or set its texts in `lang` (and its unit, in
    the charter's language); its type and direction never change."""
    if row is None:
        await Indicator.insert(
            Indicator(
                charter=charter["id"],
                commitment=commitment_id,
                code=i.code,
                key=f"{charter['slug']}/{i.code}",
                position=position,
                title=dumps({lang: i.title}),
                unit=i.unit,
                value_kind=i.value_type,
                direction=i.direction,
            )
        )
        counts["created"] += 1
        return
    values: dict[Column | str, Any] = {Indicator.title: dumps(_with(row["title"], lang, i.title))}
    if not translation:
        values[Indicator.unit] = i.unit
    await Indicator.update(values).where(Indicator.id == row["id"])
    counts["updated"] += 1
