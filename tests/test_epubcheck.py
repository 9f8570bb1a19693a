"""The EPUBCheck helper every EPUB test relies on fails on an error, a warning or a fatal error.

``conftest.epubcheck`` checks every EPUB of the session in one JVM; these tests break a good
EPUB in small ways and make sure each break fails the check, and that a good EPUB checked after
a broken one still passes (nothing carries over from one check to the next).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import epubcheck


def altered(epub: Path, target: Path, name: str, change: Callable[[bytes], bytes]) -> Path:
    """A copy of ``epub`` with the file ``name`` changed, every other entry as it was (order, compression)."""
    with zipfile.ZipFile(epub) as source, zipfile.ZipFile(target, 'w') as copy:
        for info in source.infolist():
            data = source.read(info)
            copy.writestr(info, change(data) if info.filename == name else data)
    return target


@pytest.mark.build
def test_a_good_epub_passes_before_and_after_broken_ones(minimal_book, tmp_path):
    good = minimal_book.output('.epub')
    assert epubcheck(good)['checker']['nError'] == 0
    broken = altered(good, tmp_path / 'broken.epub', 'EPUB/second.xhtml',
                     lambda d: d.replace(b'</body>', b'<p><a href="missing.xhtml">gone</a></p></body>'))
    with pytest.raises(AssertionError, match='ERROR RSC-007'):
        epubcheck(broken)
    data = epubcheck(good)
    assert (data['checker']['nFatal'], data['checker']['nError'], data['checker']['nWarning']) == (0, 0, 0)


@pytest.mark.build
def test_a_warning_fails_the_check(minimal_book, tmp_path):
    untitled = altered(minimal_book.output('.epub'), tmp_path / 'untitled.epub', 'EPUB/first.xhtml',
                       lambda d: d.replace(b'<title>The First Chapter</title>', b''))
    with pytest.raises(AssertionError, match='WARNING RSC-017') as failure:
        epubcheck(untitled)
    assert 'ERROR' not in str(failure.value)  # a warning alone is enough to fail


def test_a_file_that_is_not_an_epub_fails_the_check(tmp_path):
    (tmp_path / 'not.epub').write_bytes(b'not a zip')
    with pytest.raises(AssertionError, match='FATAL'):
        epubcheck(tmp_path / 'not.epub')
