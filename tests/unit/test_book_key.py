"""The key an EPUB built alone compares with the last layout's (``OutputCache.book_key``, ``layout/known_pages.py``):
the same for the same book, whenever and wherever it is read; another for any change that could move a page."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from builder.cache import OutputCache, signature


def key(book: Path, settings: tuple = ()) -> str:
    files = sorted(p for p in book.rglob('*') if p.is_file())
    return OutputCache(book, signature(files, book), settings=settings).book_key()


def a_book(folder: Path) -> Path:
    (folder / 'chapters').mkdir(parents=True)
    (folder / 'book.yaml').write_text('title: A book\n', encoding='utf-8')
    (folder / 'chapters' / '01-one.md').write_text('# One\n\nA paragraph.\n', encoding='utf-8')
    (folder / 'styles').mkdir()
    (folder / 'styles' / 'print.css').write_text('p { color: black }\n', encoding='utf-8')
    return folder


def test_the_same_book_has_the_same_key_when_touched_or_copied(tmp_path):
    book = a_book(tmp_path / 'book')
    first = key(book)
    os.utime(book / 'chapters' / '01-one.md', (0, 0))  # touched, not changed
    assert key(book) == first
    assert key(Path(shutil.copytree(book, tmp_path / 'elsewhere'))) == first


def test_a_changed_file_a_new_file_or_a_setting_changes_the_key(tmp_path, monkeypatch):
    book = a_book(tmp_path / 'book')
    first = key(book)
    keys = {first}
    (book / 'chapters' / '01-one.md').write_text('# One\n\nA paragraph, edited.\n', encoding='utf-8')
    keys.add(key(book))
    (book / 'styles' / 'print.css').write_text('p { color: red }\n', encoding='utf-8')
    keys.add(key(book))
    (book / 'chapters' / '02-two.md').write_text('# Two\n', encoding='utf-8')
    keys.add(key(book))
    keys.add(key(book, settings=(('paper', 'a5'),)))
    monkeypatch.setenv('SOURCE_DATE_EPOCH', '1700000000')
    keys.add(key(book, settings=(('paper', 'a5'),)))
    assert len(keys) == 6


def test_the_fonts_of_the_system_are_read_for_the_builders_key(tmp_path):
    """A stylesheet may name a font of the system, and fontconfig picks one for a character no bundled font has:
    a font added to the user's fonts, or another fontconfig file, makes every key that the builder's is part of
    another (the parts and outputs kept, the last build's record)."""
    from builder.cache import system_fonts_signature

    environ = {'HOME': str(tmp_path)}
    before = system_fonts_signature(environ)
    assert system_fonts_signature(environ) == before
    (tmp_path / '.local' / 'share' / 'fonts').mkdir(parents=True)
    (tmp_path / '.local' / 'share' / 'fonts' / 'Serif.ttf').write_bytes(b'a font')
    added = system_fonts_signature(environ)
    assert added != before and any(line.startswith(f'{tmp_path}/.local/share/fonts/Serif.ttf:6:') for line in added)
    settings = tmp_path / 'fonts.conf'
    settings.write_text('<fontconfig></fontconfig>\n', encoding='utf-8')
    assert system_fonts_signature({**environ, 'FONTCONFIG_FILE': str(settings)}) != added
