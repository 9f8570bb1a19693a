"""The PDF writer: the laid-out book as a PDF file, written by WeasyPrint or joined from the parts' PDFs.

A book laid out as one document is written by WeasyPrint; one laid out in parts
(``layout/parts.py``) is joined with pypdf, which keeps each part's outline,
links and named destinations; links into another part become link annotations
to the named destination, and each font is embedded once (``layout/shared_fonts.py``). qpdf (pikepdf) then
writes the joined file with its objects in compressed object streams, as WeasyPrint writes a whole book's.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from pathlib import Path

from ..dates import build_timestamp
from ..diagnostics import Diagnostics
from ..layout import LaidOut
from ..options import Build
from ..layout.document import LaidOutDocument
from ..layout.font_subsets import dated_subsets
from ..layout.identity import pdf_identifier
from ..layout.parts import LaidOutParts
from ..layout.shared_fonts import share_fonts
from ..layout.weasyprint_log import weasyprint_diagnostics
from ..model import RenderedBook
from ..workers import process_pool
from .booklet import impose_booklet

# book.yaml's ``pdf-standard`` -> WeasyPrint's PDF variant. PDF/UA-1 tags the PDF (a structure tree
# with headings, lists, tables, figures and their alt text) and names its language.
PDF_VARIANTS = {'ua-1': 'pdf/ua-1'}


def write(laid_out: LaidOut, path: Path, build: Build, stack: contextlib.ExitStack) -> Callable[[], None]:
    """The registered writer: the PDF, imposed as a booklet when a handout is asked for as one."""
    written = write_pdf(laid_out, path, build.diagnostics, stack)
    rendered = laid_out.rendered
    if (build.options.booklet or rendered.config.handouts.booklet) and rendered.selected.is_handout:
        written()
        impose_booklet(path)
        return lambda: None
    return written


def write_pdf(laid_out: LaidOut, path: Path, diagnostics: Diagnostics,
              stack: contextlib.ExitStack) -> Callable[[], None]:
    """Write the PDF; return a function that waits until it is written.

    Parts are joined in another process, so that the EPUB can be written meanwhile.
    """
    assert laid_out.layout is not None  # the PDF needs the layout
    if isinstance(laid_out.layout, LaidOutDocument):
        write_document(laid_out.layout, laid_out.rendered, path, diagnostics)
        return lambda: None
    joiner = stack.enter_context(process_pool(1))
    joined = joiner.submit(join_parts, laid_out.layout, path)

    def written() -> None:
        for target in joined.result():
            diagnostics.warning('pdf-style', f'No anchor #{target} for internal URI reference')

    return written


def write_document(laid_out: LaidOutDocument, rendered: RenderedBook, path: Path, diagnostics: Diagnostics) -> None:
    with weasyprint_diagnostics(diagnostics):
        laid_out.document.write_pdf(path, pdf_identifier=pdf_identifier(rendered.config),
                                    pdf_variant=PDF_VARIANTS.get(rendered.config.pdf_standard or ''),
                                    custom_metadata=True,  # <meta name="Rights">: the rights statement
                                    finisher=dated_subsets(build_timestamp(rendered.config)))


def draw_over(writer, page, over) -> None:  # type: ignore[no-untyped-def]
    """Draw the page ``over`` (a folio, from WeasyPrint) after what ``page`` draws.

    pypdf's ``merge_page`` reads the page's whole content stream into operators: at 800 pages the joiner took
    85 MiB more. WeasyPrint names its resources by what they are (a font by its file, an opacity by its value),
    so the folio's content is added as it is, with the resources it names that the page lacks; a name the page
    gives to something else (checked: a font's name, an opacity's value) falls back to ``merge_page``. A font
    the page has too is listed under another name as well, so that ``share_fonts`` merges the folio's glyphs
    into the page's.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    resources = page['/Resources']
    theirs = over['/Resources']
    added: dict[tuple[str, str], object] = {}
    for category in theirs:
        if not isinstance(theirs[category], DictionaryObject):
            continue  # /ProcSet: a list of names, obsolete since PDF 1.4
        ours = resources.get(category, DictionaryObject())
        for name, value in theirs[category].items():
            if name not in ours:
                added[category, name] = value
            elif not _same_resource(ours[name].get_object(), value.get_object()):
                page.merge_page(over)
                return
            elif category == '/Font':  # the page's font draws the folio: listed too, it merges the folio's glyphs
                added[category, f'{name}.folio'] = value
    for (category, name), value in added.items():
        if category not in resources:
            resources[NameObject(category)] = DictionaryObject()
        resources[category].get_object()[NameObject(name)] = value.clone(writer)
    # The page's drawing in a graphics state of its own (WeasyPrint leaves its page transformation set), then
    # the folio's; the page's streams are not read (decoded, 800 pages took 80 MiB). The two new streams are
    # copies of the folio's, the only way pypdf's public API adds a stream to a file.
    folio = over['/Contents'].get_object()
    opening, closing = (folio.clone(writer, force_duplicate=True) for _ in range(2))
    opening.set_data(b'q\n')
    closing.set_data(b'\nQ\n' + folio.get_data())
    contents = page.raw_get('/Contents')
    listed = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
    page[NameObject('/Contents')] = ArrayObject([opening.indirect_reference, *listed, closing.indirect_reference])


def _same_resource(ours, theirs) -> bool:  # type: ignore[no-untyped-def]
    """Whether two resources of one name draw alike: fonts of one font file (merged later, ``share_fonts``),
    graphics states with the same entries (an opacity)."""
    from pypdf.generic import DictionaryObject, StreamObject

    if not isinstance(ours, DictionaryObject) or not isinstance(theirs, DictionaryObject):
        return ours == theirs  # a colour space: [/Pattern /DeviceRGB]
    if ours.get('/Type') == '/Font' or theirs.get('/Type') == '/Font':
        return str(ours.get('/BaseFont', '')).split('+')[-1] == str(theirs.get('/BaseFont', '')).split('+')[-1]
    return not isinstance(ours, StreamObject) and not isinstance(theirs, StreamObject) and dict(ours) == dict(theirs)


def join_parts(laid_out: LaidOutParts, path: Path) -> list[str]:
    """Join the parts' PDFs into ``path``; return the targets of links that lead nowhere."""
    import pikepdf
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject, TextStringObject

    parts, starts = laid_out.parts, laid_out.starts
    anchors = laid_out.page_map()
    # Cloning the first part keeps its catalogue (language, names), metadata and file identifier.
    writer = PdfWriter(clone_from=parts[0].pdf)
    first_index = [0]
    for previous, part, start in zip(parts, parts[1:], starts[1:]):
        if start > len(writer.pages) + 1:
            writer.add_blank_page(*part.size)
        first_index.append(len(writer.pages))
        writer.append(part.pdf, import_outline=True)
    # Folios drawn apart from the parts, over the pages that carry one
    carry = {offset + index for part, offset in zip(parts, first_index) for index in part.folios}
    for folios in laid_out.folios:
        for index, page in enumerate(PdfReader(io.BytesIO(folios.pdf())).pages, start=folios.first - 1):
            if index in carry:
                draw_over(writer, writer.pages[index], page)
    missing = []
    for part, offset in zip(parts, first_index):
        for index, rect, target in part.links:
            if target not in anchors:
                missing.append(target)
                continue
            writer.add_annotation(offset + index, DictionaryObject({
                NameObject('/Type'): NameObject('/Annot'),
                NameObject('/Subtype'): NameObject('/Link'),
                NameObject('/Rect'): ArrayObject(FloatObject(round(v, 6)) for v in rect),
                NameObject('/Border'): ArrayObject([NumberObject(0)] * 3),
                NameObject('/Dest'): TextStringObject(target),
            }))
    share_fonts(writer)
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)  # the parts' own subsets
    joined = io.BytesIO()
    writer.write(joined)
    with pikepdf.open(joined) as pdf:
        for page in pdf.pages:  # a folio drawn apart: one content stream, compressed with the page's (150 bytes less)
            if isinstance(page.obj.get('/Contents'), pikepdf.Array):
                page.contents_coalesce()
        # pypdf writes each object on its own, uncompressed: at 200 pages the page, link and destination
        # dictionaries were half the file. qpdf packs them into compressed object streams, as WeasyPrint does;
        # the identifier's second half, which says which version of the file this is, is then its content's hash.
        pdf.save(path, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True,
                 deterministic_id=True)
    return missing
