"""Citation syntax as the parser reads it: the items of a bracket, tokens with their place, note-style calls."""

from __future__ import annotations

import pytest

from builder.diagnostics import Diagnostics
from builder.markdown import make_parser
from builder.markdown.citations import parse_items
from builder.markdown.state import new_env
from builder.model import CiteItem


@pytest.mark.parametrize('inside, expected', [
    ('@a', (CiteItem('a'),)),
    ('@a, p. 12', (CiteItem('a', label='page', locator='12'),)),
    ('see @a, pp. 3--5; @b, chap. 2', (CiteItem('a', prefix='see ', label='page', locator='3–5'),
                                        CiteItem('b', label='chapter', locator='2'))),
    ('-@a', (CiteItem('a', suppress_author=True),)),
    ('@fr-accords-geneve, para. 2', (CiteItem('fr-accords-geneve', label='paragraph', locator='2'),)),
    ('@en-soviet-withdrawal, sec. National Reconciliation',
     (CiteItem('en-soviet-withdrawal', label='section', locator='National Reconciliation'),)),
    ('@a, p. 33, my emphasis', (CiteItem('a', suffix=', my emphasis', label='page', locator='33'),)),
    ('@a, 33', (CiteItem('a', label='page', locator='33'),)),
    ('@a, and elsewhere', (CiteItem('a', suffix=', and elsewhere'),)),
    ('@a, vol. 2, p. {iv, 3}', (CiteItem('a', suffix=', p. {iv, 3}', label='volume', locator='2'),)),
    ('@{odd key}', (CiteItem('odd key'),)),
    ('no key here', None),
    ('@a; plain words', None),
])
def test_citation_items(inside, expected):
    assert parse_items(inside) == expected


def tokens_of(source: str, notes: bool = False):
    env = new_env('ch', 'chapters/ch.md', Diagnostics())
    tokens = make_parser('en', citation_notes=notes).parse(source, env)
    return [c for t in tokens for c in t.children or () if c.type in ('citation', 'footnote_ref')], env


def test_citation_tokens_carry_line_column_and_ids():
    found, _ = tokens_of('Intro.\n\n- > A list [@a, p. 3] and\n  @b says; mail me@example.org [x](#y).\n')
    assert [(t.meta['items'][0].key, t.meta['narrative'], t.meta['loc'].line, t.meta['loc'].column, t.meta['id'])
            for t in found] == [('a', False, 3, 12, 'cite-ch-1'), ('b', True, 4, 3, 'cite-ch-2')]


def test_note_style_citations_become_footnotes_in_one_sequence_after_punctuation():
    found, env = tokens_of('First[^1] then [@a]. Then @b says.\n\n[^1]: An author note [@c].\n', notes=True)
    refs = [t.meta['id'] for t in found if t.type == 'footnote_ref']
    assert refs == [0, 1, 2]  # author note 1, then the two citations, in reading order
    notes = env['footnotes']['list']
    assert [notes[i].get('label') for i in range(3)] == ['1', None, None]
    html = make_parser('en', citation_notes=True).render('Then [@a].\n', new_env('ch', 'c.md', Diagnostics()))
    assert 'Then.<a class="noteref"' in html  # the call follows the full stop


def test_a_books_language_adds_its_own_locator_labels_as_pandoc_reads_them():
    from builder.citations.terms import locator_terms
    from builder.markdown.citations import locator_forms

    german = locator_forms(locator_terms('de'))
    (item,) = parse_items('@kalinovsky2011, S. 12', german)
    assert (item.label, item.locator) == ('page', '12')
    (item,) = parse_items('@kalinovsky2011, Kap. 4', german)
    assert (item.label, item.locator) == ('chapter', '4')
    (item,) = parse_items('@kalinovsky2011, p. 12', german)  # the English labels stay readable
    assert (item.label, item.locator) == ('page', '12')
    (item,) = parse_items('@kalinovsky2011, S. 12')  # an English book reads no German
    assert item.label is None and item.suffix.strip(', ') == 'S. 12'
