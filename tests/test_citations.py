"""Citations and the bibliography in built books: the formatted PDF and EPUB, note styles, and bad input.

The syntax alone, without a build: ``tests/unit/test_citation_syntax.py``.
"""

from __future__ import annotations

import re

import pytest
from lxml import etree

from conftest import (EPUB_NS, LOCATED, MAIN_EDITION, XHTML, build, copy_book, copy_built, dist_fingerprint, epub_files,
                      epubcheck, expand_pages, page_labels, pdf_pages_text, replace_text, set_key)

pytestmark = pytest.mark.build  # every test here lays out a book


def words(text: str) -> str:
    return ' '.join(text.replace('\u2010', '-').split())


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
                     '(Wikipedia, “Soviet withdrawal from Afghanistan,” sec. National', 'see Hughes (2008, 330)', '(United Nations 1988)',
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
        'Kalinovsky, Artemy M. 2011.': ('Kalinovsky 2011', 'Kalinovsky (2011)', '(2011, 149)'),
        'Hughes, Geraint.': ('Hughes 2008', 'Hughes (2008'),
        'Roy, Olivier.': ('Roy 1985', '(1985, 3)'),
    }
    printed_pages = {}
    labels = page_labels(cited_book.output('.pdf'))  # the numbers the pages print
    for entry, forms in cited_at.items():
        listed = re.search(re.escape(entry) + r'.*?Cited on (pp?)\. ([\d, –]+)\.', bibliography)
        assert listed, entry
        printed = [page for run in listed[2].split(', ') for page in expand_pages(run)]
        actual = [int(labels[i]) for i, p in enumerate(pages[:start]) if any(f in p for f in forms)]
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
    run = build(book, *MAIN_EDITION)
    assert run.code == 0, run.err
    files = epub_files(run.output('.epub'))
    assert 'EPUB/bibliography.xhtml' not in files
    second = etree.fromstring(files['EPUB/accords.xhtml'])
    lists = second.findall(f'.//{XHTML}section[@class="chapter-references"]')
    assert len(lists) == 1 and lists[0].findtext(f'{XHTML}h2') == 'Works Cited Here'
    ids = [p.get('id') for p in lists[0].iter(f'{XHTML}p')]
    assert ids == ['ref-accords-nyt1989', 'ref-accords-hughes2008', 'ref-accords-kalinovsky2011',
                   'ref-accords-roy1985', 'ref-accords-un-geneva']
    # Built with its PDF, the EPUB's entries give the print pages on which they are cited, as the PDF's do
    # (an EPUB built alone has them only from a layout of the same book: layout/known_pages.py).
    text = words(''.join(lists[0].itertext()))
    assert re.search(r'Cited on pp?\. \d+', text), text
    epubcheck(run.output('.epub'))


@pytest.mark.parametrize('fmt', ['json', 'bib'])
def test_csl_json_and_bibtex_input(tmp_path, fmt):
    book = copy_book('citations', tmp_path)
    (book / 'references.yaml').unlink()
    (book / 'chapters' / '03-cases.md').unlink()
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
                     r'Cited in chapter 1 \(1, 2, 3\), chapter 2\.', text), text  # an EPUB alone: no page numbers
    epubcheck(run.output('.epub'))


# ---- bad input ----


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


def test_unknown_key_is_located_with_did_you_mean(cited_book, tmp_path):
    found, _ = failed_build(cited_book, tmp_path, lambda b: replace_text(b, 'chapters/02-accords.md', '[@roy1985, p. 210]',
                                                                 '[@roy1958, p. 210]'))
    assert ('chapters/02-accords.md:6:93', 'error', 'cite-unknown',
            "no reference 'roy1958' (did you mean 'roy1985'?)") in found


def test_duplicate_id_names_both_places(cited_book, tmp_path):
    found, _ = failed_build(cited_book, tmp_path,
                            lambda b: replace_text(b, 'references.yaml', '- id: nyt1989', '- id: roy1985'))
    assert any(w == 'references.yaml:89:3' and code == 'reference-duplicate'
               and 'first at references.yaml:70:3' in msg for w, _, code, msg in found), found


def test_malformed_reference_file_is_located(cited_book, tmp_path):
    found, _ = failed_build(cited_book, tmp_path,
                            lambda b: replace_text(b, 'references.yaml', '  publisher: Seuil', '  publisher: [Seuil'))
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
    assert ('references.yaml:152:3', 'warning', 'reference-unused',
            "the reference 'never-cited' is never cited (list it under 'nocite:' in book.yaml to print it anyway)") \
        in found
    assert any(code == 'reference-unformattable' and "'untitled'" in msg for _, _, code, msg in found), found
    epubcheck(run.output('.epub'))
    assert build(book, '--format', 'epub', '--strict').code == 1
