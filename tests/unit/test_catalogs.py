"""The interface catalogs of issue 18 (builder/locales/): every language has every word, plural forms by
CLDR's categories, a book's own wording (``strings:`` in book.yaml), and English for a language that has
no catalog, with one warning saying so."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel import Locale

from builder.config import load_config
from builder.diagnostics import Diagnostics
from builder.i18n import DATA_KEYS, catalog, load_layer, word_keys
from builder.markdown.quotes import quotes_for

ENGLISH = load_layer('en').values
LANGUAGES = ('fr', 'de', 'es', 'it', 'pt', 'ru', 'ar', 'fa')


def test_the_data_keys_are_keys_of_english():
    assert DATA_KEYS <= set(ENGLISH)
    assert 'contents.title' in word_keys() and 'typography.quotes' not in word_keys()


@pytest.mark.parametrize('language', LANGUAGES)
def test_every_catalog_has_every_word_of_english(language):
    values = load_layer(language).values
    assert [key for key in word_keys() if key not in values] == []


@pytest.mark.parametrize('language', LANGUAGES)
def test_plural_forms_have_every_category_of_their_language(language):
    categories = set(Locale.parse(language).plural_form.tags) | {'other'}
    for key, value in load_layer(language).values.items():
        if isinstance(value, dict):
            assert set(value) == categories, (language, key)


def test_plural_forms_are_chosen_by_cldr_category():
    russian = catalog('ru').with_overrides({'uses.pages': {'one': 'A', 'few': 'B', 'many': 'C', 'other': 'D'}})
    assert [russian.plural('uses.pages', n) for n in (1, 2, 5, 11, 21, 24, 25)] == list('ABCCABC')
    arabic = catalog('ar').with_overrides(
        {'uses.pages': {'zero': 'Z', 'one': 'O', 'two': 'T', 'few': 'F', 'many': 'M', 'other': 'X'}})
    assert [arabic.plural('uses.pages', n) for n in (0, 1, 2, 3, 10, 11, 99, 100)] == list('ZOTFFMMX')
    assert catalog('fr').plural('references.cited-on', 2) == 'Cité aux p.'
    assert catalog('es').plural('uses.pages', 1) == 'pág.'


def test_the_words_a_native_publisher_uses():
    french = catalog('fr')
    assert french('contents.title') == 'Table des matières'
    assert french('glossary.title') == 'Glossaire' and french('chronology.title') == 'Chronologie'
    assert french('chapter.label', number=3) == 'Chapitre 3'
    assert french('edition.instructor') == 'Édition de l’enseignant'
    assert catalog('fr-CA')('contents.title') == 'Table des matières'
    assert catalog('es')('contents.title') == 'Índice'
    assert catalog('de')('chapter.label', number=2) == 'Kapitel 2'


def _load(tmp_path: Path, text: str) -> tuple[object, Diagnostics]:
    (tmp_path / 'chapters').mkdir(exist_ok=True)
    (tmp_path / 'chapters' / '01.md').write_text('# One\n')
    (tmp_path / 'book.yaml').write_text(text)
    diagnostics = Diagnostics()
    return load_config(tmp_path, diagnostics), diagnostics


def test_a_language_without_a_catalog_falls_back_to_english_with_one_warning(tmp_path):
    config, diagnostics = _load(tmp_path, 'title: T\nlanguage: sv\n')
    assert config is not None and not diagnostics.errors
    [warning] = diagnostics.warnings
    text = str(warning)
    assert text.startswith('book.yaml:2:1: warning[language-no-strings]:'), text
    assert "'sv'" in text and 'contents.title' in text and 'glossary.title' in text
    assert "'strings:'" in text and 'builder/locales/sv.yaml' in text
    assert 'typography.quotes' not in text  # data, not words
    assert config.interface('contents.title') == 'Contents'


def test_the_warning_leaves_out_what_the_book_gives_and_is_silent_for_known_languages(tmp_path):
    _, diagnostics = _load(tmp_path, 'title: T\nlanguage: sv\nstrings: {contents.title: Innehåll}\n')
    [warning] = diagnostics.warnings
    assert 'contents.title' not in str(warning) and 'glossary.title' in str(warning)
    for language in ('en', 'en-GB', 'fr', 'fr-CA', 'es', 'ru', 'ar', 'fa'):
        _, diagnostics = _load(tmp_path, f'title: T\nlanguage: {language}\n')
        assert not list(diagnostics), language


def test_a_book_overrides_strings_flat_or_nested(tmp_path):
    config, diagnostics = _load(tmp_path, 'title: T\nlanguage: fr\nstrings:\n  glossary.title: Lexique\n'
                                          '  chronology:\n    title: Repères\n'
                                          '  uses.pages: {one: page, other: pages}\n')
    assert not list(diagnostics)
    strings = config.interface
    assert strings('glossary.title') == 'Lexique' and strings('chronology.title') == 'Repères'
    assert strings('contents.title') == 'Table des matières'
    assert strings.plural('uses.pages', 1) == 'page' and strings.plural('uses.pages', 3) == 'pages'


def test_an_unknown_override_or_a_wrong_kind_is_a_located_error(tmp_path):
    _, diagnostics = _load(tmp_path, 'title: T\nstrings:\n  glossary.titel: Lexique\n  contents.title: [a, b]\n'
                                     '  uses.pages: {one: p.}\n  references.title.notes: Sources\n')
    errors = [str(d) for d in diagnostics.errors]
    assert errors[0] == ("book.yaml:3:3: error[config-unknown-key]: unknown interface string "
                         "'strings.glossary.titel' (did you mean 'glossary.title'?)")
    assert errors[1].startswith("book.yaml:4:3: error[config-type]: the interface string 'strings.contents.title' "
                                'must be a text')
    assert errors[2].startswith("book.yaml:5:3: error[config-type]: the interface string 'strings.uses.pages'")
    assert errors[3].startswith("book.yaml:6:3: error[config-value]:") and 'bibliography-title' in errors[3]
    assert len(errors) == 4
    _, diagnostics = _load(tmp_path, 'title: T\nstrings: Lexique\n')
    assert [d.code for d in diagnostics.errors] == ['config-type']


def test_quotation_marks_are_cldrs():
    """CLDR's marks (from ICU), for every language CLDR knows, except English's and French's, which keep the
    builder's: British English single quotes outside (CLDR: double), French “ ” inside guillemets (CLDR: « »
    again)."""
    cldr = {'de': '„“‚‘', 'es': '«»“”', 'it': '«»“”', 'pt': '“”‘’', 'pt-PT': '«»“”', 'ru': '«»„“',
            'ar': '”“’‘', 'fa': '«»‹›', 'en': '“”‘’', 'sv': '””’’', 'ja': '「」『』', 'fr-CH': '«»“”',
            'xx': '“”‘’'}  # a language CLDR lacks: its root's marks
    for language, marks in cldr.items():
        assert ''.join(quotes_for(language)) == marks, language
    assert ''.join(quotes_for('en-GB')) == '‘’“”'
