"""format_citations on its own: Pandoc's citeproc, read back into our values."""

from __future__ import annotations

from pathlib import Path

from builder.citations.format import CitationUse, format_citations
from builder.citations.load import Reference
from builder.citations.styles import BUNDLED, find_style
from builder.diagnostics import SourceLocation
from builder.model import CiteItem

BOOK = {'id': 'Kalinovsky2011', 'type': 'book', 'title': 'A long goodbye & *more*',
        'author': [{'family': 'Kalinovsky', 'given': 'Artemy M.'}], 'issued': {'date-parts': [[2011]]}}
HERE = SourceLocation('chapters/01.md', 3, 5)


def formatted(*uses: CitationUse, style: str = 'chicago-author-date'):
    references = [Reference('Kalinovsky2011', BOOK, SourceLocation('references.yaml', 1))]
    return format_citations(references, uses, find_style(style, BUNDLED, 'en'), Path('references.yaml'))


def test_a_key_with_capitals_is_cited_and_linked_and_text_is_escaped():
    result = formatted(CitationUse('c1', (CiteItem('Kalinovsky2011', label='page', locator='9'),), HERE,
                                   raw='[@Kalinovsky2011, p. 9]'))
    assert result.citations['c1'] == '(<a href="#ref-Kalinovsky2011">Kalinovsky 2011, 9</a>)'
    [entry] = result.entries['']
    assert entry.id == 'ref-Kalinovsky2011' and entry.citations == ('c1',)
    assert '<em>A Long Goodbye &amp; <em>More</em></em>' in entry.html, entry.html
    assert not result.diagnostics


def test_what_pandoc_does_not_read_as_a_citation_is_printed_as_written_with_a_warning():
    result = formatted(CitationUse('c1', (CiteItem('Kalinovsky2011'),), HERE, raw='[@Kalinovsky2011]'),
                       CitationUse('c2', (CiteItem('Kalinovsky2011'),), HERE, raw='<not one>'))
    assert result.citations['c2'] == '&lt;not one&gt;'
    assert [(d.code, str(d.location)) for d in result.diagnostics] == [('citation-unread', 'chapters/01.md:3:5')]


def test_an_unknown_key_is_an_error_with_did_you_mean():
    result = formatted(CitationUse('c1', (CiteItem('kalinovsky2011'),), HERE, raw='[@kalinovsky2011]'))
    assert result.citations['c1'] == '[kalinovsky2011?]'
    assert [(d.code, d.message) for d in result.diagnostics if d.code == 'cite-unknown'] == [
        ('cite-unknown', "no reference 'kalinovsky2011' (did you mean 'Kalinovsky2011'?)")]
