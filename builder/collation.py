"""Text in the order and under the letters a reader of the book's language expects.

The glossary and the index sort their entries with :func:`sort_key` and head
their groups with :func:`letter`. This version sorts by the Unicode Collation
Algorithm's default table (pyuca), the same for every language, so that
"Élysée" files under E, not after Z; a language-tailored version (ICU) keeps
this interface.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import cache

import pyuca


@cache
def _collator() -> pyuca.Collator:
    return pyuca.Collator()


def sort_key(language: str) -> Callable[[str], object]:
    """The key that sorts texts of ``language`` as its readers expect."""
    return _collator().sort_key


def letter(text: str, language: str) -> str:
    """The letter ``text`` files under: its first letter's base letter, upper case ("Élysée" -> "E");
    for a text that starts with no letter (a numeral, a symbol), its first character that is not space."""
    first = next((c for c in text if c.isalnum()), text.strip()[:1] or '#')
    return unicodedata.normalize('NFD', first)[0].upper() if first.isalpha() else first
