"""A glossary term's forms, and how a form in the text is compared with them.

The glossary's checks (:mod:`.terms`) and the Markdown plugin that finds the
uses (:mod:`builder.markdown.terms`) both need them: they live here, with the
glossary, so that loading a glossary imports no Markdown plugin.
"""

from __future__ import annotations

# Curly apostrophes and no-break spaces compare as straight apostrophes and spaces.
APOSTROPHES = str.maketrans({'\u2019': "'", '\u2018': "'", '\u00a0': ' '})


def normalize(text: str) -> str:
    """A form as the index compares it: straight apostrophes, single spaces."""
    return ' '.join(text.translate(APOSTROPHES).split())


def all_forms(term) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(form, kind) for a glossary term itself and each of its other forms."""
    return [(term.term, 'term'), *((f.form, f.kind) for f in term.forms)]
