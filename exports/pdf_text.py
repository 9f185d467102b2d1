"""What a reader gets when they search, copy or listen to a report's Arabic text.

A PDF maps each drawn glyph to the text it stands for (the font's ToUnicode map). An Arabic
ligature (lam-alef "لا", "لأ", "لإ"...) is one glyph for two letters. Text extractors (Poppler's
`pdftotext`, and the screen readers and search indexes built on it) lay a glyph's letters out left
to right across its width and then read a right-to-left line from right to left, so a ligature
mapped in reading order comes out reversed: "األجل" for "الأجل". Writing the letters of a glyph
that only right-to-left text uses in visual order makes them come out in reading order.

The renderer also maps each glyph to the text of the cluster it was first seen in, so a vowel mark
first drawn over a lam-alef stands for "لًا" everywhere after ("التزاملًاا" for "التزامًا"). For the
package's Arabic faces, each glyph is mapped instead to the letters it is made from, read from the
font itself: its character map, then its contextual forms and ligatures.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path
from typing import Any

_TO_UNICODE_START = b"/CIDInit /ProcSet findresource begin"


def _right_to_left(ch: str) -> bool:
    code = ord(ch)
    return (
        0x0590 <= code <= 0x08FF  # Hebrew, Arabic, Syriac, Thaana, NKo, Arabic supplements
        or 0xFB1D <= code <= 0xFDFF  # Hebrew and Arabic presentation forms A
        or 0xFE70 <= code <= 0xFEFF  # Arabic presentation forms B
    )


def visual_ligature(text: str) -> str:
    """The letters of one glyph in the order an extractor expects: reversed when the glyph
    stands for two or more right-to-left letters, as is (Latin "fi", a lone letter) otherwise."""
    if len(text) > 1 and all(_right_to_left(ch) for ch in text):
        return text[::-1]
    return text


FONT_DIR = Path(__file__).resolve().parent / "assets" / "fonts"
_ARABIC_FACES = {
    "Report-Arabic": "NotoSansArabic-Regular.ttf",
    "Report-Arabic-Bold": "NotoSansArabic-Bold.ttf",
}


@functools.cache
def glyph_letters(file_name: str) -> dict[int, str]:
    """Glyph id → the letters it stands for, in reading order, for one of the package's fonts:
    from the character map, then through the font's substitutions (initial, medial and final
    forms, alternates) and ligatures, until nothing more is learnt."""
    from fontTools.ttLib import TTFont

    font = TTFont(FONT_DIR / file_name, lazy=True)
    order = {name: gid for gid, name in enumerate(font.getGlyphOrder())}
    cmap = font.getBestCmap()
    # Presentation forms (U+FB50–FDFF, U+FE70–FEFF) name contextual glyphs too; a reader wants
    # the letters, so they are learnt from the substitutions first and only used as a last resort.
    text = {name: chr(code) for code, name in cmap.items() if not _presentation_form(code)}
    subtables = []
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for sub in lookup.SubTable:
            sub = sub.ExtSubTable if lookup.LookupType == 7 else sub
            subtables.append(sub)
    for _ in range(4):
        learnt = 0
        for sub in subtables:
            pairs: list[tuple[list[str], str]] = []
            if hasattr(sub, "mapping"):
                pairs = [([source], target) for source, target in sub.mapping.items()]
            elif hasattr(sub, "alternates"):
                pairs = [([source], t) for source, targets in sub.alternates.items() for t in targets]
            elif hasattr(sub, "ligatures"):
                pairs = [
                    ([first, *lig.Component], lig.LigGlyph)
                    for first, ligs in sub.ligatures.items()
                    for lig in ligs
                ]
            for sources, target in pairs:
                if target not in text and all(s in text for s in sources):
                    text[target] = "".join(text[s] for s in sources)
                    learnt += 1
        if not learnt:
            break
    for code, name in cmap.items():
        if _presentation_form(code) and name not in text:
            text[name] = unicodedata.normalize("NFKC", chr(code))
    return {order[name]: letters for name, letters in text.items() if name in order}


def _presentation_form(code: int) -> bool:
    return 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF


def warm_up() -> None:
    """Read the Arabic faces' letters now (a tenth of a second), not during the first report."""
    for file_name in _ARABIC_FACES.values():
        glyph_letters(file_name)


def _mapping_line(line: bytes, letters: dict[int, str] | None = None) -> bytes:
    """One `<glyph> <UTF-16BE>` line of a ToUnicode map, with its text in visual order (and, for
    an Arabic face, the glyph's own letters)."""
    if not line.startswith(b"<") or b"> <" not in line:
        return line
    glyph, hex_text = line[1:-1].split(b"> <", 1)
    try:
        text = bytes.fromhex(hex_text.decode("ascii")).decode("utf-16-be")
        gid = int(glyph, 16)
    except (ValueError, UnicodeDecodeError):
        return line
    if letters and gid in letters:
        text, hex_text = letters[gid], b""
    turned = visual_ligature(text)
    if turned == text and hex_text:
        return line
    return b"<" + glyph + b"> <" + turned.encode("utf-16-be").hex().encode("ascii") + b">"


def fix_ligature_text(_document: Any, pdf: Any) -> None:
    """A WeasyPrint finisher: rewrite the ToUnicode maps of the fonts about to be written (they
    are still lists of lines; the streams are compressed when the file is written)."""
    import pydyf

    faces: dict[int, str] = {}
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Font" and "ToUnicode" in obj:
            base = obj.get("BaseFont", b"")
            name = (base.decode() if isinstance(base, bytes) else str(base)).lstrip("/").split("+", 1)[-1]
            if name in _ARABIC_FACES:
                faces[int(bytes(obj["ToUnicode"]).split()[0])] = _ARABIC_FACES[name]
    for number, obj in enumerate(pdf.objects):
        if isinstance(obj, pydyf.Stream) and obj.stream and obj.stream[0] == _TO_UNICODE_START:
            letters = glyph_letters(faces[number]) if number in faces else None
            obj.stream[:] = [_mapping_line(line, letters) for line in obj.stream]
