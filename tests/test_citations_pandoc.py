"""Every citation, note and entry of the built EPUB equals ``pandoc --citeproc -t html`` on the same Markdown.

The citations test book (``tests/books/citations``: same-name authors, one
author twice in a year, narrative and author-suppressed citations, prefixes in
groups, the same page cited twice running, a key with capitals, a French work)
is built in each bundled style, in the book's own ``csl/ibid-notes.csl`` (a
small note style of ours with "Ibid."), and in a French style as a French book. Pandoc
formats the book's chapters, concatenated, with the same references, style and
language. Compared: the citations of the running text, every footnote (the
citation notes of a note style, the author's notes with their citations) and
every bibliography entry, as text with italics, bold, small caps, super- and
subscripts marked. Normalised: whitespace and quotation marks only.
"""

from __future__ import annotations

import re
import subprocess

import pypandoc
import pytest
from lxml import etree, html

from builder.citations.load import load_references
from builder.citations.styles import find_style
from builder.diagnostics import Diagnostics, SourceLocation
from conftest import MAIN_EDITION, XHTML, build, copy_book, epub_files, epubcheck, set_key

pytestmark = pytest.mark.build

STYLES = ['chicago-author-date', 'chicago-notes-bibliography', 'apa', 'modern-language-association', 'ieee',
          'harvard-cite-them-right', 'vancouver', 'iso690-author-date-fr',
          'csl/ibid-notes.csl']  # the book's own style: a small note style with "Ibid." and "Ibid., 335"
MARKS = {'em': '_', 'i': '_', 'strong': '**', 'b': '**', 'sup': '^', 'sub': '~'}
QUOTES = re.compile('[“”„«»‘’‚‹›"\']')


def marked(element) -> str:
    """An element's text with its formatting marked, links and notes' back-links left out."""
    tag = etree.QName(element).localname if isinstance(element.tag, str) else ''
    classes = (element.get('class') or '').split()
    if 'footnote-back' in classes or 'backlink' in classes or 'cited-on' in classes or 'noteref' in classes \
            or 'footnote-ref' in classes:
        return ''
    mark = '^^' if 'smallcaps' in classes else MARKS.get(tag, '')
    inner = (element.text or '') + ''.join(marked(child) + (child.tail or '') for child in element)
    return mark + inner + mark[::-1] if inner.strip() else inner


def normalised(text: str) -> str:
    text = QUOTES.sub('"', text.replace('\u2009', ' ').replace('\u202f', ' ').replace('\u00a0', ' '))
    text = re.sub(r'"\s+', '"', re.sub(r'\s+"', '"', text))  # French guillemets take spaces inside
    return ' '.join(text.split())


def ours(epub, chapters=('decision', 'accords', 'cases')) -> dict[str, list[str]]:
    files = epub_files(epub)
    text, notes = [], []
    for chapter in chapters:
        tree = etree.fromstring(files[f'EPUB/{chapter}.xhtml'])
        text += [marked(s) for s in tree.iter(f'{XHTML}span') if 'citation' in (s.get('class') or '').split()
                 and next(s.iterancestors(f'{XHTML}aside'), None) is None]
        notes += [marked(aside) for aside in tree.iter(f'{XHTML}aside')]
    bibliography = etree.fromstring(files['EPUB/bibliography.xhtml'])
    entries = [marked(p) for p in bibliography.iter(f'{XHTML}p') if 'csl-entry' in (p.get('class') or '')]
    return {'text': text, 'notes': notes, 'entries': entries}


def pandocs(book, style_path, language, references='references.yaml') -> dict[str, list[str]]:
    chapters = [re.sub(r'\A---\n.*?\n---\n', '', p.read_text(), flags=re.S)
                for p in sorted((book / 'chapters').glob('*.md'))]
    meta = f'---\nbibliography: {references}\ncsl: "{style_path}"\nlang: {language}\n---\n\n'
    (book / 'pandoc.md').write_text(meta + '\n\n'.join(chapters))
    out = subprocess.run([pypandoc.get_pandoc_path(), '--citeproc', '-t', 'html', '--wrap=none', 'pandoc.md'],
                         cwd=book, capture_output=True, text=True, check=True).stdout
    tree = html.fromstring(f'<div>{out}</div>')
    notes_section = tree.find('.//section[@id="footnotes"]')
    return {'text': [marked(s) for s in tree.iter('span') if 'citation' in (s.get('class') or '').split()
                     and not any(a.get('id') == 'footnotes' for a in s.iterancestors())],
            'notes': [marked(li) for li in notes_section.iter('li')] if notes_section is not None else [],
            'entries': [marked(d) for d in tree.iter('div') if 'csl-entry' in (d.get('class') or '').split()]}


@pytest.fixture(scope='module', params=STYLES)
def styled_book(request, tmp_path_factory):
    book = copy_book('citations', tmp_path_factory.mktemp(request.param.replace('/', '-')))
    if request.param.endswith('-fr'):
        (book / 'book.yaml').write_text((book / 'book.yaml').read_text().replace('language: en', 'language: fr'))
    set_key(book, f'citation-style: {request.param}')
    run = build(book, '--format', 'epub', *MAIN_EDITION)
    assert run.code == 0, run.err
    return request.param, run


def assert_same(mine, theirs):
    for part in ('text', 'notes', 'entries'):
        # A note style's citation of the running text is its note: only a narrative one leaves words there.
        assert [n for t in mine[part] if (n := normalised(t))] == [n for t in theirs[part] if (n := normalised(t))], part


def test_every_citation_note_and_entry_equals_pandoc(styled_book):
    name, run = styled_book
    language = 'fr' if name.endswith('-fr') else 'en'
    style = find_style(name, run.book, language)
    mine = ours(run.output('.epub'))
    assert_same(mine, pandocs(run.book, style.path, style.locale))
    if name.endswith('.csl'):  # the same page again is "Ibid.", another page "Ibid., 335"
        notes = [normalised(n) for n in mine['notes']]
        assert any(n.startswith('Ibid.') for n in notes) and any(n.startswith('Ibid., 335.') for n in notes), notes
    if language == 'fr':  # the CSL locale follows the book's language
        entries = ' '.join(normalised(e) for e in mine['entries'])
        assert 'Consulté le 1 mars 2024' in entries and '16 février 1989' in entries and '[sans date]' in entries
    assert len(mine['entries']) >= 13  # of 15 works: Chicago notes lists no encyclopedia or untitled excerpt
    epubcheck(run.output('.epub'))


# ---- BibLaTeX as Zotero's Better BibTeX exports it ----

BIBLATEX = r"""@string{hup = {Harvard University Press}}

@book{Kalinovsky2011,
  title = {A Long Goodbye: The {Soviet} Withdrawal from {Afghanistan}},
  author = {Kalinovsky, Artemy M.},
  date = {2011},
  publisher = hup,
  location = {Cambridge, MA},
}

@report{unitednations1988,
  title = {Agreements on the Settlement of the Situation Relating to {Afghanistan}},
  author = {{United Nations}},
  date = {1988-04},
  institution = {{United Nations}},
  location = {Gen\`eve},
  url = {https://peacemaker.un.org/afghanistan-geneva88},
  urldate = {2024-03-01},
}

@article{Hughes2008,
  title = {The {Soviet}--{Afghan} War, 1978--1989: An Overview},
  author = {Hughes, Geraint},
  year = {2008},
  month = sep,
  journal = {Defence Studies},
  volume = {8},
  number = {3},
  pages = {326--350},
}

@book{Roy1985,
  title = {L'{Afghanistan} : islam et modernit\'e politique},
  author = {Roy, Olivier},
  year = {1985},
  publisher = {Seuil},
  langid = {french},
}
"""
CHAPTER = """# Sources

The account of the decision [@Kalinovsky2011, p. 99]. The accords [@unitednations1988]; an overview
[@Hughes2008, pp. 330--331]; a French reading [see @Roy1985, chap. 2].
"""


@pytest.fixture(scope='module')
def bib_book(tmp_path_factory):
    book = copy_book('citations', tmp_path_factory.mktemp('bib'))
    for chapter in (book / 'chapters').glob('*.md'):
        chapter.unlink()
    (book / 'chapters' / '01-sources.md').write_text(CHAPTER)
    (book / 'references.yaml').unlink()
    (book / 'refs.bib').write_text(BIBLATEX)
    set_key(book, 'references: refs.bib')
    run = build(book, '--format', 'epub', *MAIN_EDITION)
    assert run.code == 0, run.err
    return run


def test_biblatex_export_formats_as_pandoc_formats_it(bib_book):
    style = find_style('chicago-author-date', bib_book.book, 'en')
    mine = ours(bib_book.output('.epub'), chapters=('sources',))
    assert_same(mine, pandocs(bib_book.book, style.path, style.locale, references='refs.bib'))
    entries = [normalised(e) for e in mine['entries']]
    # A corporate author whole and under U, LaTeX accents, a key with capitals.
    assert entries[-1].startswith('United Nations. 1988.'), entries
    assert any('modernité' in e for e in entries)
    assert normalised(mine['text'][0]) == '(Kalinovsky 2011, 99)'
    # Months, the access date and the place reach the data as Pandoc reads them (the style prints none here).
    diagnostics = Diagnostics()
    data = {r.id: r.data for r in load_references(bib_book.book, 'refs.bib', diagnostics, SourceLocation('book.yaml'))}
    assert not list(diagnostics)
    assert data['Hughes2008']['issued'] == {'date-parts': [[2008, 9]]}
    assert data['unitednations1988']['accessed'] == {'date-parts': [[2024, 3, 1]]}
    assert data['unitednations1988']['author'] == [{'literal': 'United Nations'}]
    assert data['unitednations1988']['publisher-place'] == 'Genève'
    epubcheck(bib_book.output('.epub'))


def test_bad_biblatex_is_located(tmp_path):
    (tmp_path / 'refs.bib').write_text(BIBLATEX.replace('@book{Roy1985,', '@book{Hughes2008,')
                                       + '@book{broken,\n  title = {x\n}\n')
    diagnostics = Diagnostics()
    load_references(tmp_path, 'refs.bib', diagnostics, SourceLocation('book.yaml'))
    found = [(str(d.location), d.code) for d in diagnostics]
    assert found[0][1] == 'bibtex-syntax' and found[0][0].startswith('refs.bib:'), found
    (tmp_path / 'refs.bib').write_text(BIBLATEX.replace('@book{Roy1985,', '@book{Hughes2008,'))
    diagnostics = Diagnostics()
    load_references(tmp_path, 'refs.bib', diagnostics, SourceLocation('book.yaml'))
    [duplicate] = list(diagnostics)
    assert (str(duplicate.location), duplicate.code) == ('refs.bib:32:7', 'reference-duplicate')
    assert 'first at refs.bib:21:10' in duplicate.message
