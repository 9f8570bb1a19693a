"""The interface catalog (builder/i18n.py, builder/locales/) and the back-matter registry (builder/backmatter.py).

Every key the code and the templates ask for is found statically (Python's ast, Jinja's parser) and must
be in the English catalog, which must hold nothing else; rendering a book with a catalog that records
its lookups checks that the static search misses nothing.
"""

from __future__ import annotations

import ast
import tempfile
from pathlib import Path

import pytest
from jinja2 import nodes
from markupsafe import Markup

import builder
from builder import backmatter, i18n
from builder.backmatter import BackMatterSection, SectionBody
from builder.citations.styles import Style, csl_locale
from builder.diagnostics import Diagnostics
from builder.chronology.dates import parse_event_date
from builder.glossary.terms import FORM_KINDS
from builder.i18n import Catalog, CatalogError, MissingString, catalog, catalog_files, load_layer
from builder.markdown.quotes import french_spacing, quotes_for
from builder.options import BuildOptions
from builder.layout.page_estimate import estimated_page_map
from builder.pipeline import check
from builder.render import _templates, publication_title, render
from builder.selection import select
from builder.write.accessibility import accessibility_metadata
from builder.write.epub import write_epub

PACKAGE = Path(builder.__file__).parent
BOOKS = Path(__file__).parent.parent / 'books'
ENGLISH = load_layer('en').values


# ---- lookups ----

def test_a_key_no_catalog_has_is_an_error():
    for language in ('en', 'fr', 'xx'):
        with pytest.raises(MissingString, match="no interface string 'contents.titel'"):
            catalog(language)('contents.titel')
    with pytest.raises(KeyError):  # a MissingString is a KeyError too, as a missing mapping key is
        catalog('en').plural('uses.page', 2)
    with pytest.raises(MissingString):
        catalog('en').markup('glossary.titel')


def test_a_missing_field_is_an_error_not_a_blank():
    assert catalog('en')('chapter.label', number=3) == 'Chapter 3'
    with pytest.raises(KeyError, match='number'):
        catalog('en')('chapter.label')


def test_a_language_falls_back_to_its_primary_language_then_english():
    assert catalog('fr').data('typography.quotes') == ('«', '»', '“', '”')
    assert catalog('fr-CA').data('typography.quotes') == ('«', '»', '“', '”')
    assert catalog('fr')('contents.title') == 'Table des matières'
    assert catalog('sv')('contents.title') == 'Contents'  # no Swedish catalog: English's
    assert catalog('en-GB').data('typography.quotes') == ('‘', '’', '“', '”')
    assert catalog('EN-gb').data('typography.quotes') == ('‘', '’', '“', '”')  # tags match in any case
    assert catalog('en-GB')('glossary.title') == 'Glossary'
    assert catalog('xx').data('typography.quotes') == ('“', '”', '‘', '’')  # an unknown language: English
    assert [layer.source for layer in catalog('de-AT').layers] == ['locales/de.yaml', 'locales/en.yaml']


def test_plural_forms_are_chosen_by_babel_in_the_language_of_their_catalog():
    english = catalog('en')
    assert [english.plural('uses.pages', n) for n in (0, 1, 2, 5)] == ['pp.', 'p.', 'pp.', 'pp.']
    assert english.plural('references.cited-on', 1) == 'Cited on p.'
    assert english.plural('references.cited-on', 3) == 'Cited on pp.'
    # Russian has a 'few' category (2-4, 22-24 …): Babel's CLDR rule picks it.
    russian = catalog('ru').with_overrides({'uses.pages': {'one': 'с.', 'few': 'сс.', 'other': 'ссс.'}})
    assert [russian.plural('uses.pages', n) for n in (1, 3, 5, 21, 22)] == ['с.', 'сс.', 'ссс.', 'с.', 'сс.']
    # A single text stands for every count.
    assert catalog('en').with_overrides({'uses.pages': 'pages'}).plural('uses.pages', 1) == 'pages'


def test_templates_get_escaped_markup_and_keep_markup_arguments():
    t = catalog('en').markup
    assert t('handout.chapter', label='<b>', title='A & B') == Markup('&lt;b&gt;: A &amp; B')
    assert t('handout.source', title=Markup('<cite>T</cite>')) == \
        Markup('A handout from the course pack <cite>T</cite>')
    assert t.plural('uses.pages', 1) == Markup('p.')
    strange = catalog('en').with_overrides({'titlepage.colophon': 'Made with <Coursepack> & co'}).markup
    assert strange('titlepage.colophon') == Markup('Made with &lt;Coursepack&gt; &amp; co')


def test_overrides_must_be_interface_strings_of_the_same_kind_as_english():
    assert catalog('en').with_overrides({'contents.title': 'Table'})('contents.title') == 'Table'
    with pytest.raises(CatalogError, match="'contents.titel' is not an interface string"):
        catalog('en').with_overrides({'contents.titel': 'Table'})
    with pytest.raises(CatalogError, match='must be a text'):
        catalog('en').with_overrides({'contents.title': ('a', 'b')})
    with pytest.raises(CatalogError, match='list of 4'):
        catalog('en').with_overrides({'typography.quotes': ('«', '»')})
    with pytest.raises(CatalogError, match='is not a text'):
        catalog('en')('typography.quotes')


def test_a_malformed_catalog_is_refused():
    values: dict = {}
    with pytest.raises(CatalogError, match="plural forms of 'uses.pages'"):
        i18n._flatten({'uses': {'pages': {'one': 'p.'}}}, '', values, 'x.yaml')
    with pytest.raises(CatalogError, match="'a.b' must be"):
        i18n._flatten({'a': {'b': 3}}, '', values, 'x.yaml')


def test_every_catalog_file_holds_only_english_keys_of_the_same_kind():
    files = catalog_files()
    assert 'en' in files and {'fr', 'de', 'en-gb'} <= set(files)
    for language in files.values():
        layer = load_layer(language)  # checks each key against English
        assert layer.values, language


# ---- the per-language tables folded into the catalogs, as they were ----

def test_the_former_per_language_tables_read_as_before():
    assert quotes_for('en') == ('“', '”', '‘', '’')
    assert quotes_for('de-CH') == ('„', '“', '‚', '‘')
    assert quotes_for('en-GB-oxendict') == ('“', '”', '‘', '’')  # the full tag, else the primary subtag
    assert french_spacing('fr-BE') and not french_spacing('en') and not french_spacing('frr')
    assert parse_event_date('1987-21').format('fr') == 'printemps 1987'
    assert parse_event_date('1987-23').format('en') == 'autumn 1987'
    assert parse_event_date('1985~').format('de') == 'um 1985'
    assert parse_event_date('1985~').format('en') == 'c.\u00a01985'
    assert parse_event_date('1985~').format('fr') == 'vers 1985'
    titles = {(name, locale, note): Style(name, Path('x.csl'), locale, note).title for name, locale, note in (
        ('chicago-author-date', 'en-US', False), ('chicago-notes-bibliography', 'en-US', True),
        ('modern-language-association', 'en-US', False), ('modern-language-association', 'fr-FR', False),
        ('chicago-author-date', 'fr-FR', False), ('chicago-notes-bibliography', 'fr-FR', True),
        ('chicago-notes-bibliography', 'de-DE', True))}
    assert list(titles.values()) == ['References', 'Bibliography', 'Works Cited', 'Références', 'Références',
                                     'Bibliographie', 'Literaturverzeichnis']
    assert csl_locale('es') == 'es-ES' and csl_locale('pt') == 'pt-PT' and csl_locale('fr-CA') == 'fr-CA'
    # Without a catalog, the language goes to Pandoc as it is: its CSL locales know Swedish (sv-SE) all the same.
    assert csl_locale('sv') == 'sv' and csl_locale('xx') == 'xx'


# ---- every key asked for is in the catalog, and every key in it is asked for ----

LOOKUP_NAMES = {'strings', 't'}  # a catalog, or its markup form, called with a key
LOOKUP_METHODS = {'strings', 'plural', 'data', 'value'}


def _literal_keys(node: ast.expr, where: str) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literal_keys(node.body, where) + _literal_keys(node.orelse, where)
    raise AssertionError(f'{where}: a catalog key must be written out, not computed: {ast.unparse(node)}')


def python_keys() -> set[str]:
    keys = set()
    for path in sorted(PACKAGE.rglob('*.py')):
        if path.name == 'i18n.py':
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            if (isinstance(func, ast.Name) and func.id in LOOKUP_NAMES) or (
                    isinstance(func, ast.Attribute) and func.attr in LOOKUP_METHODS) or (
                    isinstance(func, ast.Call) and isinstance(func.func, ast.Name) and func.func.id == 'catalog'):
                keys.update(_literal_keys(node.args[0], f'{path.relative_to(PACKAGE)}:{node.lineno}'))
    return keys


def template_keys() -> tuple[set[str], set[str]]:
    """The keys the templates ask for, and the prefixes of the keys they build ('glossary.form-kind.' ~ kind)."""
    keys, prefixes = set(), set()
    for path in sorted((PACKAGE / 'templates').iterdir()):
        tree = _templates.parse(path.read_text(), path.name)
        for call in tree.find_all(nodes.Call):
            target = call.node
            if (isinstance(target, nodes.Name) and target.name == 't') or (
                    isinstance(target, nodes.Getattr) and isinstance(target.node, nodes.Name)
                    and target.node.name == 't' and target.attr == 'plural'):
                key = call.args[0]
                if isinstance(key, nodes.Const):
                    keys.add(key.value)
                elif isinstance(key, nodes.Concat) and isinstance(key.nodes[0], nodes.Const):
                    prefixes.add(key.nodes[0].value)
                else:
                    raise AssertionError(f'{path.name}:{call.lineno}: a catalog key must start with its text')
    return keys, prefixes


def test_the_catalog_has_every_key_the_code_and_the_templates_use():
    keys, prefixes = template_keys()
    used = python_keys() | keys
    assert used - set(ENGLISH) == set()
    assert all(any(key.startswith(prefix) for key in ENGLISH) for prefix in prefixes), prefixes
    # and nothing else: a key no code asks for is a word no reader sees
    unused = {key for key in ENGLISH if key not in used and not any(key.startswith(p) for p in prefixes)}
    assert unused == set()


def test_the_printed_kinds_of_a_glossary_form_are_in_the_catalog():
    assert {f'glossary.form-kind.{kind}' for kind in FORM_KINDS if kind != 'variant'} == \
        {key for key in ENGLISH if key.startswith('glossary.form-kind.')}


def _render_everything(root: Path, tmp: Path) -> list:
    """Render every output of a book (editions and handouts), with and without page numbers, and write its EPUBs."""
    rendered = []
    for handouts in (None, ()):
        options = BuildOptions(cache=False, handouts=handouts)
        checked = check(root, options, Diagnostics())
        for output in checked.outputs:
            resolved = select(checked.book, checked.notes, checked.whole, output.selection, Diagnostics(),
                              cache=False)
            for pages in (None, estimated_page_map(render(resolved))):
                result = render(resolved, pages)
                publication_title(result)
                accessibility_metadata(result)
                write_epub(result, tmp / 'book.epub')
                rendered.append(result)
    return rendered


def test_rendering_a_book_asks_only_for_keys_the_static_search_found(monkeypatch):
    asked: set[str] = set()
    value = Catalog.value

    def recording(self, key):  # type: ignore[no-untyped-def]
        asked.add(key)
        return value(self, key)

    monkeypatch.setattr(Catalog, 'value', recording)
    with tempfile.TemporaryDirectory() as tmp:
        _render_everything(BOOKS / 'glossary', Path(tmp))
    keys, prefixes = template_keys()
    found = python_keys() | keys
    assert {k for k in asked if k not in found and not any(k.startswith(p) for p in prefixes)} == set()
    # The book prints the glossary, the chronology with its timeline, a bibliography and a handout heading.
    assert {'glossary.title', 'chronology.timeline.alt', 'references.cited-in', 'handout.source',
            'edition.instructor', 'epub.cover', 'uses.pages'} <= asked


# ---- the back-matter registry ----

def test_back_matter_is_registered_in_the_order_it_prints():
    assert [s.id for s in backmatter.SECTIONS] == ['glossary', 'chronology', 'bibliography', 'permissions',
                                                   'index']
    with tempfile.TemporaryDirectory() as tmp:
        rendered = _render_everything(BOOKS / 'glossary', Path(tmp))[0]
    back = [d for d in rendered.documents if d.kind == 'backmatter']
    assert [(d.id, d.title, d.landmark) for d in back] == [
        ('glossary', 'Glossary', 'glossary'), ('chronology', 'Chronology', None),
        ('bibliography', 'References', 'bibliography')]
    assert [(h.id, h.title) for h in rendered.headings if h.id in {d.id for d in back}] == \
        [(d.id, d.title) for d in back]


def test_a_section_added_to_the_registry_is_rendered_listed_and_navigable(monkeypatch, tmp_path):
    def index_section(context, title):  # type: ignore[no-untyped-def]
        return SectionBody(f'<section class="backmatter index" id="index"><h1>{title}</h1></section>')

    index = BackMatterSection('index', lambda c: 'Index', index_section, landmark='index')
    monkeypatch.setattr(backmatter, 'SECTIONS', (*backmatter.SECTIONS, index))
    rendered = _render_everything(BOOKS / 'minimal', tmp_path)[0]
    assert rendered.documents[-1].id == 'index' and rendered.documents[-1].title == 'Index'
    contents = next(d for d in rendered.documents if d.kind == 'toc')
    assert 'href="#index"' in contents.body
    assert rendered.headings[-1].id == 'index'
