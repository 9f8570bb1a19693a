"""Images whose file names a URL must escape, in both outputs."""

from __future__ import annotations


import pytest
from pypdf import PdfReader

from conftest import CHAPTER, MAIN_EDITION, build, copy_book, epub_files, epubcheck, png

pytestmark = pytest.mark.build  # every test here lays out a book


def test_an_image_name_with_spaces_and_accents_builds_a_valid_epub(tmp_path):
    book = copy_book('minimal', tmp_path)
    (book / 'chapters' / 'route map (été).png').write_bytes(png())
    (book / CHAPTER).write_text((book / CHAPTER).read_text() + '\n![The route](<route map (été).png>)\n')
    run = build(book, *MAIN_EDITION)
    assert run.code == 0, run.err

    files = epub_files(run.output('.epub'))
    images = [name for name in files if name.endswith('.png') and 'cover' not in name]
    assert len(images) == 1 and ' ' not in images[0] and images[0].isascii(), images
    assert files[images[0]] == (book / 'chapters' / 'route map (été).png').read_bytes()
    assert f'src="{images[0].removeprefix("EPUB/")}"'.encode() in files['EPUB/second.xhtml']
    epubcheck(run.output('.epub'))  # no PKG-010 (a space in a name), no RSC-020 (an invalid URL)
    assert {image.name for page in PdfReader(run.output('.pdf')).pages for image in page.images}


def test_a_truncated_image_is_damaged_once_weasyprint_is_imported(tmp_path):
    """WeasyPrint tells Pillow to load truncated images as far as they go; a rebuild in the same process (``watch``,
    or after a book laid out here) must still find them damaged."""
    from PIL import ImageFile
    import weasyprint  # noqa: F401

    from builder.images import image_problem

    assert ImageFile.LOAD_TRUNCATED_IMAGES  # what WeasyPrint sets, and the check must not depend on
    path = tmp_path / 'map.png'
    path.write_bytes(png()[:60])
    assert image_problem(path)[0] == 'image-damaged'
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # left as it was found
