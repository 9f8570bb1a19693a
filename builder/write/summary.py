"""What an output file is, read from the file itself: its size and how many pages or chapters it has.

Read from the written files rather than from the build's memory, so that the
summary after a build and ``coursepack check --outputs`` describe exactly what
a reader will open, whichever writer made it.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

NS = {
    'c': 'urn:oasis:names:tc:opendocument:xmlns:container',
    'opf': 'http://www.idpf.org/2007/opf',
}
EPUB_TYPE = '{http://www.idpf.org/2007/ops}type'


@dataclass(frozen=True)
class OutputSummary:
    path: Path
    size: int  # bytes
    pages: int | None  # PDF pages, or the EPUB page-list's entries when it has one
    chapters: int | None = None  # EPUB chapter documents, or a web edition's chapter pages

    def __str__(self) -> str:
        parts = [_size(self.size)]
        if self.chapters is not None:
            parts.append(_count(self.chapters, 'chapter'))
        if self.chapters is not None:  # an EPUB: without a layout of the print edition, it has no page numbers
            parts.append(f'{self.pages} print pages' if self.pages else 'no print page numbers')
        elif self.pages is not None:
            parts.append(_count(self.pages, 'page'))
        return ', '.join(parts)


def pdf_summary(path: Path) -> OutputSummary:
    """Size and pages of a PDF file; raises the reader's error on a damaged file.

    Read by qpdf, which reads only the page tree's root: pypdf parsed every object of the 207-page book (1.2 s),
    and qpdf's list of the pages (with their inherited attributes) took 54 MB at 824 pages, at the end of a build.
    """
    import pikepdf  # PDFs only: not imported for an EPUB alone

    try:
        pdf = pikepdf.open(path, inherit_page_attributes=False)
    except pikepdf.PdfError as error:  # qpdf's message starts with the file's path, which the report gives already
        raise pikepdf.PdfError(str(error).removeprefix(f'{path}: ')) from None
    with pdf:
        return OutputSummary(path, path.stat().st_size, int(pdf.Root.Pages.Count))


def epub_summary(path: Path) -> OutputSummary:
    """Size, chapters and print pages of an EPUB file; raises the reader's error on a damaged file."""
    size = path.stat().st_size
    chapters, pages = _epub_extent(path)
    return OutputSummary(path, size, pages, chapters)


def _epub_extent(path: Path) -> tuple[int, int | None]:
    """(chapters, print pages): the spine's chapter documents, and its page-break markers if it has any.

    A page-list entry points at a page-break marker, so the markers are the
    print pages the EPUB knows; counting them avoids trusting a nav whose
    page-list was filled with other elements.
    """
    chapters = pages = 0
    with zipfile.ZipFile(path) as z:
        container = etree.fromstring(z.read('META-INF/container.xml'))
        opf_path = container.find('.//c:rootfile', NS).get('full-path')
        opf = etree.fromstring(z.read(opf_path))
        base = posixpath.dirname(opf_path)
        hrefs = {item.get('id'): item.get('href') for item in opf.iterfind('opf:manifest/opf:item', NS)}
        for ref in opf.iterfind('opf:spine/opf:itemref', NS):
            document = etree.fromstring(z.read(posixpath.join(base, hrefs[ref.get('idref')])))
            types = [set(e.get(EPUB_TYPE, '').split()) | {e.get('role', '')} for e in document.iter()]
            chapters += any('chapter' in t for t in types)
            pages += sum(1 for t in types if t & {'pagebreak', 'doc-pagebreak'})
    return chapters, pages or None


def _size(size: int) -> str:
    return f'{size / 1024:,.0f} KiB' if size < 1024 * 1024 else f'{size / 1024 / 1024:,.1f} MiB'


def _count(n: int, noun: str) -> str:
    return f'{n} {noun}' + ('' if n == 1 else 's')
