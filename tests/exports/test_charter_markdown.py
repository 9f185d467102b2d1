"""Charters as Markdown: the parser, its errors, and the round trip."""

from pathlib import Path

import pytest

from exports.charter_markdown import parse_charter, render_charter
from kernel.errors import InvalidInput
from tests.builders import CHARTER_MD, DEMO_CHARTERS


def _errors(source: str) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        parse_charter(source)
    return [f"{e.field}: {e.message}" for e in caught.value.errors]


def test_parses_the_whole_tree() -> None:
    """Front matter, preamble, principles, commitments and indicator tables become a tree."""
    doc = parse_charter(CHARTER_MD)
    assert (doc.slug, doc.lang, doc.title, doc.issuer) == ("lampedusa", "en", "Lampedusa Charter", "UCLG")
    assert doc.preamble == "Cities commit to dignity and equity."
    assert [p.code for p in doc.principles] == ["DIG", "EQU"]
    dig = doc.principles[0]
    assert dig.description == "Ensure the dignity and protection of all persons."
    assert [c.code for c in dig.commitments] == ["LAM-DIG-01", "LAM-DIG-02"]
    first = dig.commitments[0].indicators
    assert [(i.code, i.value_type, i.direction) for i in first] == [
        ("LAM-DIG-01-I1", "count", "increase"),
        ("LAM-DIG-01-I2", "days", "decrease"),
    ]


@pytest.mark.parametrize("path", sorted(DEMO_CHARTERS.glob("*.md")), ids=lambda p: p.name)
def test_demo_documents_round_trip(path: Path) -> None:
    """Every shipped charter document parses, renders and parses back to the same tree."""
    source = path.read_text(encoding="utf-8")
    base = path.name.endswith(".en.md")
    doc = parse_charter(source, base=base)
    again = parse_charter(render_charter(doc), base=base)
    assert again == doc
    assert render_charter(again) == render_charter(doc)


def test_commitment_before_any_principle_names_its_line() -> None:
    """A `###` before any `##` is refused, naming the line."""
    errors = _errors("---\nslug: x\nlang: en\ntitle: X\n---\n\n### C-1: Too early\n")
    assert errors == ["line 7: Commitment 'C-1' comes before any principle (`## CODE: Title`)."]


def test_duplicate_code_names_both_lines() -> None:
    """A code used twice is refused with both lines."""
    source = "---\nslug: x\nlang: en\ntitle: X\n---\n\n## P: One\n\n### C-1: A\n\n### C-1: B\n"
    assert _errors(source) == ["line 11: Duplicate code 'C-1': also on line 9."]


def test_zero_width_space_does_not_make_a_new_code() -> None:
    """`C-1` and `C-1` + U+200B collide."""
    source = "---\nslug: x\nlang: en\ntitle: X\n---\n\n## P: One\n\n### C-1: A\n\n### C-1\u200b: B\n"
    assert _errors(source) == ["line 11: Duplicate code 'C-1': also on line 9."]


def test_missing_and_unknown_columns_are_named() -> None:
    """An indicator table must have exactly the five columns."""
    source = (
        "---\nslug: x\nlang: en\ntitle: X\n---\n\n## P: One\n\n### C-1: A\n\n"
        "| code | indicator | type | colour |\n|---|---|---|---|\n| I-1 | n | count | red |\n"
    )
    errors = _errors(source)
    assert errors[0] == "line 11: Indicator table is missing column(s): unit, direction."
    assert errors[1].startswith("line 11: Indicator table has unknown column(s): colour")


def test_unknown_type_and_direction_name_the_row() -> None:
    """An unknown type or direction is refused on its row, with the allowed values."""
    source = (
        "---\nslug: x\nlang: en\ntitle: X\n---\n\n## P: One\n\n### C-1: A\n\n"
        "| code | indicator | unit | type | direction |\n|---|---|---|---|---|\n"
        "| I-1 | n | u | money | up |\n"
    )
    errors = _errors(source)
    assert errors[0].startswith("line 13: Unknown type 'money'; expected one of count, percent")
    assert errors[1] == "line 13: Unknown direction 'up'; expected increase or decrease."


def test_front_matter_is_required_and_checked() -> None:
    """A document without front matter, or with a bad slug or date, is refused."""
    assert _errors("## P: One\n")[0].startswith("line 1: The document must start with YAML front matter")
    errors = _errors("---\nslug: Not A Slug\nlang: en\ntitle: X\nadopted_on: 2000-05\n---\n")
    assert any("Invalid slug" in e for e in errors)
    assert any("adopted_on '2000-05' is not a date" in e for e in errors)


def test_titles_are_required_in_the_base_language_only() -> None:
    """A translation may leave a title out; the base text may not."""
    source = "---\nslug: x\nlang: en\ntitle: X\n---\n\n## P\n"
    assert _errors(source) == ["line 7: Heading 'P' has no title: expected `P: Title`."]
    assert parse_charter(source, base=False).principles[0].title == ""
