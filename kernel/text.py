"""Text rules shared by every package: stable codes and translatable text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from kernel.errors import FieldError, InvalidInput

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}\Z")
LANG_PATTERN = re.compile(r"^[a-z]{2,3}\Z")
# Bidi embedding/override/isolate controls: they can make a title read backwards on screen.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def normalize_code(raw: str) -> str:
    """A public key as stored: NFKC, invisible (format and control) characters removed, trimmed.

    `ECS-CULT-01` and `ECS-CULT-01` followed by a zero-width space are the same code.
    """
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cf", "Cc"})
    return text.strip()


def check_code(raw: str, field: str, *, slug: bool = False) -> str:
    """Normalise a code or slug and refuse one that cannot serve as a key in a URL."""
    code = normalize_code(raw)
    pattern = SLUG_PATTERN if slug else CODE_PATTERN
    if not pattern.match(code):
        expected = (
            "lower-case letters, digits and hyphens, starting with a letter or digit"
            if slug
            else "letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64"
        )
        raise InvalidInput(f"Invalid {field} {code!r}.", [FieldError(field, f"Expected {expected}.")])
    return code


def strip_bidi_controls(text: str) -> str:
    """Remove bidi overrides so that a title cannot reorder the text around it."""
    return text.translate(BIDI_CONTROLS)


def language_of(locale: str) -> str:
    """`fr-TN` → `fr`."""
    return locale.replace("_", "-").split("-")[0].lower()


def translatable(value: str | Mapping[str, str], default_lang: str, field: str) -> dict[str, str]:
    """Accept a plain string (in the default language) or a `{lang: text}` object."""
    mapping = {default_lang: value} if isinstance(value, str) else dict(value)
    cleaned: dict[str, str] = {}
    for lang, text in mapping.items():
        if not LANG_PATTERN.match(lang):
            raise InvalidInput(
                f"Invalid language key {lang!r} in {field}.",
                [FieldError(f"{field}.{lang}", "Expected an ISO 639 language code such as fr or ar.")],
            )
        if text.strip():
            cleaned[lang] = text.strip()
    if not cleaned:
        raise InvalidInput(f"{field} is empty.", [FieldError(field, "Expected a non-empty text.")])
    return cleaned


def pick(texts: Mapping[str, str] | None, lang: str | None, fallback: str) -> str:
    """The text in `lang`, else in the fallback language, else any; empty when there is none."""
    picked = picked_language(texts, lang, fallback)
    return texts[picked] if texts and picked else ""


def picked_language(texts: Mapping[str, str] | None, lang: str | None, fallback: str) -> str | None:
    """The language of the text `pick` gives: `lang` where it has a text, else the fallback
    language, else the first there is; None when there is no text at all. A page marks a text
    whose language differs from its own with it."""
    if not texts:
        return None
    for key in (lang, fallback):
        if key and texts.get(key):
            return key
    return next(iter(texts))
