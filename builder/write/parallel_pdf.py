"""Lay the PDF out in parts, several at a time, and join them into one book.

WeasyPrint lays one document out on one core (about 22 A4 pages a second) and
holds all of it in memory (about 0.6 MiB a page). Cut between chapters, the
book becomes parts that a pool of processes lays out side by side, each
process holding one part, and that a rebuild takes from the cache
(``cache.PartStore``) when what decides their layout did not change.

What a part cannot know by itself comes from a page map of the whole book:

* its first page number, set by ``@page :first { counter-reset: page N }``.
  Chapters open on right-hand pages, so every part after the front matter
  starts on an odd page, and the blank left-hand page before it, if any, is
  added when the parts are joined (``:blank`` pages print nothing);
* the page of every place it links to where a number is printed, which the
  whole book prints from the page map too (``page_references.py``).

The page map is the previous build's, or on a first build one read off a first
layout; as ``paginate`` does for the whole book, parts are laid out again until
the page map they print is the one they produce.

Joining with pypdf keeps each part's outline, links and named destinations;
links into another part become link annotations to the named destination.
Each font is embedded once (``shared_fonts.py``).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass, replace
from pathlib import Path

from ..cache import PartResult, PartStore
from ..diagnostics import Diagnostics
from ..fetcher import BOOK_URL
from ..model import PageMap, RenderedBook, ResolvedBook
from ..page_estimate import EstimatedPageMap
from ..render import render
from ..workers import process_pool
from .dates import build_timestamp
from .font_subsets import dated_subsets
from .page_references import all_page_references_rewritten, page_numbers_from_attribute
from .pdf import UNREPORTED_NOTICES, generated_files, layout_message, pdf_identifier, print_html
from .shared_fonts import share_fonts

PART_BYTES = 300_000  # chapter XHTML per part: about 60 A4 pages of prose, about 210 MiB in WeasyPrint
WORTH_BYTES = 400_000  # about 100 pages: below, starting processes costs more than laying out in parts saves
MAX_PASSES = 4
PX = 0.75  # CSS px -> PDF pt
# Every part links to places in the others; joining the parts resolves those links.
CROSS_PART_NOTICE = 'No anchor #'


def can_lay_out_in_parts(rendered: RenderedBook) -> bool:
    """Parts need two chapters, no PDF standard, and stylesheets whose page references can read ``data-page``."""
    if sum(d.kind == 'chapter' for d in rendered.documents) < 2:
        return False
    if rendered.config.pdf_standard:  # a tagged PDF's structure tree does not survive joining with pypdf
        return False
    return all_page_references_rewritten(rendered.config.root)


def worth_laying_out_in_parts(rendered: RenderedBook) -> bool:
    """Below about one part's worth of pages, starting processes costs more than it saves."""
    return sum(len(d.body) for d in rendered.documents if d.kind == 'chapter') >= WORTH_BYTES


@dataclass(frozen=True)
class LaidOutParts:
    parts: tuple[PartResult, ...]
    starts: tuple[int, ...]  # the printed number of each part's first page

    def page_map(self) -> PageMap:
        pages: dict[str, int] = {}
        for part, start in zip(self.parts, self.starts):
            for anchor, page in part.anchors.items():
                pages.setdefault(anchor, start + page - 1)
        return PageMap(pages)


def lay_out_in_parts(resolved: ResolvedBook, diagnostics: Diagnostics, jobs: int, store: PartStore,
                     guess: PageMap) -> tuple[RenderedBook, LaidOutParts] | None:
    """Lay the book out in parts until its page numbers are stable; None (with diagnostics) on errors."""
    pages = guess
    rendered = render(resolved, pages)
    plan = plan_parts(rendered, jobs)
    identifier = pdf_identifier(rendered.config)
    done: list[PartResult | None] = [None] * len(plan)
    # A fresh process for each part (forked from the server, so cheap): Python keeps the memory
    # of a part laid out before, and a worker's peak would be its two largest parts, not one.
    with process_pool(jobs, max_tasks_per_child=1) as pool:
        for _ in range(MAX_PASSES):
            # From estimated pages, the first pass only counts pages: nothing it would write is final.
            write = not isinstance(pages, EstimatedPageMap)
            starts = [1 if i == 0 else pages.get(rendered.documents[part[0]].id, 1) for i, part in enumerate(plan)]
            htmls = [part_html(rendered, part, start) for part, start in zip(plan, starts)]
            futures = {}
            for i, html in enumerate(htmls):
                key = store.key(html)
                previous = done[i]
                if previous and previous.key == key and (previous.pdf or not write):
                    continue
                done[i] = store.get(key)
                if done[i] is None:
                    futures[i] = pool.submit(lay_out_part, key, html, rendered.config.root, generated_files(rendered),
                                             store.pdf_path(key) if write else None, identifier,
                                             build_timestamp(rendered.config))
            for i, future in futures.items():
                done[i] = future.result()
                if write:
                    store.put(done[i])
            results = tuple(r for r in done if r is not None)
            if any(level >= logging.ERROR for r in results for level, _ in r.messages):
                _report(results, diagnostics)
                return None
            laid_out = LaidOutParts(results, joined_starts(results, rendered.config.sides != 'simplex'))
            new_pages = laid_out.page_map()
            again = render(resolved, new_pages)
            stable = all(r.pdf and r.key == store.key(part_html(again, part, start))
                         for r, part, start in zip(results, plan, laid_out.starts))
            if stable:
                _report(results, diagnostics)
                return again, laid_out
            rendered, pages = again, new_pages
    diagnostics.error('pagination-unstable', f'the page numbers of the parts still moved after {MAX_PASSES} '
                      'layouts; build with --jobs 1')
    return None


def plan_parts(rendered: RenderedBook, jobs: int) -> list[tuple[int, ...]]:
    """Document indices of each part: the front matter, runs of whole chapters, each back-matter document.

    The front and back matter print the pages of everything else (contents,
    glossary, "cited on"): parts of their own, they are the only ones laid out
    again when an edit moves those pages. Their lists of page links make many
    boxes for few pages, so each back-matter document is a part by itself
    (at 800 pages, the three together took 260 MiB in WeasyPrint).
    """
    documents = rendered.documents
    chapters = [i for i, d in enumerate(documents) if d.kind == 'chapter']
    size = sum(len(documents[i].body) for i in chapters)
    count = max(jobs, math.ceil(size / PART_BYTES))
    # Whole chapters per part, not bytes: an edit that grows a chapter moves no boundary, so the other parts stay cached.
    per_part = math.ceil(len(chapters) / count)
    firsts = chapters[::per_part]
    parts = [tuple(range(firsts[0]))] if firsts[0] else []
    for first, following in zip(firsts, [*firsts[1:], chapters[-1] + 1]):
        parts.append(tuple(range(first, following)))
    parts.extend((i,) for i in range(chapters[-1] + 1, len(documents)))
    return parts


def joined_starts(parts: tuple[PartResult, ...], duplex: bool) -> tuple[int, ...]:
    """The first page of each part in the book: after the part before it, printed two-sided on a right-hand page."""
    starts = [1]
    for part in parts[:-1]:
        following = starts[-1] + part.pages
        starts.append(following + (duplex and following % 2 == 0))
    return tuple(starts)


def part_html(rendered: RenderedBook, part: tuple[int, ...], start: int) -> str:
    """The print document of one part, numbering its pages from ``start`` (as a handout's are numbered)."""
    return print_html(replace(rendered, documents=tuple(rendered.documents[i] for i in part),
                              selection=replace(rendered.selected, first_page=start)))


def lay_out_part(key: str, html: str, root: Path, generated: dict[str, tuple[str, bytes]], pdf: Path | None,
                 identifier: bytes, moment: dt.datetime) -> PartResult:
    """In a worker process: lay one part out, note its pages, anchors and outgoing links, write its PDF."""
    from weasyprint import HTML

    from ..fetcher import BookFetcher

    messages: list[tuple[int, str]] = []
    handler = _Collect(messages)
    logger = logging.getLogger('weasyprint')
    logger.addHandler(handler)
    logger.propagate = False
    try:
        document = HTML(string=html, base_url=BOOK_URL,
                        url_fetcher=BookFetcher(root, generated, page_numbers_from_attribute)).render()
        anchors: dict[str, int] = {}
        for number, page in enumerate(document.pages, start=1):
            for anchor in page.anchors:
                anchors.setdefault(anchor, number)
        links = []
        for index, page in enumerate(document.pages):
            for kind, target, (x1, y1, x2, y2), _box in page.links:
                if kind == 'internal' and target not in anchors:
                    links.append((index, (x1 * PX, (page.height - y2) * PX, x2 * PX, (page.height - y1) * PX), target))
        if pdf is not None:
            document.write_pdf(pdf, pdf_identifier=identifier, finisher=dated_subsets(moment))
    finally:
        logger.removeHandler(handler)
    first = document.pages[0]
    return PartResult(key, len(document.pages), anchors, links, (first.width * PX, first.height * PX),
                      str(pdf) if pdf else None, messages)


def join_parts(laid_out: LaidOutParts, path: Path) -> list[str]:
    """Join the parts' PDFs into ``path``; return the targets of links that lead nowhere."""
    from pypdf import PdfWriter
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
    with path.open('wb') as f:
        writer.write(f)
    return missing


def _report(parts: tuple[PartResult, ...], diagnostics: Diagnostics) -> None:
    """Every part parses the same stylesheets: report each message once."""
    for level, message in dict.fromkeys(m for part in parts for m in part.messages):
        if level >= logging.ERROR:
            diagnostics.error('pdf', message)
        else:
            diagnostics.warning('pdf-style', message)


class _Collect(logging.Handler):
    def __init__(self, messages: list[tuple[int, str]]) -> None:
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        message = layout_message(record)
        if not message.startswith((*UNREPORTED_NOTICES, CROSS_PART_NOTICE)):
            self.messages.append((record.levelno, message))
