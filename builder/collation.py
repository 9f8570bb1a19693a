"""Alphabetical order and letter headings as a dictionary of the book's language has them, from ICU.

The one place that orders words for a reader: the glossary (and the index) sort with :func:`sort_key` and
head their groups with :func:`letter`. Both are ICU's (PyICU), whose collation and index characters come
from CLDR: Spanish files ``ñandú`` after ``nube`` under its own Ñ, Swedish puts Å, Ä and Ö after Z as
letters of their own, German files Ä under A, Russian and Arabic words go under their own alphabet's
letters. A language ICU does not know gets the root order (the Unicode Collation Algorithm's).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import icu

# The index letters of a language, and English's A–Z beside them, so that a Latin word in a Persian or
# Russian glossary is filed under its letter rather than under ICU's "other" bucket.
_LATIN_LABELS = icu.Locale('en')


def sort_key(language: str) -> Callable[[str], object]:
    """A key function for ``sorted``: the order of a dictionary in ``language`` (a BCP 47 tag)."""
    return _collator(language).getSortKey


def letter(text: str, language: str) -> str:
    """The letter heading a dictionary in ``language`` files ``text`` under ("Ñ" for ``ñandú`` in Spanish,
    "A" for ``Ärger`` in German, "Ä" for ``ära`` in Swedish); leading punctuation is skipped. An empty
    string when the text begins with no letter (a number, a symbol): the caller gives those its own heading."""
    start = next((i for i, char in enumerate(text) if char.isalnum()), None)
    if start is None or not text[start].isalpha():
        return ''
    index = _index(language)
    label, kind = index.getBucket(index.getBucketIndex(text[start:]))
    if kind != icu.UAlphabeticIndexLabelType.NORMAL:
        return text[start].upper()  # a script with no index letters: the word's own first letter
    return label


@functools.cache
def _collator(language: str) -> icu.Collator:
    return icu.Collator.createInstance(_locale(language))


@functools.cache
def _index(language: str) -> icu.ImmutableIndex:
    index = icu.AlphabeticIndex(_locale(language))
    index.addLabels(_LATIN_LABELS)
    return index.buildImmutableIndex()


def _locale(language: str) -> icu.Locale:
    return icu.Locale.forLanguageTag(language)
