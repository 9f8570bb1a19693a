"""The last build's page map is a layout's first guess at its pages, unless what moves every page changed since."""

from __future__ import annotations

from dataclasses import replace

from builder.cache import OutputCache, signature
from builder.config import load_config
from builder.diagnostics import Diagnostics
from builder.inputs import book_files

from conftest import copy_book


def output_cache(book) -> OutputCache:  # type: ignore[no-untyped-def]
    return OutputCache(book, signature(book_files(book, (book / 'dist',)), book))


def test_the_last_page_map_is_a_first_guess_in_the_same_page_geometry_only(tmp_path):
    book = copy_book('minimal', tmp_path)
    config = load_config(book, Diagnostics())
    assert config is not None
    output_cache(book).save_page_map('book', {'first': 3, 'second': 9}, config)

    chapter = sorted((book / 'chapters').glob('*.md'))[0]
    chapter.write_text(chapter.read_text() + '\nA sentence more.\n')  # an edit: the last pages are the best guess
    assert output_cache(book).first_guess('book', config) == {'first': 3, 'second': 9}
    for changed in (replace(config, paper='letter'), replace(config, sides='simplex'), replace(config, language='de')):
        assert output_cache(book).first_guess('book', changed) is None  # every page moves: an estimate is better
    (book / 'styles').mkdir(exist_ok=True)
    (book / 'styles' / 'print.css').write_text('body { font-size: 12pt; }\n')
    assert output_cache(book).first_guess('book', config) is None
    assert output_cache(book).first_guess('other', config) is None  # never laid out
