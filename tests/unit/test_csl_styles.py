"""The bundled CSL styles and the book's own: found by name or path, refused with the reason."""

from __future__ import annotations

from builder.citations.styles import ALIASES, BUNDLED, find_style, style_names


def test_every_bundled_style_and_alias_is_a_csl_style_with_its_licence():
    assert (BUNDLED / 'LICENSE.md').is_file()
    for name in style_names():
        style = find_style(name, BUNDLED, 'en')
        assert not isinstance(style, str), style
        assert style.path.is_file() and style.path.parent == BUNDLED
    assert find_style('vancouver', BUNDLED, 'en').path.name == ALIASES['vancouver'] + '.csl'
    notes = {name for name in style_names() if find_style(name, BUNDLED, 'en').note}
    assert notes == {'chicago-notes-bibliography', 'chicago-notes'}


def test_the_csl_locale_follows_the_book_language():
    assert find_style('apa', BUNDLED, 'fr').locale == 'fr-FR'
    assert find_style('apa', BUNDLED, 'en-GB').locale == 'en-GB'
    assert find_style('apa', BUNDLED, 'en').punctuation_in_quote
    assert not find_style('apa', BUNDLED, 'en-GB').punctuation_in_quote


def test_unknown_outside_and_dependent_styles_say_why(tmp_path):
    assert "did you mean 'chicago-author-date'" in find_style('chicago-autor-date', tmp_path, 'en')
    assert 'outside the book folder' in find_style('../x.csl', tmp_path, 'en')
    (tmp_path / 'dependent.csl').write_text(
        '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0"><info><title>A journal</title>'
        '<link href="http://www.zotero.org/styles/apa" rel="independent-parent"/></info></style>')
    assert 'dependent CSL style' in find_style('dependent.csl', tmp_path, 'en')
    (tmp_path / 'own.csl').write_text((BUNDLED / 'ieee.csl').read_text())
    own = find_style('own.csl', tmp_path, 'en')
    assert own.path == (tmp_path / 'own.csl').resolve() and not own.note


def test_pandoc_is_the_one_pypandoc_binary_ships_whatever_the_working_directory_holds(tmp_path, monkeypatch, caplog):
    from pathlib import Path

    import pypandoc

    from builder.citations.pandoc import pandoc_path, run_pandoc

    (tmp_path / 'pandoc').mkdir()  # a book folder with its Pandoc versions of the chapters, as the benchmarks'
    monkeypatch.chdir(tmp_path)
    pandoc_path.cache_clear()
    assert Path(pandoc_path()) == Path(pypandoc.__file__).parent / 'files' / 'pandoc'
    assert run_pandoc(['--version']).startswith('pandoc 3.')
    assert caplog.records == []  # pypandoc's search logged an [ERROR] on stderr for the folder
