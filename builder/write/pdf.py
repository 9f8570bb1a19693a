"""The PDF writer: the laid-out book as a PDF file, written by WeasyPrint or joined from the parts' PDFs.

A book laid out as one document is written by WeasyPrint; one laid out in parts
(``layout/parts.py``) is joined by qpdf (pikepdf): the parts' pages, their
outlines and named destinations, in order; the parts' links into one another, link
annotations to a named destination, lead to it; each font is embedded once
(``layout/shared_fonts.py``).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import warnings
import zlib
from collections.abc import Callable
from pathlib import Path

from ..blocks import without_block_destinations
from ..cache import builder_key, keep_recent, kept_bytes
from ..dates import build_timestamp
from ..diagnostics import Diagnostics
from ..layout import LaidOut
from ..options import Build
from ..layout.document import LaidOutDocument
from ..layout.furniture import BLANK_PAGE
from ..layout.font_subsets import dated_subsets
from ..layout.identity import pdf_identifier
from ..layout.page_contents import CLOSING, COMPRESSION, OPENING, drawn_over, flushed, joined_deflate
from ..layout.parts import LaidOutParts
from ..layout.weasyprint_log import report_unlinked, weasyprint_diagnostics
from ..model import RenderedBook
from ..workers import apart
from .booklet import impose_booklet

CONTENTS_KEPT = 3  # page contents kept (``ContentsCompressor``), as many times the pages of the last join: an
#                    edition's last builds, or two editions'

# book.yaml's ``pdf-standard`` -> WeasyPrint's PDF variant. PDF/UA-1 tags the PDF (a structure tree
# with headings, lists, tables, figures and their alt text) and names its language.
PDF_VARIANTS = {'ua-1': 'pdf/ua-1'}


def write(laid_out: LaidOut, path: Path, build: Build, stack: contextlib.ExitStack) -> Callable[[], None]:
    """The registered writer: the PDF, imposed as a booklet when a handout is asked for as one."""
    written = write_pdf(laid_out, path, build.diagnostics, stack, build.fonts_folder(), build.contents_folder())
    rendered = laid_out.rendered
    if (build.options.booklet or rendered.config.handouts.booklet) and rendered.selected.is_handout:
        written()
        impose_booklet(path)
        return lambda: None
    return written


def write_pdf(laid_out: LaidOut, path: Path, diagnostics: Diagnostics, stack: contextlib.ExitStack,
              fonts_kept: Path | None = None, contents_kept: Path | None = None) -> Callable[[], None]:
    """Write the PDF; return a function that waits until it is written.

    Parts are joined in another process, so that the EPUB can be written meanwhile; ``fonts_kept``: where the
    join keeps the fonts it merges (``layout/shared_fonts.py``); ``contents_kept``: the page contents it
    compresses (:class:`ContentsCompressor`).
    """
    assert laid_out.layout is not None  # the PDF needs the layout
    if isinstance(laid_out.layout, LaidOutDocument):
        write_document(laid_out.layout, laid_out.rendered, path, diagnostics)
        return lambda: None
    labels = laid_out.rendered.numbering.pdf_ranges(laid_out.rendered.selected.first_page)
    joined = apart(stack, join_parts, laid_out.layout, path, fonts_kept, labels, contents_kept)

    def written() -> None:
        for target in dict.fromkeys(joined.result()):  # each once, as WeasyPrint's messages (``weasyprint_log.py``)
            report_unlinked(diagnostics, target)

    return written


def write_document(laid_out: LaidOutDocument, rendered: RenderedBook, path: Path, diagnostics: Diagnostics) -> None:
    subsets = dated_subsets(build_timestamp(rendered.config))
    labels = rendered.numbering.pdf_ranges(rendered.selected.first_page)

    def finish(document, pdf) -> None:  # type: ignore[no-untyped-def]
        import pydyf

        subsets(document, pdf)
        without_block_destinations(pdf)
        if labels:
            pdf.catalog['PageLabels'] = pydyf.Dictionary({'Nums': pydyf.Array([
                item for index, style, first in labels
                for item in (index, pydyf.Dictionary({'S': f'/{style}', 'St': first}))])})

    with weasyprint_diagnostics(diagnostics):
        laid_out.document.write_pdf(path, pdf_identifier=pdf_identifier(rendered.config),
                                    pdf_variant=PDF_VARIANTS.get(rendered.config.pdf_standard or ''),
                                    custom_metadata=True,  # <meta name="Rights">: the rights statement
                                    finisher=finish)


def join_parts(laid_out: LaidOutParts, path: Path, fonts_kept: Path | None,
               labels: tuple[tuple[int, str, int], ...], contents_kept: Path | None = None) -> list[str]:
    """Join the parts' PDFs into ``path``, its pages labelled with the numbers they print (``labels``, as
    ``PageNumbering.pdf_ranges`` gives them); return the targets of links that lead nowhere."""
    import pikepdf

    from ..layout.shared_fonts import share_fonts

    parts, starts = laid_out.parts, laid_out.starts
    anchors = laid_out.page_map()
    with contextlib.ExitStack() as opened:
        # The first part's catalogue (language), metadata and file identifier are the book's; it stays open until
        # the book is written, qpdf reading its streams from its file as it writes.
        book = opened.enter_context(pikepdf.open(parts[0].pdf))
        navigation = Navigation(book)
        navigation.add(book, 0)
        first_index = [0]
        blank = None
        for part, start in zip(parts[1:], starts[1:]):
            if start > len(book.pages) + 1:
                if blank is None:
                    assert laid_out.blank is not None  # made whenever the book is printed on both sides
                    template = opened.enter_context(pikepdf.open(io.BytesIO(laid_out.blank.pdf())))
                    blank = book.copy_foreign(template.pages[BLANK_PAGE].obj)
                # A page of its own, drawn as the template's (its crop marks), its size and boxes (the bleed's)
                book.pages.append(pikepdf.Page(book.make_indirect(pikepdf.Dictionary(
                    {key: value for key, value in blank.items() if key != '/Parent'}))))
            first_index.append(len(book.pages))
            with pikepdf.open(part.pdf) as source:
                with warnings.catch_warnings():  # the named destinations and the outline are joined below
                    warnings.simplefilter('ignore', pikepdf.PageCopyWarning)
                    book.pages.extend(source.pages)
                navigation.add(source, first_index[-1])
                # Each part closed once joined: what qpdf read of it (its pages, fonts, names) took 26 MB at 824 p
                held_in_memory(book.pages[first_index[-1]:])
        navigation.finish()
        contents = ContentsCompressor(contents_kept)
        draw_numbers(book, laid_out, first_index, opened, contents)
        # The links into other parts were added by the parts (``layout/parts.py``, ``linked_across_parts``); one
        # whose target the book has not is left out, as WeasyPrint leaves it out of a document.
        missing = []
        for part, offset in zip(parts, first_index):
            for index, _rect, target in part.links:
                if target not in anchors:
                    missing.append(target)
                    unlinked(book.pages[offset + index], target)
        share_fonts(book, fonts_kept)
        contents.compress_rest(book)
        if labels:
            book.Root.PageLabels = pikepdf.Dictionary(Nums=[
                item for index, style, first in labels
                for item in (index, pikepdf.Dictionary(S=pikepdf.Name(f'/{style}'), St=first))])
        # Objects in compressed object streams, as WeasyPrint writes a whole book's; what no page uses any more
        # (the parts' own font subsets) is left out. The identifier's second half, which says which version of
        # the file this is, is its content's hash. Written into ``path`` itself, a staged output: saved to a file
        # name, pikepdf writes a temporary beside it (``.pikepdf.<name>…``), which a join stopped by Ctrl-C or
        # SIGTERM left in the output folder, where the build's own temporaries are removed (``write/atomic.py``).
        with path.open('wb') as out:
            book.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True,
                      deterministic_id=True)
    return missing


def draw_numbers(book, laid_out: LaidOutParts, first_index: list[int],  # type: ignore[no-untyped-def]
                 opened: contextlib.ExitStack, contents: ContentsCompressor) -> None:
    """Stamp the numbers of page references into the pages of the parts laid out with placeholders for them, and
    draw the folios over the pages that carry one; page by page, each page compressed once drawn (held uncompressed
    until the book was written, the pages of an 824-page book took 47 MB of the join's 270 MB)."""
    import pikepdf

    from ..layout.furniture import FolioStamps
    from ..layout.stamped_digits import Stamps, stamp, stamped_pages

    stamps: dict[int, Stamps] = {}
    for part, offset, numbers in zip(laid_out.parts, first_index, laid_out.numbers):
        if numbers:
            stamps.update(stamped_pages(offset, part.slots, numbers))
    folios = dict(laid_out.folios.numbers) if laid_out.folios is not None else {}
    drawn = FolioStamps(opened.enter_context(pikepdf.open(io.BytesIO(laid_out.folios.template.pdf())))) \
        if laid_out.folios is not None else None  # drawn apart from the parts
    ends = {offset + index: end for part, offset in zip(laid_out.parts, first_index) for index, end in part.ends.items()}
    for index in sorted(stamps.keys() | folios.keys()):
        page = book.pages[index]
        if index in stamps:
            stamp(book, page, stamps[index])
        after = None
        if drawn is not None and index in folios:
            after = draw_over(book, page, drawn.template, drawn.folio(index, folios[index]))
        contents.compress(page, after, ends.get(index))


class ContentsCompressor:
    """Compresses the page contents the join wrote (numbers stamped, folios drawn over), each kept in ``kept`` under
    its hash: an edit compresses again only the pages it changed. Compressed here, not by qpdf, so that a kept page
    and a new one are compressed alike, by the zlib that WeasyPrint compresses the parts' pages with.

    A page with a folio drawn over it is one stream: its own drawing, compressed up to a point where the compression
    starts afresh (a full flush), then the folio's, compressed each time (``joined_deflate``). Its part compressed
    its own drawing so (``layout/page_contents.py``), unless the join stamps numbers into it: that drawing is
    compressed here, and kept as above (under the hash of its drawing, or of its stream as its part compressed
    it). So the pages of an edit that moves them, whose folios all change, are not compressed again: 1.6 s of the
    join of an 824-page book.
    """

    def __init__(self, kept: Path | None) -> None:
        self.kept = kept
        # What else decides the bytes: the level, zlib's version, the builder (a kept page must be what a clean
        # build makes).
        self.salt = f'{builder_key("contents")}:{COMPRESSION}:{zlib.ZLIB_RUNTIME_VERSION}:'.encode()
        self.written = 0

    def compress(self, page, after: bytes | None = None,  # type: ignore[no-untyped-def]
                 end: int | None = None) -> None:
        """Compress ``page``'s contents, unless they are as its part wrote them, compressed; with what is drawn
        ``after`` them (``draw_over``), in a graphics state of their own; ``end``: where the start of its part's
        compression ends, if its part compressed it for this (``layout/page_contents.py``)."""
        import pikepdf

        contents = page.obj.get('/Contents')
        if not isinstance(contents, pikepdf.Stream) or ('/Filter' in contents and after is None):
            return
        if end is not None and after is not None:
            packed = drawn_over(contents.read_raw_bytes(), end, after)
        elif after is None:
            data = contents.read_bytes()
            packed = self.kept_or_made(b'whole:' + data, functools.partial(zlib.compress, data, COMPRESSION))
        else:
            # The page's drawing in a graphics state of its own (WeasyPrint leaves its page transformation set)
            drawing = OPENING + contents.read_bytes()
            key = b'opened:' + (contents.read_raw_bytes() if '/Filter' in contents else drawing)
            packed = joined_deflate(self.kept_or_made(key, lambda: flushed(drawing)), drawing, CLOSING + after)
        contents.write(packed, filter=pikepdf.Name.FlateDecode)
        self.written += 1

    def kept_or_made(self, key: bytes, make: Callable[[], bytes]) -> bytes:
        if self.kept is None:
            return make()
        return kept_bytes(self.kept, f'{hashlib.sha256(self.salt + key).hexdigest()}.deflate', None, make)

    def compress_rest(self, book) -> None:  # type: ignore[no-untyped-def]
        """Compress what else is left uncompressed (a blank page's contents), and forget the pages kept longest."""
        for page in book.pages:
            self.compress(page)
        if self.kept is not None and self.written:
            keep_recent(self.kept, '*.deflate', CONTENTS_KEPT * self.written)


class Navigation:
    """The book's named destinations and outline: the parts', in order, leading to their pages in ``book``,
    gathered as each part is joined (:meth:`add`), written once all are (:meth:`finish`)."""

    def __init__(self, book) -> None:  # type: ignore[no-untyped-def]
        import pikepdf

        self.book = book
        self.named: list[tuple[str, object]] = []
        self.root = book.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
        self.tops: list[object] = []

    def add(self, source, offset: int) -> None:  # type: ignore[no-untyped-def]
        """The destinations and outline items of ``source``, whose pages are the book's from ``offset`` on."""
        import pikepdf

        pages = {page.objgen: self.book.pages[offset + index].obj for index, page in enumerate(source.pages)}

        def moved(destination):  # type: ignore[no-untyped-def]
            return pikepdf.Array([pages[destination[0].objgen], *list(destination)[1:]])

        def outline_item(item, parent):  # type: ignore[no-untyped-def]
            new = self.book.make_indirect(pikepdf.Dictionary(Title=item.Title, Parent=parent))
            for key in ('/Count', '/C', '/F'):
                if key in item:
                    new[key] = item[key]
            if '/Dest' in item:
                new.Dest = moved(item.Dest) if isinstance(item.Dest, pikepdf.Array) else item.Dest
            linked(new, [outline_item(child, new) for child in outline_items(item)])
            return new

        if '/Names' in source.Root and '/Dests' in source.Root.Names:
            self.named.extend((name, moved(d)) for name, d in pikepdf.NameTree(source.Root.Names.Dests).items())
        self.tops.extend(outline_item(item, self.root) for item in outline_items(source.Root.get('/Outlines')))

    def finish(self) -> None:
        import pikepdf

        book = self.book
        if self.named:
            if '/Names' not in book.Root:
                book.Root.Names = pikepdf.Dictionary()
            # One sorted list of names, as WeasyPrint writes a whole book's
            book.Root.Names.Dests = pikepdf.Dictionary(Names=[
                item for pair in sorted(self.named, key=lambda n: n[0]) for item in pair])
        if not self.tops:
            return
        linked(self.root, self.tops)
        # The items shown, open ones' too
        self.root.Count = sum(1 + max(0, int(item.get('/Count', 0))) for item in self.tops)
        book.Root.Outlines = self.root


def held_in_memory(pages) -> None:  # type: ignore[no-untyped-def]
    """Read into memory, as they are (compressed), the streams that ``pages`` draw with (contents, fonts, images),
    so that the document they were copied from can be closed before the book is written: qpdf reads a copied
    stream from its document's file only as it writes."""
    import pikepdf

    seen = set()
    todo = [page.obj for page in pages]
    while todo:
        value = todo.pop()
        if not isinstance(value, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)):
            continue  # a number, name or string
        if value.is_indirect:
            if value.objgen in seen:
                continue
            seen.add(value.objgen)
        if isinstance(value, pikepdf.Stream):
            value.write(value.read_raw_bytes(), filter=value.get('/Filter'), decode_parms=value.get('/DecodeParms'))
        if isinstance(value, (pikepdf.Dictionary, pikepdf.Stream)):
            for key, item in value.items():
                if key == '/Annots':  # a link draws nothing, and a page has hundreds (18,800 in 824 pages)
                    todo.extend(annotation for annotation in item if annotation.get('/Subtype') != '/Link')
                elif key != '/Parent':  # not up to the page tree
                    todo.append(item)
        elif isinstance(value, pikepdf.Array):
            todo.extend(value)


def unlinked(page, target: str) -> None:  # type: ignore[no-untyped-def]
    """Leave out of ``page`` its links to ``target``."""
    import pikepdf

    kept = [a for a in page.obj.get('/Annots', ()) if str(a.get('/Dest', '')) != target]
    if kept:
        page.obj.Annots = pikepdf.Array(kept)
    elif '/Annots' in page.obj:
        del page.obj.Annots


def outline_items(parent):  # type: ignore[no-untyped-def]
    """The items under an outline item (or the outline), in order."""
    item = parent.get('/First') if parent is not None else None
    while item is not None:
        yield item
        item = item.get('/Next')


def linked(parent, children) -> None:  # type: ignore[no-untyped-def]
    """``children`` as the items under ``parent``, in order."""
    if not children:
        return
    parent.First, parent.Last = children[0], children[-1]
    for before, after in zip(children, children[1:]):
        before.Next, after.Prev = after, before


def draw_over(book, page, drawn, over) -> bytes | None:  # type: ignore[no-untyped-def]
    """Draw the page ``over`` of ``drawn`` (a folio, from WeasyPrint) after what ``page`` of ``book`` draws: add
    the resources it names to the page's and return its drawing, which ``ContentsCompressor.compress`` adds to the
    page's stream; or draw it as a form (then return ``None``).

    WeasyPrint names its resources by what they are (a font by its file, an opacity by its value), so the folio's
    content is added as it is, with the resources it names that the page lacks; a name the page gives to
    something else (checked: a font's name, an opacity's value) falls back to drawing the folio as a form. A
    font the page has too is listed under another name as well, so that ``share_fonts`` merges the folio's
    glyphs into the page's.
    """
    import pikepdf

    resources = page.obj.Resources
    theirs = over.obj.Resources
    added: dict[tuple[str, str], object] = {}
    for category in sorted(theirs.keys()):  # sets (pikepdf): sorted, or copied in an order each process draws
        if not isinstance(theirs[category], pikepdf.Dictionary):
            continue  # /ProcSet: a list of names, obsolete since PDF 1.4
        ours = resources.get(category, pikepdf.Dictionary())
        for name in sorted(theirs[category].keys()):
            value = theirs[category][name]
            if name not in ours:
                added[category, name] = value
            elif not _same_resource(ours[name], value):
                page.add_overlay(foreign_copy(book, drawn, over.as_form_xobject()))
                return None
            elif category == '/Font':  # the page's font draws the folio: listed too, it merges the folio's glyphs
                added[category, f'{name}.folio'] = value
    for (category, name), value in added.items():
        if category not in resources:
            resources[category] = pikepdf.Dictionary()
        resources[category][name] = foreign_copy(book, drawn, value)
    page.contents_coalesce()
    return over.obj.Contents.read_bytes()


def foreign_copy(book, source, value):  # type: ignore[no-untyped-def]
    """``value`` of ``source`` copied into ``book``, with the objects it refers to."""
    return book.copy_foreign(value if value.is_indirect else source.make_indirect(value))


def _same_resource(ours, theirs) -> bool:  # type: ignore[no-untyped-def]
    """Whether two resources of one name draw alike: fonts of one font file (merged later, ``share_fonts``),
    graphics states and colour spaces with the same entries (an opacity)."""
    import pikepdf

    fonts = [r for r in (ours, theirs) if isinstance(r, pikepdf.Dictionary) and r.get('/Type') == '/Font']
    if fonts:
        return len(fonts) == 2 and str(ours.get('/BaseFont', '')).split('+')[-1] == str(
            theirs.get('/BaseFont', '')).split('+')[-1]
    if isinstance(ours, pikepdf.Stream) or isinstance(theirs, pikepdf.Stream) or ours.is_indirect or theirs.is_indirect:
        return False
    return ours.unparse() == theirs.unparse()
