"""Characters no font of the book has: one located warning per line at check time, none per glyph at layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CHAPTER, MAIN_EDITION, build, copy_book, epubcheck, font_with, run_cli

pytestmark = pytest.mark.build  # every test here lays out a book

MISSING = 'chapters/02-second.md:14:12: warning[font-missing-glyph]: no font of the book has '


def a_book(tmp_path: Path) -> Path:
    book = copy_book('minimal', tmp_path)
    chapter = book / CHAPTER
    chapter.write_text(chapter.read_text() + '\nIn Chinese 中文 (zhōngwén), and a party 🎉 and 🎉.\n\nAlso 中.\n')
    return book


def test_missing_characters_are_reported_once_per_line_with_how_to_add_a_font(tmp_path):
    book = a_book(tmp_path)
    checked = run_cli('check', book)
    assert checked.code == 0, checked.err
    warnings = [line for line in checked.err.splitlines() if 'font-missing-glyph' in line]
    assert warnings == [
        MISSING + '中 (U+4E2D), 文 (U+6587), 🎉 (U+1F389), which would print as empty boxes: copy a font that '
        'has them (such as a Noto font, OFL) into styles/fonts/ and declare it with @font-face in '
        'styles/print.css and styles/epub.css, after the book font in font-family',
        'chapters/02-second.md:16:6: warning[font-missing-glyph]: no font of the book has 中 (U+4E2D), '
        'which would print as empty boxes: copy a font that has them (such as a Noto font, OFL) into '
        'styles/fonts/ and declare it with @font-face in styles/print.css and styles/epub.css, after the book '
        'font in font-family',
    ], checked.err
    assert run_cli('check', book, '--strict').code == 1

    built = build(book, *MAIN_EDITION)
    assert built.code == 0, built.err
    assert '.notdef' not in built.err  # layout's one warning per glyph and edition is not repeated
    assert [line for line in built.err.splitlines() if 'font-missing-glyph' in line] == warnings
    epubcheck(built.output('.epub'))


def test_a_font_the_book_declares_counts(tmp_path):
    book = a_book(tmp_path)
    (book / 'styles' / 'fonts').mkdir(parents=True)
    font_with('中', book / 'styles' / 'fonts' / 'zhong.ttf')
    for sheet in ('print.css', 'epub.css'):
        (book / 'styles' / sheet).write_text('@font-face { font-family: Zhong; src: url(fonts/zhong.ttf); }\n'
                                             'body { font-family: "Gentium Book Plus", Zhong; }\n')
    run = build(book, *MAIN_EDITION)
    assert run.code == 0, run.err
    warnings = [line for line in run.err.splitlines() if 'font-missing-glyph' in line]
    assert len(warnings) == 1, run.err  # line 16 has only 中
    assert warnings[0].startswith(MISSING.replace(':12:', ':13:') + '文 (U+6587), 🎉 (U+1F389), which'), run.err
    epubcheck(run.output('.epub'))


def test_a_woff_font_the_book_declares_counts(tmp_path):
    """HarfBuzz reads the character maps of TrueType and OpenType fonts; a WOFF font's, which it cannot read, are
    read with fontTools."""
    from fontTools.ttLib import TTFont

    book = a_book(tmp_path)
    (book / 'styles' / 'fonts').mkdir(parents=True)
    font_with('中', tmp_path / 'zhong.ttf')
    woff = TTFont(tmp_path / 'zhong.ttf')
    woff.flavor = 'woff'
    woff.save(book / 'styles' / 'fonts' / 'zhong.woff')
    (book / 'styles' / 'print.css').write_text('@font-face { font-family: Zhong; src: url(fonts/zhong.woff); }\n'
                                               'body { font-family: "Gentium Book Plus", Zhong; }\n')
    checked = run_cli('check', book)
    assert checked.code == 0, checked.err
    warnings = [line for line in checked.err.splitlines() if 'font-missing-glyph' in line]
    assert len(warnings) == 1, checked.err  # line 16 has only 中
    assert warnings[0].startswith(MISSING.replace(':12:', ':13:') + '文 (U+6587), 🎉 (U+1F389), which'), checked.err
