"""The URL fetcher WeasyPrint reads through refuses what check refuses: files outside the book folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.fetcher import BOOK_URL, BookFetcher, OutsideBookError


def link(book: Path, name: str, target: Path) -> None:
    (book / name).parent.mkdir(parents=True, exist_ok=True)
    (book / name).symlink_to(target)


def test_the_fetcher_refuses_links_out_of_the_book(tmp_path):
    """What check refuses, layout refuses again: the fetcher follows links too (a file swapped in meanwhile)."""
    secrets = tmp_path / 'outside'
    secrets.mkdir()
    (secrets / 'secret.png').write_bytes(b'not read')
    book = tmp_path / 'book'
    link(book, 'chapters/map.png', secrets / 'secret.png')
    fetcher = BookFetcher(book)
    with pytest.raises(OutsideBookError):
        fetcher.fetch(f'{BOOK_URL}chapters/map.png')
    with pytest.raises(OutsideBookError):
        fetcher.fetch(f'{BOOK_URL}../outside/secret.png')

