"""Which source each quotation of a chapter reproduces: its passages, and the sources a book acknowledges.

:mod:`builder.markdown.quotations` finds the quotations and the citations
that attribute them. A quotation counts for a source only when it is in the
source's language (CSL ``language``, primary subtag; a source without one
takes every quotation): an English quotation attributed to a French text is
our translation, not the text's words. A citation that names as many sources
as it attributes quotations, two or more, pairs them in order
(``« a » … « b » [@x; @y]``: a is x's, b is y's); otherwise each quotation
goes to every source named.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ..citations.load import Reference
from ..diagnostics import SourceLocation
from ..markdown.quotations import quotations_of
from ..model import Book, ParsedChapter


@dataclass(frozen=True)
class Passage:
    source: str  # the reference id
    chapter_id: str
    words: int
    text: str
    block: bool
    citation_id: str | None  # the attributing citation's element id: its printed page is the passage's
    location: SourceLocation


@dataclass(frozen=True)
class Acknowledgements:
    """What an output owes its sources: the back matter's lines and the credit lines under block quotes."""

    sources: tuple[Reference, ...] = ()  # the sources quoted, in the references file's order
    block_credits: dict[str, str] = field(default_factory=dict)  # a block quote's citation id -> credit line


def passages(parsed: ParsedChapter, references: tuple[Reference, ...], book_language: str) -> Iterator[Passage]:
    """The chapter's passages, each given to the sources it reproduces.

    Only quotations whose citation is still in the chapter's tokens count: the
    chapter may be an edition's, without another edition's content.
    """
    languages = {r.id: _primary(r.data.get('language')) for r in references}
    # By place in the source: a note style moves a citation into a footnote, as a copy of its token.
    present: dict[object, object] = {}
    for token in parsed.tokens:
        for child in token.children or ():
            if child.type == 'citation':
                present.setdefault(child.meta.get('loc'), child)
    quotations = quotations_of(parsed.env)
    for quotation in quotations:
        language = _primary(quotation.language) or _primary(book_language)
        for written in quotation.citations:
            citation = present.get(written.meta.get('loc'))
            if citation is None:
                continue
            keys = list(dict.fromkeys(item.key for item in citation.meta['items']))
            shared = [q for q in quotations if any(c is written for c in q.citations)]
            if len(keys) == len(shared) > 1:
                keys = [keys[shared.index(quotation)]]
            for key in keys:
                if key in languages and languages[key] in (None, language):
                    yield Passage(key, parsed.chapter.id, quotation.words, quotation.text, quotation.block,
                                  citation.meta.get('id'), written.meta.get('loc') or quotation.location)


def acknowledge(book: Book, chapters: tuple[ParsedChapter, ...]) -> Acknowledgements:
    """The sources the chapters quote, and the block quotes' credit lines; none in a book that records no rights
    (its outputs stay as they were before it started clearing its sources)."""
    if not any(r.rights for r in book.references):
        return Acknowledgements()
    found = [p for parsed in chapters for p in passages(parsed, book.references, book.config.language)]
    quoted = {p.source for p in found}
    credits = {r.id: r.rights.credit for r in book.references if r.rights and r.rights.credit}
    return Acknowledgements(tuple(r for r in book.references if r.id in quoted),
                            {p.citation_id: credits[p.source] for p in found
                             if p.block and p.citation_id and p.source in credits})


def _primary(tag: object) -> str | None:
    return str(tag).split('-')[0].lower() if tag else None
