"""The EPUB 3 writer: one XHTML file per rendered document, packaged by ebooklib.

The documents are the renderer's, through the named post-passes of
:mod:`.documents`: a link that was ``#id`` in the one-document PDF must name
the file that holds the id once the book is split into files, an image whose
file name an EPUB should not carry is renamed in it, and the print page
markers go in. A document is written as an earlier build wrote it when all
that decides it is the same (``documents.py``: an edit writes again only what
it changed). The zip is then rewritten with its bundled fonts subset
(:mod:`.epub_fonts`) and fixed entry times, which ebooklib cannot do.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import mimetypes
import posixpath
import re
import uuid
import zipfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import lxml.html
from ebooklib import epub
from lxml import etree

from ..config import BookConfig
from ..dates import build_timestamp, zip_time
from ..images import SAFE_NAME
from ..model import Document, RenderedBook
from ..render import publication_title
from ..resources import STYLES
from ..stylesheets import own_stylesheet, stylesheet_resources
from .accessibility import AccessibleEpubWriter, declare_accessibility
from .atomic import target_name
from .beside import beside_the_pdf, written_apart
from .cover import draw_cover
from .epub_fonts import licences, needed_fonts, prepare as prepare_fonts, subset_fonts, without_font_faces
from .documents import KeptDocuments, placed, written_key
from .pagelist import PageBreaks, PageTarget

if TYPE_CHECKING:
    from ..layout import LaidOut
    from ..options import Build, BuildOptions

XHTML = 'http://www.w3.org/1999/xhtml'
WRITTEN = '.xhtml'  # a document as written, kept (``documents.py``)
COVER = '.png'  # the cover, kept beside them
OPS = 'http://www.idpf.org/2007/ops'


@functools.cache
def font_files() -> tuple[str, ...]:
    """The fonts the bundled EPUB stylesheet names, styles-relative (code is left to the reader's own monospace
    font); read once, when the first EPUB is written, not when the module is imported."""
    return tuple(sorted(stylesheet_resources(STYLES, 'epub.css')))


def prepare(config: BookConfig) -> None:
    """What writing the EPUB needs before there is a book to write (each kept for the write): the cover drawn,
    the font subsetter imported."""
    draw_cover(config)
    prepare_fonts(font_files())


def written_here(options: BuildOptions) -> bool:
    """Whether the build's own process writes the EPUB (``write``): a handout's, or one with no PDF. Beside a PDF,
    a process of its own writes it and draws its cover: ``prepare`` in the build would be work for nothing
    (0.15–0.2 s of its CPU in each full build of the 207-page benchmark book)."""
    return options.handouts is not None or not written_apart(options)


def kept_cover(config: BookConfig, kept: KeptDocuments) -> bytes:
    """The cover (``cover.py``), kept between builds with the documents: beside a PDF, each EPUB is written by a
    process of its own, which drew it again (0.08 s of CPU, its PNG's compression most of it)."""
    name = written_key('cover', config.title, config.subtitle, list(config.authors)) + COVER
    cover = kept.get(name)
    if cover is None:
        cover = draw_cover(config)
        kept.put(name, cover)
    return cover


def write(laid_out: LaidOut, path: Path, build: Build, stack: ExitStack) -> Callable[[], None]:
    """The registered writer: the EPUB of the rendering, with a page-list when it was rendered from the print
    edition's settled page numbers (laid out in this build, or known from the last: ``layout/known_pages.py``)."""
    rendered = laid_out.rendered
    # A handout's here, beside its PDF too: small, and made by a worker of its own among many (a process each
    # would cost more).
    if rendered.selected.is_handout:
        write_epub(rendered, path, build.fonts_folder())
        return lambda: None
    return beside_the_pdf(build, stack, write_epub, rendered, path, build.fonts_folder(),
                          build.documents_folder(target_name(path)))


def write_epub(rendered: RenderedBook, path: Path, fonts_kept: Path | None = None,
               documents_kept: Path | None = None) -> None:
    """The EPUB of ``rendered`` in ``path``; ``fonts_kept``: where font subsets are kept between builds,
    ``documents_kept``: the documents (``documents.py``)."""
    moment = build_timestamp(rendered.config)
    # Its documents let go before the zip is read back (20 MB at 824 p)
    fonts = _package(rendered, path, moment, KeptDocuments(documents_kept))
    entries = read_zip(path)
    subset_fonts(entries, fonts, moment, fonts_kept)
    for name, data in entries.items():  # one document at a time, not a second copy of them all
        if name.endswith('.xhtml'):
            entries[name] = with_xml_lang(data)
    write_zip(path, entries, zip_time(moment))


def _package(rendered: RenderedBook, path: Path, moment: dt.datetime, kept: KeptDocuments) -> list[str]:
    """Write the EPUB with ebooklib, dated ``moment``, its entries uncompressed and its fonts whole, its
    documents those ``kept`` where they are; return the fonts' zip names."""
    config = rendered.config
    strings = config.interface
    book = epub.EpubBook()
    book.set_identifier(book_identifier(rendered))
    book.set_title(publication_title(rendered))
    book.set_language(config.language)
    direction = 'rtl' if config.direction == 'rtl' else None  # ebooklib: dir="rtl" on each page, and the spine's
    if direction:                                              # page-progression-direction; none for ltr
        book.set_direction(direction)
    for number, author in enumerate(config.authors, start=1):
        book.add_author(author, uid=f'creator{number}')  # ebooklib's default uid repeats: a duplicate id
    if config.description:
        book.add_metadata('DC', 'description', config.description)
    if rendered.rights:  # the book's statement, and the credit line of each source it quotes
        book.add_metadata('DC', 'rights', rendered.rights)
    if config.date:
        book.add_metadata('DC', 'date', config.date)
    book.set_cover('cover.png', kept_cover(config, kept))
    book.get_item_with_id('cover').title = strings('epub.cover')  # the cover page's title and its image's alt
    book.get_item_with_id('cover').direction = direction
    declare_accessibility(book, rendered)

    fonts = needed_fonts(font_files(), ''.join(d.body for d in rendered.documents) + config.title)
    css = without_font_faces((STYLES / 'epub.css').read_text(encoding='utf-8'), set(font_files()) - set(fonts))
    book.add_item(epub.EpubItem(uid='style', file_name='styles/epub.css', media_type='text/css',
                                content=css.encode()))
    # The colours of highlighted code, which print.css imports too; each document links every stylesheet.
    book.add_item(epub.EpubItem(uid='code-style', file_name='styles/code.css', media_type='text/css',
                                content=(STYLES / 'code.css').read_bytes()))
    for font in fonts:
        name = Path(font).name
        book.add_item(epub.EpubItem(uid=f'font-{name}', file_name=f'styles/{font}', media_type='font/ttf',
                                    content=(STYLES / font).read_bytes()))
    for licence in licences(fonts):  # the bundled fonts' licences, which their subsets must travel with
        book.add_item(epub.EpubItem(uid=_item_id('licence', licence), file_name=f'styles/{licence}',
                                    media_type='text/plain', content=(STYLES / licence).read_bytes()))
    image_names = epub_image_names(rendered.images)
    for image in rendered.images:  # not `path`: that is the EPUB's own path, written below
        book.add_item(epub.EpubImage(uid=_item_id('img', image), file_name=image_names[image],
                                     content=(config.root / image).read_bytes()))
    for resource in rendered.resources:
        book.add_item(epub.EpubItem(uid=_item_id('gen', resource.path), file_name=resource.path,
                                    media_type=resource.media_type, content=resource.content))
    own_css = own_stylesheet(config.root, 'epub')
    if own_css:
        # Kept in styles/ beside the files it names, which keep their place in the book folder.
        book.add_item(epub.EpubItem(uid='book-style', file_name='styles/book.css', media_type='text/css',
                                    content=own_css.read_bytes()))
        for resource in stylesheet_resources(config.root, 'styles/epub.css'):
            if not book.get_item_with_href(resource):
                kind = mimetypes.guess_type(resource)[0] or 'application/octet-stream'
                book.add_item(epub.EpubItem(uid=_item_id('style', resource), file_name=resource, media_type=kind,
                                            content=(config.root / resource).read_bytes()))

    documents = [d for d in rendered.documents if d.kind != 'toc']  # the EPUB's own nav is the contents
    breaks = None
    if rendered.pages is not None:
        breaks = PageBreaks(rendered.pages, rendered.selected.first_page, rendered.numbering)
        # The page source: the PDF this build lays out from the same sources (EPUB Accessibility 1.1).
        book.add_metadata('DC', 'source', print_source(rendered))
        book.add_metadata(None, 'meta', print_source(rendered), {'property': 'pageBreakSource'})
    styles = list(book.get_items_of_media_type('text/css'))
    style_names = [css.file_name for css in styles]
    items = []
    for place in placed(documents, image_names, breaks, kept):
        document = place.document
        item = _WrittenHtml(uid=document.id, file_name=document.file_name, title=document.title,
                            lang=config.language, direction=direction)
        for css in styles:
            item.add_item(css)
        book.add_item(item)
        # The body is serialized as XML with page markers, as HTML without
        key = written_key('epub', place.reads, breaks is not None, document.id, document.kind, document.title,
                          config.language, direction, style_names) + WRITTEN
        written = kept.get(key)
        if written is None:
            tree = place.tree()
            body = etree.tostring(tree, method='xml', encoding='unicode') if breaks is not None \
                else lxml.html.tostring(tree, encoding='unicode')
            item.content = _xhtml_page(document, body).encode()
            # EPUB 3 declares each document that holds MathML (OPF-014)
            written = (b'mathml' if '<math ' in body else b'') + b'\n' + item.get_content()
            kept.put(key, written)
        properties, item.written = written.split(b'\n', 1)
        item.properties.extend(properties.decode().split())
        items.append(item)
    kept.prune(2 * len(documents) + 1)  # an outline and a document each, and the cover

    book.toc = _toc(rendered, documents)
    book.add_item(epub.EpubNcx())
    nav = epub.EpubNav(title=strings('contents.title'), direction=direction)
    book.add_item(nav)
    book.spine = ['cover', items[0], 'nav', *items[1:]]
    book.guide = [
        {'type': 'cover', 'href': 'cover.xhtml', 'title': strings('epub.cover')},
        {'type': 'toc', 'href': 'nav.xhtml', 'title': strings('contents.title')},
        *[{'type': d.landmark, 'href': d.file_name, 'title': d.title} for d in documents if d.landmark],
    ]
    writer = _PageListWriter(str(path), book, {
        'raise_exceptions': True, 'mtime': moment, 'epub2_guide': False, 'landmark_title': strings('epub.landmarks'),
        'pages_title': strings('epub.pages'), 'epub3_pages': False, 'compresslevel': 0},
        breaks.targets if breaks else [])  # compressed once, by write_zip
    writer.process()
    writer.write()
    return [f'{book.FOLDER_NAME}/styles/{font}' for font in fonts]


def book_identifier(rendered: RenderedBook) -> str:
    """A stable identifier: the manifest's, else a name-based UUID of title and authors.

    Each edition and handout is a publication of its own, so those other than
    the whole main edition get an identifier derived from the book's.
    """
    config = rendered.config
    base = config.identifier or (
        f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'coursepack:' + config.title + '|' + '|'.join(config.authors))}")
    part = _part_name(rendered)
    return base if not part else f'urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, base + "|" + part)}'


def print_source(rendered: RenderedBook) -> str:
    """How the EPUB names the print version its page numbers come from: the PDF built beside it."""
    strings = rendered.config.interface
    return strings('epub.print-source', title=publication_title(rendered))


def _part_name(rendered: RenderedBook) -> str:
    selection = rendered.selected
    names: list[str] = [] if selection.edition == rendered.config.main_edition else [selection.edition]
    if selection.is_handout:
        names.append('handout:' + ','.join(selection.chapters or ()))
    return '|'.join(names)


class _WrittenHtml(epub.EpubHtml):
    """A document whose XHTML ebooklib made once, in this build or in an earlier one (``written``): written as it
    is, where ebooklib would read the content and make it again."""

    written: bytes | None = None

    def get_content(self, default=None):  # type: ignore[no-untyped-def]
        return self.written if self.written is not None else super().get_content(default)


class _PageListWriter(AccessibleEpubWriter):
    """ebooklib's writer, with a page-list nav built from our page targets.

    ebooklib's own page-list takes every element with an ``epub:type`` and an
    id (chapters and notes too), so it is turned off and this one is added.
    """

    def __init__(self, name: str, book: epub.EpubBook, options: dict, pages: list[PageTarget]) -> None:
        super().__init__(name, book, options)
        self.page_targets = pages

    def _get_nav(self, item):  # type: ignore[no-untyped-def]
        nav = super()._get_nav(item)
        if not self.page_targets:
            return nav
        tree = etree.fromstring(nav)
        body = tree.find(f'{{{XHTML}}}body')
        page_list = etree.SubElement(body, f'{{{XHTML}}}nav', {f'{{{OPS}}}type': 'page-list', 'id': 'page-list',
                                                               'hidden': 'hidden'})
        etree.SubElement(page_list, f'{{{XHTML}}}h2').text = self.options['pages_title']
        entries = etree.SubElement(page_list, f'{{{XHTML}}}ol')
        for target in self.page_targets:
            link = etree.SubElement(etree.SubElement(entries, f'{{{XHTML}}}li'), f'{{{XHTML}}}a',
                                    {'href': f'{target.file_name}#{target.id}'})
            link.text = target.label
        return etree.tostring(tree, encoding='utf-8', xml_declaration=True)


def epub_image_names(images: tuple[str, ...]) -> dict[str, str]:
    """The name each image has in the EPUB: its own, unless that holds a character EPUBCheck warns about
    (a space: PKG-010) or that a URL must escape; then a name of safe characters, made unique by a hash."""
    names = {}
    for image in images:
        if SAFE_NAME.fullmatch(image):
            names[image] = image
        else:
            stem, suffix = posixpath.splitext(image)
            digest = hashlib.sha256(image.encode()).hexdigest()[:8]
            names[image] = f"{re.sub(r'[^A-Za-z0-9_./-]+', '-', stem)}-{digest}{suffix}"
    return names


def _item_id(prefix: str, path: str) -> str:
    """A manifest id for a file: an XML name, so no slashes."""
    return f"{prefix}-{re.sub(r'[^A-Za-z0-9_.-]', '-', path)}"


_TAG_WITH_LANG = re.compile(rb'<[a-zA-Z][^>]*\slang="[^"]*"[^>]*>')  # lxml escapes ">" in attribute values
_LANG = re.compile(rb'\slang="([^"]*)"')


def with_xml_lang(xhtml: bytes) -> bytes:
    """Each element with ``lang`` (a ``[…]{lang=fr}`` span, a quotation) gets the same ``xml:lang``: an XHTML
    document read as XML knows an element's language from ``xml:lang`` alone (EPUB 3, HTML's polyglot rules)."""
    def both(tag: re.Match[bytes]) -> bytes:
        if b' xml:lang=' in tag[0]:
            return tag[0]
        return _LANG.sub(lambda m: m[0] + b' xml:lang="' + m[1] + b'"', tag[0], count=1)
    return _TAG_WITH_LANG.sub(both, xhtml)


def _xhtml_page(document: Document, body: str) -> str:
    # ebooklib keeps only what is inside <body>; the <title> comes from the item.
    return f'<html><head></head><body class="{document.kind}">{body}</body></html>'


def _toc(rendered: RenderedBook, documents: list[Document]) -> list:
    files = {d.id: d.file_name for d in documents}
    toc: list = []
    for heading in rendered.headings:
        href = files[heading.chapter_id] + ('' if heading.level == 1 else f'#{heading.id}')
        link = epub.Link(href, heading.title, heading.id)
        if heading.level == 1:
            toc.append((epub.Section(heading.title, files[heading.chapter_id]), []))
        elif heading.level == 2 and heading.listed and toc:
            toc[-1][1].append(link)
    return [(section, children) if children else epub.Link(section.href, section.title, section.href)
            for section, children in toc]


def read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as source:
        return {info.filename: source.read(info.filename) for info in source.infolist()}


def write_zip(path: Path, entries: dict[str, bytes], date_time: tuple) -> None:
    """Write the EPUB with ``mimetype`` first and stored, and every entry at one fixed time."""
    with zipfile.ZipFile(path, 'w') as out:
        for name, data in sorted(entries.items(), key=lambda e: (e[0] != 'mimetype', e[0] != 'META-INF/container.xml')):
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if name == 'mimetype' else zipfile.ZIP_DEFLATED
            # Level 6: the fonts, most of the bytes, shrink as much as at 9 in half the time.
            out.writestr(info, data, compresslevel=None if name == 'mimetype' else 6)
