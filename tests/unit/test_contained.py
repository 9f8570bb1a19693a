"""The one test of whether a file lies inside a folder: symlinks followed, ``..`` collapsed."""

from __future__ import annotations

from builder.containment import contained


def test_contained_follows_links_and_dots(tmp_path):
    book = tmp_path / 'book'
    book.mkdir()
    (book / 'in.md').write_text('x')
    (book / 'out.md').symlink_to(tmp_path / 'elsewhere.md')
    assert contained(book, book / 'in.md') == (book / 'in.md').resolve()
    assert contained(book, book / 'out.md') is None
    assert contained(book, book / '..' / 'book2' / 'in.md') is None  # a sibling whose name starts the same
    assert contained(book, book / 'sub' / '..' / 'in.md') == (book / 'in.md').resolve()  # out and back in


def test_a_link_inside_the_folder_is_an_ordinary_file(tmp_path):
    book = tmp_path / 'book'
    (book / 'drafts').mkdir(parents=True)
    (book / 'drafts' / 'third.md').write_text('x')
    (book / 'third.md').symlink_to('drafts/third.md')
    assert contained(book, book / 'third.md') == (book / 'drafts' / 'third.md').resolve()


def test_a_folder_reached_through_a_link_contains_its_own_files(tmp_path):
    (tmp_path / 'real').mkdir()
    (tmp_path / 'real' / 'a.md').write_text('x')
    (tmp_path / 'alias').symlink_to('real')
    assert contained(tmp_path / 'alias', tmp_path / 'alias' / 'a.md') == (tmp_path / 'real' / 'a.md').resolve()
    assert contained(tmp_path / 'alias', tmp_path / 'alias') == (tmp_path / 'real').resolve()
    assert contained(tmp_path / 'alias', tmp_path / 'alias' / '..' / 'elsewhere') is None
