"""The languages the workers' fork server hyphenates a word in ahead (``load.book_languages``): the book's, then
those that two or more of its chapters name."""

from __future__ import annotations

from builder.load import book_languages

from conftest import copy_book


def test_the_book_s_language_first_then_each_that_two_chapters_name_once(tmp_path):
    book = copy_book('minimal', tmp_path)  # English, a [ … ]{lang=fr} span in its first chapter
    first, second = book / 'chapters' / '01-first.md', book / 'chapters' / '02-second.md'
    first.write_text(first.read_text(encoding='utf-8') + '\n<span lang="es-MX">hola</span>\n', encoding='utf-8')
    second.write_text(second.read_text(encoding='utf-8') + '\n::: {lang=es-MX}\nUn párrafo.\n:::\n\n'
                      '[Wort]{lang=de} and [encore]{lang=fr} and [again]{lang=en}\n', encoding='utf-8')
    # Spanish from raw HTML in one chapter and a div in the other; German from one chapter only
    assert book_languages(book) == ['en', 'fr', 'es-MX']


def test_a_language_one_chapter_names_twice_is_left_to_its_part(tmp_path):
    book = copy_book('minimal', tmp_path)
    second = book / 'chapters' / '02-second.md'
    second.write_text(second.read_text(encoding='utf-8') + '\n[Wort]{lang=de} and [Satz]{lang=de}\n', encoding='utf-8')
    assert book_languages(book) == ['en']


def test_a_folder_without_a_book_names_none(tmp_path):
    assert book_languages(tmp_path) == []
