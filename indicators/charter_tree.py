"""A charter as a tree (principles, commitments, indicators, in the asked language), and an
indicator of that tree as one city may report on it: one that measures a commitment it adopted."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from charter.services import get_charter_or_raise
from charter.tables import Charter, Principle
from commitments.tables import Adoption, Commitment
from indicators.schemas import CharterRead, CommitmentDef, IndicatorDef, PrincipleDef
from indicators.tables import Indicator
from kernel.errors import Conflict, FieldError, NotFound
from kernel.markdown import render_markdown
from kernel.text import normalize_code, pick, picked_language


async def charter_tree(slug: str, lang: str | None) -> CharterRead:
    """The charter with its principles, commitments and indicators, in `lang` where translated."""
    charter = await Charter.select().where(Charter.slug == slug).output(load_json=True).first()
    if charter is None:
        raise NotFound(f"No charter {slug!r}.")
    base = charter["lang"]
    preamble_md, preamble_html, preamble_lang = described(charter["preamble"], lang, base)
    by_principle = await _commitments_by_principle(charter["id"], lang, base)
    return CharterRead(
        slug=charter["slug"],
        lang=base,
        title=pick(charter["title"], lang, base),
        title_i18n=charter["title"],
        preamble_md=preamble_md,
        preamble_html=preamble_html,
        preamble_lang=preamble_lang,
        issuer=charter["issuer"],
        adopted_on=charter["adopted_on"],
        source_url=charter["source_url"],
        version=charter["edition"],
        languages=sorted(charter["title"]),
        principles=[
            PrincipleDef(
                p["code"],
                pick(p["title"], lang, base),
                picked_language(p["title"], lang, base),
                *described(p["description"], lang, base),
                by_principle[p["id"]],
            )
            for p in await _in_order(Principle, charter["id"])
        ],
    )


def described(
    translations: Mapping[str, str] | None, lang: str | None, base: str
) -> tuple[str | None, str | None, str | None]:
    """A charter text (a preamble, a description) in `lang` where translated, as Markdown, as
    HTML, and the language it is in; an empty text is no text, in no language."""
    text = pick(translations, lang, base) or None
    return text, render_markdown(text), picked_language(translations, lang, base) if text else None


async def _in_order(
    table: type[Principle] | type[Commitment] | type[Indicator], charter_id: int
) -> list[dict[str, Any]]:
    """The charter's principles, commitments or indicators, in the charter's order."""
    return (
        await table.select()
        .where(table.charter == charter_id)
        .order_by(table.position)
        .output(load_json=True)
    )


async def _commitments_by_principle(
    charter_id: int, lang: str | None, base: str
) -> dict[int, list[CommitmentDef]]:
    """The charter's commitments, each with its indicators, under the id of their principle."""
    by_commitment: dict[int, list[IndicatorDef]] = defaultdict(list)
    for i in await _in_order(Indicator, charter_id):
        by_commitment[i["commitment"]].append(
            IndicatorDef(
                i["code"],
                pick(i["title"], lang, base),
                picked_language(i["title"], lang, base),
                i["unit"],
                i["value_kind"],
                i["direction"],
            )
        )
    by_principle: dict[int, list[CommitmentDef]] = defaultdict(list)
    for c in await _in_order(Commitment, charter_id):
        by_principle[c["principle"]].append(
            CommitmentDef(
                c["code"],
                pick(c["title"], lang, base),
                picked_language(c["title"], lang, base),
                *described(c["description"], lang, base),
                by_commitment[c["id"]],
            )
        )
    return by_principle


async def indicator_for_city(city: dict[str, Any], charter_slug: str, code: str) -> dict[str, Any]:
    """The indicator, which must measure a commitment the city has adopted."""
    charter = await get_charter_or_raise(charter_slug)
    row = (
        await Indicator.select()
        .where((Indicator.charter == charter["id"]) & (Indicator.code == normalize_code(code)))
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound(f"Charter {charter_slug!r} has no indicator {code!r}.")
    adopted = await Adoption.exists().where(
        (Adoption.city == city["id"]) & (Adoption.commitment == row["commitment"])
    )
    if not adopted:
        raise Conflict(
            f"{city['slug']!r} has not adopted the commitment that {code!r} measures; adopt it first.",
            [FieldError("indicator", "Expected an indicator of an adopted commitment.")],
        )
    return {**row, "charter_slug": charter["slug"]}
