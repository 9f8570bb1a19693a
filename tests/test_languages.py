"""A French, a Spanish, a Swedish and a Persian book (tests/books/<name>) built to PDF, EPUB and web: every word the
builder prints is the book's language's, none is English's (compared with the English catalog's words); the
glossary is in the order and under the letters of a dictionary of the language; the Persian book runs right to
left. (Swedish has no catalog: its book gives its words under ``strings:``.)"""

from __future__ import annotations

import re
import shutil
import subprocess

import pypdfium2
import pytest
import lxml.html
from lxml import etree

from builder.config import load_config
from builder.diagnostics import Diagnostics
from builder.i18n import Catalog, catalog, word_keys
from conftest import OPF, REPO, XHTML, Run, build_once, epub_files, epubcheck

pytestmark = pytest.mark.build  # every test here lays out a book

WORD = re.compile(r'[^\W\d_]{3,}')
ATTRIBUTES = ('alt', 'title', 'aria-label', '{http://www.w3.org/1999/xlink}title')


def _texts(strings: Catalog, own_only: bool = False) -> list[str]:
    """The texts of a catalog; with ``own_only``, not those it takes from English's (a book in a language
    with no catalog prints English's only where its ``strings:`` give none)."""
    texts = []
    for key in word_keys():
        value, layer = strings.value(key)
        if isinstance(value, bool) or (own_only and layer.language == 'en' and strings.language != 'en'):
            continue
        for text in (value.values() if isinstance(value, dict) else value if isinstance(value, tuple) else [value]):
            texts.append(re.sub(r'\{[^}]*\}', ' ', text))  # the {fields} are not words
    return texts


def english_words(run: Run) -> set[str]:
    """The words of the English catalog that the book's catalog (its language's, with its ``strings:``) does
    not use as well (Pages, plural …)."""
    strings = load_config(run.book, Diagnostics()).interface
    english = {w.casefold() for text in _texts(catalog('en')) for w in WORD.findall(text)}
    own = {w.casefold() for text in _texts(strings, own_only=True) for w in WORD.findall(text)}
    return english - own - {'coursepack', 'pdf'}


def pdf_text(pdf) -> str:  # type: ignore[no-untyped-def]
    """The PDF's text in reading order (PDFium: pypdf gives Arabic script's glyphs, not its letters)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return '\n'.join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def outputs_text(run: Run) -> dict[str, str]:
    """Every output's text: the PDF's (pypdf), each XHTML file of the EPUB (nav included) and each page of the
    web edition, with their alt, title and aria-label attributes (and the web's data- ones, which its script shows)."""
    texts = {}
    for pdf in sorted(run.dist.glob('*.pdf')):
        texts[pdf.name] = pdf_text(pdf)
    for epub in sorted(run.dist.glob('*.epub')):
        for name, data in epub_files(epub).items():
            if name.endswith(('.xhtml', '.svg', '.opf')):
                tree = etree.fromstring(data)
                for style in tree.xpath('//*[local-name()="style" or local-name()="script"]'):
                    style.getparent().remove(style)  # CSS, not words
                parts = [' '.join(tree.itertext())]
                for element in tree.iter():
                    if isinstance(element.tag, str):
                        parts += [element.get(a) or '' for a in ATTRIBUTES]
                texts[f'{epub.name}/{name}'] = '\n'.join(parts)
    for page in sorted(run.dist.glob('*-web/*.html')):  # the web edition, with the words its script shows
        tree = lxml.html.fromstring(page.read_bytes())
        for script in tree.iter('script', 'style'):
            script.drop_tree()
        parts = [tree.text_content()]
        for element in tree.iter():
            if isinstance(element.tag, str):
                parts += [value for attribute, value in element.attrib.items()
                          if attribute in ATTRIBUTES or attribute.startswith('data-')]
        texts[f'{page.parent.name}/{page.name}'] = '\n'.join(parts)
    return texts


def book_words(run: Run) -> set[str]:
    """The words the book's own files hold (its chapters, data files, metadata): the builder's words are the rest."""
    import yaml

    def values(data: object) -> list[str]:
        if isinstance(data, dict):
            return [v for item in data.values() for v in values(item)]
        if isinstance(data, list):
            return [v for item in data for v in values(item)]
        return [str(data)]

    texts = [re.sub(r'\{[^}]*\}', ' ', path.read_text()) for path in (run.book / 'chapters').glob('*.md')]
    texts += [v for path in run.book.glob('*.yaml') for v in values(yaml.safe_load(path.read_text()))]
    return {w.casefold() for text in texts for w in WORD.findall(text)}


@pytest.fixture(scope='module', params=['french', 'spanish', 'swedish', 'persian'])
def book(request, tmp_path_factory) -> tuple[str, Run]:
    return request.param, build_once(tmp_path_factory, request.param)


XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang'
LANGUAGE = {'french': 'fr', 'spanish': 'es', 'swedish': 'sv', 'persian': 'fa'}
EXPECTED = {  # words of the catalog the outputs must show, with the key they come from
    'fr': ['Table des matières', 'Chapitre 1', 'Glossaire', 'Chronologie', 'Références', 'Voir aussi',
           'Sources\u00a0:', 'Cité aux p.', 'Frise chronologique', 'Édition de l’enseignant', 'Réalisé avec Coursepack',
           'Couverture', 'Repères', 'Pages', 'pluriel', 'Rechercher dans ce livre', 'Aller au contenu'],
    'es': ['Índice', 'Capítulo 1', 'Glosario', 'Cronología', 'Referencias', 'Véase también', 'Fuentes:',
           'Citado en las págs.', 'Línea de tiempo', 'Edición del profesor', 'Hecho con Coursepack', 'Cubierta',
           'Puntos de referencia', 'Páginas', 'plural', 'Buscar en este libro', 'Saltar al contenido'],
    'sv': ['Innehåll', 'Kapitel 1', 'Ordlista', 'Se även', 'Lärarupplaga', 'Gjord med Coursepack', 'Omslag',
           'Orienteringspunkter', 'Sidor'],
    'fa': ['فهرست مطالب', 'فصل 1', 'واژه‌نامه', 'جمع', 'ویراست مدرس', 'جلد', 'نشانه‌های کتاب', 'صفحه‌ها'],
}
CONTENTS = {'fr': 'Table des matières', 'es': 'Índice', 'sv': 'Innehåll', 'fa': 'فهرست مطالب'}
LANDMARKS = {'fr': 'Repères', 'es': 'Puntos de referencia', 'sv': 'Orienteringspunkter', 'fa': 'نشانه‌های کتاب'}
# The glossary as a dictionary of the language has it: (letter heading, its terms), in order.
GLOSSARY = {
    'fr': [('B', ['bief de partage']), ('E', ['écluse'])],  # accents make no letters of their own
    'es': [('M', ['maquila', 'molinero']), ('N', ['noria']), ('Ñ', ['ñora'])],  # Ñ, a letter, after N
    'sv': [('S', ['strand']), ('V', ['vik']), ('Z', ['zon']), ('Å', ['å']), ('Ä', ['älv', 'äng']),
           ('Ö', ['ö'])],  # Å, Ä, Ö after Z
    'fa': [('ب', ['باغ', 'برف']), ('پ', ['پایتخت']), ('ر', ['رود']), ('ک', ['کوه']),
           ('گ', ['گذرگاه'])],  # پ after ب and گ after ک: code points would put both after ر
}


def test_the_book_builds_without_warnings_and_its_epubs_pass_epubcheck(book):
    name, run = book
    problems = re.findall(r'(?:error|warning)\[[\w-]+\]', run.err)
    # Swedish has no catalog: one warning names the strings its book does not give.
    assert problems == (['warning[language-no-strings]'] if name == 'swedish' else []), run.err
    epubs = sorted(run.dist.glob('*.epub'))
    assert len(epubs) == 2  # the student and the instructor editions
    for epub in epubs:
        epubcheck(epub)
    # Every element in another language says so to XML readers too (a [..]{lang=..} span, a quotation).
    languages = []
    for file_name, data in epub_files(epubs[0]).items():
        if file_name.endswith('.xhtml'):
            for element in etree.fromstring(data).iter():
                assert element.get('lang') == element.get(XML_LANG), (file_name, element.tag)
                languages.append(element.get('lang'))
    assert name != 'french' or 'en' in languages  # the book's English span


def test_no_english_interface_word_appears(book):
    name, run = book
    forbidden = english_words(run) - book_words(run)
    assert {'contents', 'glossary', 'chapter', 'instructor', 'landmarks', 'cover'} <= forbidden
    found = {}
    for output, text in outputs_text(run).items():
        hits = {w for w in WORD.findall(text) if w.casefold() in forbidden}
        if hits:
            found[output] = sorted(hits)
    assert found == {}


def test_the_languages_words_appear(book):
    name, run = book
    texts = outputs_text(run)
    everything = ' '.join(' '.join(t.split()) for t in texts.values())
    pdf = ' '.join(' '.join(t.split()) for n, t in texts.items() if n.endswith('.pdf'))
    for words in EXPECTED[LANGUAGE[name]]:
        assert ' '.join(words.split()) in everything.replace('\u00a0', ' ') or words in everything, words
    language = LANGUAGE[name]
    assert CONTENTS[language] in pdf
    nav = next(t for n, t in texts.items() if n.endswith('nav.xhtml') and 'instructor' not in n)
    assert LANDMARKS[language] in nav


def test_the_glossary_has_the_languages_order_and_letters(book):
    name, run = book
    expected = GLOSSARY[LANGUAGE[name]]
    files = epub_files(run.output('.epub'))
    glossary = etree.fromstring(files['EPUB/glossary.xhtml'])
    found: list[tuple[str, list[str]]] = []
    for element in glossary.iter(f'{XHTML}h2', f'{XHTML}dfn'):
        if element.tag == f'{XHTML}h2':
            found.append((''.join(element.itertext()).strip(), []))
        else:
            found[-1][1].append(''.join(element.itertext()).strip())
    assert found == expected
    # The PDF prints them in that order too, after the glossary's heading.
    text = pdf_text(run.output('.pdf')).replace('\u200c', '')  # PDFium drops zero-width non-joiners
    title = load_config(run.book, Diagnostics()).interface('glossary.title').replace('\u200c', '')
    # A term's line, without its forms in brackets (which PDFium gives mirrored in right-to-left text).
    lines = [re.split(r' [()]', line.strip())[0] for line in text[text.rindex(title):].splitlines()]
    wanted = [item for letter, terms in expected for item in (letter, *terms)]
    assert [line for line in lines if line in wanted] == wanted


def test_a_persian_book_runs_right_to_left(book):
    name, run = book
    if name != 'persian':
        pytest.skip('the Persian book only')
    files = epub_files(run.output('.epub'))
    assert {'EPUB/styles/fonts/Vazirmatn-Regular.ttf', 'EPUB/styles/fonts/OFL-Vazirmatn.txt'} <= set(files)
    assert b'Vazirmatn-Bold.ttf' in files['EPUB/styles/epub.css']
    site = run.output('-web') / 'assets'
    assert {'Vazirmatn-Regular.woff2', 'OFL-Vazirmatn.txt'} <= {p.name for p in (site / 'fonts').iterdir()}
    assert 'url("fonts/Vazirmatn-Bold.woff2")' in (site / 'web.css').read_text()
    spine = etree.fromstring(files['EPUB/content.opf']).find(f'{OPF}spine')
    assert spine.get('page-progression-direction') == 'rtl'
    for file_name in ('EPUB/kabul.xhtml', 'EPUB/glossary.xhtml', 'EPUB/nav.xhtml', 'EPUB/cover.xhtml'):
        page = etree.fromstring(files[file_name])
        assert page.find(f'{XHTML}body').get('dir') == 'rtl', file_name
    # The Latin name in a Persian sentence is isolated; the quotation has Persian marks.
    chapter = etree.fromstring(files['EPUB/kabul.xhtml'])
    assert [''.join(b.itertext()) for b in chapter.iter(f'{XHTML}bdi')] == ['Kabul']
    assert '«کابل بی زر باشد، بی برف نباشد»' in ''.join(chapter.itertext())
    # The PDF: the text runs from the right margin, and the first page is a left-hand page, so chapter 1
    # opens on page 5, a recto on the left; the book's title heads the verso, on the right.
    document = pypdfium2.PdfDocument(run.output('.pdf'))
    try:
        width = document[4].get_width()
        left, right = _line_extent(document[4], 'کابل پایتخت افغانستان است')
        assert right > width * 0.8 and left > width * 0.25  # from the right margin; a short line: its left empty
        left, right = _line_extent(document[9], 'کابل و باغهایش')  # the last page: a right-hand page, a verso
        assert left > width / 2  # its running head, the book's title, on its outer side
    finally:
        document.close()


def _line_extent(page, start: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(left, right) of the line of a PDF page whose text begins with ``start``. PDFium gives the text in
    pieces, in reading order: the pieces of one line share a baseline. (Zero-width non-joiners are left out:
    PDFium drops them.)"""
    text = page.get_textpage()
    lines: list[tuple[float, float, float, str]] = []  # baseline, left, right, text
    for i in range(text.count_rects()):
        left, bottom, right, top = text.get_rect(i)
        piece = text.get_text_bounded(left, bottom, right, top)
        if lines and abs(lines[-1][0] - bottom) < 4:
            base, first, last, words = lines[-1]
            lines[-1] = (base, min(first, left), max(last, right), words + piece)
        else:
            lines.append((bottom, left, right, piece))
    for _, left, right, words in lines:
        if words.replace('\u200c', '').strip().startswith(start):
            return left, right
    raise AssertionError(f'no line begins with {start!r}: {[words for *_, words in lines]}')


@pytest.mark.skipif(not (REPO / 'tools/ace/node_modules/.bin/ace-cli').exists() or not shutil.which('chromium'),
                    reason='DAISY Ace is not installed: scripts/ace --install (CI does it before the tests)')
def test_ace_finds_no_violation_in_the_persian_book(book, tmp_path):
    name, run = book
    if name != 'persian':
        pytest.skip('the Persian book only')
    result = subprocess.run([str(REPO / 'scripts' / 'ace'), str(run.output('.epub')), str(tmp_path / 'ace')],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0 and ': pass, 0 violation(s)' in result.stderr, result.stderr
