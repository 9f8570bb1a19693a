"""A French and a Spanish book (tests/books/french, tests/books/spanish) built to PDF, EPUB and web: every word the
builder prints is the language's, none is English's (compared with the English catalog's words)."""

from __future__ import annotations

import re

import pytest
import lxml.html
from lxml import etree

from builder.i18n import Catalog, catalog, word_keys
from conftest import Run, build_once, epub_files, epubcheck, pdf_pages_text

pytestmark = pytest.mark.build  # every test here lays out a book

WORD = re.compile(r'[^\W\d_]{3,}')
ATTRIBUTES = ('alt', 'title', 'aria-label', '{http://www.w3.org/1999/xlink}title')


def _texts(strings: Catalog) -> list[str]:
    texts = []
    for key in word_keys():
        value = strings.value(key)[0]
        if isinstance(value, bool):
            continue
        for text in (value.values() if isinstance(value, dict) else value if isinstance(value, tuple) else [value]):
            texts.append(re.sub(r'\{[^}]*\}', ' ', text))  # the {fields} are not words
    return texts


def english_words(language: str) -> set[str]:
    """The words of the English catalog that the language's catalog does not use as well (Pages, plural …)."""
    english = {w.casefold() for text in _texts(catalog('en')) for w in WORD.findall(text)}
    own = {w.casefold() for text in _texts(catalog(language)) for w in WORD.findall(text)}
    return english - own - {'coursepack', 'pdf'}


def outputs_text(run: Run) -> dict[str, str]:
    """Every output's text: the PDF's (pypdf), each XHTML file of the EPUB (nav included) and each page of the
    web edition, with their alt, title and aria-label attributes (and the web's data- ones, which its script shows)."""
    texts = {}
    for pdf in sorted(run.dist.glob('*.pdf')):
        texts[pdf.name] = '\n'.join(pdf_pages_text(pdf))
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


@pytest.fixture(scope='module', params=['french', 'spanish'])
def book(request, tmp_path_factory) -> tuple[str, Run]:
    return request.param, build_once(tmp_path_factory, request.param)


LANGUAGE = {'french': 'fr', 'spanish': 'es'}
EXPECTED = {  # words of the catalog the outputs must show, with the key they come from
    'fr': ['Table des matières', 'Chapitre 1', 'Glossaire', 'Chronologie', 'Références', 'Voir aussi',
           'Sources\u00a0:', 'Cité aux p.', 'Frise chronologique', 'Édition de l’enseignant', 'Réalisé avec Coursepack',
           'Couverture', 'Repères', 'Pages', 'pluriel', 'Rechercher dans ce livre', 'Aller au contenu'],
    'es': ['Índice', 'Capítulo 1', 'Glosario', 'Cronología', 'Referencias', 'Véase también', 'Fuentes:',
           'Citado en las págs.', 'Línea de tiempo', 'Edición del profesor', 'Hecho con Coursepack', 'Cubierta',
           'Puntos de referencia', 'Páginas', 'plural', 'Buscar en este libro', 'Saltar al contenido'],
}


def test_the_book_builds_without_warnings_and_its_epubs_pass_epubcheck(book):
    _, run = book
    assert not re.search(r'(error|warning)\[', run.err), run.err
    epubs = sorted(run.dist.glob('*.epub'))
    assert len(epubs) == 2  # the student and the instructor editions
    for epub in epubs:
        epubcheck(epub)


def test_no_english_interface_word_appears(book):
    name, run = book
    language = LANGUAGE[name]
    forbidden = english_words(language) - book_words(run)
    assert {'contents', 'glossary', 'chronology', 'chapter', 'timeline', 'cited', 'instructor'} <= forbidden
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
    assert ('Table des matières' if name == 'french' else 'Índice') in pdf
    nav = next(t for n, t in texts.items() if n.endswith('nav.xhtml') and 'instructor' not in n)
    assert ('Repères' if name == 'french' else 'Puntos de referencia') in nav
